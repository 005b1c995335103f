"""The runtime the platform imports: roles, listing, change review, URL signing, registration files.

``from runtime import Runtime`` is the entry point. It is imported on first use, so importing a
light submodule (``runtime.manifest.structs``) does not pay for pydantic and the spec model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from runtime.facade import Runtime

__all__ = ["Runtime"]


def __getattr__(name: str) -> object:
    if name == "Runtime":
        from runtime.facade import Runtime

        return Runtime
    raise AttributeError(f"module 'runtime' has no attribute {name!r}")

"""Rename a rendered document's keys (a cloud API's spelling) into Pulumi argument names.

A key the mapping does not know is an error, not something to drop: if the renderer starts saying
more, the component must learn to pass it on, or `pulumi up` would silently apply less than drift
detection expects.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def rename(document: Mapping[str, Any], names: Mapping[str, str], what: str) -> dict[str, Any]:
    """``document`` with each key replaced by ``names[key]``; KeyError names an unmapped key."""
    unknown = sorted(set(document) - set(names))
    if unknown:
        raise KeyError(f"{what}: no Pulumi argument for rendered key(s) {', '.join(unknown)}")
    return {names[key]: value for key, value in document.items()}

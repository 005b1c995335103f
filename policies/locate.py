"""From a finding's spec path to the YAML line a person edits to fix it."""

from __future__ import annotations

from tether.problems import Location, Path
from tether.spec.source import SourceMap

_INHERITED = {("cors", "origins"): ("platform", "origins")}
"""Integration fields that default to a platform field: a value nobody wrote under the integration
is found where it was written."""


def yaml_path(source: SourceMap, path: Path) -> Path:
    """``path``, or the platform field it was inherited from when the integration does not set it."""
    if len(path) == 5 and path[0] == "integrations":
        origin = _INHERITED.get((str(path[2]), str(path[3])))
        if origin is not None and path[:4] not in source.values:
            return (*origin, path[4])
    return path


def locate(source: SourceMap, path: Path) -> Location:
    """The file:line:column of ``path`` (or of its nearest ancestor written in the file)."""
    return source.locate(yaml_path(source, path))

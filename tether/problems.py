"""One finding about one place in one file: the shape every error and finding is reported in."""

from __future__ import annotations

from dataclasses import dataclass

Path = tuple[str | int, ...]


def dotted(path: Path) -> str:
    """``integrations[0].cors.origins[1]``: the field path as a person reads it."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "(document)"


@dataclass(frozen=True)
class Location:
    """A 1-based line and column in a named file."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Problem:
    """Something wrong at a place, said in one line a person can act on."""

    location: Location
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.field}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        """The JSON shape of a problem (stable for machines)."""
        return {
            "file": self.location.file,
            "line": self.location.line,
            "column": self.location.column,
            "field": self.field,
            "message": self.message,
        }

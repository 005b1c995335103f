"""Shared output helpers: JSON on stdout, Markdown tables, the --output option, progress on stderr."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any


def add_output(parser: argparse.ArgumentParser, choices: Sequence[str], default: str | None = None) -> None:
    """The one ``--output`` option every command spells the same way."""
    parser.add_argument(
        "--output",
        "-o",
        choices=list(choices),
        default=default or choices[0],
        help=f"output format (default: {default or choices[0]})",
    )


def print_json(document: Any) -> None:
    """Stable, indented JSON on stdout: sorted keys so diffs of reports stay small."""
    text = json.dumps(document, indent=2, sort_keys=True, default=str)  # whole or absent: nothing on a failure
    sys.stdout.write(text + "\n")


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A GitHub-flavoured Markdown table; pipes in cells are escaped."""

    def cell(value: object) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def text_table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A plain aligned table for terminals and CI logs."""
    body = [[str(v) for v in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in body)]) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() for row in body]
    return "\n".join(lines)


class Progress:
    """A one-line progress display on stderr, shown only when stderr is a terminal."""

    def __init__(self, what: str, total: int, unit: Callable[[int], str]) -> None:
        self.what = what
        self.total = max(total, 1)
        self.unit = unit
        self.shown = False
        self._last = 0.0
        self._on = sys.stderr.isatty()

    def __call__(self, done: int) -> None:
        """Show ``done`` out of the total, at most five times a second."""
        now = time.monotonic()
        if self._on and now - self._last >= 0.2:
            self._last = now
            self.shown = True
            percent = 100 * done // self.total
            sys.stderr.write(f"\r{self.what}: {percent}% ({self.unit(done)} of {self.unit(self.total)})")
            sys.stderr.flush()

    def close(self) -> None:
        """Clear the line, so what follows starts clean."""
        if self.shown:
            self.shown = False
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()

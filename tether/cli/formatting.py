"""Shared output helpers: JSON on stdout, Markdown tables, and the --output option."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
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
    json.dump(document, sys.stdout, indent=2, sort_keys=True, default=str)
    sys.stdout.write("\n")


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

"""Registration files written streamed, one item at a time, split at a maximum number of items per file.

Items arrive grouped by list (``videos``, ``images``...), so a file is a JSON object whose lists are
opened and closed as the group changes; nothing but the current item is held in memory. Files are named
``register-00001.json`` and up, written under a temporary name and renamed when complete.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import IO

DEFAULT_MAX_ITEMS = 1_000_000
"""The platform's limit per registration file."""


def write_files(folder: Path, items: Iterable[tuple[str, str]], max_items: int) -> list[Path]:
    """Write ``(list, item JSON)`` pairs into as many files as ``max_items`` needs; the paths written."""
    written: list[Path] = []
    out: IO[str] | None = None
    current_list: str | None = None
    count = 0
    for list_key, item in items:
        if out is None or count == max_items:
            if out is not None:
                written.append(_close(out, folder, len(written) + 1))
            out = open(folder / f".register-{len(written) + 1:05d}.json.part", "w", encoding="utf-8")  # noqa: SIM115
            out.write("{")
            current_list, count = None, 0
        if list_key != current_list:
            out.write(("]," if current_list is not None else "") + f"\n{json.dumps(list_key)}: [\n")
            current_list = list_key
        else:
            out.write(",\n")
        out.write(item)
        count += 1
    if out is not None:
        written.append(_close(out, folder, len(written) + 1))
    return written


def _close(out: IO[str], folder: Path, number: int) -> Path:
    out.write("]\n}\n")
    out.close()
    final = folder / f"register-{number:05d}.json"
    os.replace(out.name, final)
    return final

"""Where a benchmark reports what it measured, so `bench/run` can gather it into one table of targets.

A benchmark run alone prints its own tables and reports nothing; under `bench/run` (which sets
TETHER_BENCH_RATIOS to a file) each ratio is also appended to that file as one JSON line.
"""

from __future__ import annotations

import json
import os

ENV = "TETHER_BENCH_RATIOS"


def report(
    bench: str, measure: str, ratio: float, target: str = "", meets: bool | None = None, unit: str = "x"
) -> None:
    """Record one measured value of the run: a ratio (``unit`` "x") or an amount in ``unit`` (s, MB...);
    ``target`` says what it should be, ``meets`` whether it is (None: information only)."""
    path = os.environ.get(ENV)
    if not path:
        return
    line = {"bench": bench, "measure": measure, "ratio": ratio, "target": target, "meets": meets, "unit": unit}
    with open(path, "a", encoding="utf-8") as out:
        out.write(json.dumps(line) + "\n")

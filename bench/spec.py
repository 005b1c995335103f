"""Bench: `tether validate` + `tether lint` of a 5,000-integration spec, libyaml's composer against PyYAML's.

Each command loads the spec (compose, build with positions, validate the model, check references);
lint then renders and judges every integration. The alternative measured in the same run is the
loader as it was before (PyYAML's pure-Python SafeLoader composing and constructing, then a second
walk for positions, with the cyclic garbage collector running), swapped in for the current one;
everything after loading is the same code.

    .venv/bin/python bench/spec.py
    .venv/bin/python bench/spec.py --integrations 1000 --repeat 3
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any
from unittest import mock

sys.path[0] = str(Path(__file__).resolve().parents[1])

import yaml  # noqa: E402

from bench.components import spec_text  # noqa: E402
from bench.ratios import report  # noqa: E402
from policies.engine import lint  # noqa: E402
from tether.problems import Location, Problem, dotted  # noqa: E402
from tether.spec import loader, parse_spec  # noqa: E402
from tether.spec.source import SourceMap  # noqa: E402

TARGET_RATIO = 6.0
TARGET_SECONDS = 2.0


def previous_load_yaml(text: str, file: str) -> tuple[Any, SourceMap, list[Problem]]:
    """The loader before libyaml (commit a28fd96): Python composer and constructor, then a walk for positions."""
    source = SourceMap(file)
    problems: list[Problem] = []
    pyloader = yaml.SafeLoader(text)
    try:
        node = pyloader.get_single_node()
        data = pyloader.construct_document(node)

        def walk(node: yaml.Node, path: tuple[str | int, ...]) -> None:
            source.values.setdefault(path, (node.start_mark.line, node.start_mark.column))
            if isinstance(node, yaml.MappingNode):
                seen: dict[Any, int] = {}
                for key_node, value_node in node.value:
                    key = pyloader.construct_object(key_node, deep=True)
                    child = (*path, key)
                    if key in seen:
                        mark = key_node.start_mark
                        problems.append(Problem(Location(file, mark.line + 1, mark.column + 1), dotted(child), "dup"))
                        continue
                    seen[key] = key_node.start_mark.line
                    source.keys[child] = (key_node.start_mark.line, key_node.start_mark.column)
                    if not isinstance(value_node, yaml.ScalarNode):
                        source.values[child] = source.keys[child]
                    walk(value_node, child)
            elif isinstance(node, yaml.SequenceNode):
                for index, item in enumerate(node.value):
                    walk(item, (*path, index))

        walk(node, ())
        return data, source, problems
    finally:
        pyloader.dispose()


def validate_and_lint(text: str) -> float:
    """CPU seconds for `validate` (one load) and `lint` (another load, then render and judge).

    CPU time, not wall time: the two cores are shared, and other processes disturb it less.
    """
    start = time.process_time()
    parse_spec(text, "integrations.yaml")
    lint(parse_spec(text, "integrations.yaml"), date(2026, 12, 1))
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--integrations", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    text = spec_text(args.integrations)
    validate_and_lint(spec_text(5))  # imports and first-use costs out of the way
    # Interleaved, as bench/signing.py does: a slower spell of the machine falls on both loaders alike.
    currents, previouses = [], []
    for _ in range(args.repeat):
        currents.append(validate_and_lint(text))
        with (
            mock.patch.object(loader, "load_yaml", previous_load_yaml),
            mock.patch.object(loader, "without_cycle_collection", contextlib.nullcontext),
        ):
            previouses.append(validate_and_lint(text))
    current, previous = statistics.median(currents), statistics.median(previouses)
    ratio = previous / current
    print(f"validate + lint, {args.integrations:,} integrations ({len(text) / 1e6:.1f} MB), median of {args.repeat}")
    print(f"  PyYAML pure-Python loader      {previous:6.2f} s CPU")
    print(f"  libyaml events (current)       {current:6.2f} s CPU   {ratio:.1f}x faster")
    report("spec", f"validate+lint {args.integrations} integrations vs pure-Python loader", ratio,
           f">= {TARGET_RATIO:.0f}x", ratio >= TARGET_RATIO)
    report("spec", f"validate+lint {args.integrations} integrations within {TARGET_SECONDS:.0f} s (ratio: s / target)",
           current / TARGET_SECONDS, "<= 1.0x", current <= TARGET_SECONDS)


if __name__ == "__main__":
    main()

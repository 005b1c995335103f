"""The speed-ups of building the graph under mocks change nothing in the graph and leave nothing behind."""

from __future__ import annotations

import contextlib
import gc
from pathlib import Path

import pulumi.runtime.resource
import pytest

from bench.components import spec_text
from components import graph
from components.program import StackSettings
from tether.errors import InputError
from tether.spec import load_spec, parse_spec

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("stack", ["dev", "prod", "bench"])
def test_graph_is_the_same_with_and_without_the_speed_ups(stack: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if stack == "bench":  # every provider with every option that adds resources
        spec = parse_spec(spec_text(10), "bench.yaml").spec
    else:
        spec = load_spec(str(ROOT / f"stacks/{stack}/integrations.yaml")).spec
    quick = graph.build_graph(spec, stack=stack)
    monkeypatch.setattr(graph, "_quick_mocks", contextlib.nullcontext)
    plain = graph.build_graph(spec, stack=stack)
    assert quick == plain
    assert len(quick) > 10


def test_the_speed_ups_are_undone_after_a_failed_build() -> None:
    thresholds, stack_trace = gc.get_threshold(), pulumi.runtime.resource._get_stack_trace
    spec = parse_spec(spec_text(3), "bench.yaml").spec  # the third is on Azure, which needs a subscription
    with pytest.raises(InputError):
        graph.build_graph(spec, stack_settings=StackSettings())
    assert gc.isenabled() and gc.get_threshold() == thresholds and gc.get_freeze_count() == 0
    assert pulumi.runtime.resource._get_stack_trace is stack_trace

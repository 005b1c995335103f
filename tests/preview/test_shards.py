"""A graph built in worker processes, a slice of the integrations each, is the graph one process builds.

Sharding is forced with a small ``min_slice`` (and, for the CLI, a patched ``build_graphs``) so the specs stay
small and quick; the workers are forked after this process has built graphs of its own, as in a test session.
"""

from __future__ import annotations

import functools
import json
import os
import pickle
import signal
from pathlib import Path
from typing import Any

import pytest

from bench.components import spec_text
from components import shards
from components.graph import PlannedResource, build_graph
from components.program import StackSettings
from runtime.media.probe import FfprobeMissing
from tether import forking
from tether.cli.main import main
from tether.errors import InputError, ReadError, SpecInvalid
from tether.problems import Location, Problem
from tether.spec import parse_spec
from tether.spec.model import Spec

RENAMED = range(5)
"""One integration of each provider (the templates take turns), renamed with its old name in previous_names."""


def mixed_text(count: int) -> str:
    """``spec_text(count)``, the first of each provider renamed: every provider, every option, aliases."""
    text = spec_text(count)
    for n in RENAMED:
        text = text.replace(f"{{name: i{n}, ", f"{{name: r{n}, previous_names: [i{n}], ")
    return text


def mixed(count: int) -> Spec:
    return parse_spec(mixed_text(count), "mixed.yaml").spec


def spy(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The integrations in each slice ``build_graphs`` hands to a worker, from now on (of the first spec)."""
    slices: list[int] = []
    run = shards._run_workers

    def spied(parts: list[list[Spec]], *args: Any) -> list[list[list[PlannedResource]]]:
        slices.extend(len(part[0].integrations) for part in parts)
        return run(parts, *args)

    monkeypatch.setattr(shards, "_run_workers", spied)
    return slices


def test_sharded_graph_is_the_single_process_graph(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    spec = mixed(17)
    single = build_graph(spec, stack="dev")  # first: the workers fork a process that has run Pulumi's loop
    slices = spy(monkeypatch)
    assert shards.build_graphs([spec], stack="dev", workers=3, min_slice=1) == [single]  # every field, in order
    assert slices == [6, 6, 5]
    assert len({r.type for r in single}) > 15 and len(single) > 100
    assert {r.provider for r in single} - {None}  # store providers, passed to their buckets
    renamed = [r for r in single if r.name.startswith("r0")]
    assert renamed and all(r.aliases for r in renamed)  # the component's alias, inherited by its children
    assert capfd.readouterr().err == ""  # nothing from grpc or asyncio about the fork


def test_one_set_of_workers_builds_the_spec_and_its_base(monkeypatch: pytest.MonkeyPatch) -> None:
    head, base = mixed(12), parse_spec(spec_text(9), "base.yaml").spec
    slices = spy(monkeypatch)
    graphs = shards.build_graphs([head, base], stack="prod", workers=2, min_slice=1)
    assert slices == [6, 6]  # slices of the larger spec; each worker also builds its slice of the base
    assert graphs == [build_graph(head, stack="prod"), build_graph(base, stack="prod")]


def test_workers_are_the_cpus_unless_slices_would_be_small(monkeypatch: pytest.MonkeyPatch) -> None:
    workers: list[int] = []
    monkeypatch.setattr(os, "sched_getaffinity", lambda _: {0, 1, 2, 3})
    monkeypatch.setattr(shards, "build_graph", lambda spec, **_: [])  # in this process: nothing to measure
    monkeypatch.setattr(shards, "_run_workers", lambda parts, *_: workers.append(len(parts)) or [[[]] for _ in parts])
    for size in (5, 6, 11, 12, 40):
        assert shards.build_graphs([mixed(size)], min_slice=3) == [[]]
    assert shards.build_graphs([mixed(40)], workers=1, min_slice=3) == [[]]
    assert workers == [2, 3, 4, 4]  # 5 integrations and one CPU: none


def test_off_linux_the_graph_is_built_in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """macOS has no sched_getaffinity nor prctl, and forking after the SDKs are imported is unsafe there."""
    monkeypatch.setattr(forking.sys, "platform", "darwin")
    monkeypatch.delattr(os, "sched_getaffinity")
    monkeypatch.setattr(shards, "build_graph", lambda spec, **_: ["built here"])
    monkeypatch.setattr(shards, "_run_workers", lambda *_: pytest.fail("forked workers off Linux"))
    assert shards.build_graphs([mixed(40)], min_slice=3) == [["built here"]]


def test_a_bad_spec_gives_the_error_one_process_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    """r2 and i7 are both on Azure with no subscription, in different slices: whichever worker failed first
    used to decide which one the error named (CI caught it naming i7)."""
    spec = mixed(8)
    assert {"r2", "i7"} <= {i.name for i in spec.integrations if i.provider == "azure"}
    with pytest.raises(InputError) as single:
        build_graph(spec, stack_settings=StackSettings())
    assert "'r2' is on Azure" in str(single.value)
    monkeypatch.setattr(shards, "_run_workers", lambda *_: pytest.fail("forked workers for a spec that cannot build"))
    for _ in range(3):
        with pytest.raises(InputError) as sharded:
            shards.build_graphs([spec], stack_settings=StackSettings(), workers=2, min_slice=1)
        assert type(sharded.value) is InputError
        assert str(sharded.value) == str(single.value)


def test_a_workers_error_reaches_the_caller_as_it_was(monkeypatch: pytest.MonkeyPatch) -> None:
    def failing(spec: Any, **_: Any) -> Any:
        raise SpecInvalid([Problem(Location("s.yaml", 3, 5), "integrations[0].region", "no such region")])

    monkeypatch.setattr(shards, "build_graph", failing)  # the workers are forked: they build with this
    with pytest.raises(SpecInvalid) as caught:
        shards.build_graphs([mixed(4)], workers=2, min_slice=1)
    assert str(caught.value) == "s.yaml:3:5: integrations[0].region: no such region"


def test_a_killed_worker_is_an_error_not_a_hang(monkeypatch: pytest.MonkeyPatch) -> None:
    def killed(*_: Any, **__: Any) -> Any:
        os.kill(os.getpid(), signal.SIGKILL)

    monkeypatch.setattr(shards, "build_graph", killed)  # the workers are forked: they build with this
    with pytest.raises(ReadError, match=r"^a preview worker \(pid \d+\) was killed by SIGKILL before sending"):
        shards.build_graphs([mixed(4)], workers=2, min_slice=1)


@pytest.mark.parametrize(
    "error",
    [
        InputError("bad"),
        SpecInvalid([Problem(Location("s.yaml", 3, 5), "integrations[0].region", "no such region")]),
        FfprobeMissing(),  # takes no arguments
    ],
)
def test_errors_unpickle_as_they_were(error: Exception) -> None:
    again = pickle.loads(pickle.dumps(error))
    assert (type(again), str(again), again.__dict__) == (type(error), str(error), error.__dict__)


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = main(["preview", *argv, "--output", "json"])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    return out


def test_cli_json_is_the_same_sharded(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    head, base = tmp_path / "head.yaml", tmp_path / "base.yaml"
    head.write_text(mixed_text(11))
    base.write_text(spec_text(10))
    single = _cli(capsys, str(head)), _cli(capsys, str(head), "--base", str(base))
    slices = spy(monkeypatch)
    monkeypatch.setattr(shards, "build_graphs", functools.partial(shards.build_graphs, workers=2, min_slice=1))
    assert (_cli(capsys, str(head)), _cli(capsys, str(head), "--base", str(base))) == single
    assert slices == [6, 5, 6, 5]
    document = json.loads(single[1])
    assert document["summary"]["added"] > 0 and document["summary"]["changed"] > 0

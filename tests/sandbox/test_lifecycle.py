"""`down` stops exactly what `up` started and removes its files; a dead server is noticed and restarted; `down`
and `status` with nothing up say so."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from .conftest import is_running, load_state, processes_logging_to, sandbox, up_json, write_spec


def test_a_dead_server_is_restarted_and_down_stops_everything(
    tmp_path: Path, state_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = write_spec(tmp_path)
    first = up_json(capsys, spec, state_dir)
    assert first["status"] == "started" and first["started"] == ["seaweedfs", "azurite", "moto"]
    pids = {name: s.pid for name, s in load_state(state_dir).services.items()}

    os.killpg(pids["moto"], signal.SIGKILL)  # the state now says moto is up, but it is not
    os.waitpid(pids["moto"], 0)  # reap it: this test process is its parent
    second = up_json(capsys, spec, state_dir)
    assert (second["started"], second["reused"]) == (["moto"], ["seaweedfs", "azurite"])
    after = {name: s.pid for name, s in load_state(state_dir).services.items()}
    assert after["moto"] != pids["moto"] and {**after, "moto": 0} == {**pids, "moto": 0}
    assert sorted(processes_logging_to(state_dir)) == sorted(after.values())

    code, out, _ = sandbox(capsys, "down", "--state-dir", str(state_dir))
    assert code == 0
    assert out.splitlines() == [
        f"sandbox: SeaweedFS (pid {after['seaweedfs']}) stopped",
        f"sandbox: Azurite (pid {after['azurite']}) stopped",
        f"sandbox: moto (pid {after['moto']}) stopped",
        f"sandbox: removed the state, env file and records in {state_dir}",
    ]
    assert not any(is_running(pid) for pid in after.values())
    assert not state_dir.exists()


def test_down_with_nothing_up(state_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert sandbox(capsys, "down", "--state-dir", str(state_dir)) == (0, "sandbox: no sandbox is running\n", "")


def test_status_with_nothing_up_exits_1(state_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert sandbox(capsys, "status", "--state-dir", str(state_dir)) == (1, "sandbox: no sandbox is running\n", "")


def test_down_leaves_a_pid_that_is_no_longer_ours_alone(
    tmp_path: Path, state_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A recorded pid now used by another program (here: this test process) is never signalled."""
    from tether.sandbox import state

    recorded = state.Service("moto", os.getpid(), "not-our-token", "moto.log", str(tmp_path / "moto"), "x", {})
    state.save(state_dir, state.State(write_spec(tmp_path), "auto", {"moto": recorded}))
    code, out, _ = sandbox(capsys, "down", "--state-dir", str(state_dir))
    assert code == 0
    assert out.splitlines()[0] == f"sandbox: moto (pid {os.getpid()}) was not running"
    assert not (state_dir / "sandbox.json").exists()


def test_a_damaged_state_file_is_one_line_and_exit_3(state_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    state_dir.mkdir()
    (state_dir / "sandbox.json").write_text("{not json")
    code, out, err = sandbox(capsys, "down", "--state-dir", str(state_dir))
    assert (code, out) == (3, "")
    assert err.startswith(f"tether: error: {state_dir}/sandbox.json: cannot read the sandbox state (")
    assert err.endswith("stop its servers by hand and delete it\n")
    (state_dir / "sandbox.json").unlink()

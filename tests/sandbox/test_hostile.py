"""The sandbox under careless use: relative state directories, edited state files, two `up` at once, a hung
server, a failed start. `down` deletes only what `up` made, and a failed `up` leaves nothing behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path

import pytest

from tether.sandbox import state
from tether.standins import process
from tether.standins.azurite import Azurite

from .conftest import SPEC, TETHER, load_state, processes_logging_to, sandbox, up_json, write_spec


def s3_only(directory: Path) -> str:
    """The spec with only its S3-compatible integration: one server (SeaweedFS)."""
    head, _, rest = SPEC.partition("integrations:\n")
    lab = rest[rest.index("  - name: lab") : rest.index("  - name: video")]
    return write_spec(directory, f"{head}integrations:\n{lab}")


def test_a_relative_state_dir_is_recorded_absolute_and_down_elsewhere_deletes_only_its_own(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = s3_only(tmp_path / "spec")
    first, elsewhere = tmp_path / "first", tmp_path / "elsewhere"
    first.mkdir()
    (elsewhere / "seaweedfs").mkdir(parents=True)  # a folder of the same name as the server's workdir
    state_dir = first / "rel"
    try:
        monkeypatch.chdir(first)
        up_json(capsys, spec, Path("rel"))
        recorded = load_state(state_dir)
        weed = recorded.services["seaweedfs"]
        assert Path(weed.workdir) == state_dir / "seaweedfs" and Path(weed.log).is_absolute()
        assert Path(recorded.spec).is_absolute()
        filer = weed.ports["filer"]
        assert Path(f"/tmp/seaweedfs-filer-{filer}.sock").exists()

        monkeypatch.chdir(elsewhere)
        code, _, _ = sandbox(capsys, "down", "--state-dir", str(state_dir))
        assert code == 0
        assert (elsewhere / "seaweedfs").is_dir()
        assert not state_dir.exists()
        assert not process.is_ours(weed.running)
        assert not Path(f"/tmp/seaweedfs-filer-{filer}.sock").exists()  # weed leaves them; down removes them
        assert not Path(f"/tmp/seaweedfs-filer-grpc-{filer + 10000}.sock").exists()
    finally:
        from .conftest import force_down

        force_down(state_dir)


def test_down_never_deletes_a_workdir_the_state_file_points_elsewhere(
    tmp_path: Path, state_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    decoy = tmp_path / "precious"
    decoy.mkdir()
    (decoy / "data.txt").write_text("keep me")
    for workdir in (str(decoy), "precious"):
        recorded = state.Service("moto", os.getpid(), "not-our-token", "moto.log", workdir, "x", {})
        state.save(state_dir, state.State(write_spec(tmp_path), "auto", {"moto": recorded}))
        assert sandbox(capsys, "down", "--state-dir", str(state_dir))[0] == 0
        assert (decoy / "data.txt").read_text() == "keep me"


def test_two_ups_at_once_start_one_sandbox(tmp_path: Path, state_dir: Path) -> None:
    spec = s3_only(tmp_path)
    command = [str(TETHER), "sandbox", "up", spec, "--state-dir", str(state_dir), "-o", "json"]
    both = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    answers = []
    for run in both:
        out, err = run.communicate(timeout=180)
        assert run.returncode == 0, err
        answers.append(json.loads(out))
    assert sorted(a["status"] for a in answers) == ["already running", "started"]
    assert len(processes_logging_to(state_dir)) == 1


def test_status_tells_a_hung_server_from_a_stopped_one(
    tmp_path: Path, state_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    up_json(capsys, s3_only(tmp_path), state_dir)
    pid = load_state(state_dir).services["seaweedfs"].pid
    os.killpg(pid, signal.SIGSTOP)  # still there, answers nothing
    try:
        code, out, _ = sandbox(capsys, "status", "--state-dir", str(state_dir))
        assert code == 1
        assert "SeaweedFS not answering" in out and "hung (not answering)" in out
    finally:
        os.killpg(pid, signal.SIGCONT)
    os.killpg(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    code, out, _ = sandbox(capsys, "status", "--state-dir", str(state_dir), "-o", "json")
    assert code == 1
    assert json.loads(out)["services"]["seaweedfs"]["state"] == "stopped"


def test_a_failed_up_leaves_nothing_behind(
    tmp_path: Path, state_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: Azurite) -> None:
        raise process.StandinError("Azurite is not installed")

    monkeypatch.setattr(Azurite, "start", broken)
    code, _, err = sandbox(capsys, "up", write_spec(tmp_path), "--state-dir", str(state_dir))
    assert code == 3 and "Azurite is not installed" in err
    assert not state_dir.exists()
    assert processes_logging_to(state_dir) == []

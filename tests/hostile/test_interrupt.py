"""Ctrl-C during `tether preview` or `tether drift` ends it at once with one line: no asyncio traceback, no
seconds of unwinding.

The signal goes to the command alone (a terminal's Ctrl-C reaches its workers too): its workers must end with it.
"""

from __future__ import annotations

import os
import select
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from bench.components import spec_text
from components.shards import MIN_SLICE

TETHER = Path(sys.executable).parent / "tether"


def stat(pid: int) -> list[str]:
    """The fields of /proc/PID/stat after the command name, from the state on; none once the process is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return []


def workers(pid: int) -> list[int]:
    """The processes ``pid`` started (this kernel has no /proc/PID/task/TID/children)."""
    candidates = (int(path.parent.name) for path in Path("/proc").glob("[0-9]*/stat"))
    return [candidate for candidate in candidates if stat(candidate)[1:2] == [str(pid)]]


def cpu_seconds(pid: int) -> float:
    fields = stat(pid)
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK") if fields else 0.0


def ended(pidfds: list[int], within: float) -> bool:
    """Whether every process has ended (a pidfd reads ready then, zombie or gone) within ``within`` seconds."""
    deadline = time.monotonic() + within
    waiting = list(pidfds)
    while waiting and time.monotonic() < deadline:
        ready, _, _ = select.select(waiting, [], [], deadline - time.monotonic())
        waiting = [fd for fd in waiting if fd not in ready]
    return not waiting


def test_ctrl_c_during_preview(tmp_path: Path) -> None:
    spec = tmp_path / "integrations.yaml"
    spec.write_text(spec_text(1000))  # about 8 s of CPU: still running when interrupted
    out_file = tmp_path / "out.txt"  # a file, not a pipe: a full pipe would block preview before it is busy
    with out_file.open("wb") as out_sink:
        preview = subprocess.Popen([str(TETHER), "preview", str(spec)], stdout=out_sink, stderr=subprocess.PIPE)
    try:
        waited = time.monotonic() + 60
        started: list[int] = []
        while preview.poll() is None and time.monotonic() < waited:
            started = workers(preview.pid)
            if sum(cpu_seconds(pid) for pid in [preview.pid, *started]) >= 3.0:
                break
            time.sleep(0.05)  # until imports are done and the program is running
        assert preview.poll() is None, "preview ended before it could be interrupted"
        expected = min(len(os.sched_getaffinity(0)), 1000 // MIN_SLICE)
        assert len(started) == (expected if expected > 1 else 0)
        pidfds = [os.pidfd_open(pid) for pid in started]  # before the interrupt: these are the workers
        interrupted = time.monotonic()
        preview.send_signal(signal.SIGINT)
        _, err = preview.communicate(timeout=30)
        took = time.monotonic() - interrupted
    finally:
        preview.kill()
    assert preview.returncode == 130
    assert (out_file.read_bytes(), err) == (b"", b"tether: interrupted\n")
    assert took < 5.0, f"took {took:.1f} s to stop"  # a bound on unwinding (it took 12 s), not a speed claim
    gone = ended(pidfds, within=1.0)
    for pidfd in pidfds:
        os.close(pidfd)
    assert gone, "workers outlived the interrupted preview"


def test_ctrl_c_during_a_drift_scan_in_workers(tmp_path: Path) -> None:
    """A 200-integration scan runs in forked workers, each blocked on a server that never answers."""
    from tests.drift.conftest import HEAD, aws
    from tether.drift.scan import MIN_SLICE as DRIFT_SLICE

    spec = tmp_path / "integrations.yaml"
    spec.write_text(HEAD + "".join(aws(f"w{i}") for i in range(2 * DRIFT_SLICE)))
    with socket.create_server(("127.0.0.1", 0), backlog=64) as silent:  # listens, never accepts nor answers
        env = dict(
            os.environ, TETHER_ENDPOINT_AWS=f"http://127.0.0.1:{silent.getsockname()[1]}",
            AWS_ACCESS_KEY_ID="AKIDSILENT", AWS_SECRET_ACCESS_KEY="silent-secret",
        )
        drift = subprocess.Popen(
            [str(TETHER), "drift", str(spec)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
        )
        try:
            expected = min(len(os.sched_getaffinity(0)), 2)
            waited = time.monotonic() + 60
            started: list[int] = []
            while drift.poll() is None and time.monotonic() < waited and len(started) < expected:
                started = workers(drift.pid)
                time.sleep(0.05)  # until the workers are forked
            assert drift.poll() is None, "drift ended before it could be interrupted"
            assert len(started) == (expected if expected > 1 else 0)
            pidfds = [os.pidfd_open(pid) for pid in started]
            drift.send_signal(signal.SIGINT)
            out, err = drift.communicate(timeout=30)
        finally:
            drift.kill()
    assert (drift.returncode, out, err) == (130, b"", b"tether: interrupted\n")
    gone = ended(pidfds, within=2.0)
    for pidfd in pidfds:
        os.close(pidfd)
    assert gone, "workers outlived the interrupted scan"

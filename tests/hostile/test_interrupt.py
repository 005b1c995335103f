"""Ctrl-C during `tether preview` ends it at once with one line: no asyncio traceback, no seconds of unwinding."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from bench.components import spec_text

TETHER = Path(sys.executable).parent / "tether"


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_ctrl_c_during_preview(tmp_path: Path) -> None:
    spec = tmp_path / "integrations.yaml"
    spec.write_text(spec_text(1000))  # about 8 s of CPU: still running when interrupted
    out_file = tmp_path / "out.txt"  # a file, not a pipe: a full pipe would block preview before it is busy
    with out_file.open("wb") as out_sink:
        preview = subprocess.Popen([str(TETHER), "preview", str(spec)], stdout=out_sink, stderr=subprocess.PIPE)
    try:
        waited = time.monotonic() + 60
        while preview.poll() is None and cpu_seconds(preview.pid) < 3.0 and time.monotonic() < waited:
            time.sleep(0.05)  # until imports are done and the program is running
        assert preview.poll() is None, "preview ended before it could be interrupted"
        interrupted = time.monotonic()
        preview.send_signal(signal.SIGINT)
        _, err = preview.communicate(timeout=30)
        took = time.monotonic() - interrupted
    finally:
        preview.kill()
    assert preview.returncode == 130
    assert (out_file.read_bytes(), err) == (b"", b"tether: interrupted\n")
    assert took < 5.0, f"took {took:.1f} s to stop"  # a bound on unwinding (it took 12 s), not a speed claim

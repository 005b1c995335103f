"""Output that cannot be written (a full disk: /dev/full) is one line and exit 3, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TETHER = Path(sys.executable).parent / "tether"


@pytest.mark.parametrize("argv", [["schema"], ["validate", "stacks/dev/integrations.yaml", "-o", "json"]])
def test_a_full_disk_on_stdout(argv: list[str]) -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run([str(TETHER), *argv], stdout=full, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                              timeout=60, check=False)
    assert done.returncode == 3
    assert done.stderr == "tether: error: cannot write the output: No space left on device\n"

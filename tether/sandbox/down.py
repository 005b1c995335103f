"""`tether sandbox down`: stop what `up` started, and only that, then remove the sandbox's files.

A recorded pid is signalled only while the process still carries the random marker `up` put in its
environment (``process.is_ours``), so a pid the system has since given to another program is left alone.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tether.sandbox import services, state
from tether.sandbox.services import LABELS
from tether.standins import process


@dataclass(frozen=True)
class Stopped:
    """One recorded server: whether it was still running when `down` stopped it."""

    name: str
    pid: int
    was_running: bool


def down(state_dir: Path, say: Callable[[str], None]) -> list[Stopped] | None:
    """Stop the recorded servers and remove their data, the state, env and outputs files; None if none is up."""
    state_dir = state_dir.resolve()
    if not state.path(state_dir).exists():
        return None
    with state.locked(state_dir, say):
        return _down(state_dir, say)


def _down(state_dir: Path, say: Callable[[str], None]) -> list[Stopped] | None:
    recorded = state.load(state_dir)
    if recorded is None:
        return None
    ours = [s for s in recorded.services.values() if s.started_by_us]
    stopped = [Stopped(s.name, s.pid, process.is_ours(s.running)) for s in ours]
    if ours:
        say("stopping " + ", ".join(LABELS[s.name] for s in ours))
    services.stop_all(ours)
    for service in ours:
        services.remove_workdir(service, state_dir)
    for name in (state.ENV_FILE, state.OUTPUTS_FILE, state.CA_FILE, state.STATE_FILE, state.LOCK_FILE):
        (state_dir / name).unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        state_dir.rmdir()  # only when nothing else lives there
    return stopped

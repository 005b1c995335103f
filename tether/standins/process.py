"""Start, poll and stop one server subprocess: the machinery every stand-in shares.

A server runs in its own session (so a terminal's Ctrl-C or a test runner's exit does not reach it, and its
whole process group can be signalled), writes to a log file, and is ready when a probe that makes a real
request says so: the wait between probes is a wait on the process itself, so a server that dies is noticed at
once. Stopping sends SIGTERM, then SIGKILL after a timeout. A ``Running`` record (pid, marker, log) is all
another process needs to stop it later, and the marker in the server's environment keeps a stale pid that
the system has given to something else from being signalled.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from tether.errors import ReadError

MARKER = "TETHER_STANDIN"
"""Environment variable holding a per-start random token; /proc/PID/environ shows whether PID is still ours."""


T = TypeVar("T")
H = TypeVar("H")


class StandinError(ReadError):
    """A stand-in server could not be started or did not become ready (exit 3, like any unreachable server)."""


class ExitedEarly(StandinError):
    """The server process ended before it was ready, usually a port taken between the pick and the bind."""


@dataclass(frozen=True)
class Running:
    """What identifies a started server process, in this process or any later one."""

    pid: int
    token: str
    log: Path


class Standin(ABC, Generic[H]):
    """A server that ``start()`` brings up and returns a handle ``H`` for; ``with`` stops it on the way out."""

    @abstractmethod
    def start(self) -> H: ...

    @abstractmethod
    def stop(self) -> None: ...

    def __enter__(self) -> H:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def spawn(
    argv: Sequence[str], *, log: Path, cwd: Path | None = None, env: Mapping[str, str] | None = None
) -> tuple[subprocess.Popen[bytes], Running]:
    """Start ``argv`` in a new session with stdout and stderr appended to ``log``."""
    token = uuid.uuid4().hex
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        proc = subprocess.Popen(
            list(argv),
            cwd=cwd,
            env={**os.environ, **(env or {}), MARKER: token},
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return proc, Running(proc.pid, token, log)


def wait_ready(
    proc: subprocess.Popen[bytes],
    probe: Callable[[], bool],
    *,
    name: str,
    log: Path,
    timeout: float,
    interval: float = 0.05,
) -> None:
    """Return once ``probe()`` is true; raise if the process exits first or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while not probe():
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise StandinError(f"{name} was not ready after {timeout:.0f} s (log: {log})")
        try:
            code = proc.wait(timeout=min(interval, remaining))
        except subprocess.TimeoutExpired:
            continue
        raise ExitedEarly(f"{name} exited with status {code} before it was ready (log: {log})")


def start(
    argv: Sequence[str],
    probe: Callable[[], bool],
    *,
    name: str,
    log: Path,
    timeout: float,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> tuple[subprocess.Popen[bytes], Running]:
    """Spawn and wait until ready; a server that fails to get ready is stopped before the error is raised."""
    proc, running = spawn(argv, log=log, cwd=cwd, env=env)
    try:
        wait_ready(proc, probe, name=name, log=log, timeout=timeout)
    except BaseException:
        terminate(running, timeout=2.0, proc=proc)
        raise
    return proc, running


def retry_port_races(attempt: Callable[[], T], attempts: int = 3) -> T:
    """Call ``attempt`` (which picks fresh ports each time) again when the server exits before it is ready."""
    for _ in range(attempts - 1):
        try:
            return attempt()
        except ExitedEarly:
            continue
    return attempt()


def is_ours(running: Running) -> bool:
    """True while ``running.pid`` is alive and is the process that was started with ``running.token``."""
    try:
        environ = Path(f"/proc/{running.pid}/environ").read_bytes()
    except (FileNotFoundError, ProcessLookupError):  # gone, or exited and not yet reaped (a zombie)
        return False
    except OSError:
        return _alive(running.pid)  # no /proc (or no permission): the pid alone is the best evidence there is
    return f"{MARKER}={running.token}".encode() in environ.split(b"\0")


def terminate(running: Running, *, timeout: float = 10.0, proc: subprocess.Popen[bytes] | None = None) -> None:
    """Stop the server's process group: SIGTERM, then SIGKILL if it has not exited after ``timeout`` seconds.

    ``proc`` is given when this process started the server, so that it is also reaped.
    """
    if not is_ours(running):
        if proc is not None:
            proc.poll()
        return
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(running.pid, sig)
        except ProcessLookupError:
            break
        if _wait_exit(running, wait, proc):
            return
    if is_ours(running):
        raise StandinError(f"process {running.pid} survived SIGKILL")


def _wait_exit(running: Running, timeout: float, proc: subprocess.Popen[bytes] | None) -> bool:
    """Wait up to ``timeout`` seconds for the process to exit, without sleeping in a loop where avoidable."""
    if proc is not None:
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return False
        return True
    try:
        fd = os.pidfd_open(running.pid)
    except (AttributeError, OSError):
        return _poll_gone(running, timeout)
    try:
        readable, _, _ = select.select([fd], [], [], timeout)
    finally:
        os.close(fd)
    return bool(readable) or not is_ours(running)


def _poll_gone(running: Running, timeout: float) -> bool:
    """Fallback where pidfds do not exist: check a few times a second."""
    deadline = time.monotonic() + timeout
    while is_ours(running):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)
    return True


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True

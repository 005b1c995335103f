"""Work in forked worker processes, on Linux: one interpreter (and one GIL) per CPU instead of one in all.

Fork, not spawn: a worker inherits the loaded spec and the imported SDKs at no cost. That relies on Linux
(macOS's system libraries are not safe to use after fork, which is why Python spawns there) and on prctl's
parent-death signal, so elsewhere :func:`cpus` is 1 and callers work in their own process.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import pickle
import signal
import sys
import time
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Generic, TypeVar

P = TypeVar("P")

STOPPED = "was stopped at the deadline"
"""Why a worker still running at ``stream``'s ``until`` ended."""

_PR_SET_PDEATHSIG = 1
"""prctl(2) option: the signal a process gets when its parent ends."""


def cpus() -> int:
    """CPUs this process may run on, on Linux; elsewhere 1 (no workers)."""
    return len(os.sched_getaffinity(0)) if sys.platform == "linux" else 1


def _become_worker(parent: int) -> None:
    """First thing in a forked worker: end with the parent, and end at once and silently on Ctrl-C."""
    # Ctrl-C reaches the whole process group: the parent says "interrupted".
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    # The parent may end without waiting for us (its Ctrl-C handler exits at once): the kernel then kills us.
    ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)


def _how_it_ended(process: BaseProcess) -> str:
    """``was killed by SIGKILL`` or ``exited with status 1``, for a worker that ended too soon."""
    process.join()
    code = process.exitcode or 0
    return f"was killed by {signal.Signals(-code).name}" if code < 0 else f"exited with status {code}"


@dataclass(frozen=True)
class Sent(Generic[P]):
    """One item a worker sent, with the part it works on."""

    part: P
    item: object


@dataclass(frozen=True)
class Ended(Generic[P]):
    """A worker is done: ``why`` is None when it finished its part, else why it stopped short."""

    part: P
    why: str | None
    pid: int
    """The worker's process id, for a message about it."""


@dataclass(frozen=True)
class _Failed:
    """What a worker sends when its work raised: the error's type and message."""

    error: str


def stream(
    parts: Sequence[P], work: Callable[[P, Callable[[object], None]], None], until: float = float("inf")
) -> Generator[Sent[P] | Ended[P], None, None]:
    """Fork one worker per part to run ``work(part, send)``; yield each item as it is sent, and each end.

    Workers still running at ``until`` (``time.monotonic()``) are killed and end with that reason; so are
    all that are left when the stream is closed: callers iterate it in ``contextlib.closing``, so an error
    they raise mid-stream ends the workers at once, not when the traceback holding the stream is freed.
    """
    context = multiprocessing.get_context("fork")
    parent = os.getpid()
    running: dict[Connection, tuple[P, BaseProcess]] = {}
    started: list[BaseProcess] = []
    try:
        for part in parts:
            reader, writer = context.Pipe(duplex=False)
            process: BaseProcess = context.Process(target=_work, args=(writer, work, part, parent))
            process.start()
            writer.close()  # the worker's copy is the only one left: its end is the reader's EOF
            running[reader] = (part, process)
            started.append(process)
        while running:
            left = until - time.monotonic()
            ready = wait(list(running), timeout=None if left == float("inf") else max(left, 0.0))
            if not ready:
                for reader, (part, process) in list(running.items()):
                    process.kill()
                    del running[reader]
                    reader.close()
                    yield Ended(part, STOPPED, process.pid or 0)
                break
            for reader in [reader for reader in running if reader in ready]:
                part, process = running[reader]
                try:
                    item = pickle.loads(reader.recv_bytes())
                except EOFError:
                    del running[reader]
                    reader.close()
                    process.join()
                    yield Ended(part, None if process.exitcode == 0 else _how_it_ended(process), process.pid or 0)
                    continue
                if isinstance(item, _Failed):
                    del running[reader]
                    reader.close()
                    yield Ended(part, f"failed: {item.error}", process.pid or 0)
                else:
                    yield Sent(part, item)
    finally:
        for _, process in running.values():
            process.kill()
        for process in started:
            process.join()
        for reader in running:
            reader.close()


def _work(writer: Connection, work: Callable[[P, Callable[[object], None]], None], part: P, parent: int) -> None:
    """In a worker: do the work, sending each item as it comes; an error is sent as the last item."""
    _become_worker(parent)

    def send(item: object) -> None:
        writer.send_bytes(pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL))

    try:
        work(part, send)
    except Exception as error:  # the parent reports it, with the part it stopped
        send(_Failed(f"{type(error).__name__}: {error}"))

"""The state directory (``.tether/`` by default): what `up` started, so a later `up` reuses it and `down` stops
exactly that and nothing else.

``sandbox.json`` holds no secret: SeaweedFS's key is read back from the identities file the server itself
loads, and the env file (owner-only) is where users get it.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tether.errors import ReadError
from tether.standins import process

STATE_FILE = "sandbox.json"
LOCK_FILE = "sandbox.lock"
ENV_FILE = "sandbox.env"
OUTPUTS_FILE = "outputs.json"
CA_FILE = "ca.pem"
VERSION = 1


@dataclass(frozen=True)
class Service:
    """One stand-in server `up` started: enough to probe it, reuse it and stop it from another process."""

    name: str
    pid: int
    token: str
    """The random marker in the server's environment: proof that ``pid`` is still the process `up` started."""
    log: str
    workdir: str
    endpoint: str
    ports: dict[str, int]
    accounts: list[str] = field(default_factory=list)
    """Azurite: the storage accounts it serves (Azurite takes the account from the URL path)."""
    started_by_us: bool = True
    """`down` stops only services with this set; a service `up` did not start is never signalled."""

    @property
    def running(self) -> process.Running:
        return process.Running(self.pid, self.token, Path(self.log))


@dataclass(frozen=True)
class State:
    """The sandbox as last brought up: the spec it was made for and its running services."""

    spec: str
    ports: str
    """``auto`` or the base port of a fixed layout."""
    services: dict[str, Service]


@contextmanager
def locked(state_dir: Path, say: Callable[[str], None]) -> Iterator[None]:
    """Hold ``STATE_DIR/sandbox.lock`` while a command changes the sandbox, so two `up` at once cannot both start
    servers and record one set; the second waits, then finds the first's servers and reuses them.

    Whatever this run created and left empty (the lock file, the state directory) is removed on the way out.
    """
    created = not state_dir.exists()
    state_dir.mkdir(parents=True, exist_ok=True)
    lock = state_dir / LOCK_FILE
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say(f"waiting for another `tether sandbox` command on {state_dir} to finish")
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        if not path(state_dir).exists():
            lock.unlink(missing_ok=True)
            if created:
                with contextlib.suppress(OSError):
                    state_dir.rmdir()  # only when empty
        os.close(fd)


def path(state_dir: Path) -> Path:
    return state_dir / STATE_FILE


def load(state_dir: Path) -> State | None:
    """The recorded state, or None when there is none; a damaged file is a ReadError that says what to do."""
    file = path(state_dir)
    try:
        document = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ReadError(
            f"{file}: cannot read the sandbox state ({error}); stop its servers by hand and delete it"
        ) from None
    try:
        if document["version"] != VERSION:
            raise ValueError(f"version {document['version']}")
        services = {name: Service(**entry) for name, entry in document["services"].items()}
        return State(str(document["spec"]), str(document["ports"]), services)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise ReadError(
            f"{file}: not a tether sandbox state file ({error}); stop its servers by hand and delete it"
        ) from None


def save(state_dir: Path, state: State) -> None:
    document: dict[str, Any] = {"version": VERSION, **asdict(state)}
    write_atomic(path(state_dir), json.dumps(document, indent=2) + "\n", mode=0o644)


def write_atomic(file: Path, text: str, *, mode: int) -> None:
    """Write ``text`` to ``file`` with ``mode`` from the first byte, replacing it whole or not at all."""
    file.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{file.name}.", dir=file.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, file)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise

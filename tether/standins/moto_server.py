"""moto's server for the AWS control plane (IAM roles and policies, bucket settings).

moto accepts any signature and any expiry, so it proves nothing about URLs or CORS: SeaweedFS does that.
Two ways to run it: ``MotoServer`` is moto's ThreadedMotoServer inside this process (fast; it binds port 0 and
reports the port it got, so nothing can take it in between), and ``MotoProcess`` is ``python -m moto.server``
as a subprocess, for a sandbox that must outlive the command that started it.
"""

from __future__ import annotations

import sys
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tether.standins import ports, process

if TYPE_CHECKING:
    import subprocess

    from moto.server import ThreadedMotoServer

ACCESS_KEY = "testing"
SECRET_KEY = "testing"
"""moto accepts any key; these are the values its documentation uses."""
REGION = "us-east-1"


@dataclass(frozen=True)
class MotoHandle:
    """A running moto server: point any boto3 client at ``endpoint_url``. ``running`` is None for the thread."""

    endpoint_url: str
    access_key: str
    secret_key: str = field(repr=False)
    region: str
    port: int
    running: process.Running | None = None


class MotoServer(process.Standin[MotoHandle]):
    """moto's ThreadedMotoServer on a free loopback port; usable as ``with MotoServer() as moto:``."""

    def __init__(self, *, region: str = REGION) -> None:
        self.region = region
        self._server: ThreadedMotoServer | None = None
        self.handle: MotoHandle | None = None

    def start(self) -> MotoHandle:
        from moto.server import ThreadedMotoServer

        self._server = ThreadedMotoServer(ip_address=ports.HOST, port=0, verbose=False)
        self._server.start()
        port = self._server.get_host_and_port()[1]
        self.handle = MotoHandle(f"http://{ports.HOST}:{port}", ACCESS_KEY, SECRET_KEY, self.region, port)
        return self.handle

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
        self._server = self.handle = None


def answers_probe(url: str) -> Callable[[], bool]:
    """Readiness: any HTTP answer from moto's own API."""

    def probe() -> bool:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return True
        except urllib.error.HTTPError:
            return True
        except OSError:
            return False

    return probe


class MotoProcess(process.Standin[MotoHandle]):
    """``python -m moto.server`` in its own process, logging to ``workdir/moto.log``, on ``port`` or a free one."""

    def __init__(
        self,
        workdir: Path,
        *,
        region: str = REGION,
        port: int | None = None,
        ready_timeout: float = 60.0,
        stop_timeout: float = 5.0,
    ) -> None:
        self.workdir = workdir
        self.port = port
        self.region = region
        self.ready_timeout = ready_timeout
        self.stop_timeout = stop_timeout
        self._proc: subprocess.Popen[bytes] | None = None
        self.handle: MotoHandle | None = None

    def start(self) -> MotoHandle:
        def attempt() -> MotoHandle:
            port = self.port or ports.free_port()
            endpoint = f"http://{ports.HOST}:{port}"
            self._proc, running = process.start(
                [sys.executable, "-m", "moto.server", "-H", ports.HOST, "-p", str(port)],
                answers_probe(f"{endpoint}/moto-api/"),
                name="moto",
                log=self.workdir / "moto.log",
                timeout=self.ready_timeout,
            )
            return MotoHandle(endpoint, ACCESS_KEY, SECRET_KEY, self.region, port, running)

        self.handle = attempt() if self.port else process.retry_port_races(attempt)
        return self.handle

    def stop(self) -> None:
        if self.handle is not None and self.handle.running is not None:
            process.terminate(self.handle.running, timeout=self.stop_timeout, proc=self._proc)
        self.handle = self._proc = None

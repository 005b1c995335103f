"""The stand-ins as the sandbox runs them: which ones a spec needs, on which ports, started side by side.

SeaweedFS (over HTTPS, since the desired bucket policies deny plain HTTP) holds every S3-family bucket,
Azurite every Azure container, and moto the IAM roles of AWS integrations. With a base port the layout is
fixed, so a labelling app's configuration stays valid across restarts:

    BASE+0..3  SeaweedFS master, volume, filer, S3 (plain HTTP), each with a gRPC twin at +10000
    BASE+4     SeaweedFS S3 over HTTPS (the endpoint)
    BASE+5     Azurite blob service (over HTTPS, as real Azure is, so SAS URLs carry spr=https)
    BASE+6     moto (IAM)
"""

from __future__ import annotations

import secrets
import shutil
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from tether.desired import AzureDesired, S3Desired, render_all
from tether.sandbox.state import CA_FILE, Service
from tether.spec.model import Spec
from tether.standins import azurite, moto_server, ports, process, seaweedfs

SEAWEEDFS, AZURITE, MOTO = "seaweedfs", "azurite", "moto"
LABELS = {SEAWEEDFS: "SeaweedFS", AZURITE: "Azurite", MOTO: "moto"}
ORDER = (SEAWEEDFS, AZURITE, MOTO)
LOWEST_BASE = 1024
HIGHEST_BASE = 65535 - seaweedfs.GRPC_OFFSET - 3
"""The S3 gRPC twin, BASE+3+10000, is the highest port of the layout."""
STOP_TIMEOUT = {SEAWEEDFS: 1.0, AZURITE: 5.0, MOTO: 5.0}
"""Seconds of SIGTERM before SIGKILL: SeaweedFS drains gRPC streams for 15 s or more, and its data is thrown away."""


@dataclass(frozen=True)
class Needs:
    """The servers a spec needs: SeaweedFS for S3-family buckets, Azurite for Azure, moto for AWS roles."""

    seaweedfs: bool
    moto: bool
    azure_accounts: tuple[str, ...]

    @property
    def names(self) -> list[str]:
        wanted = {SEAWEEDFS: self.seaweedfs, AZURITE: bool(self.azure_accounts), MOTO: self.moto}
        return [name for name in ORDER if wanted[name]]


def needs(spec: Spec) -> Needs:
    desired = render_all(spec)
    return Needs(
        seaweedfs=any(isinstance(d, S3Desired) for d in desired),
        moto=any(isinstance(d, S3Desired) and d.role is not None for d in desired),
        azure_accounts=tuple(dict.fromkeys(d.account for d in desired if isinstance(d, AzureDesired))),
    )


@dataclass(frozen=True)
class Identity:
    """The one static S3 identity SeaweedFS accepts, made fresh for each sandbox."""

    access_key: str
    secret_key: str = field(repr=False)

    @classmethod
    def new(cls) -> Identity:
        return cls("AKIDTETHER" + secrets.token_hex(5).upper(), secrets.token_urlsafe(30))

    @classmethod
    def of(cls, service: Service) -> Identity:
        """The identity a running SeaweedFS was started with, from its own ``-s3.config`` file."""
        try:
            return cls(*seaweedfs.read_identity(Path(service.workdir) / "identities.json"))
        except (OSError, ValueError, KeyError, IndexError) as error:
            raise process.StandinError(f"cannot read SeaweedFS's identity in {service.workdir}: {error}") from None


def seaweedfs_ports(base: int) -> seaweedfs.SeaweedFSPorts:
    return seaweedfs.SeaweedFSPorts(base, base + 1, base + 2, base + 3, https=base + 4)


def named_ports(name: str, base: int) -> dict[str, int]:
    """The ports ``name`` is given in the layout from ``base``, by what they are for (as the state records them)."""
    if name == SEAWEEDFS:
        return seaweedfs_ports(base).named()
    return {"blob": base + 5} if name == AZURITE else {"IAM": base + 6}


def fixed_ports(name: str, base: int) -> dict[str, int]:
    """Every port ``name`` binds in the layout from ``base``, gRPC twins included."""
    return seaweedfs_ports(base).bound() if name == SEAWEEDFS else named_ports(name, base)


def check_free(names: Sequence[str], base: int) -> None:
    """Fail before anything starts if a port of the fixed layout is held by another process."""
    for name in names:
        for what, port in fixed_ports(name, base).items():
            if not ports.is_free(port, reuse=True):
                raise process.StandinError(
                    f"port {port} ({LABELS[name]} {what}) on {ports.HOST} is already in use: stop what listens "
                    f"there (`ss -ltnp 'sport = :{port}'` shows it) or choose other ports (--ports auto, or "
                    f"another --ports BASE)"
                )


def ca_bundle(service: Service) -> Path:
    """The self-signed certificate of SeaweedFS's or Azurite's HTTPS endpoint."""
    folder = Path(service.workdir)
    return folder / "tls" / "cert.pem" if service.name == AZURITE else folder / "cert.pem"


def sandbox_ca(running: Mapping[str, Service]) -> Path | None:
    """One file with the certificate of every HTTPS server running (``STATE_DIR/ca.pem``), for clients to trust."""
    served = [ca_bundle(running[name]) for name in (SEAWEEDFS, AZURITE) if name in running]
    served = [path for path in served if path.exists()]  # an Azurite started by an older tether speaks HTTP
    if not served:
        return None
    bundle = Path(running[SEAWEEDFS if SEAWEEDFS in running else AZURITE].workdir).parent / CA_FILE
    bundle.write_text("".join(path.read_text(encoding="ascii") for path in served), encoding="ascii")
    return bundle


def _service(name: str, workdir: Path, endpoint: str, named: dict[str, int], running: process.Running,
             accounts: Sequence[str] = ()) -> Service:
    return Service(
        name, running.pid, running.token, str(running.log), str(workdir), endpoint, named, list(accounts)
    )


def _start(name: str, workdir: Path, base: int | None, identity: Identity, accounts: Sequence[str]) -> Service:
    """Start one server in a fresh ``workdir``; it keeps running after this process exits."""
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    if name == SEAWEEDFS:
        weed = seaweedfs.SeaweedFS(
            workdir, access_key=identity.access_key, secret_key=identity.secret_key, tls=True,
            ports=seaweedfs_ports(base) if base else None,
        ).start()
        return _service(name, workdir, weed.endpoint_url, weed.ports.named(), weed.running)
    if name == AZURITE:
        server = azurite.Azurite(workdir, more_accounts=accounts, port=base + 5 if base else None, tls=True)
        blob = server.start()
        endpoint = blob.endpoint_url.removesuffix(f"/{blob.account_name}")
        return _service(name, workdir, endpoint, {"blob": blob.port}, blob.running, server.accounts)
    moto = moto_server.MotoProcess(workdir, port=base + 6 if base else None).start()
    assert moto.running is not None
    return _service(name, workdir, moto.endpoint_url, {"IAM": moto.port}, moto.running)


def start_all(
    names: Sequence[str],
    state_dir: Path,
    *,
    base: int | None,
    identity: Identity,
    accounts: Sequence[str],
    say: Callable[[str], None],
) -> dict[str, Service]:
    """Start ``names`` side by side; if any fails, the others are stopped before the first error is raised."""
    if not names:
        return {}
    say("starting " + ", ".join(LABELS[name] for name in names))
    try:
        return _start_side_by_side(names, state_dir, base=base, identity=identity, accounts=accounts)
    except BaseException:  # nothing of a failed start stays behind: its folders go with its processes
        for name in names:
            shutil.rmtree(state_dir / name, ignore_errors=True)
        raise


def _start_side_by_side(
    names: Sequence[str], state_dir: Path, *, base: int | None, identity: Identity, accounts: Sequence[str]
) -> dict[str, Service]:
    pool = ThreadPoolExecutor(max_workers=len(names))
    futures = {name: pool.submit(_start, name, state_dir / name, base, identity, accounts) for name in names}
    try:
        wait(futures.values())
    except BaseException:  # Ctrl-C: let the starts end, then stop what did start, so nothing runs unrecorded
        pool.shutdown(wait=True)
        stop_all(f.result() for f in futures.values() if f.exception() is None)
        raise
    pool.shutdown()
    started = {name: f.result() for name, f in futures.items() if f.exception() is None}
    errors = [error for f in futures.values() if (error := f.exception()) is not None]
    if errors:
        stop_all(started.values())
        raise errors[0]
    return started


def answers(service: Service) -> bool:
    """A real request to the server succeeds (the pid may be ours while the server hangs)."""
    if service.name == SEAWEEDFS:
        identity = Identity.of(service)
        probe = seaweedfs.list_buckets_probe(
            service.endpoint, identity.access_key, identity.secret_key, verify=str(ca_bundle(service))
        )
    elif service.name == AZURITE:
        account = azurite.DEV_ACCOUNT
        probe = azurite.service_properties_probe(
            f"{service.endpoint}/{account}", account, azurite.DEV_KEY, ca_bundle(service)
        )
    else:
        probe = moto_server.answers_probe(f"{service.endpoint}/moto-api/")
    return probe()


def alive(service: Service) -> bool:
    """Still the process `up` started, and answering."""
    try:
        return process.is_ours(service.running) and answers(service)
    except process.StandinError:  # its identity file is gone: not a server this sandbox can use
        return False


def condition(service: Service) -> str:
    """``running``; ``hung`` when the process `up` started is there but does not answer; else ``stopped``."""
    try:
        if not process.is_ours(service.running):
            return "stopped"
        return "running" if answers(service) else "hung"
    except process.StandinError:  # its identity file is gone: not a server this sandbox can use
        return "hung"


def stop_all(services: Iterable[Service]) -> None:
    """Stop every given service `up` started (SIGTERM, then SIGKILL), all at once, and the files weed leaves."""
    chosen = [s for s in services if s.started_by_us]
    with ThreadPoolExecutor(max_workers=max(1, len(chosen))) as pool:
        for done in [pool.submit(process.terminate, s.running, timeout=STOP_TIMEOUT[s.name]) for s in chosen]:
            done.result()
    for service in chosen:
        if service.name == SEAWEEDFS and "filer" in service.ports:
            seaweedfs.remove_sockets(service.ports["filer"])


def remove_workdir(service: Service, state_dir: Path) -> None:
    """Delete the folder `up` made for ``service`` (``STATE_DIR/NAME``), and never any other.

    A state file is data: a recorded workdir elsewhere (relative, edited, from another directory) is left alone.
    """
    made = state_dir.resolve() / service.name
    if Path(service.workdir).is_absolute() and Path(service.workdir).resolve() == made:
        shutil.rmtree(made, ignore_errors=True)

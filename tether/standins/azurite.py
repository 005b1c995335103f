"""Azurite: the Azure Blob API with real Shared Key and SAS checks, standing in for Azure Storage.

Installed by npm (the repository's package.json, or globally); run as ``azurite-blob`` on loopback.
Telemetry is switched off (nothing may leave the machine) and the account always comes from the first path
segment, so URLs look like ``http://127.0.0.1:PORT/ACCOUNT/CONTAINER/BLOB`` whatever host name is used.
With ``tls=True`` it serves HTTPS (``--cert``/``--key``, a self-signed certificate for 127.0.0.1), as real Azure
does only, so SAS URLs carry ``spr=https`` like production ones.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tether.standins import certs, ports, process

ROOT = Path(__file__).resolve().parents[2]
DEV_ACCOUNT = "devstoreaccount1"
DEV_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
"""Azurite's well-known development account: public, documented, and accepted by nothing but emulators."""


AZURITE_VERSION = "3.37.0"
"""The version package.json pins, and the one the install hint names (a wheel carries no package.json)."""


def azurite_binary(root: Path = ROOT) -> Path:
    """``azurite-blob`` where a user has it, else StandinError saying the one command that installs it.

    Looked for in order: the checkout's node_modules (``npm install`` there, when tether runs from its
    repository), the current folder's node_modules, ``PATH``, and a global npm install (``npm root -g``).
    """
    for folder in dict.fromkeys([root, Path.cwd()]):
        local = folder / "node_modules" / ".bin" / "azurite-blob"
        if local.is_file():
            return local
    on_path = shutil.which("azurite-blob")
    if on_path:
        return Path(on_path)
    global_bin = _npm_global_bin()
    if global_bin is not None:
        return global_bin
    if (root / "package.json").is_file():
        raise process.StandinError(f"Azurite is not installed: run `npm install` in {root}")
    raise process.StandinError(f"Azurite is not installed: run `npm install --global azurite@{AZURITE_VERSION}`")


def _npm_global_bin() -> Path | None:
    """``azurite-blob`` of a global npm install that is not on PATH (a prefix of the user's choosing)."""
    npm = shutil.which("npm")
    if npm is None:
        return None
    try:
        found = subprocess.run([npm, "root", "--global"], capture_output=True, text=True, timeout=30, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    modules = Path(found.stdout.strip())  # PREFIX/lib/node_modules; npm links binaries into PREFIX/bin
    for binary in (modules.parent.parent / "bin" / "azurite-blob", modules / ".bin" / "azurite-blob"):
        if binary.is_file():
            return binary
    return None


@dataclass(frozen=True)
class AzuriteHandle:
    """A running Azurite: the account URL and the shared key it accepts."""

    endpoint_url: str
    account_name: str
    account_key: str = field(repr=False)
    port: int
    running: process.Running
    ca_bundle: Path | None = None
    """The self-signed certificate of the HTTPS endpoint (None over plain HTTP)."""

    @property
    def connection_string(self) -> str:
        scheme = "https" if self.ca_bundle else "http"
        return (
            f"DefaultEndpointsProtocol={scheme};AccountName={self.account_name};"
            f"AccountKey={self.account_key};BlobEndpoint={self.endpoint_url};"
        )


def command(binary: Path, workdir: Path, port: int, tls: tuple[Path, Path] | None = None) -> list[str]:
    served = ["--cert", str(tls[0]), "--key", str(tls[1])] if tls else []
    return [
        str(binary),
        "--silent",
        "--location",
        str(workdir / "data"),
        "--blobHost",
        ports.HOST,
        "--blobPort",
        str(port),
        "--skipApiVersionCheck",
        "--disableTelemetry",
        "--disableProductStyleUrl",
        *served,
    ]


def service_properties_probe(
    endpoint_url: str, account_name: str, account_key: str, ca_bundle: Path | None = None
) -> Callable[[], bool]:
    """Readiness: a Shared Key-signed Get Blob Service Properties answers (the account is loaded)."""
    from azure.storage.blob import BlobServiceClient

    client = BlobServiceClient(
        endpoint_url,
        credential={"account_name": account_name, "account_key": account_key},
        retry_total=0,
        connection_timeout=1,
        read_timeout=5,
        connection_verify=str(ca_bundle) if ca_bundle else True,
    )

    def probe() -> bool:
        try:
            client.get_service_properties()
        except Exception:  # connection refused while node starts: not ready yet
            return False
        return True

    return probe


class Azurite(process.Standin[AzuriteHandle]):
    """Start and stop one Azurite blob service; usable as ``with Azurite(dir) as handle:``.

    The account defaults to the well-known development account; another name and key are passed to Azurite
    through ``AZURITE_ACCOUNTS``, and so are ``more_accounts``, which share the key (a spec names its own storage
    accounts, and Azurite takes the account from the URL path). Like every stand-in, the server outlives this
    object until ``stop()`` and can be stopped from elsewhere with ``process.terminate(handle.running)``.
    A free port is picked (again if another process wins it) unless ``port`` fixes it.
    """

    def __init__(
        self,
        workdir: Path,
        *,
        account_name: str = DEV_ACCOUNT,
        account_key: str = DEV_KEY,
        more_accounts: Sequence[str] = (),
        port: int | None = None,
        tls: bool = False,
        binary: Path | None = None,
        ready_timeout: float = 60.0,
        stop_timeout: float = 5.0,
    ) -> None:
        self.workdir = workdir
        self.account_name = account_name
        self._account_key = account_key
        self.accounts = list(dict.fromkeys([account_name, *more_accounts]))
        self.port = port
        self.tls = tls
        self.binary = binary
        self.ready_timeout = ready_timeout
        self.stop_timeout = stop_timeout
        self._proc: subprocess.Popen[bytes] | None = None
        self.handle: AzuriteHandle | None = None

    def start(self) -> AzuriteHandle:
        binary = self.binary or azurite_binary()
        (self.workdir / "data").mkdir(parents=True, exist_ok=True)
        tls = certs.self_signed(self.workdir / "tls", name="Azurite on 127.0.0.1") if self.tls else None
        scheme = "https" if tls else "http"

        def attempt() -> AzuriteHandle:
            port = self.port or ports.free_port()
            endpoint = f"{scheme}://{ports.HOST}:{port}/{self.account_name}"
            self._proc, running = process.start(
                command(binary, self.workdir, port, tls),
                service_properties_probe(endpoint, self.account_name, self._account_key, tls[0] if tls else None),
                name="Azurite",
                log=self.workdir / "azurite.log",
                timeout=self.ready_timeout,
                env={"AZURITE_ACCOUNTS": ";".join(f"{name}:{self._account_key}" for name in self.accounts)},
            )
            return AzuriteHandle(
                endpoint, self.account_name, self._account_key, port, running, tls[0] if tls else None
            )

        self.handle = attempt() if self.port else process.retry_port_races(attempt)
        return self.handle

    def stop(self) -> None:
        if self.handle is not None:
            process.terminate(self.handle.running, timeout=self.stop_timeout, proc=self._proc)
            self.handle = self._proc = None

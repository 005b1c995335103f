"""`tether sandbox up`: bring up (or reuse) the stand-ins a spec needs, apply its desired state, write the files.

Running it again is harmless: servers the state records that are still ours and answering are reused and the
desired state is applied again (it converges). Servers that died are forgotten and started afresh. If
anything fails, the servers this run started are stopped and the state is left as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tether.apply import apply_spec
from tether.desired import AzureDesired, GcsDesired, render
from tether.drift.clients import Clients
from tether.errors import InputError, ReadError
from tether.sandbox import envfile, outputs, seed, services, state
from tether.sandbox.services import AZURITE, LABELS, ORDER, SEAWEEDFS, Identity, Needs
from tether.sandbox.state import Service, State
from tether.settings import load_settings
from tether.spec import load_spec
from tether.spec.model import Spec

NOT_EMULATED = "not emulated (no local GCS with CORS/IAM)"


@dataclass(frozen=True)
class Row:
    """One integration as the sandbox serves it."""

    integration: str
    provider: str
    emulated_by: str
    endpoint: str | None
    bucket: str
    note: str = ""


@dataclass(frozen=True)
class Result:
    started: list[str]
    reused: list[str]
    running: dict[str, Service]
    rows: list[Row]
    seeded: seed.Seeded | None
    env_file: Path
    outputs: Path


def _reusable(
    old: State | None, need: Needs, base: int | None, state_dir: Path, say: Callable[[str], None]
) -> dict[str, Service]:
    """The recorded services to keep; dead or hung ones are cleaned up, Azurite restarts for new accounts."""
    if old is None:
        return {}
    alive = {name: s for name, s in old.services.items() if services.alive(s)}
    for name, service in alive.items():
        if base is not None and name in need.names and service.ports != services.named_ports(name, base):
            raise InputError(
                f"the sandbox is already running on other ports ({LABELS[name]} at {service.endpoint}): "
                f"run `tether sandbox down` first to move it to --ports {base}"
            )
    for name, service in old.services.items():
        if name not in alive:
            say(f"{LABELS[name]} (pid {service.pid}) is not answering: cleaning it up")
            services.stop_all([service])
            services.remove_workdir(service, state_dir)
    azure = alive.get(AZURITE)
    if azure is not None and not set(need.azure_accounts) <= set(azure.accounts):
        say("restarting Azurite to serve the spec's storage accounts")
        services.stop_all([alive.pop(AZURITE)])
    return alive


@contextmanager
def _reported(what: str) -> Iterator[None]:
    """An SDK error from a stand-in becomes one line naming what was being done (exit 3)."""
    from azure.core.exceptions import AzureError
    from boto3.exceptions import Boto3Error
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        yield
    except (AzureError, Boto3Error, BotoCoreError, ClientError) as error:
        raise ReadError(f"{what}: {' '.join(str(error).split())}") from None


def _apply(spec: Spec, clients: Clients, say: Callable[[str], None]) -> dict[str, str]:
    """Apply each integration's desired state; the notes say what a stand-in could not take."""
    notes = {}
    for integration in spec.integrations:
        say(f"applying {integration.name}")
        with _reported(f"{integration.name}: could not apply the desired state to the sandbox"):
            [applied] = apply_spec(spec, clients, [integration.name])
        notes[integration.name] = applied.note
    return notes


def _rows(spec: Spec, running: Mapping[str, Service], notes: Mapping[str, str]) -> list[Row]:
    rows = []
    for integration in spec.integrations:
        desired = render(integration, spec)
        name, provider = integration.name, integration.provider
        if isinstance(desired, GcsDesired):
            rows.append(Row(name, provider, NOT_EMULATED, None, desired.bucket))
        elif isinstance(desired, AzureDesired):
            endpoint = f"{running[AZURITE].endpoint}/{desired.account}"
            rows.append(Row(name, provider, "Azurite", endpoint, desired.container, notes[name]))
        else:
            by = "SeaweedFS + moto (IAM role)" if desired.role is not None else "SeaweedFS"
            rows.append(Row(name, provider, by, running[SEAWEEDFS].endpoint, desired.bucket, notes[name]))
    return rows


def up(
    spec_path: str, state_dir: Path, *, base: int | None, seed_dir: Path | None, say: Callable[[str], None]
) -> Result:
    """Start or reuse the servers, apply the desired state, seed, and write the env and outputs files.

    Paths are recorded absolute, so `down` or `up` run from another directory find the same folders.
    """
    spec = load_spec(spec_path).spec
    if seed_dir is not None:
        seed.files(seed_dir)  # a bad --seed fails before anything starts
    state_dir = state_dir.resolve()
    with state.locked(state_dir, say):
        return _up(spec, str(Path(spec_path).resolve()), state_dir, base=base, seed_dir=seed_dir, say=say)


def _up(
    spec: Spec, spec_path: str, state_dir: Path, *, base: int | None, seed_dir: Path | None,
    say: Callable[[str], None],
) -> Result:
    need = services.needs(spec)
    old = state.load(state_dir)
    kept = _reusable(old, need, base, state_dir, say)
    missing = [name for name in need.names if name not in kept]
    if base is not None:
        services.check_free(missing, base)
    identity = Identity.of(kept[SEAWEEDFS]) if SEAWEEDFS in kept else Identity.new()
    started = services.start_all(
        missing, state_dir, base=base, identity=identity, accounts=need.azure_accounts, say=say
    )
    running = {name: ({**kept, **started})[name] for name in ORDER if name in kept or name in started}
    ports = str(base) if base is not None else old.ports if old and kept else "auto"
    state.save(state_dir, State(spec_path, ports, running))
    try:
        variables = envfile.values(spec, running)
        clients = Clients(load_settings(environ=variables))
        notes = _apply(spec, clients, say)
        seeded = None
        if seed_dir is not None:
            say(f"seeding from {seed_dir}")
            with _reported(f"{seed_dir}: could not upload the sample files"):
                seeded = seed.seed(spec, clients, seed_dir)
        env_file, outputs_file = state_dir / state.ENV_FILE, state_dir / state.OUTPUTS_FILE
        envfile.write(env_file, variables)
        outputs.write(outputs_file, outputs.records(spec, running))
    except BaseException:
        if started:
            services.stop_all(started.values())
            for service in started.values():
                services.remove_workdir(service, state_dir)
        if kept:
            state.save(state_dir, State(old.spec if old else spec_path, ports, kept))
        else:
            for name in (state.STATE_FILE, state.ENV_FILE, state.OUTPUTS_FILE):
                (state_dir / name).unlink(missing_ok=True)
        raise
    return Result(
        list(started), [n for n in kept if n in need.names], running, _rows(spec, running, notes), seeded,
        env_file, outputs_file,
    )

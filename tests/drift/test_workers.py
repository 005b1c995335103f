"""A scan split over forked worker processes: the same results as one process, and no worker can lose,
hang or crash the scan."""

from __future__ import annotations

import importlib
import json
import os
import signal
import time
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from tether import forking
from tether.apply import apply_spec
from tether.desired import S3Desired, render
from tether.drift import Clients, IntegrationResult, RetryPolicy, ScanOptions, load_settings, scan, workers_for
from tether.spec import LoadedSpec

from .conftest import SpecWriter, aws, azure, unique

scan_module = importlib.import_module("tether.drift.scan")  # the package's `scan` is the function

def _options(processes: int, **kwargs: Any) -> ScanOptions:
    return ScanOptions(concurrency=4, processes=processes, retry=RetryPolicy(attempts=2, base_delay=0.01), **kwargs)


@pytest.fixture
def clients(moto_server: Any, azurite: Any) -> Clients:
    return Clients(
        load_settings(environ={
            "TETHER_ENDPOINT_AWS": moto_server.endpoint_url,
            "AWS_ACCESS_KEY_ID": moto_server.access_key,
            "AWS_SECRET_ACCESS_KEY": moto_server.secret_key,
            "TETHER_ENDPOINT_AZURE": azurite.endpoint_url.removesuffix(f"/{azurite.account_name}"),
            "AZURE_STORAGE_KEY": azurite.account_key,
        }),
        timeout=5,
    )


def test_workers_find_what_one_process_finds(write_spec: SpecWriter, clients: Clients, azurite: Any) -> None:
    """Seven integrations on moto and Azurite, three of them edited in the console, over three workers."""
    names = [unique("w") for _ in range(6)]
    loaded = write_spec(*(aws(name) for name in names), azure(unique("audio"), unique("calls"), azurite.account_name))
    apply_spec(loaded.spec, clients)
    s3, iam = _s3(clients, loaded, 0), clients.iam()
    s3.delete_bucket_cors(Bucket=f"{names[1]}-bucket")
    s3.delete_bucket(Bucket=f"{names[2]}-bucket")
    role = iam.list_roles()["Roles"][0]["RoleName"]  # any of them: the edit is found wherever it is
    stranger = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999999999999:root"}, "Action": "sts:AssumeRole"}
    ]}
    iam.update_assume_role_policy(RoleName=role, PolicyDocument=json.dumps(stranger))
    progress: list[tuple[int, int]] = []
    alone = scan(loaded.spec, clients, options=_options(1))
    split = scan(loaded.spec, clients.forked(), options=_options(3), progress=lambda *seen: progress.append(seen))
    assert split == alone
    assert [r.index for r in split] == list(range(7))
    assert {r.status for r in split} >= {"in_sync", "drifted", "missing"}
    assert progress == [(k, 7) for k in range(1, 8)]


def test_forked_clients_keep_the_settings_and_none_of_the_connections(clients: Clients, write_spec: SpecWriter) -> None:
    loaded = write_spec(aws(unique("w")))
    built = _s3(clients, loaded, 0)
    twin = clients.forked()
    assert (twin.settings, twin.timeout, twin.pool) == (clients.settings, clients.timeout, clients.pool)
    assert _s3(twin, loaded, 0) is not built
    assert _s3(clients, loaded, 0) is built


def _s3(clients: Clients, loaded: LoadedSpec, index: int) -> Any:
    desired = render(loaded.spec.integrations[index], loaded.spec)
    assert isinstance(desired, S3Desired)
    return clients.s3(desired)


# Workers that end short: the worker's scan is replaced (fork copies the patch) so each can fail on cue.

Done = Callable[[IntegrationResult], None]


def _sent(index: int, name: str) -> IntegrationResult:
    return IntegrationResult(name, index, "aws", f"s3://{name}", "in_sync", [], [], [], 0)


def _patch(monkeypatch: pytest.MonkeyPatch, after_first: Callable[[], None]) -> None:
    """Each worker sends its first integration's result; the worker with integration 1 then calls ``after_first``."""

    def fake(spec: Any, clients: Any, pending: Sequence[tuple[int, Any]], options: Any, end: float, done: Done) -> None:
        index, integration = pending[0]
        done(_sent(index, integration.name))
        if any(i == 1 for i, _ in pending):
            after_first()
        for index, integration in pending[1:]:
            done(_sent(index, integration.name))

    monkeypatch.setattr(scan_module, "_in_threads", fake)


def _raise(error: Exception) -> None:
    raise error


def _unread(results: list[IntegrationResult]) -> dict[str, tuple[str, str]]:
    return {
        r.name: (r.unreadable[0].failure.reason, r.unreadable[0].failure.detail) for r in results if r.unreadable
    }


@pytest.mark.parametrize(
    ("misbehave", "ending"),
    [
        (lambda: os.kill(os.getpid(), signal.SIGKILL), "was killed by SIGKILL"),
        (lambda: os._exit(4), "exited with status 4"),
        (lambda: _raise(RuntimeError("boom")), "failed: RuntimeError: boom"),
    ],
    ids=["killed", "exited", "raised"],
)
def test_a_worker_that_ends_short_leaves_only_its_unread_integrations_unreadable(
    write_spec: SpecWriter, monkeypatch: pytest.MonkeyPatch, misbehave: Callable[[], None], ending: str
) -> None:
    loaded = write_spec(*(aws(f"w{i}") for i in range(6)))
    _patch(monkeypatch, misbehave)
    results = scan(loaded.spec, Clients(load_settings(environ={})), options=_options(2))
    assert [r.name for r in results] == [f"w{i}" for i in range(6)]
    # worker 0 has w0, w2, w4; worker 1 has w1, w3, w5 and sent w1 before it ended
    assert _unread(results) == {name: ("error", f"not read: its scan worker {ending}") for name in ("w3", "w5")}


def test_a_worker_past_the_deadline_is_stopped(write_spec: SpecWriter, monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = write_spec(*(aws(f"w{i}") for i in range(4)))
    _patch(monkeypatch, lambda: time.sleep(60))  # deaf to the deadline its own scan would keep
    monkeypatch.setattr(scan_module, "_GRACE", 0.1)
    started = time.monotonic()
    results = scan(loaded.spec, Clients(load_settings(environ={})), options=_options(2, deadline=0.5))
    assert time.monotonic() - started < 10
    assert _unread(results) == {"w3": ("timeout", f"not read: its scan worker {forking.STOPPED}")}


def test_an_item_that_cannot_be_sent_ends_the_worker_with_why() -> None:
    def work(part: int, send: Callable[[object], None]) -> None:
        send(part)
        send(lambda: part)  # a lambda does not pickle

    events = list(forking.stream([7], work))
    assert events[0] == forking.Sent(7, 7)
    assert isinstance(events[1], forking.Ended) and events[1].part == 7
    assert events[1].why is not None and events[1].why.startswith("failed: ")
    assert len(events) == 2


def test_workers_are_the_cpus_each_with_a_hundred_integrations_and_some_concurrency(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda _: {0, 1, 2, 3})
    assert [workers_for(n, 16) for n in (1, 199, 200, 399, 400, 5000)] == [1, 1, 2, 3, 4, 4]
    assert [workers_for(5000, c) for c in (1, 2, 3, 16)] == [1, 2, 3, 4]
    monkeypatch.setattr(forking.sys, "platform", "darwin")
    assert workers_for(5000, 16) == 1


def test_the_cli_scans_a_large_spec_in_workers(
    write_spec: SpecWriter, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`tether drift` forks what workers_for says: every integration of a 200-integration spec is reported."""
    from tether.cli.main import main

    loaded = write_spec(*(aws(f"w{i}") for i in range(200)))
    used: list[int] = []

    def fake(spec: Any, clients: Any, pending: Sequence[tuple[int, Any]], options: Any, end: float, done: Done) -> None:
        used.append(os.getpid())
        for index, integration in pending:
            done(_sent(index, integration.name))

    monkeypatch.setattr(scan_module, "_in_threads", fake)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _: {0, 1})
    assert main(["drift", loaded.file, "--output", "json", "--concurrency", "4"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert [i["name"] for i in document["integrations"]] == [f"w{i}" for i in range(200)]
    assert used == []  # not scanned in this process: the two workers' calls happened in them

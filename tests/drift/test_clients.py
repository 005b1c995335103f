"""The client cache: what a scan's threads share is built once, under its lock, not once per thread."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from botocore.loaders import Loader

from tether.drift.clients import Clients
from tether.settings import load_settings


@pytest.fixture
def clients(tmp_path: Path) -> Clients:
    env = tmp_path / "scan.env"
    env.write_text("AWS_ACCESS_KEY_ID=AKIDTEST\nAWS_SECRET_ACCESS_KEY=secret\nTETHER_ENDPOINT_AWS=http://127.0.0.1:9\n")
    return Clients(load_settings(str(env)), pool=16)


def test_threads_starting_together_do_not_each_load_the_paginator_model(
    clients: Clients, monkeypatch: pytest.MonkeyPatch
) -> None:
    """botocore loads a client's paginator model on its first get_paginator, per client and without a lock; 16
    drift threads reaching their first IAM listing at once each loaded it and walked the model directories
    (7 to 12 times per scan in bench/drift.py). Built through the cache, the model is there before any thread."""
    iam = clients.iam()
    loads: list[tuple[Any, ...]] = []
    loading = Loader.load_service_model

    def counted(self: Loader, *args: Any, **kwargs: Any) -> Any:
        loads.append(args)
        return loading(self, *args, **kwargs)

    monkeypatch.setattr(Loader, "load_service_model", counted)
    start = threading.Barrier(16)

    def first_listing() -> None:
        start.wait()
        iam.get_paginator("list_role_policies")

    threads = [threading.Thread(target=first_listing) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [args for args in loads if "paginators-1" in args] == []


def test_one_client_per_endpoint_whatever_the_threads(clients: Clients) -> None:
    built: list[Any] = []
    start = threading.Barrier(8)

    def take() -> None:
        start.wait()
        built.append(clients.iam())

    threads = [threading.Thread(target=take) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(built) == 8
    assert len({id(client) for client in built}) == 1

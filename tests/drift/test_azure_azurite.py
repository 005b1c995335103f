"""Azure Blob data plane on Azurite: blob service CORS and container public access.

Azurite has no Resource Manager, so account settings and role assignments are reported as not
checked (the recorded-response tests cover them).
"""

from __future__ import annotations

from typing import Any

import pytest
from azure.storage.blob import CorsRule

from tether.apply import apply_spec
from tether.drift import Clients, load_settings
from tether.spec import LoadedSpec

from .conftest import SpecWriter, azure, check, findings, unique


@pytest.fixture
def clients(azurite: Any) -> Clients:
    base = azurite.endpoint_url.removesuffix(f"/{azurite.account_name}")
    return Clients(
        load_settings(environ={"TETHER_ENDPOINT_AZURE": base, "AZURE_STORAGE_KEY": azurite.account_key}), timeout=5
    )


@pytest.fixture
def applied(write_spec: SpecWriter, clients: Clients, azurite: Any) -> LoadedSpec:
    """A fresh container (the account's CORS is re-applied), verified in sync."""
    loaded = write_spec(azure(unique("audio"), unique("calls"), account=azurite.account_name))
    apply_spec(loaded.spec, clients)
    entry = check(loaded, clients)
    assert (entry["status"], entry["differences"], entry["unreadable"]) == ("in_sync", [], [])
    assert [n["resource"] for n in entry["not_checked"]] == ["account settings", "role assignments"]
    return loaded


def service(clients: Clients, loaded: LoadedSpec) -> Any:
    return clients.blob_service(loaded.spec.integrations[0].bucket.account)


def test_cors_widened(applied: LoadedSpec, clients: Clients) -> None:
    blob = service(clients, applied)
    [rule] = blob.get_service_properties()["cors"]
    blob.set_service_properties(cors=[
        CorsRule(["*"], rule.allowed_methods.split(","), allowed_headers=[], exposed_headers=rule.exposed_headers.split(","),
                 max_age_in_seconds=rule.max_age_in_seconds)
    ])
    entry = check(applied, clients)
    assert findings(entry) == [("cors[0].allowedOrigins", "changed", "critical")]
    assert entry["differences"][0]["actual"] == ["*"]


def test_cors_deleted(applied: LoadedSpec, clients: Clients) -> None:
    service(clients, applied).set_service_properties(cors=[])
    assert findings(check(applied, clients)) == [("cors[0]", "missing", "high")]


def test_container_made_public(applied: LoadedSpec, clients: Clients) -> None:
    container = service(clients, applied).get_container_client(applied.spec.integrations[0].bucket.container)
    container.set_container_access_policy(signed_identifiers={}, public_access="container")
    entry = check(applied, clients)
    assert findings(entry) == [("container.publicAccess", "changed", "critical")]
    assert (entry["differences"][0]["expected"], entry["differences"][0]["actual"]) == ("None", "Container")


def test_container_deleted_is_missing(applied: LoadedSpec, clients: Clients) -> None:
    service(clients, applied).delete_container(applied.spec.integrations[0].bucket.container)
    entry = check(applied, clients)
    assert entry["status"] == "missing"
    assert findings(entry) == [("bucket", "missing", "high")]

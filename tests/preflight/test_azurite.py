"""Preflight on Azure through drift's readers, against Azurite: the container exists, or does not."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from tether.drift import Clients, RetryPolicy, load_settings
from tether.preflight import preflight
from tether.spec import LoadedSpec, load_spec

HEAD = """\
version: 1
organization: {name: acme, members: [ann@acme.ai]}
platform:
  origins: [https://app.example.com]
  azure:
    tenant_id: 8f3c2a10-5b7e-4d2a-9c41-2e6f0b7d9a11
    principal_id: 4b1d9e22-7c3a-4f5e-8a6b-1c2d3e4f5a6b
integrations:
"""


@pytest.fixture
def clients(azurite: Any) -> Clients:
    base = azurite.endpoint_url.removesuffix(f"/{azurite.account_name}")
    return Clients(
        load_settings(environ={"TETHER_ENDPOINT_AZURE": base, "AZURE_STORAGE_KEY": azurite.account_key}), timeout=5
    )


def spec(tmp_path: Path, account: str, container: str, existing: bool) -> LoadedSpec:
    path = tmp_path / "integrations.yaml"
    path.write_text(HEAD + f"""\
  - name: audio
    provider: azure
    region: westeurope
    resource_group: acme-rg
    bucket: {{account: {account}, container: {container}, existing: {str(existing).lower()}}}
    creator: ann@acme.ai
""", encoding="utf-8")
    return load_spec(str(path))


def found(loaded: LoadedSpec, clients: Clients) -> list[tuple[str, str]]:
    [checked] = preflight(loaded.spec, clients, retry=RetryPolicy(attempts=1))
    return [(f.kind, f.resource) for f in checked.findings]


def test_container_exists_or_not(tmp_path: Path, clients: Clients, azurite: Any) -> None:
    container = f"calls-{uuid.uuid4().hex[:10]}"
    assert found(spec(tmp_path, azurite.account_name, container, existing=False), clients) == []
    assert found(spec(tmp_path, azurite.account_name, container, existing=True), clients) == [("collision", "bucket")]
    clients.blob_service(azurite.account_name).create_container(container, public_access="blob")
    assert found(spec(tmp_path, azurite.account_name, container, existing=False), clients) == [("collision", "bucket")]
    adopted = found(spec(tmp_path, azurite.account_name, container, existing=True), clients)
    assert ("overwrite", "container.publicAccess") in adopted  # adoption makes the public container private
    assert {kind for kind, _ in adopted} == {"overwrite"}

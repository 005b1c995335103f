"""Specs for drift tests: one organization, integrations added per test as YAML snippets."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tether.drift import Clients, RetryPolicy, ScanOptions, report, scan
from tether.spec import LoadedSpec, load_spec

HEAD = """\
version: 1
organization:
  name: acme
  members: [ann@acme.ai, ben@acme.ai]
platform:
  origins: [https://app.example.com]
  egress_cidrs: [203.0.113.0/24]
  aws: {account_id: "111122223333"}
  gcp: {service_account: platform-signer@annotate-prod.iam.gserviceaccount.com}
  azure:
    tenant_id: 8f3c2a10-5b7e-4d2a-9c41-2e6f0b7d9a11
    principal_id: 4b1d9e22-7c3a-4f5e-8a6b-1c2d3e4f5a6b
integrations:
"""


def aws(name: str, bucket: str | None = None, region: str = "eu-west-2", extra: str = "") -> str:
    """An AWS integration with a role (strict client-only, so the bucket policy has both denies)."""
    return f"""\
  - name: {name}
    provider: aws
    region: {region}
    bucket: {{name: {bucket or name + '-bucket'}}}
    external_id: ext-{name}
    creator: ann@acme.ai
    strict_client_only: true
    prefixes: [videos/]
    cors: {{headers: [Range]}}
{extra}"""


def s3_compatible(name: str, endpoint: str, bucket: str | None = None) -> str:
    """An S3-compatible integration read by a principal the bucket policy grants."""
    return f"""\
  - name: {name}
    provider: s3-compatible
    endpoint: {endpoint}
    bucket: {{name: {bucket or name + '-bucket'}}}
    principal: arn:aws:iam::000000000000:user/annotate-platform
    creator: ann@acme.ai
    cors: {{headers: [Range]}}
"""


def azure(name: str, container: str, account: str = "devstoreaccount1", mode: str = "user-delegation") -> str:
    """An Azure integration (Azurite's well-known account by default)."""
    return f"""\
  - name: {name}
    provider: azure
    region: westeurope
    resource_group: acme-rg
    bucket: {{account: {account}, container: {container}}}
    sas: {{mode: {mode}}}
    creator: ann@acme.ai
"""


def gcp(name: str, bucket: str, reader: bool = True) -> str:
    """A GCP integration with a dedicated reader service account."""
    return f"""\
  - name: {name}
    provider: gcp
    project: acme-vision-dev
    region: europe-west2
    bucket: {{name: {bucket}}}
{'    reader_account: annotate-reader' + chr(10) if reader else ''}    prefixes: [shelves/]
    creator: ann@acme.ai
"""


SpecWriter = Callable[..., LoadedSpec]


@pytest.fixture
def write_spec(tmp_path: Path) -> SpecWriter:
    """Write a spec with the given integration snippets and load it."""

    def write(*integrations: str, name: str = "integrations.yaml") -> LoadedSpec:
        path = tmp_path / name
        path.write_text(HEAD + "".join(integrations), encoding="utf-8")
        return load_spec(str(path))

    return write


def unique(prefix: str) -> str:
    """A fresh bucket or container name, so tests on one shared server never see each other's edits."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def check(loaded: LoadedSpec, clients: Clients, name: str | None = None) -> dict[str, Any]:
    """Scan one integration (the first by default) and return its report entry."""
    wanted = name or loaded.spec.integrations[0].name
    options = ScanOptions(retry=RetryPolicy(attempts=2, base_delay=0.01))
    document = report.build(loaded, scan(loaded.spec, clients, [wanted], options))
    entry: dict[str, Any] = document["integrations"][0]
    return entry


def findings(entry: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(path, kind, severity) of each difference, most severe first."""
    return [(d["path"], d["kind"], d["severity"]) for d in entry["differences"]]

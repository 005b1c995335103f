"""The example stacks and the minimal spec load, with defaults resolved once."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from tether.spec import load_spec
from tether.spec.model import AwsIntegration, AzureIntegration

from .conftest import BASE

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(str(p) for p in (ROOT / "stacks").glob("*/integrations.yaml"))


def test_examples_exist() -> None:
    assert {Path(p).parent.name for p in EXAMPLES} >= {"dev", "prod"}


@pytest.mark.parametrize("path", EXAMPLES)
def test_examples_load(path: str) -> None:
    loaded = load_spec(path)
    assert loaded.spec.integrations
    assert loaded.source.locate(("integrations", 0, "name")).line > 1


def test_dev_covers_every_provider_and_option() -> None:
    spec = load_spec(str(ROOT / "stacks/dev/integrations.yaml")).spec
    assert {i.provider for i in spec.integrations} == {"aws", "gcp", "azure", "otc", "s3-compatible"}
    assert any(i.strict_client_only for i in spec.integrations)
    assert any(i.direct_access for i in spec.integrations)
    assert any(i.bucket.existing for i in spec.integrations)
    assert any(i.waivers for i in spec.integrations)


def test_defaults(write) -> None:  # type: ignore[no-untyped-def]
    spec = load_spec(write(BASE)).spec
    integration = spec.integrations[0]
    assert isinstance(integration, AwsIntegration)
    assert integration.signed_url_expiry == timedelta(hours=12)  # the AWS role session's limit (TTH020)
    assert integration.cors.origins == ["https://app.example.com"]
    assert integration.cors.methods == ["GET", "HEAD"]
    assert integration.members[0].email == "ben@acme.ai"


def test_emails_are_case_insensitive(write) -> None:  # type: ignore[no-untyped-def]
    spec = load_spec(write(BASE.replace("creator: ann@acme.ai", "creator: Ann@ACME.ai"))).spec
    assert spec.integrations[0].creator == "ann@acme.ai"


def test_durations_as_people_write_them(write) -> None:  # type: ignore[no-untyped-def]
    text = BASE + "    signed_url_expiry: 1d12h\n    cors: {max_age: 90m}\n"
    integration = load_spec(write(text)).spec.integrations[0]
    assert isinstance(integration, AwsIntegration)
    assert integration.signed_url_expiry == timedelta(hours=36)
    assert integration.cors.max_age == timedelta(minutes=90)


def test_azure_sas_defaults(write) -> None:  # type: ignore[no-untyped-def]
    text = BASE + """\
  - name: audio
    provider: azure
    region: westeurope
    resource_group: rg-audio
    bucket: {account: acmeaudio, container: calls}
    creator: ann@acme.ai
    sas: {mode: account-key, rotation: 30d}
"""
    integration = load_spec(write(text)).spec.integrations[1]
    assert isinstance(integration, AzureIntegration)
    assert integration.sas.rotation == timedelta(days=30)
    assert integration.bucket.name == "calls"

"""One organization with an integration per provider and per refusal, and a credential source tests control."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from runtime import Runtime
from runtime.sign import AzureKey, Lease
from runtime.sign.targets import AzureTarget, GcsTarget, S3Target
from runtime.signing.gcs_v4 import Credential, HmacKey
from runtime.signing.sigv4 import AwsCredentials
from tether.records import IntegrationRecord
from tether.settings import Settings
from tether.spec import parse_spec

SPEC = """\
version: 1
organization:
  name: acme
  members: [ann@acme.ai, ben@acme.ai, nia@acme.ai, olga@acme.ai]
  admins: [olga@acme.ai]
platform:
  origins: [https://app.example.com]
  aws: {account_id: "111122223333"}
  gcp: {service_account: platform-signer@acme-prod.iam.gserviceaccount.com}
  azure: {tenant_id: 8f3c2a10-5b7e-4d2a-9c41-2e6f0b7d9a11, principal_id: 4b1d9e22-7c3a-4f5e-8a6b-1c2d3e4f5a6b}
integrations:
  - name: videos
    provider: aws
    region: eu-west-2
    bucket: {name: acme-videos}
    external_id: acme-1234
    creator: ann@acme.ai
    members: [{email: ben@acme.ai, role: user}]
    prefixes: [videos/, frames/]
    signed_url_expiry: 12h
  - name: east
    provider: aws
    region: us-east-1
    bucket: {name: acme-east}
    external_id: acme-5678
    creator: ann@acme.ai
  - name: raw
    provider: aws
    region: eu-west-2
    bucket: {name: acme-raw}
    creator: ann@acme.ai
    direct_access: true
  - name: images
    provider: gcp
    project: acme-images
    region: europe-west2
    bucket: {name: acme-images}
    reader_account: images-reader
    hmac_key: true
    creator: ann@acme.ai
    signed_url_expiry: 1d
  - name: calls
    provider: azure
    region: westeurope
    resource_group: acme-rg
    bucket: {account: acmecalls, container: calls}
    sas: {mode: account-key, rotation: 3d}
    creator: ann@acme.ai
  - name: scans
    provider: otc
    region: eu-de
    bucket: {name: acme-scans}
    creator: ann@acme.ai
    signed_url_expiry: 2h
  - name: lab
    provider: s3-compatible
    endpoint: https://s3.lab.example.com
    bucket: {name: lab}
    creator: ann@acme.ai
"""

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
AZURE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="


@dataclass
class FakeCredentials:
    """Fixed keys; ``aws_expires_at`` makes the AWS ones temporary. ``asked`` records each target asked for."""

    aws_expires_at: datetime | None = None
    asked: list[Any] = field(default_factory=list)

    def aws(self, target: S3Target) -> Lease[AwsCredentials]:
        self.asked.append(target)
        token = "session-token" if self.aws_expires_at else None
        credentials = AwsCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", token)
        return Lease(credentials, self.aws_expires_at, "the credentials of assumed role test")

    def gcs(self, target: GcsTarget) -> Lease[Credential]:
        self.asked.append(target)
        return Lease(HmacKey(target.hmac_access_id or "GOOG1TEST", "c2VjcmV0"), None, "HMAC key")

    def azure(self, target: AzureTarget, until: datetime) -> Lease[AzureKey]:
        self.asked.append(target)
        return Lease(AzureKey(account_key=AZURE_KEY), None, "the account key")


def runtime(
    spec: str = SPEC,
    *,
    records: dict[str, IntegrationRecord] | None = None,
    env: dict[str, str] | None = None,
    credentials: Any = None,
) -> Runtime:
    """A Runtime over ``spec`` with the given records, environment and credential source (default: fake)."""
    from tether.settings import load_settings

    settings: Settings = load_settings(environ=env or {})
    return Runtime(
        parse_spec(spec, "sign.yaml"),
        records or {},
        settings,
        FakeCredentials() if credentials is None else credentials,
    )


BASE_RECORD = IntegrationRecord(
    name="",
    provider="",
    bucket="",
    region="",
    endpoint=None,
    path_style=False,
    role_arn=None,
    service_account=None,
    hmac_access_id=None,
    account=None,
    container=None,
    principal=None,
    signed_url_expiry_seconds=None,
    sas_rotation_seconds=None,
    strict_client_only=False,
    direct_access=False,
)


def record(**values: Any) -> IntegrationRecord:
    """A record with only what a test cares about set."""
    return replace(BASE_RECORD, **values)

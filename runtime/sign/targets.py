"""Where an integration's objects are and as whom to sign: the spec, corrected by the stack's records.

Records (``pulumi stack output --json``) know what only the cloud knows (the role's ARN, a bucket's real
name, an HMAC key's id); the spec, through the desired-state renderer, gives the rest, so signing and
``pulumi up`` agree on endpoints and addressing. ``TETHER_ENDPOINT_<PROVIDER>`` overrides an endpoint
(a local stand-in), which is then addressed path-style as the stand-ins need.
"""

from __future__ import annotations

from dataclasses import dataclass

from runtime.signing.azure_sas import Protocol as SasProtocol
from runtime.signing.gcs_v4 import DEFAULT_ENDPOINT
from tether.desired.gcs import render_gcs
from tether.desired.s3 import render_s3
from tether.records import IntegrationRecord
from tether.settings import Settings
from tether.spec.model import AnyIntegration, AwsIntegration, AzureIntegration, GcpIntegration, Spec


@dataclass(frozen=True)
class S3Target:
    """An AWS, OTC or S3-compatible bucket; ``endpoint`` None means AWS's own endpoint for the region."""

    integration: str
    provider: str
    bucket: str
    region: str
    endpoint: str | None
    path_style: bool
    role_arn: str | None
    external_id: str | None
    session_seconds: int
    """How long to ask an assumed role's session to last: the role's maximum as `pulumi up` set it."""


@dataclass(frozen=True)
class GcsTarget:
    """A Cloud Storage bucket and the service account whose identity signs its URLs."""

    integration: str
    bucket: str
    endpoint: str
    service_account: str | None
    hmac_access_id: str | None


@dataclass(frozen=True)
class AzureTarget:
    """A blob container, the account URL its blobs are under, and the SAS protocol that URL allows."""

    integration: str
    account: str
    container: str
    account_url: str
    protocol: SasProtocol
    """``https`` (R11); ``https,http`` only for an http endpoint override, which is an emulator."""
    account_key: bool
    """May an account key sign: the spec's ``sas.mode: account-key``, or an emulator (which knows no other).
    In user-delegation mode the account's shared-key access is off, so a key URL would not work there."""


Target = S3Target | GcsTarget | AzureTarget

_DEFAULT_SESSION = 3600


def resolve(spec: Spec, integration: AnyIntegration, record: IntegrationRecord | None, settings: Settings) -> Target:
    """The signing target of ``integration``, with the record's values where it has them."""
    if isinstance(integration, AzureIntegration):
        return _azure(integration, record, settings)
    if isinstance(integration, GcpIntegration):
        return _gcs(spec, integration, record, settings)
    desired = render_s3(integration, spec)
    override = settings.endpoint(integration.provider)
    endpoint = record.endpoint if record else desired.endpoint
    return S3Target(
        integration=integration.name,
        provider=integration.provider,
        bucket=record.bucket if record else desired.bucket,
        region=record.region if record else desired.region,
        endpoint=override or endpoint,
        path_style=override is not None or (record.path_style if record else desired.path_style),
        role_arn=record.role_arn if record else None,
        external_id=integration.external_id if isinstance(integration, AwsIntegration) else None,
        session_seconds=desired.role.max_session_seconds if desired.role else _DEFAULT_SESSION,
    )


def _gcs(spec: Spec, integration: GcpIntegration, record: IntegrationRecord | None, settings: Settings) -> GcsTarget:
    desired = render_gcs(integration, spec)
    platform = spec.platform.gcp.service_account if spec.platform.gcp else None
    return GcsTarget(
        integration=integration.name,
        bucket=record.bucket if record else desired.bucket,
        endpoint=settings.endpoint("gcp") or DEFAULT_ENDPOINT,
        service_account=(record.service_account if record else None) or desired.reader_email or platform,
        hmac_access_id=record.hmac_access_id if record else None,
    )


def _azure(integration: AzureIntegration, record: IntegrationRecord | None, settings: Settings) -> AzureTarget:
    account = (record.account if record else None) or integration.bucket.account
    container = (record.container if record else None) or integration.bucket.container
    override = settings.endpoint("azure")
    url = f"{override}/{account}" if override else f"https://{account}.blob.core.windows.net"
    return AzureTarget(
        integration=integration.name,
        account=account,
        container=container,
        account_url=url,
        protocol="https,http" if url.startswith("http://") else "https",
        account_key=integration.sas.mode == "account-key" or override is not None,
    )

"""Build each integration's record (tether.records) from the spec and what its component created."""

from __future__ import annotations

from datetime import timedelta

from tether.desired import Desired, S3Desired
from tether.records import IntegrationRecord
from tether.spec.model import (
    ONE_WEEK,
    AnyIntegration,
    AwsIntegration,
    AzureIntegration,
    GcpIntegration,
    OtcIntegration,
    S3CompatibleIntegration,
)


def _seconds(value: timedelta) -> int:
    return int(value.total_seconds())


def _expiry(integration: AnyIntegration) -> int | None:
    """Custom expiry for AWS, GCP and OTC; the one-week default elsewhere URLs are signed; Azure rotates SAS."""
    if isinstance(integration, AwsIntegration | GcpIntegration | OtcIntegration):
        return _seconds(integration.signed_url_expiry)
    if isinstance(integration, S3CompatibleIntegration):
        return _seconds(ONE_WEEK)
    return None


def build_record(
    integration: AnyIntegration,
    desired: Desired,
    *,
    role_arn: str | None,
    service_account: str | None,
    hmac_access_id: str | None,
) -> IntegrationRecord:
    """The record for one integration; the arguments are the values only the cloud knows (or the component)."""
    azure = integration if isinstance(integration, AzureIntegration) else None
    store = integration if isinstance(integration, OtcIntegration | S3CompatibleIntegration) else None
    return IntegrationRecord(
        name=integration.name,
        provider=integration.provider,
        bucket=integration.bucket.name,
        region=integration.region,
        endpoint=store.endpoint_url if store else None,
        path_style=desired.path_style if isinstance(desired, S3Desired) else False,
        role_arn=role_arn,
        service_account=service_account,
        hmac_access_id=hmac_access_id,
        account=azure.bucket.account if azure else None,
        container=azure.bucket.container if azure else None,
        principal=store.principal if store else None,
        signed_url_expiry_seconds=_expiry(integration),
        sas_rotation_seconds=_seconds(azure.sas.rotation) if azure else None,
        strict_client_only=integration.strict_client_only,
        direct_access=integration.direct_access,
    )

"""Dispatch: one integration in, its provider's desired state out."""

from __future__ import annotations

from tether.desired.azure import AzureDesired, render_azure
from tether.desired.gcs import GcsDesired, render_gcs
from tether.desired.s3 import S3Desired, render_s3
from tether.spec.model import AzureIntegration, GcpIntegration, IntegrationBase, Spec

Desired = S3Desired | GcsDesired | AzureDesired


def render(integration: IntegrationBase, spec: Spec) -> Desired:
    """The desired state of ``integration`` (which must belong to ``spec``)."""
    if isinstance(integration, GcpIntegration):
        return render_gcs(integration, spec)
    if isinstance(integration, AzureIntegration):
        return render_azure(integration, spec)
    return render_s3(integration, spec)  # type: ignore[arg-type]


def render_all(spec: Spec) -> list[Desired]:
    """Desired state of every integration, in spec order."""
    return [render(integration, spec) for integration in spec.integrations]

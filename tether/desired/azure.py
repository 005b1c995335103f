"""Desired state of an Azure storage account and blob container, in ARM property shapes.

Azure storage network rules are an allow-list, so they cannot deny only the platform's servers
while letting every annotator's browser in; strict client-only is enforced by the runtime and
`tether lint` says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tether.desired.cors import cors_rule
from tether.spec.model import AzureIntegration, Spec

Document = dict[str, Any]
BLOB_DATA_READER = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"
BLOB_DELEGATOR = "db58b8e5-c6ad-4a2a-8342-4190687cbf4a"


@dataclass(frozen=True)
class AzureDesired:
    """Everything `pulumi up` sets on one storage account and container."""

    integration: str
    resource_group: str
    account: str
    container: str
    location: str
    adopt: bool
    tags: dict[str, str]
    https_only: bool
    minimum_tls_version: str
    allow_blob_public_access: bool
    allow_shared_key_access: bool
    container_public_access: str
    cors: list[Document]
    sas_mode: str
    sas_rotation_seconds: int
    role_assignments: list[Document]
    sas_policy: Document | None = None
    """ARM ``sasPolicy``: service and account SAS may not outlive the rotation period (Block, not Log)."""
    key_policy: Document | None = None
    """ARM ``keyPolicy``: account keys are due for rotation after the period (account-key mode only)."""


def _period(seconds: int) -> str:
    """ARM's ``sasExpirationPeriod`` format, ``D.HH:MM:SS``."""
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{days}.{hours:02}:{minutes:02}:{secs:02}"


def _rotation_policies(integration: AzureIntegration) -> tuple[Document, Document | None]:
    """What enforces ``sas.rotation`` on the account (ARM StorageAccount ``sasPolicy`` and ``keyPolicy``).

    Azure's SAS expiration policy bounds the signed expiry of service and account SAS ("Configure an
    expiration policy for shared access signatures", learn.microsoft.com); ``Block`` denies longer ones.
    A user delegation SAS is bounded by its key's at most 7 days instead. The key expiration policy
    (``keyExpirationPeriodInDays``) flags account keys older than the rotation period.
    """
    seconds = int(integration.sas.rotation.total_seconds())
    sas = {"sasExpirationPeriod": _period(seconds), "expirationAction": "Block"}
    if integration.sas.mode != "account-key":
        return sas, None
    return sas, {"keyExpirationPeriodInDays": max(1, -(-seconds // 86400))}


def render_azure(integration: AzureIntegration, spec: Spec) -> AzureDesired:
    """The desired state of one Azure integration."""
    assignments: list[Document] = []
    if not integration.direct_access and integration.sas.mode == "user-delegation":
        assert spec.platform.azure is not None
        principal = spec.platform.azure.principal_id
        assignments = [
            {"role": "Storage Blob Data Reader", "role_id": BLOB_DATA_READER, "scope": "container",
             "principal_id": principal},
            {"role": "Storage Blob Delegator", "role_id": BLOB_DELEGATOR, "scope": "account",
             "principal_id": principal},
        ]
    sas_policy, key_policy = _rotation_policies(integration)
    rule = cors_rule(integration.cors)
    cors = {
        "allowedOrigins": list(rule.origins),
        "allowedMethods": list(rule.methods),
        "allowedHeaders": list(rule.headers),
        "exposedHeaders": list(rule.expose_headers),
        "maxAgeInSeconds": rule.max_age_seconds,
    }
    return AzureDesired(
        integration=integration.name,
        resource_group=integration.resource_group,
        account=integration.bucket.account,
        container=integration.bucket.container,
        location=integration.region,
        adopt=integration.bucket.existing,
        tags=dict(integration.tags),
        https_only=True,
        minimum_tls_version="TLS1_2",
        allow_blob_public_access=False,
        allow_shared_key_access=integration.sas.mode == "account-key",
        container_public_access="None",
        cors=[cors],
        sas_mode=integration.sas.mode,
        sas_rotation_seconds=int(integration.sas.rotation.total_seconds()),
        role_assignments=assignments,
        sas_policy=sas_policy,
        key_policy=key_policy,
    )

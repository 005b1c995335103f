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
    )

"""Desired state of a Cloud Storage bucket, in GCS JSON API shapes.

GCS has no per-bucket deny on source networks (that is VPC Service Controls, outside a bucket),
so strict client-only here is enforced by the runtime alone; `tether lint` says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tether.desired.cors import cors_rule
from tether.spec.model import GcpIntegration, Spec

Document = dict[str, Any]
OBJECT_VIEWER = "roles/storage.objectViewer"
TOKEN_CREATOR = "roles/iam.serviceAccountTokenCreator"


@dataclass(frozen=True)
class GcsDesired:
    """Everything `pulumi up` sets on one Cloud Storage bucket."""

    integration: str
    bucket: str
    project: str
    location: str
    adopt: bool
    labels: dict[str, str]
    uniform_bucket_level_access: bool
    public_access_prevention: str
    cors: list[Document]
    reader_account_id: str | None
    reader_email: str | None
    bucket_bindings: list[Document]
    signer_bindings: list[Document]
    hmac_key: bool


def prefix_condition(bucket: str, prefixes: list[str]) -> Document | None:
    """An IAM condition limiting object reads to the declared prefixes (None: the whole bucket)."""
    if not prefixes:
        return None
    expression = " || ".join(
        f'resource.name.startsWith("projects/_/buckets/{bucket}/objects/{prefix}")' for prefix in prefixes
    )
    return {"title": "tether-prefixes", "description": "Read only the declared prefixes", "expression": expression}


def _label(value: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in value.lower())[:63]


def render_gcs(integration: GcpIntegration, spec: Spec) -> GcsDesired:
    """The desired state of one GCP integration."""
    bucket = integration.bucket.name
    reader_email = None
    bucket_bindings: list[Document] = []
    signer_bindings: list[Document] = []
    if not integration.direct_access:
        assert spec.platform.gcp is not None
        platform = f"serviceAccount:{spec.platform.gcp.service_account}"
        if integration.reader_account:
            reader_email = f"{integration.reader_account}@{integration.project}.iam.gserviceaccount.com"
            reader = f"serviceAccount:{reader_email}"
            signer_bindings.append({"role": TOKEN_CREATOR, "member": platform})
        else:
            reader = platform
        binding: Document = {"role": OBJECT_VIEWER, "member": reader}
        condition = prefix_condition(bucket, integration.prefixes)
        if condition:
            binding["condition"] = condition
        bucket_bindings.append(binding)
    rule = cors_rule(integration.cors)
    cors: Document = {"origin": list(rule.origins), "method": list(rule.methods), "maxAgeSeconds": rule.max_age_seconds}
    response_headers = [*rule.headers, *rule.expose_headers]
    if response_headers:
        cors["responseHeader"] = response_headers
    return GcsDesired(
        integration=integration.name,
        bucket=bucket,
        project=integration.project,
        location=integration.region.upper(),
        adopt=integration.bucket.existing,
        labels={_label(k): _label(v) for k, v in integration.tags.items()},
        uniform_bucket_level_access=True,
        public_access_prevention="enforced",
        cors=[cors],
        reader_account_id=integration.reader_account if reader_email else None,  # none made for Direct Access
        reader_email=reader_email,
        bucket_bindings=bucket_bindings,
        signer_bindings=signer_bindings,
        hmac_key=integration.hmac_key and not integration.direct_access,
    )

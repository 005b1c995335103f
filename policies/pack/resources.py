"""Pulumi resource properties (camelCase engine names) back into the desired-state shapes rules read.

Each judged resource type contributes parts of one integration's desired state; the parts that no
resource contributes keep an unsafe "absent" value (no public access block, an empty bucket policy,
HTTPS-only off...), so a setting missing from the stack is judged as missing. Azure account settings
must be explicit because their defaults changed across API versions; a container's public access
defaults to None in every version.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from policies.iam import values
from tether.desired import AzureDesired, Desired, GcsDesired, RoleDesired, S3Desired
from tether.desired.azure import BLOB_DATA_READER, BLOB_DELEGATOR
from tether.desired.s3 import ROLE_PATH, role_name
from tether.spec.model import (
    AnyIntegration,
    AwsIntegration,
    AzureIntegration,
    GcpIntegration,
)

Contribution = dict[str, Any]
VERSION = "2012-10-17"

S3_CORS = ("aws:s3/bucketCorsConfiguration:BucketCorsConfiguration",
           "aws:s3/bucketCorsConfigurationV2:BucketCorsConfigurationV2")
S3_ENCRYPTION = ("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                 "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2")
S3_PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
S3_OWNERSHIP = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
S3_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
S3_BUCKETS = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2", "pulumi-python:dynamic/tether:StoreBucket")
IAM_ROLE = "aws:iam/role:Role"
IAM_ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
IAM_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
IAM_POLICY_ATTACHMENT = "aws:iam/policyAttachment:PolicyAttachment"
GCS_BUCKET = "gcp:storage/bucket:Bucket"
GCS_MEMBER = "gcp:storage/bucketIAMMember:BucketIAMMember"
GCS_BINDING = "gcp:storage/bucketIAMBinding:BucketIAMBinding"
GCS_POLICY = "gcp:storage/bucketIAMPolicy:BucketIAMPolicy"
GCS_SIGNER = "gcp:serviceaccount/iAMMember:IAMMember"
GCS_HMAC = "gcp:storage/hmacKey:HmacKey"
AZ_ACCOUNT = "azure-native:storage:StorageAccount"
AZ_BLOB_SERVICE = "azure-native:storage:BlobServiceProperties"
AZ_CONTAINER = "azure-native:storage:BlobContainer"
AZ_ROLE = "azure-native:authorization:RoleAssignment"

PARTS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(S3_CORS, ("cors_rules",)),
    **dict.fromkeys(S3_ENCRYPTION, ("encryption",)),
    S3_PUBLIC_ACCESS_BLOCK: ("public_access_block",),
    S3_OWNERSHIP: ("ownership",),
    S3_POLICY: ("policy",),
    IAM_ROLE: ("role.trust_policy", "role.permissions_policy", "role.managed_policies"),
    IAM_ROLE_POLICY: ("role.permissions_policy",),
    IAM_ATTACHMENT: ("role.managed_policies",),
    IAM_POLICY_ATTACHMENT: ("role.managed_policies",),
    GCS_BUCKET: ("cors", "uniform_bucket_level_access", "public_access_prevention"),
    GCS_MEMBER: ("bucket_bindings",),
    GCS_BINDING: ("bucket_bindings",),
    GCS_POLICY: ("bucket_bindings",),
    GCS_SIGNER: ("signer_bindings",),
    GCS_HMAC: ("hmac_key",),
    AZ_ACCOUNT: ("https_only", "minimum_tls_version", "allow_blob_public_access"),
    AZ_BLOB_SERVICE: ("cors",),
    AZ_CONTAINER: ("container_public_access",),
    AZ_ROLE: ("role_assignments",),
}
"""Which parts of the desired state each resource type sets (the pack's unit of blame)."""

ANCHORS = (*S3_BUCKETS, GCS_BUCKET, AZ_ACCOUNT)
"""The resource a finding about a whole integration is reported on."""

_ROLE_NAMES = {BLOB_DATA_READER: "Storage Blob Data Reader", BLOB_DELEGATOR: "Storage Blob Delegator"}


@dataclass(frozen=True)
class Resource:
    """One Pulumi resource as the pack sees it, whether it came from Analyze or AnalyzeStack."""

    type: str
    props: Mapping[str, Any]
    urn: str
    ancestors: tuple[str, ...] = ()
    """URNs of its parent, the parent's parent... (as far as the engine tells)."""


def plain(value: Any) -> Any:
    """Engine values (pulumi-policy's read-only proxies) as plain dicts and lists; numbers stay numbers."""
    if isinstance(value, Mapping):
        return {str(k): plain(value[k]) for k in value}
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [plain(item) for item in value]
    return value


def _document(value: Any) -> dict[str, Any]:
    """A policy property: JSON text, or already an object; unreadable text counts as empty."""
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            return {}
        return parsed if isinstance(parsed, dict) else {}
    found = plain(value)
    return found if isinstance(found, dict) else {}


def _statements(value: Any) -> list[dict[str, Any]]:
    found = _document(value).get("Statement", [])
    return [found] if isinstance(found, dict) else list(found)


_S3_CORS_KEYS = {"allowedOrigins": "AllowedOrigins", "allowedMethods": "AllowedMethods",
                 "allowedHeaders": "AllowedHeaders", "exposeHeaders": "ExposeHeaders", "maxAgeSeconds": "MaxAgeSeconds"}
_GCS_CORS_KEYS = {"origins": "origin", "methods": "method", "responseHeaders": "responseHeader",
                  "maxAgeSeconds": "maxAgeSeconds"}


def _renamed(rules: Any, names: dict[str, str]) -> list[dict[str, Any]]:
    return [{names[k]: v for k, v in rule.items() if k in names} for rule in plain(rules or [])]


def _s3(kind: str, props: Mapping[str, Any]) -> Contribution:
    if kind in S3_CORS:
        return {"cors_rules": _renamed(props.get("corsRules"), _S3_CORS_KEYS)}
    if kind in S3_ENCRYPTION:
        rules = plain(props.get("rules") or [])
        default = (rules[0].get("applyServerSideEncryptionByDefault") or {}) if rules else {}
        return {"encryption": {"SSEAlgorithm": default.get("sseAlgorithm")}}
    if kind == S3_PUBLIC_ACCESS_BLOCK:
        names = ("blockPublicAcls", "ignorePublicAcls", "blockPublicPolicy", "restrictPublicBuckets")
        return {"public_access_block": {n[0].upper() + n[1:]: props.get(n) is True for n in names}}
    if kind == S3_OWNERSHIP:
        return {"ownership": plain(props.get("rule") or {}).get("objectOwnership")}
    if kind == S3_POLICY:
        return {"policy": _statements(props.get("policy"))}
    if kind == IAM_ROLE:
        # RoleArgs.inline_policies (engine name inlinePolicies: [{name, policy}]) and managed_policy_arns
        # (managedPolicyArns), pulumi_aws/iam/role.py: deprecated, yet a program may still set them.
        inline = [s for p in plain(props.get("inlinePolicies") or []) for s in _statements(p.get("policy"))]
        return {"role.trust_policy": _statements(props.get("assumeRolePolicy")), "role.name": props.get("name"),
                "role.max_session": int(props.get("maxSessionDuration") or 3600),
                "role.permissions_policy": inline, "role.managed_policies": plain(props.get("managedPolicyArns") or [])}
    if kind == IAM_ROLE_POLICY:
        return {"role.permissions_policy": _statements(props.get("policy"))}
    if kind in (IAM_ATTACHMENT, IAM_POLICY_ATTACHMENT):
        # RolePolicyAttachmentArgs(role, policy_arn) and PolicyAttachmentArgs(policy_arn, roles, ...):
        # pulumi_aws/iam/role_policy_attachment.py, policy_attachment.py.
        return {"role.managed_policies": [props.get("policyArn")]}
    return {}


def _gcs(kind: str, props: Mapping[str, Any]) -> Contribution:
    if kind == GCS_BUCKET:
        return {"cors": _renamed(props.get("cors"), _GCS_CORS_KEYS),
                "uniform_bucket_level_access": props.get("uniformBucketLevelAccess") is True,
                "public_access_prevention": props.get("publicAccessPrevention") or ""}
    if kind == GCS_POLICY:
        # BucketIAMPolicyArgs(bucket, policy_data): the whole IAM policy as JSON {"bindings": [{role, members,
        # condition}]} (pulumi_gcp/storage/bucket_iam_policy.py, organizations.get_iam_policy's policy_data).
        data = _document(props.get("policyData"))
        return {"bucket_bindings": [
            {"role": b.get("role"), "member": member, **({"condition": b["condition"]} if b.get("condition") else {})}
            for b in data.get("bindings") or [] if isinstance(b, dict) for member in values(b.get("members"))
        ]}
    if kind in (GCS_MEMBER, GCS_BINDING):
        members = [props.get("member")] if kind == GCS_MEMBER else plain(props.get("members") or [])
        binding = {"role": props.get("role")}
        if props.get("condition"):
            binding["condition"] = plain(props.get("condition"))
        return {"bucket_bindings": [{**binding, "member": member} for member in members]}
    if kind == GCS_SIGNER:
        return {"signer_bindings": [{"role": props.get("role"), "member": props.get("member")}]}
    if kind == GCS_HMAC:
        return {"hmac_key": True}
    return {}


def _azure(kind: str, props: Mapping[str, Any]) -> Contribution:
    if kind == AZ_ACCOUNT:
        return {"https_only": props.get("enableHttpsTrafficOnly") is True,
                "minimum_tls_version": props.get("minimumTlsVersion") or "",
                "allow_blob_public_access": props.get("allowBlobPublicAccess") is not False}
    if kind == AZ_BLOB_SERVICE:
        return {"cors": plain((props.get("cors") or {}).get("corsRules") or [])}
    if kind == AZ_CONTAINER:
        return {"container_public_access": props.get("publicAccess") or "None"}
    if kind == AZ_ROLE:
        role_id = str(props.get("roleDefinitionId") or "").rstrip("/").rsplit("/", 1)[-1]
        assignment = {"role_id": role_id, "role": _ROLE_NAMES.get(role_id, role_id),
                      "principal_id": props.get("principalId"), "scope": props.get("scope")}
        if props.get("condition"):
            assignment["condition"] = props.get("condition")
        return {"role_assignments": [assignment]}
    return {}


def contribution(resource: Resource) -> Contribution:
    """What ``resource`` sets in its integration's desired state (empty for types no rule judges).

    Reading a property that is unknown during preview raises pulumi-policy's UnknownValueError.
    """
    kind, props = resource.type, resource.props
    if kind.startswith("aws:"):
        return _s3(kind, props)
    if kind.startswith("gcp:"):
        return _gcs(kind, props)
    return _azure(kind, props) if kind.startswith("azure-native:") else {}


def merge(contributions: Iterable[Contribution]) -> Contribution:
    """Lists from several resources add up (bindings, statements); single settings replace."""
    merged: Contribution = {}
    for part in contributions:
        for key, value in part.items():
            if isinstance(value, list):
                merged.setdefault(key, []).extend(value)
            else:
                merged[key] = value
    return merged


def _s3_desired(integration: AnyIntegration, found: Contribution) -> S3Desired:
    role = None
    if {"role.trust_policy", "role.permissions_policy", "role.managed_policies"} & set(found):
        role = RoleDesired(
            name=found.get("role.name") or role_name(integration),
            path=ROLE_PATH,
            trust_policy={"Version": VERSION, "Statement": found.get("role.trust_policy", [])},
            permissions_policy={"Version": VERSION, "Statement": found.get("role.permissions_policy", [])},
            max_session_seconds=found.get("role.max_session", 3600),
            managed_policy_arns=tuple(str(arn) for arn in found.get("role.managed_policies", [])),
        )
    aws = isinstance(integration, AwsIntegration)
    return S3Desired(
        integration=integration.name,
        provider=integration.provider,
        bucket=integration.bucket.name,
        region=integration.region,
        endpoint=None if aws else getattr(integration, "endpoint_url", None),
        path_style=getattr(integration, "path_style", not aws),
        adopt=integration.bucket.existing,
        tags={},
        cors_rules=found.get("cors_rules", []),
        public_access_block=found.get("public_access_block"),
        ownership=found.get("ownership"),
        encryption=found.get("encryption"),
        policy={"Version": VERSION, "Statement": found.get("policy", [])},
        role=role,
    )


def _gcs_desired(integration: GcpIntegration, found: Contribution) -> GcsDesired:
    return GcsDesired(
        integration=integration.name,
        bucket=integration.bucket.name,
        project=integration.project,
        location=integration.region.upper(),
        adopt=integration.bucket.existing,
        labels={},
        uniform_bucket_level_access=found.get("uniform_bucket_level_access", False),
        public_access_prevention=found.get("public_access_prevention", ""),
        cors=found.get("cors", []),
        reader_account_id=integration.reader_account,
        reader_email=None,
        bucket_bindings=found.get("bucket_bindings", []),
        signer_bindings=found.get("signer_bindings", []),
        hmac_key=found.get("hmac_key", False),
    )


def _azure_desired(integration: AzureIntegration, found: Contribution) -> AzureDesired:
    return AzureDesired(
        integration=integration.name,
        resource_group=integration.resource_group,
        account=integration.bucket.account,
        container=integration.bucket.container,
        location=integration.region,
        adopt=integration.bucket.existing,
        tags={},
        https_only=found.get("https_only", False),
        minimum_tls_version=found.get("minimum_tls_version", ""),
        allow_blob_public_access=found.get("allow_blob_public_access", True),
        allow_shared_key_access=integration.sas.mode == "account-key",
        container_public_access=found.get("container_public_access", ""),
        cors=found.get("cors", []),
        sas_mode=integration.sas.mode,
        sas_rotation_seconds=int(integration.sas.rotation.total_seconds()),
        role_assignments=found.get("role_assignments", []),
    )


def assemble(integration: AnyIntegration, contributions: Iterable[Contribution]) -> Desired:
    """The desired state ``contributions`` amount to; the spec supplies names, region and endpoint."""
    found = merge(contributions)
    if isinstance(integration, GcpIntegration):
        return _gcs_desired(integration, found)
    if isinstance(integration, AzureIntegration):
        return _azure_desired(integration, found)
    return _s3_desired(integration, found)

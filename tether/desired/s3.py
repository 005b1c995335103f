"""Desired state of an S3-family bucket: AWS, Open Telekom Cloud OBS, and other S3-compatible stores.

The bucket policy carries the guarantees: TLS only (R11), the platform's read grant where the store
has no IAM role, and for strict client-only integrations a Deny on the platform's reads from its
own server networks (R8): browsers can use the URLs the platform signs, its servers cannot.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from tether.desired.cors import cors_rule
from tether.spec.model import AnyIntegration, AwsIntegration, OtcIntegration, S3CompatibleIntegration, Spec

Document = dict[str, Any]
S3Integration = AwsIntegration | OtcIntegration | S3CompatibleIntegration
_PUBLIC_ACCESS_BLOCK = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
MAX_ROLE_SESSION_SECONDS = 12 * 3600
"""IAM's ceiling for a role session; URLs signed with its credentials die when they do."""


@dataclass(frozen=True)
class RoleDesired:
    """The IAM role the platform assumes (AWS only): trusted by its account, with the external ID."""

    name: str
    path: str
    trust_policy: Document
    permissions_policy: Document
    max_session_seconds: int
    managed_policy_arns: tuple[str, ...] = ()
    """Managed policies attached to the role: tether attaches none; the policy pack reads a program's."""


@dataclass(frozen=True)
class S3Desired:
    """Everything `pulumi up` sets on one S3-family bucket, in S3 API shapes."""

    integration: str
    provider: str
    bucket: str
    region: str
    endpoint: str | None
    path_style: bool
    adopt: bool
    tags: dict[str, str]
    cors_rules: list[Document]
    public_access_block: dict[str, bool] | None
    ownership: str | None
    encryption: Document | None
    policy: Document
    role: RoleDesired | None


def bucket_arn(bucket: str) -> str:
    """The ARN S3 and S3-compatible bucket policies use for a bucket."""
    return f"arn:aws:s3:::{bucket}"


def object_arns(bucket: str, prefixes: list[str]) -> list[str]:
    """Object ARNs for the declared prefixes, or the whole bucket when none are declared."""
    return [f"{bucket_arn(bucket)}/{prefix}*" for prefix in prefixes] or [f"{bucket_arn(bucket)}/*"]


MAX_ROLE_NAME = 64
"""IAM's limit on a role name (IAM API reference, CreateRole: RoleName, 1-64 characters)."""


def role_name(integration: AnyIntegration) -> str:
    """The platform role's name: stable (drift and the runtime find it) and unique per stack in an account.

    Role names are unique per account, and two stacks (dev, prod) often deploy into one. The
    integration's name alone collides between them; its bucket's name cannot, as S3 bucket names
    are unique in their partition. Names over IAM's 64 characters keep a prefix and a digest.
    """
    name = f"tether-{integration.first_name}-{integration.bucket.name}"
    if len(name) <= MAX_ROLE_NAME:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:10]
    return f"{name[: MAX_ROLE_NAME - len(digest) - 1]}-{digest}"


ROLE_PATH = "/tether/"


def _read_statements(bucket: str, prefixes: list[str], list_objects: bool, principal: Document) -> list[Document]:
    statements: list[Document] = [
        {
            "Sid": "PlatformReadObjects",
            "Effect": "Allow",
            **principal,
            "Action": ["s3:GetObject"],
            "Resource": object_arns(bucket, prefixes),
        }
    ]
    if list_objects:
        listing: Document = {
            "Sid": "PlatformListPrefixes",
            "Effect": "Allow",
            **principal,
            "Action": ["s3:ListBucket"],
            "Resource": [bucket_arn(bucket)],
        }
        if prefixes:
            listing["Condition"] = {"StringLike": {"s3:prefix": [f"{p}*" for p in prefixes]}}
        statements.append(listing)
    return statements


def _tls_only(bucket: str) -> Document:
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [bucket_arn(bucket), f"{bucket_arn(bucket)}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def _client_only_deny(bucket: str, spec: Spec, who: Document) -> Document:
    return {
        "Sid": "DenyPlatformServerReads",
        "Effect": "Deny",
        **who["principal"],
        "Action": ["s3:GetObject"],
        "Resource": [f"{bucket_arn(bucket)}/*"],
        "Condition": {
            "IpAddress": {"aws:SourceIp": [str(cidr) for cidr in spec.platform.egress_cidrs]},
            **who["condition"],
        },
    }


def _role(integration: AwsIntegration, spec: Spec) -> RoleDesired:
    assert spec.platform.aws is not None and integration.external_id is not None
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{spec.platform.aws.account_id}:root"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"sts:ExternalId": integration.external_id}},
            }
        ],
    }
    permissions = {
        "Version": "2012-10-17",
        "Statement": _read_statements(integration.bucket.name, integration.prefixes, integration.list_objects, {}),
    }
    session = int(integration.signed_url_expiry.total_seconds())
    return RoleDesired(
        name=role_name(integration),
        path=ROLE_PATH,
        trust_policy=trust,
        permissions_policy=permissions,
        max_session_seconds=min(max(session, 3600), MAX_ROLE_SESSION_SECONDS),
    )


_OBS_USER = re.compile(r"^domain/(?P<domain>[^:/]+):user/(?P<user>[^/]+)$")


def obs_principal(principal: str) -> str:
    """An OBS user as its S3 API names it: ``domain/<d>:user/<u>`` becomes ``arn:aws:iam::<d>:user/<u>``.

    The spec takes the OBS console's form. tether writes the policy through OBS's S3 API (pulumi-aws,
    PutBucketPolicy), where principals are ``{"AWS": [ARN]}`` with the domain id as the account (OTC "S3
    API: PUT Bucket policy" sample ``arn:aws:iam::<domain-id>:root``); ``{"ID": ["domain/..."]}`` is the
    OBS API's own form (OBS "Bucket Policy Parameters"), not the S3 API's.
    """
    match = _OBS_USER.match(principal)
    return f"arn:aws:iam::{match['domain']}:user/{match['user']}" if match else principal


def _principal(integration: S3Integration) -> Document | None:
    """How the store's bucket policy names the platform's principal; None when the spec names none."""
    if isinstance(integration, AwsIntegration) or not integration.principal:
        return None
    if isinstance(integration, OtcIntegration):
        return {"Principal": {"AWS": [obs_principal(integration.principal)]}}
    return {"Principal": {"AWS": [integration.principal]}}


def _vpc_endpoint_deny(bucket: str, role: RoleDesired) -> Document:
    """Deny the role's reads that arrive through a VPC endpoint, where ``aws:SourceIp`` is absent.

    AWS IAM condition-key reference: aws:SourceIp is not in the request context of requests made
    through a VPC endpoint; aws:SourceVpce is, and only then (so Null false means "via an endpoint").
    """
    return {
        "Sid": "DenyPlatformVpcEndpointReads",
        "Effect": "Deny",
        "Principal": "*",
        "Action": ["s3:GetObject"],
        "Resource": [f"{bucket_arn(bucket)}/*"],
        "Condition": {
            "Null": {"aws:SourceVpce": "false"},
            "ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::*:role{ROLE_PATH}{role.name}"},
        },
    }


def _policy(integration: S3Integration, spec: Spec, role: RoleDesired | None) -> Document:
    """TLS only; the platform's read grant where the store has no IAM role; the client-only denies."""
    bucket = integration.bucket.name
    statements = [_tls_only(bucket)]
    principal = _principal(integration)
    granted = not integration.direct_access
    if principal and granted:
        statements += _read_statements(bucket, integration.prefixes, integration.list_objects, principal)
    if integration.strict_client_only and granted:
        if role is not None and spec.platform.egress_cidrs:
            who = {
                "principal": {"Principal": "*"},
                "condition": {"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::*:role{ROLE_PATH}{role.name}"}},
            }
            statements.append(_client_only_deny(bucket, spec, who))
        elif principal and spec.platform.egress_cidrs:
            statements.append(_client_only_deny(bucket, spec, {"principal": principal, "condition": {}}))
        if role is not None:
            statements.append(_vpc_endpoint_deny(bucket, role))
    return {"Version": "2012-10-17", "Statement": statements}


def _cors(integration: S3Integration) -> Document:
    rule = cors_rule(integration.cors)
    cors: Document = {"AllowedOrigins": list(rule.origins), "AllowedMethods": list(rule.methods)}
    if rule.headers:
        cors["AllowedHeaders"] = list(rule.headers)
    if rule.expose_headers:
        cors["ExposeHeaders"] = list(rule.expose_headers)
    cors["MaxAgeSeconds"] = rule.max_age_seconds
    return cors


def _encryption(integration: S3Integration) -> Document | None:
    """Default encryption each store accepts through the S3 API that pulumi-aws speaks.

    OBS takes only SSE-KMS: ``kms`` in its own API, ``aws:kms`` in its S3 API (OTC "S3 API: PUT Bucket
    Encryption"; OBS API reference "Configuring Bucket Encryption"), and rejects AES256. pulumi-aws sends
    one of AES256, aws:kms, aws:kms:dsse (pulumi_aws/s3/_inputs.py). Other stores vary: none is set.
    """
    if isinstance(integration, AwsIntegration):
        return {"SSEAlgorithm": "AES256"}
    if isinstance(integration, OtcIntegration):
        return {"SSEAlgorithm": "aws:kms"}  # OBS's default KMS key, no key id
    return None


def render_s3(integration: S3Integration, spec: Spec) -> S3Desired:
    """The desired state of one S3-family integration."""
    aws = integration if isinstance(integration, AwsIntegration) else None
    role = _role(aws, spec) if aws is not None and not aws.direct_access else None
    return S3Desired(
        integration=integration.name,
        provider=integration.provider,
        bucket=integration.bucket.name,
        region=integration.region,
        endpoint=None if isinstance(integration, AwsIntegration) else integration.endpoint_url,
        path_style=integration.path_style if isinstance(integration, S3CompatibleIntegration) else aws is None,
        adopt=integration.bucket.existing,
        tags=dict(integration.tags) if aws else {},
        cors_rules=[_cors(integration)],
        public_access_block=dict.fromkeys(_PUBLIC_ACCESS_BLOCK, True) if aws else None,
        ownership="BucketOwnerEnforced" if aws else None,
        encryption=_encryption(integration),
        policy=_policy(integration, spec, role),
        role=role,
    )

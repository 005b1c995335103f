"""What the first `pulumi up` of a spec would collide with or overwrite, found with read-only calls.

The desired state is the renderer's (what `pulumi up` will set); the live state is drift's readers and
comparison (``scan_one``): a difference drift would call drift is, before adoption, what adoption will
change. S3-family buckets get the checks only the S3 API can answer: whether a name is taken by another
account (HeadBucket 403), the bucket's real region, its tags and its ACL.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from tether.desired import Desired, S3Desired, render
from tether.drift.calls import Caller, CallFailed, RetryPolicy
from tether.drift.clients import Clients
from tether.drift.model import Difference, IntegrationResult
from tether.drift.read_s3 import classify
from tether.drift.scan import classifier, scan_one
from tether.spec.model import Spec

Kind = Literal["collision", "overwrite", "unreadable", "note"]
"""collision: `pulumi up` fails; overwrite: it silently changes live settings; note: worth knowing, harmless."""

_PRIVATE_GRANTEE = "CanonicalUser"
_OWNER_ONLY = "FULL_CONTROL"


@dataclass(frozen=True)
class Finding:
    """One thing `pulumi up` would run into, on one resource of one integration."""

    kind: Kind
    resource: str
    message: str
    expected: Any = None
    actual: Any = None


@dataclass(frozen=True)
class Checked:
    """The verdict on one integration."""

    integration: str
    provider: str
    adopt: bool
    findings: list[Finding] = field(default_factory=list)
    managed: bool = False
    """Already in the stack's records: its bucket and role exist because the stack made them."""


def _region(location: str | None) -> str:
    """GetBucketLocation's answer as a region (None is us-east-1, the legacy ``EU`` is eu-west-1)."""
    return {None: "us-east-1", "": "us-east-1", "EU": "eu-west-1"}.get(location, location or "us-east-1")


def _head(call: Caller, s3: Any, bucket: str) -> str:
    """``free``, ``ours`` (it exists and we may read it) or ``taken`` (403: another account's)."""
    try:
        call(s3.head_bucket, Bucket=bucket)
    except CallFailed as failed:
        if failed.failure.reason == "not_found":
            return "free"
        if failed.failure.reason == "access_denied":
            return "taken"
        raise
    return "ours"


def _optional(call: Caller, fn: Any, absent: Collection[str], **kwargs: Any) -> Any:
    try:
        return call(fn, **kwargs)
    except CallFailed as failed:
        if failed.code in absent:
            return None
        raise


def _public_grants(acl: dict[str, Any]) -> list[str]:
    """ACL grants beyond the owner's full control (what BucketOwnerEnforced refuses to coexist with)."""
    owner = acl.get("Owner", {}).get("ID")
    found = []
    for grant in acl.get("Grants", []):
        grantee = grant.get("Grantee", {})
        owners = grantee.get("Type") == _PRIVATE_GRANTEE and grantee.get("ID") == owner
        if owners and grant.get("Permission") == _OWNER_ONLY:
            continue
        who = grantee.get("URI") or grantee.get("ID") or grantee.get("EmailAddress") or grantee.get("Type")
        found.append(f"{who}: {grant.get('Permission')}")
    return found


def _adopted_s3(desired: S3Desired, s3: Any, call: Caller) -> list[Finding]:
    """An existing bucket about to be imported: region, tags and ACL, which only the S3 API tells."""
    findings = []
    bucket = desired.bucket
    if desired.provider == "aws":
        region = _region(call(s3.get_bucket_location, Bucket=bucket).get("LocationConstraint"))
        if region != desired.region:
            findings.append(Finding(
                "collision", "bucket.region",
                f"the bucket is in {region}, the spec says {desired.region}: the import ({bucket}@{desired.region}) "
                "finds no bucket there", desired.region, region,
            ))
    tagging = _optional(call, s3.get_bucket_tagging, {"NoSuchTagSet", "NoSuchTagSetError"}, Bucket=bucket)
    live_tags = {t["Key"]: t["Value"] for t in (tagging or {}).get("TagSet", [])}
    if desired.tags and live_tags != desired.tags:
        findings.append(Finding(
            "note", "bucket.tags",
            "adoption keeps the live tags (a bucket imported with other tags would fail to import): set the spec's "
            "tags on the bucket first if they are required", desired.tags, live_tags,
        ))
    if desired.ownership == "BucketOwnerEnforced":
        grants = _public_grants(call(s3.get_bucket_acl, Bucket=bucket))
        if grants:
            findings.append(Finding(
                "collision", "bucket.acl",
                "the bucket's ACL grants more than the owner, and BucketOwnerEnforced ownership cannot be set while "
                "it does (InvalidBucketAclWithObjectOwnership): reset the ACL to private first",
                [], grants,
            ))
    return findings


def _overwrite(difference: Difference) -> Finding:
    """A drift difference, read as what adoption will change."""
    if difference.path == "encryption.SSEAlgorithm" and str(difference.actual).startswith("aws:kms"):
        message = f"adoption replaces SSE-KMS ({difference.actual}) with {difference.expected}: a downgrade"
    elif difference.kind == "extra":
        where = difference.path.split("[")[0]
        message = f"adoption replaces {where}: this live setting is removed ({difference.meaning})"
    elif difference.kind == "missing":
        message = f"adoption adds {difference.path}, which the bucket lacks now"
    else:
        message = f"adoption changes {difference.path} to the spec's value"
    return Finding("overwrite", difference.path, message, difference.expected, difference.actual)


def _role(desired: S3Desired, clients: Clients, call: Caller) -> list[Finding]:
    assert desired.role is not None
    try:
        call(clients.iam(desired.provider).get_role, RoleName=desired.role.name)
    except CallFailed as failed:
        if failed.code == "NoSuchEntity":
            return []
        raise
    return [Finding(
        "collision", "role",
        f"a role named {desired.role.name} already exists in the account: CreateRole fails (EntityAlreadyExists)",
        None, desired.role.name,
    )]


def _unreadable(result: IntegrationResult) -> list[Finding]:
    return [
        Finding("unreadable", u.resource, f"could not read: {u.failure.reason}: {u.failure.detail}")
        for u in result.unreadable
    ]


def _find(
    findings: list[Finding], index: int, desired: Desired, provider: str, clients: Clients, retry: RetryPolicy
) -> None:
    """Append each finding as it is known, so a later failed read keeps what was found before it."""
    call = Caller(retry, classify)
    result: IntegrationResult | None = None
    exists: bool | None
    if isinstance(desired, S3Desired):
        state = _head(call, clients.s3(desired), desired.bucket)
        exists = state == "ours"
        if state == "taken":
            findings.append(Finding(
                "collision", "bucket",
                f"the name {desired.bucket} is taken by another account (HeadBucket 403), or the deploy identity "
                "may not read it: creating or importing it would fail",
            ))
    else:
        result = scan_one(index, desired, provider, clients, Caller(retry, classifier(desired)))
        findings += _unreadable(result)
        exists = None if result.status == "unreadable" else result.status != "missing"
    if exists and not desired.adopt:
        findings.append(Finding(
            "collision", "bucket",
            "the bucket already exists and is not adopted: creating it fails (BucketAlreadyOwnedByYou or "
            "AlreadyExists); set `existing: true` to adopt it",
        ))
    elif exists is False and desired.adopt:
        findings.append(Finding("collision", "bucket", "the bucket to adopt does not exist: the import fails"))
    elif exists and desired.adopt:
        if result is None:
            result = scan_one(index, desired, provider, clients, Caller(retry, classifier(desired)))
            findings += _unreadable(result)
        # the role is new (its name is checked below); everything else is on the adopted bucket
        findings += [_overwrite(d) for d in result.differences if not d.path.startswith("role")]
        if isinstance(desired, S3Desired):
            findings += _adopted_s3(desired, clients.s3(desired), call)
    if isinstance(desired, S3Desired) and desired.role is not None:
        findings += _role(desired, clients, call)


def check_one(index: int, desired: Desired, provider: str, clients: Clients, retry: RetryPolicy) -> Checked:
    """Every finding for one integration; a failed read is a finding, never an exception."""
    findings: list[Finding] = []
    try:
        _find(findings, index, desired, provider, clients, retry)
    except CallFailed as failed:
        hint = " (the deploy identity lacks a read permission)" if failed.failure.reason == "access_denied" else ""
        findings.append(Finding(
            "unreadable", "integration", f"could not read: {failed.failure.reason}: {failed.failure.detail}{hint}"
        ))
    except Exception as error:  # one integration's surprise must not stop the others
        findings.append(Finding("unreadable", "integration", f"could not read: {type(error).__name__}: {error}"))
    return Checked(desired.integration, provider, desired.adopt, findings)


def preflight(
    spec: Spec,
    clients: Clients,
    names: Sequence[str] = (),
    managed: Collection[str] = (),
    retry: RetryPolicy | None = None,
) -> list[Checked]:
    """Checked integrations in spec order; those in ``managed`` (the stack's records) are skipped."""
    retry = retry or RetryPolicy()
    checked = []
    for index, integration in enumerate(spec.integrations):
        if names and integration.name not in names:
            continue
        if integration.name in managed:
            checked.append(Checked(integration.name, integration.provider, integration.bucket.existing, managed=True))
            continue
        checked.append(check_one(index, render(integration, spec), integration.provider, clients, retry))
    return checked

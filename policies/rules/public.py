"""TTH001: the bucket is not public (Security: only the platform's signed URLs reach the data).

Per provider: S3 public access block with all four settings on (AWS only; OBS and other
S3-compatible stores have no such API) and no bucket-policy Allow for everyone, "everyone" as S3 Block
Public Access defines it (``iam.public``: ``Principal *`` is not public when a condition fixes one of
the narrowing keys, e.g. ``aws:SourceVpce``; on OBS and S3-compatible stores only ``aws:SourceIp``
counts); GCS public access
prevention enforced, uniform bucket-level access, no allUsers/allAuthenticatedUsers binding; Azure
blob public access off on the account and a private container.
"""

from __future__ import annotations

from collections.abc import Iterator

from policies import iam
from policies.rule import Rule, Subject, Violation
from tether.desired import AzureDesired, GcsDesired, S3Desired

PUBLIC_ACCESS_BLOCK = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
PUBLIC_MEMBERS = ("allUsers", "allAuthenticatedUsers")
SOURCE_IP = frozenset({"aws:sourceip"})
"""What narrows an Allow for everyone on OBS and other S3-compatible stores: stores differ in which AWS
condition keys they honour, and a key a store ignores would leave the Allow open to everyone, so only
the source address, which they all evaluate, counts there."""


def _s3(subject: Subject, state: S3Desired) -> Iterator[Violation]:
    at = (*subject.at, "bucket")
    if state.provider == "aws":
        block = state.public_access_block
        if block is None:
            yield Violation(at, "the bucket has no S3 public access block", "public_access_block")
        else:
            off = [name for name in PUBLIC_ACCESS_BLOCK if block.get(name) is not True]
            if off:
                yield Violation(at, f"the public access block leaves {', '.join(off)} off", "public_access_block")
    for index, statement in enumerate(iam.statements(state.policy)):
        if iam.public(statement, iam.NARROWING_KEYS if state.provider == "aws" else SOURCE_IP):
            yield Violation(
                at, f"bucket policy statement {iam.label(statement, index)} allows everyone (Principal * with no "
                "condition fixing its source)",
                "policy",
            )


def _gcs(subject: Subject, state: GcsDesired) -> Iterator[Violation]:
    at = (*subject.at, "bucket")
    if state.public_access_prevention != "enforced":
        yield Violation(at, "public access prevention is not enforced", "public_access_prevention")
    if not state.uniform_bucket_level_access:
        yield Violation(
            at, "uniform bucket-level access is off, so object ACLs can make objects public",
            "uniform_bucket_level_access",
        )
    for binding in state.bucket_bindings:
        if binding.get("member") in PUBLIC_MEMBERS:
            yield Violation(at, f"{binding.get('role')} is granted to {binding['member']}", "bucket_bindings")


def _azure(subject: Subject, state: AzureDesired) -> Iterator[Violation]:
    at = (*subject.at, "bucket")
    if state.allow_blob_public_access:
        yield Violation(at, "blob public access is not turned off on the storage account", "allow_blob_public_access")
    if state.container_public_access != "None":
        shown = state.container_public_access or "not set"
        yield Violation(at, f"container public access is {shown!r}, not 'None'", "container_public_access")


def check(subject: Subject) -> Iterator[Violation]:
    """Every way the bucket could be read without the platform's signature."""
    state = subject.desired
    if isinstance(state, S3Desired):
        yield from _s3(subject, state)
    elif isinstance(state, GcsDesired):
        yield from _gcs(subject, state)
    else:
        yield from _azure(subject, state)


RULE = Rule(
    id="TTH001",
    name="bucket-not-public",
    description="The bucket is not public: access is blocked on every path but the platform's grant.",
    severity="mandatory",
    fix="Keep the public access block / public access prevention / private container that tether renders; "
    "remove any grant to everyone.",
    security=9.3,
    pack_only=True,
    check=check,
    parts=frozenset({
        "public_access_block", "policy", "public_access_prevention", "uniform_bucket_level_access",
        "bucket_bindings", "allow_blob_public_access", "container_public_access",
    }),
)

"""TTH002: data moves over HTTPS only, TLS 1.2 or newer (Security; design rule R11).

S3 family: the bucket policy denies every request made without TLS (``aws:SecureTransport`` false)
and the store's endpoint is https. AWS refuses TLS below 1.2 on every endpoint since 2024, so S3
has no per-bucket minimum to set. Azure: HTTPS-only traffic and a minimum TLS version of 1.2 on
the account. GCS has no per-bucket transport setting; the platform signs https URLs only.
"""

from __future__ import annotations

from collections.abc import Iterator

from policies import iam
from policies.rule import Rule, Subject, Violation
from tether.desired import AzureDesired, S3Desired
from tether.desired.s3 import bucket_arn

TLS_VERSIONS = ("TLS1_2", "TLS1_3")


def _denies_plain_http(statement: iam.Statement, bucket: str) -> bool:
    insecure = [v.lower() for v in iam.conditions(statement, "Bool", "aws:SecureTransport")]
    resources = iam.values(statement.get("Resource"))
    return (
        "false" in insecure
        and "*" in iam.principals(statement)
        and iam.covers(iam.values(statement.get("Action")), "s3:GetObject")
        and iam.covers(iam.values(statement.get("Action")), "s3:ListBucket")
        and ("*" in resources or {bucket_arn(bucket), f"{bucket_arn(bucket)}/*"} <= set(resources))
    )


def _s3(subject: Subject, state: S3Desired) -> Iterator[Violation]:
    if state.endpoint is not None and not state.endpoint.startswith("https://"):
        yield Violation((*subject.at, "endpoint"), f"the store's endpoint {state.endpoint} is not HTTPS")
    if not any(_denies_plain_http(s, state.bucket) for s in iam.denies(state.policy)):
        yield Violation(
            (*subject.at, "bucket"),
            "the bucket policy does not deny requests made without TLS (aws:SecureTransport false) "
            "on the bucket and its objects",
            "policy",
        )


def _azure(subject: Subject, state: AzureDesired) -> Iterator[Violation]:
    at = (*subject.at, "bucket")
    if not state.https_only:
        yield Violation(at, "HTTPS-only traffic is not turned on for the storage account", "https_only")
    if state.minimum_tls_version not in TLS_VERSIONS:
        shown = state.minimum_tls_version or "not set"
        yield Violation(at, f"the storage account's minimum TLS version is {shown}, not TLS1_2 or newer",
                        "minimum_tls_version")


def check(subject: Subject) -> Iterator[Violation]:
    """HTTPS only, and TLS 1.2 or newer where the provider lets a bucket choose."""
    state = subject.desired
    if isinstance(state, S3Desired):
        yield from _s3(subject, state)
    elif isinstance(state, AzureDesired):
        yield from _azure(subject, state)


RULE = Rule(
    id="TTH002",
    name="tls-only",
    description="Access is HTTPS only, with TLS 1.2 or newer.",
    severity="mandatory",
    fix="Use an https:// endpoint; keep the bucket policy's DenyInsecureTransport statement; on Azure keep "
    "HTTPS-only traffic and minimum TLS version TLS1_2.",
    security=7.5,
    check=check,
    parts=frozenset({"policy", "https_only", "minimum_tls_version"}),
)

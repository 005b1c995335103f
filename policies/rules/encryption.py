"""TTH003 and TTH004: data is encrypted at rest.

GCS and Azure encrypt every object at rest and cannot be told not to; AWS and OBS take a default
encryption configuration, which tether sets. Other S3-compatible stores (MinIO, Ceph...) encrypt
only when their operator sets it up, which the S3 API neither sets nor shows reliably, so there the
rule can only advise.
"""

from __future__ import annotations

from collections.abc import Iterator

from policies.rule import Rule, Subject, Violation
from tether.desired import S3Desired

ALGORITHMS = ("AES256", "aws:kms", "aws:kms:dsse")


def check_at_rest(subject: Subject) -> Iterator[Violation]:
    """AWS and OBS buckets carry a default encryption with a known algorithm."""
    state = subject.desired
    if not isinstance(state, S3Desired) or (state.provider == "s3-compatible" and state.encryption is None):
        return
    at = (*subject.at, "bucket")
    if state.encryption is None:
        yield Violation(at, "the bucket has no default encryption", "encryption")
    elif state.encryption.get("SSEAlgorithm") not in ALGORITHMS:
        algorithm = state.encryption.get("SSEAlgorithm")
        yield Violation(at, f"default encryption uses {algorithm!r}, not one of {', '.join(ALGORITHMS)}",
                        "encryption")


def check_unverified(subject: Subject) -> Iterator[Violation]:
    """S3-compatible stores whose encryption tether cannot set: say so."""
    state = subject.desired
    if isinstance(state, S3Desired) and state.provider == "s3-compatible" and state.encryption is None:
        yield Violation(
            (*subject.at, "endpoint"),
            f"tether cannot set or read default encryption on the S3-compatible store at {state.endpoint}",
        )


AT_REST = Rule(
    id="TTH003",
    name="encrypted-at-rest",
    description="The bucket encrypts data at rest by default.",
    severity="mandatory",
    fix="Keep the default encryption tether renders (SSE-S3 AES256, or SSE-KMS).",
    check=check_at_rest,
    parts=frozenset({"encryption"}),
)

UNVERIFIED = Rule(
    id="TTH004",
    name="encryption-unverified",
    description="Encryption at rest on an S3-compatible store is the store operator's to set, not tether's.",
    severity="advisory",
    fix="Confirm with the store's operator that it encrypts at rest (e.g. MinIO SSE with KMS), then waive "
    "this rule with that reason.",
    check=check_unverified,
)

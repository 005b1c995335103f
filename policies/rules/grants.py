"""TTH041: what the platform is granted is read, on the declared prefixes, and nothing more.

S3 family: ``s3:GetObject`` on the declared prefixes (the whole bucket when none are declared) and
``s3:ListBucket`` only where ``list_objects`` asks for it; never a wildcard action (``s3:*``), a
``*`` resource or NotAction/NotResource, and no managed policy attached to the role (an attachment,
``Role.managedPolicyArns``; ``Role.inlinePolicies`` are judged like the inline policy). GCS:
``roles/storage.objectViewer`` with a condition on the prefixes, plus token creation to sign. Azure:
Storage Blob Data Reader and Delegator only; Azure role assignments here are container-wide, so
declared prefixes are enforced by the runtime alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from policies import iam
from policies.rule import Rule, Subject, Violation
from tether.desired import AzureDesired, GcsDesired, S3Desired
from tether.desired.azure import BLOB_DATA_READER, BLOB_DELEGATOR
from tether.desired.gcs import OBJECT_VIEWER, TOKEN_CREATOR
from tether.desired.s3 import bucket_arn, object_arns
from tether.problems import Path

READ, LIST = "s3:GetObject", "s3:ListBucket"
_CLAUSE = re.compile(r'resource\.name\.startsWith\("projects/_/buckets/(?P<bucket>[^/"]+)/objects/(?P<prefix>[^"]*)"\)')


def _scope(subject: Subject) -> Path:
    return (*subject.at, "prefixes") if subject.integration.prefixes else (*subject.at, "bucket")


def _statement(subject: Subject, state: S3Desired, statement: iam.Statement, name: str) -> Iterator[str]:
    integration = subject.integration
    if "NotAction" in statement or "NotResource" in statement:
        yield f"{name} uses NotAction/NotResource, which grants everything it does not list"
    actions = iam.values(statement.get("Action"))
    for action in actions:
        if "*" in action:
            yield f"{name} grants {action}: a wildcard grants writes and deletes too"
        elif action.lower() == LIST.lower() and not integration.list_objects:
            yield f"{name} grants {LIST} but list_objects is false"
        elif action.lower() not in (READ.lower(), LIST.lower()):
            yield f"{name} grants {action}, which is not read"
    resources = iam.values(statement.get("Resource"))
    if "*" in resources:
        yield f"{name} applies to every resource (*)"
        return
    allowed = [arn.removesuffix("*") for arn in object_arns(state.bucket, integration.prefixes)]
    listing = iam.covers(actions, LIST)
    outside = [r for r in resources if not (listing and r == bucket_arn(state.bucket))
               and not any(r.startswith(a) for a in allowed)]
    if outside:
        yield f"{name} reaches {', '.join(outside)}, outside the declared prefixes"
    if listing and integration.prefixes:
        listed = iam.conditions(statement, "StringLike", "s3:prefix")
        if not listed or any(not any(p.startswith(d) for d in integration.prefixes) for p in listed):
            yield f"{name} lists keys outside the declared prefixes (s3:prefix: {', '.join(listed) or 'any'})"


def _s3(subject: Subject, state: S3Desired) -> Iterator[Violation]:
    documents = [("policy", "bucket policy", state.policy)]
    if state.role is not None:
        documents.insert(0, ("role.permissions_policy", f"role {state.role.name}", state.role.permissions_policy))
    if state.role is not None:
        for arn in state.role.managed_policy_arns:
            yield Violation(_scope(subject), f"role {state.role.name} has the managed policy {arn} attached: tether "
                            "grants read through its inline policy only, and what a managed policy grants is "
                            "not in the stack to judge", "role.managed_policies")
    for part, where, document in documents:
        for index, statement in enumerate(iam.allows(document)):
            name = f"{where} statement {iam.label(statement, index)}"
            for message in _statement(subject, state, statement, name):
                yield Violation(_scope(subject), message, part)


def _prefix_condition_ok(subject: Subject, state: GcsDesired, expression: str) -> bool:
    clauses = [_CLAUSE.fullmatch(c.strip()) for c in expression.split("||")]
    return all(
        c is not None and c["bucket"] == state.bucket
        and any(c["prefix"].startswith(p) for p in subject.integration.prefixes)
        for c in clauses
    )


def _gcs(subject: Subject, state: GcsDesired) -> Iterator[Violation]:
    prefixes = subject.integration.prefixes
    for binding in state.bucket_bindings:
        role, member = binding.get("role"), binding.get("member")
        if role != OBJECT_VIEWER:
            yield Violation(_scope(subject), f"{member} is granted {role} on the bucket, not {OBJECT_VIEWER}",
                            "bucket_bindings")
        condition = binding.get("condition") or {}
        if prefixes and not _prefix_condition_ok(subject, state, condition.get("expression", "")):
            yield Violation(_scope(subject), f"{member}'s {role} is not limited to the declared prefixes "
                            f"{', '.join(prefixes)}", "bucket_bindings")
    for binding in state.signer_bindings:
        if binding.get("role") != TOKEN_CREATOR:
            yield Violation(_scope(subject), f"{binding.get('member')} is granted {binding.get('role')}, "
                            f"not {TOKEN_CREATOR}", "signer_bindings")


def _azure(subject: Subject, state: AzureDesired) -> Iterator[Violation]:
    prefixes = subject.integration.prefixes
    for assignment in state.role_assignments:
        role_id = assignment.get("role_id")
        if role_id not in (BLOB_DATA_READER, BLOB_DELEGATOR):
            yield Violation(_scope(subject), f"role {assignment.get('role') or role_id} is granted, not only "
                            "Storage Blob Data Reader and Delegator", "role_assignments")
        elif role_id == BLOB_DATA_READER and prefixes and not assignment.get("condition"):
            yield Violation(
                _scope(subject),
                f"Storage Blob Data Reader covers the whole container: the prefixes {', '.join(prefixes)} are "
                "enforced by the runtime only",
                "role_assignments",
            )


def check(subject: Subject) -> Iterator[Violation]:
    """Judge every grant the configuration makes (Direct Access grants are TTH032's)."""
    if subject.integration.direct_access:
        return
    state = subject.desired
    if isinstance(state, S3Desired):
        yield from _s3(subject, state)
    elif isinstance(state, GcsDesired):
        yield from _gcs(subject, state)
    else:
        yield from _azure(subject, state)


RULE = Rule(
    id="TTH041",
    name="read-only-on-prefixes",
    description="The platform is granted read only, on the declared prefixes: no s3:*, no '*' resources.",
    severity="mandatory",
    fix="Keep the grants tether renders (s3:GetObject on the prefixes, s3:ListBucket only with list_objects); "
    "on Azure, drop prefixes or waive with the reason that the runtime enforces them.",
    security=8.5,
    check=check,
    parts=frozenset({"role.permissions_policy", "role.managed_policies", "policy", "bucket_bindings",
                     "signer_bindings", "role_assignments"}),
)

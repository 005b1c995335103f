"""TTH032: a Direct Access integration grants the platform nothing (R9).

Direct Access means the platform never signs URLs, so it needs no role, no bucket-policy grant, no
IAM binding, no HMAC key and no role assignment; any of them would be access nobody reviewed.
"""

from __future__ import annotations

from collections.abc import Iterator

from policies import iam
from policies.rule import Rule, Subject, Violation
from tether.desired import AzureDesired, GcsDesired, S3Desired


def _grants(subject: Subject) -> Iterator[tuple[str, str]]:
    """(part, what) for each grant the configuration makes."""
    state = subject.desired
    if isinstance(state, S3Desired):
        role = state.role
        if role is not None and iam.statements(role.trust_policy):
            yield "role.trust_policy", f"an IAM role the platform can assume ({role.name})"
        if role is not None and list(iam.allows(role.permissions_policy)):
            yield "role.permissions_policy", f"read permissions on the role {role.name}"
        for arn in () if role is None else role.managed_policy_arns:
            yield "role.managed_policies", f"the managed policy {arn} attached to the platform's role"
        for index, statement in enumerate(iam.allows(state.policy)):
            who = ", ".join(iam.principals(statement))
            yield "policy", f"bucket policy statement {iam.label(statement, index)} allowing {who}"
    elif isinstance(state, GcsDesired):
        for binding in state.bucket_bindings:
            yield "bucket_bindings", f"{binding.get('role')} on the bucket for {binding.get('member')}"
        for binding in state.signer_bindings:
            yield "signer_bindings", f"{binding.get('role')} for {binding.get('member')}"
        if state.hmac_key:
            yield "hmac_key", "an HMAC key"
    elif isinstance(state, AzureDesired):
        for assignment in state.role_assignments:
            yield "role_assignments", f"the {assignment.get('role') or assignment.get('role_id')} role assignment"


def check(subject: Subject) -> Iterator[Violation]:
    """Nothing is granted when ``direct_access`` is on."""
    if not subject.integration.direct_access:
        return
    for part, what in _grants(subject):
        yield Violation((*subject.at, "direct_access"), f"Direct Access, yet the platform is granted {what}", part)


RULE = Rule(
    id="TTH032",
    name="direct-access-grants-nothing",
    description="Direct Access integrations grant the platform nothing.",
    severity="mandatory",
    fix="Remove the grant; with Direct Access the platform signs nothing and needs no access.",
    security=8.0,
    pack_only=True,
    check=check,
    parts=frozenset({
        "role.trust_policy", "role.permissions_policy", "role.managed_policies", "policy", "bucket_bindings",
        "signer_bindings", "hmac_key", "role_assignments",
    }),
)

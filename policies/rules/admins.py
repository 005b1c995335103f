"""TTH050: every integration has at least one Admin who is a member of the organization (R1, R2).

Only an Admin adds users, so an integration without one can never be shared or fixed. The creator
is always Admin; the loader already refuses a creator outside the organization, so this rule is
the guard for specs that reach the pack or lint by other paths (built in code, or a loader change).
"""

from __future__ import annotations

from collections.abc import Iterator

from policies.rule import Rule, Subject, Violation


def admins(subject: Subject) -> set[str]:
    """Organization members who are Admin of the integration: creator, admin members, admin groups."""
    integration, spec = subject.integration, subject.spec
    found = {integration.creator}
    found |= {m.email for m in integration.members if m.role == "admin"}
    for grant in integration.groups:
        if grant.role == "admin":
            found |= set(spec.group_members(grant.group))
    return found & set(spec.organization.members)


def check(subject: Subject) -> Iterator[Violation]:
    """At least one Admin."""
    if not admins(subject):
        yield Violation(
            (*subject.at, "creator"),
            f"no Admin: the creator {subject.integration.creator} is not an organization member and no "
            "member or group is admin",
        )


RULE = Rule(
    id="TTH050",
    name="has-admin",
    description="Every integration has at least one Admin (the creator counts).",
    severity="mandatory",
    fix="Make an organization member Admin of the integration (members: [{email, role: admin}]).",
    check=check,
)

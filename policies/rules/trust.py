"""TTH040: only the platform, presenting the integration's external ID, may assume its role.

Every trust statement that hands out the role's credentials counts: ``sts:AssumeRole``, and the
federated ``sts:AssumeRoleWithWebIdentity`` (OIDC) and ``sts:AssumeRoleWithSAML``, whose principals
(``{"Federated": ...}``) are never the platform's account and which carry no external ID.

The external ID is what stops another customer of the platform from having it assume this role
for them (the confused-deputy problem); a trust statement without it, or open to everyone, hands
the bucket to anyone who can reach the platform's account.
"""

from __future__ import annotations

from collections.abc import Iterator

from policies import iam
from policies.rule import Rule, Subject, Violation
from tether.desired import S3Desired
from tether.spec.model import AwsIntegration

ASSUME = ("sts:AssumeRole", "sts:AssumeRoleWithWebIdentity", "sts:AssumeRoleWithSAML")
"""Every way to get the role's credentials (an OIDC or SAML federated trust is as good as AssumeRole)."""


def _assumes(statement: iam.Statement) -> bool:
    """Whether an Allow trust statement lets someone get the role's credentials (NotAction included)."""
    if "NotAction" in statement:
        excluded = iam.values(statement.get("NotAction"))
        return not all(iam.covers(excluded, action) for action in ASSUME)
    return any(iam.covers(iam.values(statement.get("Action")), action) for action in ASSUME)


def check(subject: Subject) -> Iterator[Violation]:
    """Every statement that lets someone assume the role names the platform and requires the external ID."""
    state, integration = subject.desired, subject.integration
    if not isinstance(state, S3Desired) or state.role is None or not isinstance(integration, AwsIntegration):
        return
    at = (*subject.at, "external_id")
    platform = subject.spec.platform.aws
    account = platform.account_id if platform else "(platform.aws is not declared)"
    for index, statement in enumerate(iam.allows(state.role.trust_policy)):
        if not _assumes(statement):
            continue
        name = iam.label(statement, index)
        who = iam.principals(statement)
        strangers = [p for p in who if p not in (account, f"arn:aws:iam::{account}:root")]
        if "*" in who:
            yield Violation(at, f"trust statement {name} lets any AWS principal assume the role",
                            "role.trust_policy")
        elif strangers:
            yield Violation(at, f"trust statement {name} lets {', '.join(strangers)} assume the role, not only the "
                            f"platform's account {account}", "role.trust_policy")
        given = iam.conditions(statement, "StringEquals", "sts:ExternalId")
        if given != [integration.external_id]:
            shown = ", ".join(given) or "none"
            yield Violation(
                at,
                f"trust statement {name} does not require the external ID {integration.external_id!r} "
                f"(sts:ExternalId: {shown})",
                "role.trust_policy",
            )


RULE = Rule(
    id="TTH040",
    name="role-trust-external-id",
    description="The platform role trusts only the platform's account, with the integration's external ID.",
    severity="mandatory",
    fix="Keep the trust policy tether renders: the platform account as principal and StringEquals "
    "sts:ExternalId set to external_id.",
    security=9.1,
    pack_only=True,
    check=check,
    parts=frozenset({"role.trust_policy"}),
)

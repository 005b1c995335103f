"""TTH042: each AWS integration's external ID is long enough not to be guessed and its own.

The external ID is what tells the platform's requests for one customer's role apart from another's
(the confused-deputy guard TTH040 checks the trust policy for). One shared by two integrations lets
whoever can set up the one make the platform assume the other's role; a short one can be guessed.
``sts:ExternalId`` takes 2 to 1224 characters (IAM AssumeRole reference); this rule asks for at
least MIN_LENGTH, as long as 12 hex digits of randomness.
"""

from __future__ import annotations

from collections.abc import Iterator

from policies.rule import Rule, Subject, Violation
from tether.spec.model import AwsIntegration

MIN_LENGTH = 12


def check(subject: Subject) -> Iterator[Violation]:
    """At least MIN_LENGTH characters, and no other integration of the spec uses the same one."""
    integration = subject.integration
    if not isinstance(integration, AwsIntegration) or integration.external_id is None:
        return
    at = (*subject.at, "external_id")
    if len(integration.external_id) < MIN_LENGTH:
        yield Violation(at, f"the external ID has {len(integration.external_id)} characters, fewer than "
                        f"{MIN_LENGTH}: short enough to guess")
    sharing = [other.name for other in subject.spec.integrations
               if other is not integration and isinstance(other, AwsIntegration)
               and other.external_id == integration.external_id]
    if sharing:
        yield Violation(at, f"the external ID is also {', '.join(sharing)}'s, so the platform cannot tell their "
                        "roles apart")


RULE = Rule(
    id="TTH042",
    name="external-id-unique",
    description="Each AWS integration has its own external ID, at least 12 characters long.",
    severity="mandatory",
    fix="Give every AWS integration a distinct, random external_id of 12 characters or more (and update the "
    "platform's record of it).",
    security=7.0,
    check=check,
)

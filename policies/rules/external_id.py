"""TTH042: each AWS integration's external ID is long enough not to be guessed and its own.

The external ID is what tells the platform's requests for one customer's role apart from another's
(the confused-deputy guard TTH040 checks the trust policy for). One shared by two integrations lets
whoever can set up the one make the platform assume the other's role; a short one can be guessed.
``sts:ExternalId`` takes 2 to 1224 characters (IAM AssumeRole reference); this rule asks for at
least MIN_LENGTH, as long as 12 hex digits of randomness.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from policies.rule import Rule, Subject, Violation
from tether.spec.model import AwsIntegration, Integration, Spec

MIN_LENGTH = 12


_index: tuple[list[Integration], dict[str, list[str]]] | None = None
"""The last spec's integrations and their names by external ID (see _names_by_external_id)."""


def _names_by_external_id(spec: Spec) -> dict[str, list[str]]:
    """The AWS integrations' names by external ID, made once per spec: lint judges every integration in
    turn, and comparing each with all the others made linting 5,000 integrations take a second more."""
    global _index
    if _index is None or _index[0] is not spec.integrations:
        names: dict[str, list[str]] = defaultdict(list)
        for other in spec.integrations:
            if isinstance(other, AwsIntegration) and other.external_id is not None:
                names[other.external_id].append(other.name)
        _index = (spec.integrations, names)
    return _index[1]


def check(subject: Subject) -> Iterator[Violation]:
    """At least MIN_LENGTH characters, and no other integration of the spec uses the same one."""
    integration = subject.integration
    if not isinstance(integration, AwsIntegration) or integration.external_id is None:
        return
    at = (*subject.at, "external_id")
    if len(integration.external_id) < MIN_LENGTH:
        yield Violation(at, f"the external ID has {len(integration.external_id)} characters, fewer than "
                        f"{MIN_LENGTH}: short enough to guess")
    sharing = [name for name in _names_by_external_id(subject.spec)[integration.external_id]
               if name != integration.name]
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

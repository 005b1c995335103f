"""TTH021: Azure SAS tokens are rotated at least as often as the organization requires.

Azure has no custom URL expiry (product documentation): the platform's SAS tokens are renewed every
``sas.rotation``, so that period is what bounds a leaked URL. Direct Access integrations are
skipped: the platform makes no SAS for them.
"""

from __future__ import annotations

from collections.abc import Iterator

from policies.rule import Rule, Subject, Violation
from tether.spec.durations import format_duration
from tether.spec.model import AzureIntegration


def check(subject: Subject) -> Iterator[Violation]:
    """``sas.rotation`` is at most ``policy.max_sas_rotation``."""
    integration = subject.integration
    if not isinstance(integration, AzureIntegration) or integration.direct_access:
        return
    ceiling = subject.spec.policy.max_sas_rotation
    if integration.sas.rotation > ceiling:
        yield Violation(
            (*subject.at, "sas", "rotation"),
            f"SAS tokens are rotated every {format_duration(integration.sas.rotation)}, above "
            f"policy.max_sas_rotation {format_duration(ceiling)}",
        )


RULE = Rule(
    id="TTH021",
    name="sas-rotation-limit",
    description="Azure SAS rotation is within policy.max_sas_rotation.",
    severity="mandatory",
    fix="Set sas.rotation to policy.max_sas_rotation or less.",
    security=5.5,
    check=check,
)

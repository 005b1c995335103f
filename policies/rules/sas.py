"""TTH021 and TTH022: Azure SAS tokens are short-lived and signed with a key that can be taken back.

Azure has no custom URL expiry (product documentation): the platform's SAS tokens are renewed every
``sas.rotation``, so that period is what bounds a leaked URL. ``sas.mode: account-key`` signs with
the storage account key, which needs shared-key access on for the whole account: that key opens
every container, and a SAS made with it can only be revoked by rotating the key (or through a
stored access policy), where a user delegation SAS is bounded by its 7-day key and by Entra ID.
Direct Access integrations are skipped: the platform makes no SAS for them.
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


def check_delegation(subject: Subject) -> Iterator[Violation]:
    """``sas.mode`` is user-delegation."""
    integration = subject.integration
    if isinstance(integration, AzureIntegration) and not integration.direct_access \
            and integration.sas.mode == "account-key":
        yield Violation(
            (*subject.at, "sas", "mode"),
            f"SAS tokens are signed with the account key of {integration.bucket.account}: shared-key access stays "
            "on for the whole account, and a leaked token is only revoked by rotating that key",
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

DELEGATION = Rule(
    id="TTH022",
    name="sas-user-delegation",
    description="Azure SAS tokens are user delegation SAS, so shared-key access can stay off.",
    severity="advisory",
    fix="Set sas.mode: user-delegation (the default), or waive with why the account key must sign.",
    security=6.0,
    check=check_delegation,
)

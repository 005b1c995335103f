"""TTH020: signed URLs expire within the organization's maximum and what the provider can honour.

The product documentation asks for short expiry; ``policy.max_url_expiry`` is the organization's
ceiling. Provider limits: SigV4 and GCS V4 URLs live at most 7 days, and an AWS URL signed with the
credentials of an assumed role dies when that session ends (12 hours at most), whatever it says; so
an AWS integration's default expiry is 12 h (``tether.spec.model.AWS_URL_EXPIRY``), not the product's
one week, and only an explicit longer one breaks the rule.
Direct Access integrations are skipped: the platform signs nothing for them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from policies.rule import Rule, Subject, Violation
from tether.desired.s3 import MAX_ROLE_SESSION_SECONDS
from tether.spec.durations import format_duration
from tether.spec.model import ONE_WEEK, AwsIntegration, AzureIntegration, S3CompatibleIntegration

ROLE_SESSION = timedelta(seconds=MAX_ROLE_SESSION_SECONDS)


def check(subject: Subject) -> Iterator[Violation]:
    """Compare the integration's expiry with the organization's maximum and the provider's limit."""
    integration = subject.integration
    if integration.direct_access or isinstance(integration, AzureIntegration):
        return
    ceiling = subject.spec.policy.max_url_expiry
    most = format_duration(ceiling)
    if isinstance(integration, S3CompatibleIntegration):
        if ceiling < ONE_WEEK:
            yield Violation(
                (*subject.at, "provider"),
                f"s3-compatible integrations cannot set signed_url_expiry, so URLs live the default "
                f"{format_duration(ONE_WEEK)}, above policy.max_url_expiry {most}",
            )
        return
    expiry = integration.signed_url_expiry
    at = (*subject.at, "signed_url_expiry")
    shown = format_duration(expiry)
    if expiry > ceiling:
        yield Violation(at, f"signed URLs live {shown}, above policy.max_url_expiry {most}")
    if isinstance(integration, AwsIntegration) and expiry > ROLE_SESSION:
        yield Violation(
            at,
            f"signed URLs are meant to live {shown}, but URLs signed with the platform role's session "
            f"credentials die when the session does, after {format_duration(ROLE_SESSION)} at most",
        )


RULE = Rule(
    id="TTH020",
    name="url-expiry-limits",
    description="Signed URL expiry is within policy.max_url_expiry and what the provider can honour.",
    severity="mandatory",
    fix="Lower signed_url_expiry to the smaller of policy.max_url_expiry and the provider's limit "
    "(12h for AWS role sessions), keeping it longer than a file takes to annotate and review.",
    security=5.5,
    check=check,
)

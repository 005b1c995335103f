"""TTH051: every integration carries the tags the organization requires (cost, ownership...).

Tags are checked in the spec, where the record lives: tether applies them to AWS buckets, GCS labels
and Azure accounts, but not to OBS and other S3-compatible buckets, whose stores mishandle S3 tagging.
"""

from __future__ import annotations

from collections.abc import Iterator

from policies.rule import Rule, Subject, Violation


def check(subject: Subject) -> Iterator[Violation]:
    """Each key of ``policy.required_tags`` is set to a non-empty value."""
    tags = subject.integration.tags
    missing = [key for key in subject.spec.policy.required_tags if not tags.get(key, "").strip()]
    if missing:
        yield Violation((*subject.at, "tags"), f"missing required tags: {', '.join(missing)} (policy.required_tags)")


RULE = Rule(
    id="TTH051",
    name="required-tags",
    description="Integrations carry every tag in policy.required_tags.",
    severity="mandatory",
    fix="Add the missing keys under tags with non-empty values.",
    check=check,
)

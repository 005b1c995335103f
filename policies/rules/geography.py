"""TTH060: the bucket sits on a continent where annotators work (product docs: Fix Buffering Issues).

Distance from the host slows downloads ("an eu-west-2 bucket may cause latency for users in India
or Brazil"); the fix is a closer region, or a replica near the annotators. Only checked when
``policy.annotator_continents`` says where they work. An S3-compatible store's region is read as
an AWS region name when it is one, and otherwise tells nothing about where the store is.
"""

from __future__ import annotations

from collections.abc import Iterator

from policies.rule import Rule, Subject, Violation
from tether.spec import regions
from tether.spec.model import AzureIntegration, GcpIntegration, OtcIntegration, S3CompatibleIntegration

SUGGESTED = 3


def _table(subject: Subject) -> dict[str, regions.Continent]:
    integration = subject.integration
    if isinstance(integration, GcpIntegration):
        return regions.GCP_LOCATIONS
    if isinstance(integration, AzureIntegration):
        return regions.AZURE_REGIONS
    if isinstance(integration, OtcIntegration):
        return regions.OTC_REGIONS
    return regions.AWS_REGIONS


def check(subject: Subject) -> Iterator[Violation]:
    """The region's continent is one of ``policy.annotator_continents``."""
    wanted = subject.spec.policy.annotator_continents
    table = _table(subject)
    continent = table.get(subject.integration.region)
    if not wanted or continent is None or continent in wanted:
        return
    closer = [region for region, where in table.items() if where in wanted][:SUGGESTED]
    if closer and not isinstance(subject.integration, S3CompatibleIntegration):
        there = f"; {subject.integration.provider} regions there: {', '.join(closer)}"
    else:
        there = ""
    yield Violation(
        (*subject.at, "region"),
        f"the bucket is in {subject.integration.region} ({continent}) but annotators work in "
        f"{', '.join(wanted)}, so video may buffer{there}",
    )


RULE = Rule(
    id="TTH060",
    name="bucket-near-annotators",
    description="The bucket's region is on a continent where annotators work.",
    severity="advisory",
    fix="Move the data to a region near the annotators, or add a replica there (S3 replication, a GCS "
    "dual-region, Azure object replication) and register it from the replica.",
    check=check,
)

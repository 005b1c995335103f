"""Review and `tether preview` agree on what replaces an integration's storage, over seeded random edits.

For each edit, the planned graphs (Pulumi mocks) of the spec before and after are compared: the
storage is replaced when a bucket, storage account, container or store provider disappears or
changes an input its provider cannot update in place (the ForceNew fields REPLACES cites). An Admin
who is not the creator must then be denied; otherwise the same Admin is allowed. This keeps the
review's REPLACES table honest against what the components really register.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest

from components.diff import diff_graphs
from components.graph import PlannedResource, build_graph
from runtime.review import diff, judge_all
from tether.spec import load_spec
from tether.spec.model import AnyIntegration, AzureBucket, Member, Spec

DEV = Path(__file__).resolve().parents[2] / "stacks" / "dev" / "integrations.yaml"
ACTOR = "erin@acme-vision.ai"
"""Made an Admin of every integration, and the creator of none."""

REPLACED_BY = {
    "aws:s3/bucket:Bucket": {"bucket", "region"},
    "gcp:storage/bucket:Bucket": {"name", "location", "project"},
    "azure-native:storage:StorageAccount": {"accountName", "resourceGroupName", "location"},
    "azure-native:storage:BlobContainer": {"accountName", "containerName", "resourceGroupName"},
    "pulumi:providers:aws": {"endpoints", "region"},
    "pulumi-python:dynamic/tether:StoreBucket": {"bucket", "endpoint", "region"},  # its REPLACE_ON
}
OTHER_REGION = {"aws": "eu-west-1", "gcp": "europe-west1", "azure": "northeurope", "otc": "eu-nl",
                "s3-compatible": "us-west-2"}

Edit = Callable[[AnyIntegration], dict[str, object]]


def _bucket(integration: AnyIntegration) -> dict[str, object]:
    bucket = integration.bucket
    if isinstance(bucket, AzureBucket):
        return {"bucket": bucket.model_copy(update={"container": bucket.container + "2"})}
    return {"bucket": bucket.model_copy(update={"name": bucket.name + "-2"})}


EDITS: dict[str, Edit] = {
    "bare rename": lambda i: {"name": i.name + "-x"},
    "aliased rename": lambda i: {"name": i.name + "-x", "previous_names": [i.name]},
    "bucket": _bucket,
    "region": lambda i: {"region": OTHER_REGION[i.provider]},
    "project or resource group or endpoint": lambda i: (
        {"project": "acme-vision-other"} if i.provider == "gcp"
        else {"resource_group": "acme-vision-other"} if i.provider == "azure"
        else {"endpoint": "https://s3.other.acme-vision.ai"} if i.provider in ("otc", "s3-compatible")
        else {"tags": {**i.tags, "team": "x"}}
    ),
    "adopt or create": lambda i: {"bucket": i.bucket.model_copy(update={"existing": not i.bucket.existing})},
    "tags": lambda i: {"tags": {**i.tags, "team": "y"}},
    "prefixes": lambda i: {"prefixes": ["new/"]},
}


def with_actor_as_admin(spec: Spec) -> Spec:
    integrations = []
    for integration in spec.integrations:
        members = [m for m in integration.members if m.email != ACTOR] + [Member(email=ACTOR, role="admin")]
        integrations.append(integration.model_copy(update={"members": members}))
    return spec.model_copy(update={"integrations": integrations})


def replaces_storage(base: list[PlannedResource], head: list[PlannedResource]) -> bool:
    planned = diff_graphs(base, head)
    if any(r.type in REPLACED_BY for r in planned.removed):
        return True
    return any(c.key in REPLACED_BY.get(changed.resource.type, set()) for changed in planned.changed for c in changed.changes)


BASE = with_actor_as_admin(load_spec(str(DEV)).spec)
BASE_GRAPH = build_graph(BASE, stack="dev")


@pytest.mark.parametrize("seed", range(30))
def test_review_denies_a_non_creator_exactly_the_edits_that_replace_storage(seed: int) -> None:
    chooser = random.Random(seed)
    index = chooser.randrange(len(BASE.integrations))
    names = chooser.sample(sorted(EDITS), chooser.randint(1, 2))
    before = BASE.integrations[index]
    after = before
    for name in names:
        after = after.model_copy(update=EDITS[name](after))
    integrations = list(BASE.integrations)
    integrations[index] = after
    head = BASE.model_copy(update={"integrations": integrations})
    verdicts = judge_all(BASE, head, ACTOR, diff(BASE, head))
    replaced = replaces_storage(BASE_GRAPH, build_graph(head, stack="dev"))
    assert verdicts, names
    denied = [v.change.describe() for v in verdicts if not v.decision.allowed]
    assert bool(denied) == replaced, (before.name, names, denied)

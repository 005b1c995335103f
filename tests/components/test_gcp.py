"""GCP component under mocks: bucket locked down, the reader and signer bindings, the HMAC secret kept secret."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pulumi
import pytest

from components.gcp import GcpIntegration
from components.graph import build_graph
from components.mocks import CloudMocks
from tests.components.graphs import (
    BUCKET_MEMBER,
    COMPONENT,
    GCS_BUCKET,
    HMAC,
    SA_MEMBER,
    SERVICE_ACCOUNT,
    Graph,
    spec_with,
)
from tether.desired import GcsDesired, render
from tether.spec.model import Spec

PLATFORM_SA = "serviceAccount:platform-signer@annotate-prod.iam.gserviceaccount.com"
READER = "annotate-reader@acme-vision-dev.iam.gserviceaccount.com"


def test_complete_set_with_reader_account_and_hmac_key(dev_graph: Graph) -> None:
    assert dev_graph.shape("retail-images") == {
        (COMPONENT["gcp"], "retail-images"),
        (GCS_BUCKET, "retail-images-bucket"),
        (SERVICE_ACCOUNT, "retail-images-reader"),
        (BUCKET_MEMBER, "retail-images-object-viewer"),
        (SA_MEMBER, "retail-images-service-account-token-creator"),
        (HMAC, "retail-images-hmac"),
    }
    component = dev_graph.component("retail-images")
    assert {r.parent for r in dev_graph.of("retail-images") if r is not component} == {component.urn}


def test_complete_set_when_the_platform_account_reads_directly(prod_graph: Graph) -> None:
    assert prod_graph.shape("shelf-images") == {
        (COMPONENT["gcp"], "shelf-images"),
        (GCS_BUCKET, "shelf-images-bucket"),
        (BUCKET_MEMBER, "shelf-images-object-viewer"),
    }
    member = prod_graph.one("shelf-images", BUCKET_MEMBER).inputs
    assert (member["role"], member["member"]) == ("roles/storage.objectViewer", PLATFORM_SA)
    assert "condition" not in member


def test_bucket_is_uniform_access_public_prevention_and_cors_is_the_spec(dev: Spec, dev_graph: Graph) -> None:
    bucket = dev_graph.one("retail-images", GCS_BUCKET).inputs
    cors = dev.integration("retail-images").cors
    assert bucket["uniformBucketLevelAccess"] is True
    assert bucket["publicAccessPrevention"] == "enforced"
    assert (bucket["name"], bucket["project"], bucket["location"]) == (
        "acme-vision-dev-retail-images", "acme-vision-dev", "EUROPE-WEST2"
    )
    assert bucket["cors"] == [
        {
            "origins": cors.origins,
            "methods": cors.methods,
            "responseHeaders": [*cors.headers, *cors.expose_headers],
            "maxAgeSeconds": cors.max_age.total_seconds(),
        }
    ]


def test_reader_may_view_only_the_declared_prefixes(dev_graph: Graph) -> None:
    member = dev_graph.one("retail-images", BUCKET_MEMBER)
    assert member.inputs["role"] == "roles/storage.objectViewer"
    assert member.inputs["member"] == f"serviceAccount:{READER}"
    assert member.inputs["bucket"] == "acme-vision-dev-retail-images"
    assert member.inputs["condition"]["expression"] == (
        'resource.name.startsWith("projects/_/buckets/acme-vision-dev-retail-images/objects/shelves/")'
    )
    # granted only once the reader exists
    assert dev_graph.one("retail-images", SERVICE_ACCOUNT).urn in member.dependencies


def test_platform_may_sign_as_the_reader(dev_graph: Graph) -> None:
    reader = dev_graph.one("retail-images", SERVICE_ACCOUNT).inputs
    signer = dev_graph.one("retail-images", SA_MEMBER).inputs
    assert (reader["accountId"], reader["project"]) == ("annotate-reader", "acme-vision-dev")
    assert signer == {
        "serviceAccountId": f"projects/acme-vision-dev/serviceAccounts/{READER}",
        "role": "roles/iam.serviceAccountTokenCreator",
        "member": PLATFORM_SA,
    }


def test_hmac_key_belongs_to_the_reader(dev_graph: Graph) -> None:
    assert dev_graph.one("retail-images", HMAC).inputs == {"serviceAccountEmail": READER, "project": "acme-vision-dev"}


GCP = """\
  - name: scans
    provider: gcp
    project: acme-scans
    region: europe-west4
    bucket: {name: acme-scans-bucket}
    creator: ann@acme.ai
"""


def test_direct_access_grants_nothing_and_creates_no_account_or_key() -> None:
    graph = Graph(build_graph(spec_with(GCP + "    direct_access: true\n    reader_account: scans-reader\n    hmac_key: true\n")))
    assert {type_ for type_, _ in graph.shape("scans")} == {COMPONENT["gcp"], GCS_BUCKET}


def test_client_only_has_no_bucket_level_equivalent_so_nothing_changes() -> None:
    """GCS has no per-bucket deny on source networks: the runtime alone enforces client-only (documented)."""
    plain = build_graph(spec_with(GCP))
    client_only = build_graph(spec_with(GCP + "    strict_client_only: true\n"))
    assert [(r.type, r.name, r.inputs) for r in client_only] == [(r.type, r.name, r.inputs) for r in plain]


def test_adopted_bucket_is_imported_by_project_and_name() -> None:
    graph = Graph(build_graph(spec_with(GCP.replace("{name: acme-scans-bucket}", "{name: acme-scans-bucket, existing: true}"))))
    bucket = graph.one("scans", GCS_BUCKET)
    assert (bucket.import_id, bucket.retain_on_delete) == ("acme-scans/acme-scans-bucket", True)


class _Recorded(CloudMocks):
    def __init__(self) -> None:
        self.outputs: dict[str, dict[str, object]] = {}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[object, object]]:
        resource_id, outputs = super().new_resource(args)
        self.outputs[args.name] = outputs
        return resource_id, outputs


@pytest.fixture
def mocks() -> Iterator[_Recorded]:
    recorded = _Recorded()
    pulumi.runtime.set_mocks(recorded, project="tether", stack="test", preview=False)
    yield recorded


def test_hmac_secret_is_a_pulumi_secret_and_never_a_plain_output(dev: Spec, mocks: _Recorded) -> None:
    desired = render(dev.integration("retail-images"), dev)
    assert isinstance(desired, GcsDesired)
    seen: dict[str, object] = {}

    async def facts(component: GcpIntegration) -> dict[str, object]:
        return {
            "secret": await component.hmac_secret.future(),
            "secret_is_secret": await component.hmac_secret.is_secret(),
            "access_id": await component.hmac_access_id.future(),
            "access_id_is_secret": await component.hmac_access_id.is_secret(),
        }

    @pulumi.runtime.test
    def build() -> pulumi.Output[None]:
        found: pulumi.Output[dict[str, object]] = pulumi.Output.from_input(
            asyncio.ensure_future(facts(GcpIntegration(desired)))
        )
        return found.apply(lambda values: seen.update(values))

    build()
    assert (seen["secret_is_secret"], seen["access_id_is_secret"]) == (True, False)
    assert seen["secret"] == mocks.outputs["retail-images-hmac"]["secret"]
    assert str(seen["access_id"]).startswith("GOOG1E")

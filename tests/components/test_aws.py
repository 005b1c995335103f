"""AWS component under mocks: exactly the resources an integration needs, each set as the spec says."""

from __future__ import annotations

from fnmatch import fnmatchcase

from components.graph import build_graph
from components.mocks import PREVIEW_ACCOUNT
from tests.components.graphs import (
    ACCESS_BLOCK,
    BUCKET,
    COMPONENT,
    CORS,
    OWNERSHIP,
    POLICY,
    ROLE,
    ROLE_POLICY,
    SSE,
    Graph,
    document,
    spec_with,
    statements,
)
from tether.spec.model import Spec


def test_complete_set_of_resources_all_under_the_component(dev_graph: Graph) -> None:
    assert dev_graph.shape("traffic-video") == {
        (COMPONENT["aws"], "traffic-video"),
        (BUCKET, "traffic-video-bucket"),
        (CORS, "traffic-video-cors"),
        (ACCESS_BLOCK, "traffic-video-public-access-block"),
        (OWNERSHIP, "traffic-video-ownership"),
        (SSE, "traffic-video-encryption"),
        (POLICY, "traffic-video-policy"),
        (ROLE, "traffic-video-role"),
        (ROLE_POLICY, "traffic-video-read"),
    }
    component = dev_graph.component("traffic-video")
    assert {r.parent for r in dev_graph.of("traffic-video") if r is not component} == {component.urn}
    assert all(r.provider is None for r in dev_graph.of("traffic-video"))


def test_cors_is_exactly_the_spec(dev: Spec, dev_graph: Graph) -> None:
    cors = dev.integration("traffic-video").cors
    [rule] = dev_graph.one("traffic-video", CORS).inputs["corsRules"]
    assert rule == {
        "allowedOrigins": cors.origins,
        "allowedMethods": cors.methods,
        "allowedHeaders": cors.headers,
        "exposeHeaders": cors.expose_headers,
        "maxAgeSeconds": cors.max_age.total_seconds(),
    }
    assert rule["allowedOrigins"] == ["https://app.annotate.example.com"]


def test_public_access_blocked_owner_enforced_encrypted(dev_graph: Graph) -> None:
    block = dev_graph.one("traffic-video", ACCESS_BLOCK).inputs
    assert {k: block[k] for k in ("blockPublicAcls", "ignorePublicAcls", "blockPublicPolicy", "restrictPublicBuckets")} == {
        "blockPublicAcls": True, "ignorePublicAcls": True, "blockPublicPolicy": True, "restrictPublicBuckets": True
    }
    assert dev_graph.one("traffic-video", OWNERSHIP).inputs["rule"] == {"objectOwnership": "BucketOwnerEnforced"}
    assert dev_graph.one("traffic-video", SSE).inputs["rules"] == [
        {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}
    ]


def test_every_bucket_child_targets_the_bucket_in_its_region(dev_graph: Graph) -> None:
    for type_ in (CORS, ACCESS_BLOCK, OWNERSHIP, SSE, POLICY):
        inputs = dev_graph.one("traffic-video", type_).inputs
        assert (inputs["bucket"], inputs["region"]) == ("acme-vision-dev-traffic-video", "eu-west-2"), type_


def test_policy_denies_every_request_without_tls(dev_graph: Graph) -> None:
    tls = statements(dev_graph.one("traffic-video", POLICY))["DenyInsecureTransport"]
    assert tls["Effect"] == "Deny" and tls["Principal"] == "*" and tls["Action"] == "s3:*"
    assert tls["Resource"] == ["arn:aws:s3:::acme-vision-dev-traffic-video", "arn:aws:s3:::acme-vision-dev-traffic-video/*"]
    assert tls["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_policy_waits_for_the_access_block(dev_graph: Graph) -> None:
    policy = dev_graph.one("traffic-video", POLICY)
    assert dev_graph.one("traffic-video", ACCESS_BLOCK).urn in policy.dependencies


def test_role_trusts_the_platform_account_with_the_external_id(dev_graph: Graph) -> None:
    role = dev_graph.one("traffic-video", ROLE)
    [trust] = document(role, "assumeRolePolicy")["Statement"]
    assert trust == {
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
        "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"sts:ExternalId": "acme-vision-7d41c0"}},
    }
    assert (role.inputs["name"], role.inputs["path"]) == ("tether-traffic-video-acme-vision-dev-traffic-video", "/tether/")
    assert role.inputs["maxSessionDuration"] == 12 * 3600


def test_role_permissions_are_limited_to_the_prefixes(dev_graph: Graph) -> None:
    read = dev_graph.one("traffic-video", ROLE_POLICY)
    assert read.inputs["role"] == "tether-traffic-video-acme-vision-dev-traffic-video"
    granted = document(read)["Statement"]
    assert {action for s in granted for action in s["Action"]} == {"s3:GetObject", "s3:ListBucket"}
    assert all(s["Effect"] == "Allow" for s in granted)
    objects, listing = granted
    assert objects["Resource"] == [
        "arn:aws:s3:::acme-vision-dev-traffic-video/videos/*",
        "arn:aws:s3:::acme-vision-dev-traffic-video/frames/*",
    ]
    assert listing["Resource"] == ["arn:aws:s3:::acme-vision-dev-traffic-video"]
    assert listing["Condition"] == {"StringLike": {"s3:prefix": ["videos/*", "frames/*"]}}


def test_no_listing_unless_asked(dev_graph: Graph) -> None:
    [objects] = document(dev_graph.one("medical-scans", ROLE_POLICY))["Statement"]
    assert objects["Action"] == ["s3:GetObject"]
    assert objects["Resource"] == ["arn:aws:s3:::acme-vision-dev-medical-scans/*"]


def test_direct_access_grants_the_platform_nothing(prod_graph: Graph) -> None:
    assert {type_ for type_, _ in prod_graph.shape("patient-ultrasound")} == {
        COMPONENT["aws"], BUCKET, CORS, ACCESS_BLOCK, OWNERSHIP, SSE, POLICY
    }
    policy = document(prod_graph.one("patient-ultrasound", POLICY))
    assert [s["Effect"] for s in policy["Statement"]] == ["Deny"]


def test_client_only_denies_the_role_from_platform_networks_but_keeps_signing(dev_graph: Graph) -> None:
    deny = statements(dev_graph.one("medical-scans", POLICY))["DenyPlatformServerReads"]
    assert deny["Effect"] == "Deny" and deny["Action"] == ["s3:GetObject"]
    assert deny["Condition"]["IpAddress"] == {"aws:SourceIp": ["203.0.113.0/24", "198.51.100.16/28"]}
    role = dev_graph.one("medical-scans", ROLE).inputs
    role_arn = f"arn:aws:iam::{PREVIEW_ACCOUNT}:role{role['path']}{role['name']}"
    assert fnmatchcase(role_arn, deny["Condition"]["ArnLike"]["aws:PrincipalArn"])
    # URLs the role signs still work from browsers: the role keeps its read
    [read] = document(dev_graph.one("medical-scans", ROLE_POLICY))["Statement"]
    assert read["Action"] == ["s3:GetObject"]


def test_without_client_only_nothing_is_denied_to_the_platform(dev_graph: Graph) -> None:
    assert set(statements(dev_graph.one("traffic-video", POLICY))) == {"DenyInsecureTransport"}


def test_adopted_bucket_is_imported_from_its_own_region_and_retained(dev_graph: Graph) -> None:
    # pulumi-aws 7 imports from the provider's region unless the ID ends in @<region>
    # (pulumi/pulumi-aws#5523, #5697); medical-scans is in eu-central-1, the dev stack in eu-west-2.
    adopted = dev_graph.one("medical-scans", BUCKET)
    assert (adopted.import_id, adopted.retain_on_delete) == ("acme-vision-dev-medical-scans@eu-central-1", True)
    assert adopted.inputs["region"] == "eu-central-1"
    created = dev_graph.one("traffic-video", BUCKET)
    assert (created.import_id, created.retain_on_delete) == (None, False)
    assert created.inputs == {"bucket": "acme-vision-dev-traffic-video", "region": "eu-west-2", "tags": {"cost-center": "vision-rnd"}}


def test_adoption_does_not_fail_on_tags_the_live_bucket_lacks(dev_graph: Graph) -> None:
    # Import fails when inputs differ from the live resource (pulumi/resource.py, ResourceOptions.import_:
    # "inputs ... must align with the resource's current state"); the spec's tags would.
    assert dev_graph.one("medical-scans", BUCKET).ignore_changes == ("tags",)
    assert dev_graph.one("traffic-video", BUCKET).ignore_changes == ()


def test_children_of_an_adopted_bucket_are_retained_with_it(dev_graph: Graph) -> None:
    # Deleting them on destroy would strip the TLS deny and access block from a bucket that stays.
    children = [r for r in dev_graph.of("medical-scans") if r.type in (CORS, ACCESS_BLOCK, OWNERSHIP, SSE, POLICY)]
    assert len(children) == 5 and all(r.retain_on_delete for r in children)
    created = [r for r in dev_graph.of("traffic-video") if r.type in (CORS, ACCESS_BLOCK, OWNERSHIP, SSE, POLICY)]
    assert not any(r.retain_on_delete for r in created)


def test_role_names_differ_between_stacks_and_fit_iam(dev_graph: Graph, prod_graph: Graph) -> None:
    # IAM role names are unique per account and 1-64 characters (IAM API reference, CreateRole RoleName);
    # dev and prod both have traffic-video and may share one account.
    dev_role = dev_graph.one("traffic-video", ROLE).inputs["name"]
    prod_role = prod_graph.one("traffic-video", ROLE).inputs["name"]
    assert dev_role != prod_role
    integrations = "".join(
        f"  - {{name: {name}, provider: aws, region: eu-west-1, bucket: {{name: {bucket}}}, "
        "external_id: acme-a-1, creator: ann@acme.ai}\n"
        for name, bucket in (("v" * 63, "b" * 63), ("v" * 62 + "x", "b" * 62 + "c"))
    )
    long = spec_with(integrations)
    names = [r.inputs["name"] for r in Graph(build_graph(long)).resources if r.type == ROLE]
    assert len(set(names)) == 2 and all(len(n) <= 64 for n in names)


def test_children_of_an_adopted_bucket_are_not_imported(dev_graph: Graph) -> None:
    assert [r.name for r in dev_graph.of("medical-scans") if r.import_id] == ["medical-scans-bucket"]


def test_graph_holds_only_the_integrations_components() -> None:
    spec = spec_with(
        """\
  - name: a
    provider: aws
    region: eu-west-1
    bucket: {name: acme-a-bucket}
    external_id: acme-a-1
    creator: ann@acme.ai
  - name: b
    provider: aws
    region: us-east-1
    bucket: {name: acme-b-bucket}
    direct_access: true
    creator: ann@acme.ai
"""
    )
    graph = Graph(build_graph(spec))
    assert [r.name for r in graph.resources if r.parent is None] == ["a", "b"]
    assert len(graph.resources) == len(graph.of("a")) + len(graph.of("b")) == 9 + 7

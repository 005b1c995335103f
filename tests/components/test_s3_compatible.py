"""OTC OBS and S3-compatible stores under mocks: the S3 children through an explicit provider at the endpoint."""

from __future__ import annotations

import json

import pulumi

from components.graph import SECRET, build_graph
from components.program import StackSettings
from tests.components.graphs import (
    ACCESS_BLOCK,
    AWS_PROVIDER,
    BUCKET,
    COMPONENT,
    CORS,
    OWNERSHIP,
    POLICY,
    ROLE,
    SSE,
    Graph,
    spec_with,
    statements,
)
from tether.spec.model import Spec

PLATFORM_USER = "arn:aws:iam::000000000000:user/annotate-platform"


def test_complete_set_for_an_s3_compatible_store(dev_graph: Graph) -> None:
    assert dev_graph.shape("lab-archive") == {
        (COMPONENT["s3"], "lab-archive"),
        (AWS_PROVIDER, "lab-archive-store"),
        (BUCKET, "lab-archive-bucket"),
        (CORS, "lab-archive-cors"),
        (POLICY, "lab-archive-policy"),
    }


def test_complete_set_for_otc_adds_default_encryption(dev_graph: Graph) -> None:
    assert dev_graph.shape("drone-survey") == {
        (COMPONENT["s3"], "drone-survey"),
        (AWS_PROVIDER, "drone-survey-store"),
        (BUCKET, "drone-survey-bucket"),
        (CORS, "drone-survey-cors"),
        (SSE, "drone-survey-encryption"),
        (POLICY, "drone-survey-policy"),
    }
    types = {type_ for type_, _ in dev_graph.shape("drone-survey")}
    assert not types & {ACCESS_BLOCK, OWNERSHIP, ROLE}  # AWS-only APIs are never called on the store


def test_every_bucket_resource_goes_through_the_store_provider(dev_graph: Graph) -> None:
    provider = dev_graph.one("lab-archive", AWS_PROVIDER)
    for resource in dev_graph.of("lab-archive"):
        if resource.type in (BUCKET, CORS, POLICY):
            assert resource.provider is not None and resource.provider.startswith(provider.urn + "::"), resource.name
            assert "region" not in resource.inputs  # the provider's region applies


def test_provider_points_at_the_endpoint_path_style_without_aws_checks_or_tags(dev_graph: Graph) -> None:
    inputs = dev_graph.one("lab-archive", AWS_PROVIDER).inputs
    assert json.loads(inputs["endpoints"]) == [{"s3": "https://s3.lab.acme-vision.ai"}]
    assert inputs["s3UsePathStyle"] == "true"
    for skip in ("skipCredentialsValidation", "skipRequestingAccountId", "skipMetadataApiCheck", "skipRegionValidation"):
        assert inputs[skip] == "true", skip
    assert inputs["region"] == "us-east-1"
    assert "defaultTags" not in inputs
    otc = dev_graph.one("drone-survey", AWS_PROVIDER).inputs
    assert json.loads(otc["endpoints"]) == [{"s3": "https://obs.eu-de.otc.t-systems.com"}]


def test_no_tags_reach_the_store(dev: Spec, dev_graph: Graph) -> None:
    assert dev.integration("lab-archive").tags  # declared in the spec...
    assert dev_graph.one("lab-archive", BUCKET).inputs == {"bucket": "lab-archive"}  # ...but never sent


def test_cors_is_exactly_the_spec(dev: Spec, dev_graph: Graph) -> None:
    cors = dev.integration("lab-archive").cors
    assert dev_graph.one("lab-archive", CORS).inputs["corsRules"] == [
        {
            "allowedOrigins": ["https://app.annotate.example.com", "https://review.acme-vision.ai"],
            "allowedMethods": ["GET", "HEAD", "PUT"],
            "exposeHeaders": cors.expose_headers,
            "maxAgeSeconds": 3600.0,
        }
    ]


def test_policy_is_tls_only_and_grants_the_principal_read(dev_graph: Graph) -> None:
    policy = statements(dev_graph.one("lab-archive", POLICY))
    assert policy["DenyInsecureTransport"]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    read = policy["PlatformReadObjects"]
    assert (read["Effect"], read["Principal"], read["Action"]) == ("Allow", {"AWS": [PLATFORM_USER]}, ["s3:GetObject"])
    assert read["Resource"] == ["arn:aws:s3:::lab-archive/*"]


def test_direct_access_grants_the_principal_nothing(dev_graph: Graph) -> None:
    assert set(statements(dev_graph.one("drone-survey", POLICY))) == {"DenyInsecureTransport"}


OTC = """\
  - name: survey
    provider: otc
    region: eu-de
    bucket: {name: acme-survey}
    principal: domain/0a1b2c3d4e5f:user/9f8e7d6c5b4a
    creator: ann@acme.ai
    prefixes: [raw/]
"""


def test_client_only_denies_the_principal_from_platform_networks() -> None:
    graph = Graph(build_graph(spec_with(OTC + "    strict_client_only: true\n")))
    policy = statements(graph.one("survey", POLICY))
    assert set(policy) == {"DenyInsecureTransport", "PlatformReadObjects", "DenyPlatformServerReads"}
    deny = policy["DenyPlatformServerReads"]
    assert deny["Principal"] == {"AWS": ["domain/0a1b2c3d4e5f:user/9f8e7d6c5b4a"]}
    assert deny["Condition"] == {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24"]}}
    assert policy["PlatformReadObjects"]["Resource"] == ["arn:aws:s3:::acme-survey/raw/*"]


def test_adopted_bucket_is_imported_through_the_store_provider() -> None:
    graph = Graph(build_graph(spec_with(OTC.replace("{name: acme-survey}", "{name: acme-survey, existing: true}"))))
    bucket = graph.one("survey", BUCKET)
    assert (bucket.import_id, bucket.retain_on_delete) == ("acme-survey", True)
    assert bucket.provider is not None and bucket.provider.startswith(graph.one("survey", AWS_PROVIDER).urn)


def test_store_credentials_come_from_config_and_stay_secret() -> None:
    credentials = pulumi.Output.secret({"survey": {"accessKey": "OBSKEY", "secretKey": "obs-secret"}})
    settings = StackSettings(store_credentials=credentials)
    graph = Graph(build_graph(spec_with(OTC), stack_settings=settings))
    inputs = graph.one("survey", AWS_PROVIDER).inputs
    assert (inputs["accessKey"], inputs["secretKey"]) == (SECRET, SECRET)
    assert "obs-secret" not in json.dumps([r.inputs for r in graph.resources])

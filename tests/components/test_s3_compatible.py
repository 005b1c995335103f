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
    STORE_BUCKET,
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
        (STORE_BUCKET, "lab-archive-bucket"),
        (CORS, "lab-archive-cors"),
        (POLICY, "lab-archive-policy"),
    }


def test_complete_set_for_otc_has_sse_kms_default_encryption(dev_graph: Graph) -> None:
    assert dev_graph.shape("drone-survey") == {
        (COMPONENT["s3"], "drone-survey"),
        (AWS_PROVIDER, "drone-survey-store"),
        (STORE_BUCKET, "drone-survey-bucket"),
        (CORS, "drone-survey-cors"),
        (SSE, "drone-survey-encryption"),
        (POLICY, "drone-survey-policy"),
    }
    types = {type_ for type_, _ in dev_graph.shape("drone-survey")}
    assert not types & {ACCESS_BLOCK, OWNERSHIP, ROLE, BUCKET}  # AWS-only APIs are never called on the store
    # OBS default encryption is SSE-KMS only, `aws:kms` in its S3 API (OTC "S3 API: PUT Bucket Encryption"),
    # which pulumi-aws can send (AES256, aws:kms, aws:kms:dsse: pulumi_aws/s3/_inputs.py); AES256 is refused
    [rule] = dev_graph.one("drone-survey", SSE).inputs["rules"]
    assert rule["applyServerSideEncryptionByDefault"] == {"sseAlgorithm": "aws:kms"}


def test_every_bucket_resource_goes_through_the_store_provider(dev_graph: Graph) -> None:
    provider = dev_graph.one("lab-archive", AWS_PROVIDER)
    for resource in dev_graph.of("lab-archive"):
        if resource.type in (CORS, POLICY):
            assert resource.provider is not None and resource.provider.startswith(provider.urn + "::"), resource.name
            assert "region" not in resource.inputs  # the provider's region applies


def test_store_buckets_never_touch_s3_control(dev_graph: Graph) -> None:
    # pulumi-aws 7's aws.s3.Bucket reads tags through S3 Control ListTagsForResource (the note in
    # pulumi_aws/s3/bucket.py), which needs an account ID that skip_requesting_account_id leaves empty:
    # "failed to resolve service endpoint ... AccountId" (terraform-provider-aws #45520, #45292, #46202;
    # moto PR 9504). So no store has an aws.s3.Bucket; its bucket is tether's StoreBucket (S3 API only).
    for integration in ("lab-archive", "drone-survey"):
        assert not dev_graph.all(integration, BUCKET)
        bucket = dev_graph.one(integration, STORE_BUCKET)
        [endpoints] = json.loads(dev_graph.one(integration, AWS_PROVIDER).inputs["endpoints"])
        assert (bucket.inputs["endpoint"], bucket.inputs["adopt"]) == (endpoints["s3"], False)
        assert "secret_key" not in bucket.inputs and bucket.inputs["__provider"] == SECRET
        # the children wait for the bucket
        for child in dev_graph.of(integration):
            if child.type in (CORS, POLICY):
                assert bucket.urn in child.dependencies, child.name


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
    bucket = dev_graph.one("lab-archive", STORE_BUCKET).inputs
    assert bucket["bucket"] == "lab-archive" and "tags" not in bucket  # ...but never sent


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
    # OBS's S3 API names users as ARNs with the domain id as account (OTC "S3 API: PUT Bucket policy")
    assert deny["Principal"] == {"AWS": ["arn:aws:iam::0a1b2c3d4e5f:user/9f8e7d6c5b4a"]}
    assert deny["Condition"] == {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24"]}}
    assert policy["PlatformReadObjects"]["Resource"] == ["arn:aws:s3:::acme-survey/raw/*"]


def test_adopted_store_bucket_is_only_found_and_kept_with_its_children() -> None:
    graph = Graph(build_graph(spec_with(OTC.replace("{name: acme-survey}", "{name: acme-survey, existing: true}"))))
    bucket = graph.one("survey", STORE_BUCKET)
    assert (bucket.inputs["adopt"], bucket.retain_on_delete, bucket.import_id) == (True, True, None)
    children = [r for r in graph.of("survey") if r.type in (CORS, POLICY)]
    assert len(children) == 2 and all(r.retain_on_delete for r in children)


def test_store_credentials_come_from_config_and_stay_secret() -> None:
    credentials = pulumi.Output.secret({"survey": {"accessKey": "OBSKEY", "secretKey": "obs-secret"}})
    settings = StackSettings(store_credentials=credentials)
    graph = Graph(build_graph(spec_with(OTC), stack_settings=settings))
    inputs = graph.one("survey", AWS_PROVIDER).inputs
    assert (inputs["accessKey"], inputs["secretKey"]) == (SECRET, SECRET)
    assert graph.one("survey", STORE_BUCKET).inputs["secret_key"] == SECRET
    assert "obs-secret" not in json.dumps([r.inputs for r in graph.resources])

"""The renderer turns the spec into each provider's desired state: exactly the spec, nothing added."""

from __future__ import annotations

from ipaddress import ip_network
from pathlib import Path

import pytest

from tether.desired import AzureDesired, GcsDesired, S3Desired, render
from tether.spec import load_spec
from tether.spec.model import Spec

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def dev() -> Spec:
    return load_spec(str(ROOT / "stacks/dev/integrations.yaml")).spec


def desired(spec: Spec, name: str):  # type: ignore[no-untyped-def]
    return render(spec.integration(name), spec)


def sids(document: dict) -> list[str]:  # type: ignore[type-arg]
    return [s["Sid"] for s in document["Statement"]]


def test_aws_cors_is_exactly_the_spec(dev: Spec) -> None:
    state = desired(dev, "traffic-video")
    assert isinstance(state, S3Desired)
    assert state.cors_rules == [
        {
            "AllowedOrigins": ["https://app.annotate.example.com"],
            "AllowedMethods": ["GET", "HEAD"],
            "AllowedHeaders": ["Range"],
            "ExposeHeaders": ["Content-Length", "Content-Range", "Content-Type", "ETag"],
            "MaxAgeSeconds": 3600,
        }
    ]


def test_aws_bucket_is_private_encrypted_tls_only(dev: Spec) -> None:
    state = desired(dev, "traffic-video")
    assert isinstance(state, S3Desired)
    assert state.public_access_block == {
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True
    }
    assert state.ownership == "BucketOwnerEnforced"
    assert state.encryption == {"SSEAlgorithm": "AES256"}
    [tls] = [s for s in state.policy["Statement"] if s["Sid"] == "DenyInsecureTransport"]
    assert tls["Effect"] == "Deny"
    assert tls["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_aws_role_trusts_platform_with_external_id_and_reads_prefixes(dev: Spec) -> None:
    state = desired(dev, "traffic-video")
    assert isinstance(state, S3Desired) and state.role is not None
    [trust] = state.role.trust_policy["Statement"]
    assert trust["Principal"] == {"AWS": "arn:aws:iam::111122223333:root"}
    assert trust["Condition"] == {"StringEquals": {"sts:ExternalId": "acme-vision-7d41c0"}}
    read, listing = state.role.permissions_policy["Statement"]
    assert read["Action"] == ["s3:GetObject"]
    assert read["Resource"] == [
        "arn:aws:s3:::acme-vision-dev-traffic-video/videos/*",
        "arn:aws:s3:::acme-vision-dev-traffic-video/frames/*",
    ]
    assert listing["Action"] == ["s3:ListBucket"]
    assert listing["Condition"] == {"StringLike": {"s3:prefix": ["videos/*", "frames/*"]}}
    assert state.role.max_session_seconds == 12 * 3600


def test_aws_client_only_denies_platform_server_networks(dev: Spec) -> None:
    state = desired(dev, "medical-scans")
    assert isinstance(state, S3Desired) and state.role is not None
    assert state.adopt is True
    assert sids(state.policy) == ["DenyInsecureTransport", "DenyPlatformServerReads", "DenyPlatformVpcEndpointReads"]
    deny = state.policy["Statement"][1]
    assert deny["Condition"]["IpAddress"] == {"aws:SourceIp": ["203.0.113.0/24", "198.51.100.16/28"]}
    assert deny["Condition"]["ArnLike"] == {"aws:PrincipalArn": "arn:aws:iam::*:role/tether/tether-medical-scans-acme-vision-dev-medical-scans"}
    assert state.role.max_session_seconds == 3600 * 2


def test_direct_access_grants_nothing(dev: Spec) -> None:
    state = desired(dev, "drone-survey")
    assert isinstance(state, S3Desired)
    assert state.role is None
    assert sids(state.policy) == ["DenyInsecureTransport"]
    assert state.endpoint == "https://obs.eu-de.otc.t-systems.com"
    assert state.public_access_block is None, "OBS has no public access block API"


def test_s3_compatible_grants_its_principal_and_carries_no_tags(dev: Spec) -> None:
    state = desired(dev, "lab-archive")
    assert isinstance(state, S3Desired)
    assert sids(state.policy) == ["DenyInsecureTransport", "PlatformReadObjects"]
    assert state.policy["Statement"][1]["Principal"] == {"AWS": ["arn:aws:iam::000000000000:user/annotate-platform"]}
    assert state.tags == {}
    assert state.path_style is True
    assert state.encryption is None


def test_gcs(dev: Spec) -> None:
    state = desired(dev, "retail-images")
    assert isinstance(state, GcsDesired)
    assert (state.uniform_bucket_level_access, state.public_access_prevention) == (True, "enforced")
    assert state.location == "EUROPE-WEST2"
    [binding] = state.bucket_bindings
    assert binding["role"] == "roles/storage.objectViewer"
    assert binding["member"] == "serviceAccount:annotate-reader@acme-vision-dev.iam.gserviceaccount.com"
    assert binding["condition"]["expression"] == (
        'resource.name.startsWith("projects/_/buckets/acme-vision-dev-retail-images/objects/shelves/")'
    )
    assert state.signer_bindings == [
        {
            "role": "roles/iam.serviceAccountTokenCreator",
            "member": "serviceAccount:platform-signer@annotate-prod.iam.gserviceaccount.com",
        }
    ]
    assert state.cors[0]["origin"] == ["https://app.annotate.example.com"]


def test_azure(dev: Spec) -> None:
    state = desired(dev, "call-audio")
    assert isinstance(state, AzureDesired)
    assert (state.https_only, state.minimum_tls_version, state.allow_blob_public_access) == (True, "TLS1_2", False)
    assert state.container_public_access == "None"
    assert state.allow_shared_key_access is False, "user-delegation SAS needs no account key"
    assert [a["role"] for a in state.role_assignments] == ["Storage Blob Data Reader", "Storage Blob Delegator"]
    assert state.sas_rotation_seconds == 7 * 86400


def test_aws_client_only_also_denies_reads_through_a_vpc_endpoint(dev: Spec) -> None:
    # IAM condition-key reference: aws:SourceIp is absent for requests through a VPC endpoint, so the
    # IpAddress deny does not apply there; aws:SourceVpce is present exactly then.
    state = desired(dev, "medical-scans")
    assert isinstance(state, S3Desired) and state.role is not None
    [vpce] = [s for s in state.policy["Statement"] if s["Sid"] == "DenyPlatformVpcEndpointReads"]
    assert (vpce["Effect"], vpce["Principal"], vpce["Action"]) == ("Deny", "*", ["s3:GetObject"])
    assert vpce["Condition"] == {
        "Null": {"aws:SourceVpce": "false"},
        "ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::*:role/tether/{state.role.name}"},
    }


def test_ipv6_egress_cidrs_reach_the_deny(dev: Spec) -> None:
    spec = dev.model_copy(deep=True)
    spec.platform.egress_cidrs = [*spec.platform.egress_cidrs, ip_network("2001:db8:10::/48")]
    state = desired(spec, "medical-scans")
    assert isinstance(state, S3Desired)
    [deny] = [s for s in state.policy["Statement"] if s["Sid"] == "DenyPlatformServerReads"]
    assert "2001:db8:10::/48" in deny["Condition"]["IpAddress"]["aws:SourceIp"]


def test_otc_names_its_principal_the_way_obs_s3_api_does_and_encrypts_with_sse_kms() -> None:
    # tether writes OBS policies through its S3 API, where principals are {"AWS": [ARN]} with the domain id
    # as account (OTC "S3 API: PUT Bucket policy": arn:aws:iam::<domain-id>:root); {"ID": ["domain/..."]}
    # is the OBS API's form (OBS "Bucket Policy Parameters"). OBS default encryption is SSE-KMS only, spelled `aws:kms`
    # in its S3 API (OTC "S3 API: PUT Bucket Encryption"; `kms` in the OBS API), never AES256, and aws:kms
    # is a value pulumi-aws sends (AES256, aws:kms, aws:kms:dsse: pulumi_aws/s3/_inputs.py).
    spec = load_spec(str(ROOT / "stacks/dev/integrations.yaml")).spec
    survey = spec.integration("drone-survey").model_copy(update={"direct_access": False})
    spec.integrations = [survey]
    state = render(survey, spec)
    assert isinstance(state, S3Desired)
    principal = {"AWS": ["arn:aws:iam::0a1b2c3d4e5f:user/9f8e7d6c5b4a"]}
    by_sid = {s["Sid"]: s for s in state.policy["Statement"]}
    assert by_sid["PlatformReadObjects"]["Principal"] == principal
    assert by_sid["DenyPlatformServerReads"]["Principal"] == principal
    assert state.encryption == {"SSEAlgorithm": "aws:kms"}

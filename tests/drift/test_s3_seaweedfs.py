"""S3 data plane on SeaweedFS (real S3 API, real policy evaluation): CORS and the bucket policy.

The integration is S3-compatible with the server's HTTPS endpoint written in the spec, as a user
would write their store's.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from tether.apply import apply_spec
from tether.desired import S3Desired, render
from tether.drift import Clients, load_settings
from tether.spec import LoadedSpec
from tether.standins.seaweedfs import SeaweedFSHandle

from .conftest import SpecWriter, check, findings, s3_compatible, unique


@pytest.fixture
def clients(seaweedfs_https: SeaweedFSHandle) -> Clients:
    return Clients(
        load_settings(environ={
            "AWS_ACCESS_KEY_ID": seaweedfs_https.access_key,
            "AWS_SECRET_ACCESS_KEY": seaweedfs_https.secret_key,
            "AWS_CA_BUNDLE": str(seaweedfs_https.ca_bundle),
        }),
        timeout=5,
    )


@pytest.fixture
def applied(write_spec: SpecWriter, clients: Clients, seaweedfs_https: SeaweedFSHandle) -> LoadedSpec:
    """A fresh S3-compatible integration on SeaweedFS, applied and verified in sync."""
    loaded = write_spec(s3_compatible(unique("lab"), seaweedfs_https.endpoint_url))
    apply_spec(loaded.spec, clients)
    entry = check(loaded, clients)
    assert (entry["status"], entry["differences"], entry["unreadable"], entry["not_checked"]) == ("in_sync", [], [], [])
    return loaded


def store(clients: Clients, loaded: LoadedSpec) -> tuple[Any, str, S3Desired]:
    desired = render(loaded.spec.integrations[0], loaded.spec)
    assert isinstance(desired, S3Desired)
    return clients.s3(desired), desired.bucket, desired


def test_cors_origin_widened_to_star(applied: LoadedSpec, clients: Clients) -> None:
    s3, bucket, desired = store(clients, applied)
    rule = {**desired.cors_rules[0], "AllowedOrigins": ["*"]}
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": [rule]})
    entry = check(applied, clients)
    assert entry["status"] == "drifted"
    assert findings(entry) == [("cors[0].AllowedOrigins", "changed", "critical")]
    [difference] = entry["differences"]
    assert (difference["expected"], difference["actual"]) == (["https://app.example.com"], ["*"])
    assert difference["meaning"] == "any web page can now read the data with a signed URL"


def test_cors_deleted(applied: LoadedSpec, clients: Clients) -> None:
    s3, bucket, desired = store(clients, applied)
    s3.delete_bucket_cors(Bucket=bucket)
    entry = check(applied, clients)
    assert findings(entry) == [("cors[0]", "missing", "high")]
    assert entry["differences"][0]["expected"] == desired.cors_rules[0]


def test_public_read_statement_added(applied: LoadedSpec, clients: Clients) -> None:
    s3, bucket, desired = store(clients, applied)
    public = {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
              "Resource": f"arn:aws:s3:::{bucket}/*"}
    policy = {**desired.policy, "Statement": [*desired.policy["Statement"], public]}
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    entry = check(applied, clients)
    assert findings(entry) == [("policy.Statement[PublicRead]", "extra", "critical")]
    assert entry["differences"][0]["meaning"] == "public grant: anyone can s3:GetObject"


def test_tls_only_deny_dropped(applied: LoadedSpec, clients: Clients) -> None:
    s3, bucket, desired = store(clients, applied)
    kept = [s for s in desired.policy["Statement"] if s["Sid"] != "DenyInsecureTransport"]
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({**desired.policy, "Statement": kept}))
    entry = check(applied, clients)
    assert findings(entry) == [("policy.Statement[DenyInsecureTransport]", "missing", "critical")]
    assert entry["differences"][0]["meaning"] == "the TLS-only deny is gone: plain HTTP requests are allowed (R11)"


def test_policy_deleted_loses_every_statement(applied: LoadedSpec, clients: Clients) -> None:
    s3, bucket, _ = store(clients, applied)
    s3.delete_bucket_policy(Bucket=bucket)
    assert findings(check(applied, clients)) == [
        ("policy.Statement[DenyInsecureTransport]", "missing", "critical"),
        ("policy.Statement[PlatformReadObjects]", "missing", "medium"),
    ]


def test_ownership_and_encryption_are_compared_public_access_block_not_checked(
    write_spec: SpecWriter, clients: Clients, seaweedfs_https: SeaweedFSHandle
) -> None:
    """What README's limits section says: SeaweedFS answers ownership controls and default encryption
    (so drift compares them), and NotImplemented for the public access block (so it is not checked)."""
    from tether.drift.calls import Caller, RetryPolicy
    from tether.drift.read_s3 import classify, read_s3

    loaded = write_spec(s3_compatible(unique("lab"), seaweedfs_https.endpoint_url))
    base = render(loaded.spec.integrations[0], loaded.spec)
    assert isinstance(base, S3Desired)
    desired = replace(
        base, public_access_block=dict.fromkeys(
            ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"), True
        ),
        ownership="BucketOwnerEnforced", encryption={"SSEAlgorithm": "AES256"},
    )
    s3 = clients.s3(desired)
    s3.create_bucket(Bucket=desired.bucket)
    s3.put_bucket_ownership_controls(Bucket=desired.bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]})
    s3.put_bucket_encryption(Bucket=desired.bucket, ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
    })
    observed = read_s3(desired, s3, None, Caller(RetryPolicy(attempts=1), classify))
    assert (observed.values["ownership"], observed.values["encryption"]) == ("ObjectWriter", "AES256")
    assert [n.resource for n in observed.not_checked] == ["public_access_block"]

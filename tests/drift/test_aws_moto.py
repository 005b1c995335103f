"""AWS control plane on moto: the platform role, public access block, ownership and encryption.

Each test applies the desired state to a fresh bucket, checks it reads "in sync", then makes one
console edit through boto3 and asserts the exact finding.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tether.apply import apply_spec
from tether.drift import Clients, load_settings
from tether.spec import LoadedSpec

from .conftest import SpecWriter, aws, check, findings, unique


@pytest.fixture
def clients(moto_server: Any) -> Clients:
    return Clients(
        load_settings(environ={
            "TETHER_ENDPOINT_AWS": moto_server.endpoint_url,
            "AWS_ACCESS_KEY_ID": moto_server.access_key,
            "AWS_SECRET_ACCESS_KEY": moto_server.secret_key,
        }),
        timeout=5,
    )


@pytest.fixture
def applied(write_spec: SpecWriter, clients: Clients) -> LoadedSpec:
    """A fresh AWS integration, applied and verified in sync."""
    name = unique("v")
    loaded = write_spec(aws(name))
    apply_spec(loaded.spec, clients)
    entry = check(loaded, clients)
    assert (entry["status"], entry["differences"], entry["unreadable"]) == ("in_sync", [], [])
    return loaded


def bucket(loaded: LoadedSpec) -> str:
    return loaded.spec.integrations[0].bucket.name


def role(loaded: LoadedSpec) -> str:
    from tether.desired.s3 import role_name

    return role_name(loaded.spec.integrations[0])


def s3(clients: Clients, loaded: LoadedSpec) -> Any:
    from tether.desired import S3Desired, render

    desired = render(loaded.spec.integrations[0], loaded.spec)
    assert isinstance(desired, S3Desired)
    return clients.s3(desired)


def test_public_access_block_turned_off(applied: LoadedSpec, clients: Clients) -> None:
    s3(clients, applied).put_public_access_block(
        Bucket=bucket(applied),
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": False, "RestrictPublicBuckets": False
        },
    )
    entry = check(applied, clients)
    assert entry["status"] == "drifted"
    assert findings(entry) == [
        ("public_access_block.BlockPublicPolicy", "changed", "critical"),
        ("public_access_block.RestrictPublicBuckets", "changed", "critical"),
    ]
    s3(clients, applied).delete_public_access_block(Bucket=bucket(applied))
    assert findings(check(applied, clients)) == [("public_access_block", "missing", "critical")]


def test_ownership_and_encryption_changed(applied: LoadedSpec, clients: Clients) -> None:
    client = s3(clients, applied)
    client.put_bucket_ownership_controls(
        Bucket=bucket(applied), OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]}
    )
    client.put_bucket_encryption(
        Bucket=bucket(applied),
        ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]},
    )
    entry = check(applied, clients)
    assert findings(entry) == [("ownership", "changed", "high"), ("encryption.SSEAlgorithm", "changed", "medium")]
    [ownership, encryption] = entry["differences"]
    assert (ownership["expected"], ownership["actual"]) == ("BucketOwnerEnforced", "ObjectWriter")
    assert (encryption["expected"], encryption["actual"]) == ("AES256", "aws:kms")


def test_role_trust_changed(applied: LoadedSpec, clients: Clients) -> None:
    stranger = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
                       "Action": "sts:AssumeRole"}],
    }
    clients.iam().update_assume_role_policy(RoleName=role(applied), PolicyDocument=json.dumps(stranger))
    entry = check(applied, clients)
    assert findings(entry) == [("role.trust_policy.Statement[0]", "changed", "critical")]
    [difference] = entry["differences"]
    assert difference["actual"] == stranger["Statement"][0]
    assert difference["expected"]["Condition"] == {"StringEquals": {"sts:ExternalId": f"ext-{applied.spec.integrations[0].name}"}}
    assert difference["meaning"] == "the role's trust was edited: arn:aws:iam::444455556666:root can sts:AssumeRole"
    external_id = applied.source.locate(("integrations", 0, "external_id"))
    assert difference["spec"] == f"{applied.file}:{external_id.line}"


def full_access(clients: Clients) -> str:
    """A managed policy someone might attach in the console."""
    document = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})
    arn: str = clients.iam().create_policy(PolicyName=unique("S3FullAccess"), PolicyDocument=document)["Policy"]["Arn"]
    return arn


def test_role_given_more_and_deleted(applied: LoadedSpec, clients: Clients) -> None:
    iam, managed = clients.iam(), full_access(clients)
    iam.attach_role_policy(RoleName=role(applied), PolicyArn=managed)
    iam.put_role_policy(
        RoleName=role(applied), PolicyName="console-added",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}]}
        ),
    )
    assert findings(check(applied, clients)) == [
        ("role.attached_policies", "extra", "high"), ("role.permissions.Statement[#c69b0832]", "extra", "high")
    ]
    iam.detach_role_policy(RoleName=role(applied), PolicyArn=managed)
    for name in iam.list_role_policies(RoleName=role(applied))["PolicyNames"]:
        iam.delete_role_policy(RoleName=role(applied), PolicyName=name)
    iam.delete_role(RoleName=role(applied))
    assert findings(check(applied, clients)) == [("role", "missing", "high")]


def test_deleted_bucket_is_missing(applied: LoadedSpec, clients: Clients) -> None:
    s3(clients, applied).delete_bucket(Bucket=bucket(applied))
    entry = check(applied, clients)
    assert entry["status"] == "missing"
    assert findings(entry) == [("bucket", "missing", "high")]


def test_apply_converges_after_console_edits(applied: LoadedSpec, clients: Clients) -> None:
    s3(clients, applied).delete_bucket_cors(Bucket=bucket(applied))
    clients.iam().attach_role_policy(RoleName=role(applied), PolicyArn=full_access(clients))
    assert check(applied, clients)["status"] == "drifted"
    apply_spec(applied.spec, clients)
    assert check(applied, clients)["status"] == "in_sync"

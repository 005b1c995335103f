"""Preflight against moto's server (AWS S3 and IAM): each collision and overwrite a first `pulumi up` meets."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from tether.apply import apply_spec
from tether.cli.main import main
from tether.desired import S3Desired, render
from tether.drift import Clients, RetryPolicy, load_settings
from tether.preflight import preflight
from tether.preflight.checks import check_one
from tether.spec import LoadedSpec, load_spec
from tether.standins.moto_server import MotoHandle

HEAD = """\
version: 1
organization: {name: acme, members: [ann@acme.ai]}
platform:
  origins: [https://app.example.com]
  egress_cidrs: [203.0.113.0/24]
  aws: {account_id: "111122223333"}
integrations:
"""
FAST = RetryPolicy(attempts=1)


def aws(name: str, bucket: str, existing: bool = False, region: str = "eu-west-2") -> str:
    return f"""\
  - name: {name}
    provider: aws
    region: {region}
    bucket: {{name: {bucket}, existing: {str(existing).lower()}}}
    external_id: ext-{name}
    creator: ann@acme.ai
    tags: {{cost-center: vision}}
"""


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def env(moto_server: MotoHandle) -> dict[str, str]:
    return {
        "TETHER_ENDPOINT_AWS": moto_server.endpoint_url,
        "AWS_ACCESS_KEY_ID": moto_server.access_key,
        "AWS_SECRET_ACCESS_KEY": moto_server.secret_key,
    }


@pytest.fixture
def clients(env: dict[str, str]) -> Clients:
    return Clients(load_settings(environ=env), timeout=5)


@pytest.fixture
def s3(moto_server: MotoHandle) -> Any:
    return boto3.client(
        "s3", endpoint_url=moto_server.endpoint_url, region_name="eu-west-2",
        aws_access_key_id=moto_server.access_key, aws_secret_access_key=moto_server.secret_key,
    )


def write(tmp_path: Path, *integrations: str) -> LoadedSpec:
    path = tmp_path / "integrations.yaml"
    path.write_text(HEAD + "".join(integrations), encoding="utf-8")
    return load_spec(str(path))


def kinds(loaded: LoadedSpec, clients: Clients) -> list[tuple[str, str]]:
    [checked] = preflight(loaded.spec, clients, retry=FAST)
    return [(f.kind, f.resource) for f in checked.findings]


def test_nothing_there_yet_is_clear(tmp_path: Path, clients: Clients) -> None:
    loaded = write(tmp_path, aws(unique("v"), unique("free")))
    assert kinds(loaded, clients) == []


def test_an_existing_bucket_not_adopted_collides(tmp_path: Path, clients: Clients, s3: Any) -> None:
    bucket = unique("there")
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    assert kinds(write(tmp_path, aws(unique("v"), bucket)), clients) == [("collision", "bucket")]


def test_an_adopted_bucket_that_is_missing_collides(tmp_path: Path, clients: Clients) -> None:
    assert kinds(write(tmp_path, aws(unique("v"), unique("gone"), existing=True)), clients) == [("collision", "bucket")]


def test_a_role_of_the_same_name_collides(tmp_path: Path, clients: Clients) -> None:
    loaded = write(tmp_path, aws(unique("v"), unique("free")))
    desired = render(loaded.spec.integrations[0], loaded.spec)
    assert isinstance(desired, S3Desired) and desired.role is not None
    clients.iam().create_role(RoleName=desired.role.name, AssumeRolePolicyDocument="{}")
    assert kinds(loaded, clients) == [("collision", "role")]


def test_adopted_bucket_in_another_region_collides(tmp_path: Path, clients: Clients, moto_server: MotoHandle) -> None:
    bucket = unique("frankfurt")
    frankfurt = boto3.client(
        "s3", endpoint_url=moto_server.endpoint_url, region_name="eu-central-1",
        aws_access_key_id=moto_server.access_key, aws_secret_access_key=moto_server.secret_key,
    )
    frankfurt.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    found = kinds(write(tmp_path, aws(unique("v"), bucket, existing=True, region="eu-west-2")), clients)
    assert ("collision", "bucket.region") in found


def test_adoption_lists_what_it_overwrites_and_what_refuses_it(tmp_path: Path, clients: Clients, s3: Any) -> None:
    """A team's bucket: public-read ACL, SSE-KMS, its own policy statement, other tags, no CORS."""
    bucket = unique("team")
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}, ACL="public-read")
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]})
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "TeamReads", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
        "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}]}))
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "team", "Value": "data"}]})
    [checked] = preflight(write(tmp_path, aws(unique("v"), bucket, existing=True)).spec, clients, retry=FAST)
    by_resource = {f.resource: f for f in checked.findings}
    # BucketOwnerEnforced cannot be set while the ACL grants more than the owner (S3 API reference,
    # PutBucketOwnershipControls: InvalidBucketAclWithObjectOwnership).
    assert by_resource["bucket.acl"].kind == "collision"
    assert any("AllUsers" in grant for grant in by_resource["bucket.acl"].actual)
    assert by_resource["encryption.SSEAlgorithm"].kind == "overwrite"
    assert "SSE-KMS (aws:kms) with AES256: a downgrade" in by_resource["encryption.SSEAlgorithm"].message
    policy = [f for f in checked.findings if f.resource.startswith("policy")]
    assert policy and all(f.kind == "overwrite" for f in policy)
    assert any(f.actual and f.actual.get("Sid") == "TeamReads" for f in policy)  # the team's grant is removed
    assert by_resource["bucket.tags"].kind == "note"
    assert (by_resource["bucket.tags"].expected, by_resource["bucket.tags"].actual) == (
        {"cost-center": "vision"}, {"team": "data"}
    )
    assert "cors" in {f.resource.split("[")[0] for f in checked.findings}


def test_a_bucket_tether_already_shaped_overwrites_nothing(tmp_path: Path, clients: Clients, s3: Any) -> None:
    bucket = unique("shaped")
    loaded = write(tmp_path, aws(unique("v"), bucket, existing=True))
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "cost-center", "Value": "vision"}]})
    apply_spec(loaded.spec, clients)
    desired = render(loaded.spec.integrations[0], loaded.spec)
    assert isinstance(desired, S3Desired) and desired.role is not None
    clients.iam().delete_role_policy(RoleName=desired.role.name, PolicyName="tether-read")
    clients.iam().delete_role(RoleName=desired.role.name)  # as before the first `pulumi up`
    assert kinds(loaded, clients) == []


def test_head_bucket_403_means_the_name_is_taken(
    tmp_path: Path, clients: Clients, monkeypatch: pytest.MonkeyPatch
) -> None:
    """S3 answers HeadBucket with 403 for another account's bucket (S3 API reference, HeadBucket)."""
    loaded = write(tmp_path, aws(unique("v"), unique("theirs")))
    desired = render(loaded.spec.integrations[0], loaded.spec)
    assert isinstance(desired, S3Desired)

    class Theirs:
        def head_bucket(self, Bucket: str) -> None:
            raise ClientError({"Error": {"Code": "403", "Message": "Forbidden"},
                               "ResponseMetadata": {"HTTPStatusCode": 403}}, "HeadBucket")

    monkeypatch.setattr(clients, "s3", lambda _: Theirs())  # moto has one account; this is the 403 S3 sends
    checked = check_one(0, desired, "aws", clients, FAST)
    assert [(f.kind, f.resource) for f in checked.findings] == [("collision", "bucket")]
    assert "taken by another account (HeadBucket 403)" in checked.findings[0].message


def test_cli_exit_codes_and_formats(tmp_path: Path, env: dict[str, str], s3: Any,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    env_file = tmp_path / "cloud.env"
    env_file.write_text("".join(f"{k}={v}\n" for k, v in env.items()), encoding="utf-8")
    clear = write(tmp_path, aws(unique("v"), unique("free")))
    assert main(["preflight", clear.file, "--env-file", str(env_file)]) == 0
    assert "0 collision(s), 0 overwrite(s)" in capsys.readouterr().out
    bucket = unique("taken")
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    name = unique("v")
    taken = write(tmp_path, aws(name, bucket))
    assert main(["preflight", taken.file, "--env-file", str(env_file), "--output", "json"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert document["summary"]["collision"] == 1 and document["integrations"][0]["status"] == "collision"
    assert main(["preflight", taken.file, "--env-file", str(env_file), "--output", "markdown"]) == 1
    assert "| " + name + " | collision | bucket |" in capsys.readouterr().out
    records = tmp_path / "records.json"
    records.write_text(json.dumps({"integrations": {}}), encoding="utf-8")
    assert main(["preflight", taken.file, "--env-file", str(env_file), "--outputs", str(records)]) == 1


def test_an_unreachable_cloud_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    env_file = tmp_path / "cloud.env"
    env_file.write_text("TETHER_ENDPOINT_AWS=http://127.0.0.1:9\nAWS_ACCESS_KEY_ID=x\nAWS_SECRET_ACCESS_KEY=y\n")
    loaded = write(tmp_path, aws(unique("v"), unique("free")))
    assert main(["preflight", loaded.file, "--env-file", str(env_file), "--output", "json"]) == 3
    [entry] = json.loads(capsys.readouterr().out)["integrations"]
    assert entry["status"] == "unreadable" and "unreachable" in entry["findings"][0]["message"]


def test_a_denied_read_keeps_what_was_found_and_names_the_permission(
    tmp_path: Path, clients: Clients, s3: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    bucket = unique("there")
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    loaded = write(tmp_path, aws(unique("v"), bucket))

    class NoIam:
        def get_role(self, RoleName: str) -> None:
            raise ClientError({"Error": {"Code": "AccessDenied", "Message": "not authorized to iam:GetRole"},
                               "ResponseMetadata": {"HTTPStatusCode": 403}}, "GetRole")

    monkeypatch.setattr(clients, "iam", lambda _="aws": NoIam())
    [checked] = preflight(loaded.spec, clients, retry=FAST)
    assert [(f.kind, f.resource) for f in checked.findings] == [("collision", "bucket"), ("unreadable", "integration")]
    assert "iam:GetRole" in checked.findings[1].message and "lacks a read permission" in checked.findings[1].message

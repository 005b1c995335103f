"""Preflight against SeaweedFS (a real S3-compatible store): collisions and what adoption overwrites.

Over HTTPS, as a user's store would be: the spec's TLS-only statement refuses plain HTTP.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.servers import seaweedfs_s3
from tether.apply import apply_spec
from tether.drift import Clients, RetryPolicy, load_settings
from tether.preflight import preflight
from tether.spec import LoadedSpec, load_spec
from tether.standins.seaweedfs import SeaweedFSHandle

HEAD = """\
version: 1
organization: {name: acme, members: [ann@acme.ai]}
platform:
  origins: [https://app.example.com]
integrations:
"""


def store(name: str, endpoint: str, bucket: str, existing: bool) -> str:
    return f"""\
  - name: {name}
    provider: s3-compatible
    endpoint: {endpoint}
    bucket: {{name: {bucket}, existing: {str(existing).lower()}}}
    principal: arn:aws:iam::000000000000:user/annotate-platform
    creator: ann@acme.ai
"""


@pytest.fixture
def clients(seaweedfs_https: SeaweedFSHandle) -> Clients:
    return Clients(load_settings(environ={
        "AWS_ACCESS_KEY_ID": seaweedfs_https.access_key, "AWS_SECRET_ACCESS_KEY": seaweedfs_https.secret_key,
        "AWS_CA_BUNDLE": str(seaweedfs_https.ca_bundle),
    }), timeout=5)


@pytest.fixture
def s3(seaweedfs_https: SeaweedFSHandle) -> Any:
    return seaweedfs_s3(seaweedfs_https)


def spec(tmp_path: Path, seaweedfs_https: SeaweedFSHandle, bucket: str, existing: bool) -> LoadedSpec:
    path = tmp_path / "integrations.yaml"
    path.write_text(HEAD + store("lab", seaweedfs_https.endpoint_url, bucket, existing), encoding="utf-8")
    return load_spec(str(path))


def found(loaded: LoadedSpec, clients: Clients) -> list[tuple[str, str]]:
    [checked] = preflight(loaded.spec, clients, retry=RetryPolicy(attempts=1))
    return [(f.kind, f.resource.split("[")[0]) for f in checked.findings]


def test_a_free_name_is_clear(tmp_path: Path, seaweedfs_https: SeaweedFSHandle, clients: Clients) -> None:
    assert found(spec(tmp_path, seaweedfs_https, f"free-{uuid.uuid4().hex[:10]}", False), clients) == []


def test_an_existing_bucket_not_adopted_collides(
    tmp_path: Path, seaweedfs_https: SeaweedFSHandle, clients: Clients, s3: Any
) -> None:
    bucket = f"there-{uuid.uuid4().hex[:10]}"
    s3.create_bucket(Bucket=bucket)
    assert found(spec(tmp_path, seaweedfs_https, bucket, False), clients) == [("collision", "bucket")]


def test_adopting_a_used_bucket_lists_its_policy_and_cors_overwritten(
    tmp_path: Path, seaweedfs_https: SeaweedFSHandle, clients: Clients, s3: Any
) -> None:
    bucket = f"used-{uuid.uuid4().hex[:10]}"
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "LabTools", "Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::000000000000:user/lab-tools"]},
        "Action": ["s3:GetObject"], "Resource": [f"arn:aws:s3:::{bucket}/*"]}]}))
    kinds = found(spec(tmp_path, seaweedfs_https, bucket, True), clients)
    assert ("overwrite", "policy.Statement") in kinds and ("overwrite", "cors") in kinds
    assert {kind for kind, _ in kinds} == {"overwrite"}


def test_adopting_a_bucket_already_as_the_spec_says_is_clear(
    tmp_path: Path, seaweedfs_https: SeaweedFSHandle, clients: Clients, s3: Any
) -> None:
    bucket = f"shaped-{uuid.uuid4().hex[:10]}"
    s3.create_bucket(Bucket=bucket)
    loaded = spec(tmp_path, seaweedfs_https, bucket, True)
    apply_spec(loaded.spec, clients)
    assert found(loaded, clients) == []

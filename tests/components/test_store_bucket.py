"""The S3-compatible store's bucket resource against a real store (SeaweedFS): S3 calls only, adopted kept."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from pulumi.dynamic.dynamic import serialize_provider

from components.store_bucket import _StoreBuckets
from tests.servers import seaweedfs_s3
from tether.standins.seaweedfs import SeaweedFSHandle


def props(seaweedfs: SeaweedFSHandle, bucket: str, adopt: bool) -> dict[str, Any]:
    return {
        "bucket": bucket,
        "endpoint": seaweedfs.endpoint_url,
        "region": seaweedfs.region,
        "path_style": True,
        "adopt": adopt,
        "access_key": seaweedfs.access_key,
        "secret_key": seaweedfs.secret_key,
    }


@pytest.fixture
def s3(seaweedfs: SeaweedFSHandle) -> Any:
    return seaweedfs_s3(seaweedfs)


def test_created_bucket_exists_is_read_and_deleted(seaweedfs: SeaweedFSHandle, s3: Any) -> None:
    name = f"made-{uuid.uuid4().hex[:12]}"
    provider = _StoreBuckets()
    created = provider.create(props(seaweedfs, name, adopt=False))
    assert created.id == name
    s3.head_bucket(Bucket=name)
    assert provider.read(name, created.outs).id == name
    provider.delete(name, created.outs)
    with pytest.raises(ClientError):
        s3.head_bucket(Bucket=name)
    assert provider.read(name, created.outs).id is None  # gone: the next `up` recreates it


def test_adopted_bucket_must_exist_and_survives_delete(seaweedfs: SeaweedFSHandle, s3: Any) -> None:
    name = f"kept-{uuid.uuid4().hex[:12]}"
    provider = _StoreBuckets()
    with pytest.raises(ClientError):
        provider.create(props(seaweedfs, name, adopt=True))  # adopting a bucket that is not there fails
    s3.create_bucket(Bucket=name)
    adopted = provider.create(props(seaweedfs, name, adopt=True))
    provider.delete(name, adopted.outs)
    s3.head_bucket(Bucket=name)  # still there


def test_a_changed_name_or_endpoint_replaces_credentials_do_not() -> None:
    old = {"bucket": "a", "endpoint": "http://x", "region": "r", "secret_key": "k1"}
    diff = _StoreBuckets().diff("a", old, {**old, "bucket": "b", "secret_key": "k2"})
    assert diff.changes and diff.replaces == ["bucket"]


def test_the_pickled_provider_loads_where_pulumi_runs_it(tmp_path: Path) -> None:
    # Pulumi runs a dynamic provider from its dill pickle in a separate `python -m pulumi.dynamic` process
    # (pulumi/dynamic/__main__.py get_provider); dill names this project's module by reference
    # (pulumi/pulumi#7453), so that process needs `components` importable: from the project directory
    # (`-m` puts the working directory on sys.path) or from the installed tether package.
    # Not proven against the Pulumi CLI (there is none here); this proves the pickle needs nothing else.
    serialized = serialize_provider(_StoreBuckets())
    script = (
        "import base64, sys, dill\n"
        "provider = dill.loads(base64.b64decode(sys.stdin.read()))\n"
        "print(provider.diff('a', {'bucket': 'a'}, {'bucket': 'b'}).replaces)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", script], input=serialized, capture_output=True, text=True, cwd=root, env=env,
        timeout=60, check=False,
    )
    assert (done.returncode, done.stdout.strip()) == (0, "['bucket']"), done.stderr


def test_the_stand_in_for_obs_skips_sse_kms_so_uploads_work(seaweedfs_https: SeaweedFSHandle) -> None:
    # OBS buckets get SSE-KMS (aws:kms); SeaweedFS has no KMS, and with it as the default every PutObject
    # fails (InternalError), so applying to a stand-in leaves it out and says so. (HTTPS: the TLS-only deny.)
    from tether.apply import apply_spec
    from tether.drift import Clients, load_settings
    from tether.spec import parse_spec

    bucket = f"obs-{uuid.uuid4().hex[:10]}"
    spec = parse_spec(f"""\
version: 1
organization: {{name: acme, members: [ann@acme.ai]}}
platform: {{origins: ["https://app.example.com"]}}
integrations:
  - {{name: survey, provider: otc, region: eu-de, bucket: {{name: {bucket}}}, creator: ann@acme.ai, direct_access: true}}
""", "test.yaml").spec
    env = {
        "TETHER_ENDPOINT_OTC": seaweedfs_https.endpoint_url, "AWS_CA_BUNDLE": str(seaweedfs_https.ca_bundle),
        "AWS_ACCESS_KEY_ID": seaweedfs_https.access_key, "AWS_SECRET_ACCESS_KEY": seaweedfs_https.secret_key,
    }
    clients = Clients(load_settings(environ=env), timeout=5)
    [applied] = apply_spec(spec, clients)
    assert "SSE-KMS" in applied.note
    s3 = seaweedfs_s3(seaweedfs_https)
    s3.put_object(Bucket=bucket, Key="a.txt", Body=b"hi")

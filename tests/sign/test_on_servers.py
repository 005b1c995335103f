"""Runtime.sign end to end against real verifiers: SeaweedFS for the S3 family, Azurite for Azure SAS.

Credentials come the way the platform gets them (EnvironmentCredentials over an env file or variables),
endpoints from the spec, the stack's records or TETHER_ENDPOINT_*; the server decides whether the URL works.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from azure.storage.blob import BlobServiceClient

from runtime import Runtime
from runtime.sign import Refused
from tests.servers import seaweedfs_s3
from tests.sign.support import record
from tests.signing.fetching import fetch
from tether.settings import load_settings
from tether.spec import parse_spec
from tether.standins.azurite import AzuriteHandle
from tether.standins.seaweedfs import SeaweedFSHandle

KEY = "frames/cam 1/a+b~c%d=é.jpg"

HEAD = """\
version: 1
organization:
  name: acme
  members: [ann@acme.ai, ben@acme.ai, nia@acme.ai]
platform:
  origins: [https://app.example.com]
  aws: {account_id: "111122223333"}
integrations:
"""


def s3_spec(endpoint: str, bucket: str) -> str:
    return HEAD + f"""\
  - name: lab
    provider: s3-compatible
    endpoint: {endpoint}
    bucket: {{name: {bucket}}}
    creator: ann@acme.ai
    members: [{{email: ben@acme.ai, role: user}}]
    prefixes: [frames/]
  - name: obs
    provider: otc
    region: eu-de
    bucket: {{name: {bucket}}}
    creator: ann@acme.ai
    signed_url_expiry: 1h
  - name: aws
    provider: aws
    region: eu-west-2
    bucket: {{name: {bucket}}}
    external_id: acme-1234
    creator: ann@acme.ai
"""


@pytest.fixture(scope="module")
def bucket(seaweedfs: SeaweedFSHandle) -> str:
    name = f"sign-{uuid.uuid4().hex[:12]}"
    client = seaweedfs_s3(seaweedfs)
    client.create_bucket(Bucket=name)
    client.put_object(Bucket=name, Key=KEY, Body=b"frame one")
    client.put_object(Bucket=name, Key="frames/two.jpg", Body=b"frame two")
    return name


def keys_of(seaweedfs: SeaweedFSHandle) -> dict[str, str]:
    return {"AWS_ACCESS_KEY_ID": seaweedfs.access_key, "AWS_SECRET_ACCESS_KEY": seaweedfs.secret_key}


def test_s3_compatible_url_downloads_the_object(seaweedfs: SeaweedFSHandle, bucket: str) -> None:
    rt = Runtime(parse_spec(s3_spec(seaweedfs.endpoint_url, bucket), "lab.yaml"), {}, load_settings(environ=keys_of(seaweedfs)))
    signed = rt.sign("ben@acme.ai", "lab", KEY)
    assert signed.url.startswith(f"{seaweedfs.endpoint_url}/{bucket}/frames/cam%201/")
    answer = fetch(signed.url)
    assert (answer.status, answer.body) == (200, b"frame one")
    with pytest.raises(Refused, match=r"nia@acme\.ai is not a member of lab"):
        rt.sign("nia@acme.ai", "lab", KEY)


def test_batch_urls_each_download_their_object(seaweedfs: SeaweedFSHandle, bucket: str) -> None:
    rt = Runtime(parse_spec(s3_spec(seaweedfs.endpoint_url, bucket), "lab.yaml"), {}, load_settings(environ=keys_of(seaweedfs)))
    first, second = rt.sign_many("ben@acme.ai", "lab", [KEY, "frames/two.jpg"], expires_in=120)
    assert [fetch(first.url).body, fetch(second.url).body] == [b"frame one", b"frame two"]


def test_records_name_the_real_bucket_and_endpoint(seaweedfs: SeaweedFSHandle, bucket: str) -> None:
    spec = parse_spec(s3_spec("https://s3.lab.example.com", "lab-declared"), "lab.yaml")
    records = {"lab": record(name="lab", provider="s3-compatible", bucket=bucket, region=seaweedfs.region,
                             endpoint=seaweedfs.endpoint_url, path_style=True)}
    rt = Runtime(spec, records, load_settings(environ=keys_of(seaweedfs)))
    assert fetch(rt.sign("ann@acme.ai", "lab", KEY).url).body == b"frame one"


@pytest.mark.parametrize(("integration", "variable"), [("lab", "S3_COMPATIBLE"), ("obs", "OTC"), ("aws", "AWS")])
def test_env_file_points_signing_at_the_stand_in(
    seaweedfs: SeaweedFSHandle, bucket: str, tmp_path: Path, integration: str, variable: str
) -> None:
    """As the sandbox does: the spec names the real store, an env file sends signing to SeaweedFS."""
    spec = tmp_path / "integrations.yaml"
    spec.write_text(s3_spec("https://s3.lab.example.com", bucket))
    env = tmp_path / "sandbox.env"
    env.write_text(
        f"TETHER_ENDPOINT_{variable}={seaweedfs.endpoint_url}\n"
        f"AWS_ACCESS_KEY_ID={seaweedfs.access_key}\nAWS_SECRET_ACCESS_KEY='{seaweedfs.secret_key}'\n"
    )
    signed = Runtime.load(spec, env_file=env).sign("ann@acme.ai", integration, KEY)
    assert signed.url.startswith(f"{seaweedfs.endpoint_url}/{bucket}/")
    assert fetch(signed.url).body == b"frame one"


def test_a_wrong_secret_gives_a_url_the_server_refuses(seaweedfs: SeaweedFSHandle, bucket: str) -> None:
    env = {**keys_of(seaweedfs), "AWS_SECRET_ACCESS_KEY": "not-the-secret"}
    rt = Runtime(parse_spec(s3_spec(seaweedfs.endpoint_url, bucket), "lab.yaml"), {}, load_settings(environ=env))
    answer = fetch(rt.sign("ann@acme.ai", "lab", KEY).url)
    assert (answer.status, answer.error_code()) == (403, "SignatureDoesNotMatch")


def azure_spec(account: str, container: str, mode: str) -> str:
    return HEAD + f"""\
  - name: calls
    provider: azure
    region: westeurope
    resource_group: acme-rg
    bucket: {{account: {account}, container: {container}}}
    sas: {{mode: {mode}, rotation: 2d}}
    creator: ann@acme.ai
    members: [{{email: ben@acme.ai, role: user}}]
"""


@pytest.fixture(scope="module")
def container(azurite: AzuriteHandle) -> str:
    name = f"sign-{uuid.uuid4().hex[:12]}"
    service = BlobServiceClient.from_connection_string(azurite.connection_string)
    service.create_container(name)
    service.get_blob_client(name, KEY).upload_blob(b"call one")
    return name


@pytest.mark.parametrize("given", ["AZURE_STORAGE_KEY", "AZURE_STORAGE_CONNECTION_STRING"])
def test_azure_sas_reads_the_blob(azurite: AzuriteHandle, container: str, given: str) -> None:
    base = azurite.endpoint_url.removesuffix("/" + azurite.account_name)
    key = azurite.account_key if given == "AZURE_STORAGE_KEY" else azurite.connection_string
    env = {"TETHER_ENDPOINT_AZURE": base, given: key}
    spec = parse_spec(azure_spec(azurite.account_name, container, "account-key"), "calls.yaml")
    rt = Runtime(spec, {}, load_settings(environ=env))
    signed = rt.sign("ben@acme.ai", "calls", KEY, expires_in=300)
    answer = fetch(signed.url)
    assert (answer.status, answer.body) == (200, b"call one")
    written = fetch(signed.url, method="PUT", data=b"x", headers={"x-ms-blob-type": "BlockBlob"})
    assert (written.status, written.error_code()) == (403, "AuthorizationPermissionMismatch")
    with pytest.raises(Refused, match=r"nia@acme\.ai is not a member of calls"):
        rt.sign("nia@acme.ai", "calls", KEY)

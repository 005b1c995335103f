"""One sandbox, brought up by the `tether` executable: buckets and containers as the spec renders them, read back
from the servers themselves; the env file and the records; seeding; `tether drift` in sync; `up` again."""

from __future__ import annotations

import json
import ssl
import stat
import urllib.request
from pathlib import Path
from typing import Any

import boto3
import pytest
from azure.storage.blob import BlobServiceClient
from botocore.config import Config

from tether.desired import AzureDesired, S3Desired, render
from tether.drift import policies
from tether.records import load_records
from tether.sandbox.up import NOT_EMULATED
from tether.settings import read_env_file
from tether.spec import load_spec

from .conftest import EMULATED, is_running, load_state, sandbox


def desired(spec: str, name: str) -> Any:
    loaded = load_spec(spec).spec
    return render(loaded.integration(name), loaded)


def env(running: dict[str, Any]) -> dict[str, str]:
    return read_env_file(str(running["state_dir"] / "sandbox.env"))[0]


def s3(running: dict[str, Any], region: str = "us-east-1") -> Any:
    """A client of the sandbox's S3 endpoint, trusting only its certificate."""
    values = env(running)
    return boto3.client(
        "s3", endpoint_url=values["TETHER_ENDPOINT_S3_COMPATIBLE"], region_name=region,
        aws_access_key_id=values["AWS_ACCESS_KEY_ID"], aws_secret_access_key=values["AWS_SECRET_ACCESS_KEY"],
        verify=values["AWS_CA_BUNDLE"], config=Config(s3={"addressing_style": "path"}),
    )


def blob_service(running: dict[str, Any]) -> BlobServiceClient:
    values = env(running)  # Azurite speaks HTTPS, trusted through the sandbox's one CA file
    return BlobServiceClient.from_connection_string(
        values["AZURE_STORAGE_CONNECTION_STRING"], connection_verify=values["REQUESTS_CA_BUNDLE"]
    )


@pytest.mark.parametrize("name", ["lab", "video"])
def test_s3_buckets_have_the_desired_cors_and_policy_over_https(running: dict[str, Any], name: str) -> None:
    want = desired(running["spec"], name)
    assert isinstance(want, S3Desired)
    client = s3(running, want.region)
    assert client.meta.endpoint_url.startswith("https://127.0.0.1:")
    assert client.get_bucket_cors(Bucket=want.bucket)["CORSRules"] == want.cors_rules
    live = policies.statements(json.loads(client.get_bucket_policy(Bucket=want.bucket)["Policy"]))
    assert [policies.normalise(s) for s in live] == [policies.normalise(s) for s in want.policy["Statement"]]


def test_the_aws_role_is_in_moto(running: dict[str, Any]) -> None:
    values = env(running)
    iam = boto3.client(
        "iam", endpoint_url=values["TETHER_ENDPOINT_AWS_IAM"], region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )
    role = desired(running["spec"], "video").role
    assert iam.get_role(RoleName=role.name)["Role"]["Path"] == role.path
    assert iam.list_role_policies(RoleName=role.name)["PolicyNames"] == ["tether-read"]


def test_the_azure_container_and_cors_are_on_azurite(running: dict[str, Any]) -> None:
    want = desired(running["spec"], "audio")
    assert isinstance(want, AzureDesired)
    service = blob_service(running)
    assert service.account_name == want.account
    assert service.get_container_client(want.container).exists()
    [rule] = service.get_service_properties()["cors"]
    assert rule.allowed_origins.split(",") == want.cors[0]["allowedOrigins"]
    assert rule.allowed_methods.split(",") == want.cors[0]["allowedMethods"]
    assert rule.max_age_in_seconds == want.cors[0]["maxAgeInSeconds"]


def test_env_file_names_every_endpoint_and_key_and_is_owner_only(running: dict[str, Any]) -> None:
    path = running["state_dir"] / "sandbox.env"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    assert text.startswith("# tether sandbox: LOCAL-ONLY endpoints and credentials")
    values = env(running)
    services = load_state(running["state_dir"]).services
    assert list(values) == [
        "TETHER_ENDPOINT_AWS", "TETHER_ENDPOINT_S3_COMPATIBLE", "TETHER_ENDPOINT_AWS_IAM",
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_CA_BUNDLE", "REQUESTS_CA_BUNDLE",
        "TETHER_ENDPOINT_AZURE", "AZURE_STORAGE_KEY", "AZURE_STORAGE_CONNECTION_STRING",
    ]
    assert values["TETHER_ENDPOINT_AWS"] == values["TETHER_ENDPOINT_S3_COMPATIBLE"] == services["seaweedfs"].endpoint
    assert values["TETHER_ENDPOINT_AWS_IAM"] == services["moto"].endpoint
    assert values["TETHER_ENDPOINT_AZURE"] == services["azurite"].endpoint
    assert Path(values["AWS_CA_BUNDLE"]).is_absolute() and values["REQUESTS_CA_BUNDLE"] == values["AWS_CA_BUNDLE"]
    assert "AccountName=acmeaudio;" in values["AZURE_STORAGE_CONNECTION_STRING"]
    assert values["AWS_SECRET_ACCESS_KEY"] not in running["stdout"]


def test_secret_is_not_in_the_state_file(running: dict[str, Any]) -> None:
    secret = env(running)["AWS_SECRET_ACCESS_KEY"]
    assert secret not in (running["state_dir"] / "sandbox.json").read_text()


def test_outputs_are_records_pointing_at_the_stand_ins(running: dict[str, Any]) -> None:
    records = load_records(running["state_dir"] / "outputs.json")
    services = load_state(running["state_dir"]).services
    assert list(records) == EMULATED
    assert {r.endpoint for n, r in records.items() if n != "audio"} == {services["seaweedfs"].endpoint}
    assert records["audio"].endpoint == services["azurite"].endpoint
    assert (records["audio"].account, records["audio"].container) == ("acmeaudio", "calls")
    assert all(r.role_arn is None and r.path_style for r in records.values())
    assert records["video"].strict_client_only and records["video"].region == "eu-west-2"


def test_gcp_is_listed_as_not_emulated(running: dict[str, Any]) -> None:
    rows = {row["integration"]: row for row in running["up"]["integrations"]}
    assert list(rows) == [*EMULATED, "shelves"]
    assert (rows["shelves"]["emulated_by"], rows["shelves"]["endpoint"]) == (NOT_EMULATED, None)
    assert rows["video"]["emulated_by"] == "SeaweedFS + moto (IAM role)"
    assert rows["audio"]["emulated_by"] == "Azurite"


def test_seed_put_every_file_under_the_first_prefix(running: dict[str, Any]) -> None:
    assert running["up"]["seeded"] == {"files": 2, "integrations": EMULATED}
    listed = s3(running).list_objects_v2(Bucket="lab-archive")["Contents"]
    assert sorted(o["Key"] for o in listed) == ["masks/clips/one.mp4", "masks/frame.jpg"]
    head = s3(running, "eu-west-2").head_object(Bucket="acme-video", Key="videos/clips/one.mp4")
    assert head["ContentType"] == "video/mp4"
    blobs = blob_service(running).get_container_client("calls").list_blobs()
    assert sorted(b.name for b in blobs) == ["clips/one.mp4", "frame.jpg"]


def test_drift_against_the_sandbox_is_in_sync(running: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    from tether.cli.main import main

    only = [arg for name in EMULATED for arg in ("--integration", name)]
    env_file = str(running["state_dir"] / "sandbox.env")
    code = main(["drift", running["spec"], "--env-file", env_file, *only, "--output", "json"])
    document = json.loads(capsys.readouterr().out)
    assert [e["status"] for e in document["integrations"]] == ["in_sync"] * 3
    assert code == 0
    endpoint = read_env_file(env_file)[0]["TETHER_ENDPOINT_S3_COMPATIBLE"]
    lab = next(e for e in document["integrations"] if e["name"] == "lab")
    assert lab["resource"] == f"s3://lab-archive at {endpoint}"  # where it was read, not the spec's endpoint


def test_status_says_running(running: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = sandbox(capsys, "status", "--state-dir", str(running["state_dir"]))
    assert code == 0
    assert "(running)" in out and out.count(" running ") == 3


def test_up_again_reuses_the_servers_and_reapplies(
    running: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    before = {name: s.pid for name, s in load_state(running["state_dir"]).services.items()}
    s3(running).delete_bucket_cors(Bucket="lab-archive")  # a console edit the second `up` repairs
    code, out, _ = sandbox(capsys, "up", running["spec"], "--state-dir", str(running["state_dir"]))
    assert code == 0
    assert out.startswith("sandbox: already running (SeaweedFS, Azurite, moto); spec re-applied\n")
    assert {name: s.pid for name, s in load_state(running["state_dir"]).services.items()} == before
    assert all(is_running(pid) for pid in before.values())
    want = desired(running["spec"], "lab")
    assert s3(running).get_bucket_cors(Bucket="lab-archive")["CORSRules"] == want.cors_rules


@pytest.mark.parametrize(("name", "key"), [("video", "videos/frame.jpg"), ("lab", "masks/frame.jpg"), ("audio", "frame.jpg")])
def test_urls_signed_from_the_sandbox_files_download_the_seeded_object(
    running: dict[str, Any], capsys: pytest.CaptureFixture[str], name: str, key: str
) -> None:
    from tether.cli.main import main

    directory = running["state_dir"]
    code = main([
        "sign", running["spec"], "--integration", name, "--user", "ann@acme.ai", "--key", key,
        "--outputs", str(directory / "outputs.json"), "--env-file", str(directory / "sandbox.env"),
    ])
    url = capsys.readouterr().out.strip()
    assert code == 0
    context = ssl.create_default_context(cafile=env(running)["AWS_CA_BUNDLE"])
    with urllib.request.urlopen(url, context=context, timeout=10) as answer:
        assert answer.read() == b"\xff\xd8\xff\xe0 not really a jpeg"

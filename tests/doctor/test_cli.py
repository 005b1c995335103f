"""`tether doctor` end to end on SeaweedFS over HTTPS: the sample object found by listing, the bucket's CORS
as the spec renders it, each output format, and the exit status for healthy, broken and unreachable."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.doctor.conftest import ORIGIN
from tests.servers import seaweedfs_s3
from tether import markdown
from tether.cli.main import main
from tether.desired import render_s3
from tether.spec import parse_spec
from tether.standins.ports import free_port
from tether.standins.seaweedfs import SeaweedFSHandle

KEY = "videos/cam 1/clip+take é.mp4"

SPEC = """\
version: 1
organization:
  name: acme
  members: [ann@acme.ai]
platform:
  origins: [{origin}]
policy:
  annotator_continents: [asia]
integrations:
  - name: lab
    provider: s3-compatible
    endpoint: {endpoint}
    region: eu-west-2
    bucket: {{name: {bucket}}}
    creator: ann@acme.ai
    prefixes: [videos/]
"""


@pytest.fixture(scope="module")
def stack(seaweedfs_https: SeaweedFSHandle, video: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A spec, an env file and a bucket whose live CORS is the spec's rendering; ``client`` edits it."""
    folder = tmp_path_factory.mktemp("doctor-cli")
    bucket = f"doctor-cli-{uuid.uuid4().hex[:8]}"
    spec = folder / "integrations.yaml"
    spec.write_text(SPEC.format(origin=ORIGIN, endpoint=seaweedfs_https.endpoint_url, bucket=bucket))
    env = folder / "sandbox.env"
    env.write_text(
        f"AWS_ACCESS_KEY_ID={seaweedfs_https.access_key}\nAWS_SECRET_ACCESS_KEY={seaweedfs_https.secret_key}\n"
        f"AWS_CA_BUNDLE={seaweedfs_https.ca_bundle}\n"
    )
    client = seaweedfs_s3(seaweedfs_https)
    client.create_bucket(Bucket=bucket)
    client.upload_file(str(video), bucket, KEY, ExtraArgs={"ContentType": "video/mp4"})
    loaded = parse_spec(spec.read_text(), str(spec)).spec
    rules = render_s3(loaded.integrations[0], loaded).cors_rules  # type: ignore[arg-type]
    client.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": rules})
    return {"spec": str(spec), "env": str(env), "client": client, "bucket": bucket, "rules": rules, "folder": folder}


def doctor(stack: dict[str, Any], capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    code = main(["doctor", stack["spec"], "--env-file", stack["env"], *extra])
    return code, capsys.readouterr().out


def test_healthy_stack_exits_0_with_every_check_and_the_region_advisory(
    stack: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = doctor(stack, capsys, "--output", "json")
    found = json.loads(out)["findings"]
    checks = {f["check"]: f["status"] for f in found}
    assert code == 0, out
    assert checks == {
        "TLS": "ok", "expiry": "ok", "ranged GET": "ok", "key encoding": "ok", "playback": "ok", "region": "advisory",
        "HEAD": "ok",  # refused, as S3 refuses a HEAD with a GET-signed URL (SigV4 signs the method)
    }  # fmt: skip
    assert "Signature" not in out and "AKIDTETHER" not in out  # signed URLs are bearer credentials: never shown
    playback = next(f for f in found if f["check"] == "playback")
    assert "h264 320x240" in playback["browser"] and "keyframes every 10 frames" in playback["browser"]


def test_console_edit_removing_exposed_headers_is_named_with_the_fix(
    stack: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    edited = [{k: v for k, v in rule.items() if k != "ExposeHeaders"} for rule in stack["rules"]]
    stack["client"].put_bucket_cors(Bucket=stack["bucket"], CORSConfiguration={"CORSRules": edited})
    try:
        code, out = doctor(stack, capsys)
    finally:
        stack["client"].put_bucket_cors(Bucket=stack["bucket"], CORSConfiguration={"CORSRules": stack["rules"]})
    assert code == 1, out
    assert "PROBLEM     exposed headers from https://app.annotate.example.com" in out
    assert "cannot read Content-Range, ETag" in out
    assert "tether drift SPEC --integration lab" in out


def test_an_undeclared_origin_is_refused_and_the_fix_is_to_declare_it(
    stack: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = doctor(stack, capsys, "--origin", "https://labels.example.org", "--output", "markdown")
    assert code == 1, out
    assert out.startswith("## tether doctor\n")
    fix = "add https://labels.example.org to integrations[lab].cors.origins (or platform.origins)"
    assert markdown.text(fix) in out  # escaped as every value in Markdown reports is (tether.markdown)


def test_a_store_that_does_not_answer_exits_3(stack: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    spec = Path(stack["folder"]) / "gone.yaml"
    text = Path(stack["spec"]).read_text()
    gone = text.replace(text.split("endpoint: ")[1].split("\n")[0], f"https://127.0.0.1:{free_port()}")
    spec.write_text(gone)
    code = main(["doctor", str(spec), "--env-file", stack["env"], "--key", KEY])
    out = capsys.readouterr().out
    assert code == 3, out
    assert "UNREACHABLE" in out


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--integration", "nope"], "nope"),
        (["--origin", "https://app.annotate.example.com/"], "no path or '/'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    stack: dict[str, Any], capsys: pytest.CaptureFixture[str], argv: list[str], said: str
) -> None:
    code = main(["doctor", stack["spec"], "--env-file", stack["env"], *argv])
    err = capsys.readouterr().err
    assert code == 2
    assert said in err and len(err.strip().splitlines()) == 1

"""Secrets stay out of errors: a bad env-file line is named by file and line, never shown; an endpoint that
carries ``user:password@`` is refused (it would be copied into every signed URL) without repeating it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tether.errors import InputError
from tether.records import load_records
from tether.settings import load_settings, read_env_file

from .conftest import run

ROOT = Path(__file__).resolve().parents[2]
DEV = str(ROOT / "stacks/dev/integrations.yaml")
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def test_a_malformed_line_is_located_but_not_echoed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    env = tmp_path / "ci.env"
    env.write_text(f"AWS_ACCESS_KEY_ID=AKIAEXAMPLE\nAWS_SECRET_ACCESS_KEY {SECRET}\n")
    with pytest.raises(InputError) as caught:
        read_env_file(str(env))
    assert str(caught.value).startswith(f"{env}:2: expected KEY=VALUE")
    assert SECRET not in str(caught.value)
    outcome = run(capsys, "sign", DEV, "--integration", "traffic-video", "--user", "alice@acme-vision.ai",
                  "--key", "videos/a.mp4", "--env-file", str(env))
    assert outcome.code == 2
    assert SECRET not in outcome.out + outcome.err


def test_dotenv_forms_are_read(tmp_path: Path) -> None:
    env = tmp_path / "ci.env"
    env.write_text('# a comment\nexport A="two words"\nB=\'multi\nline\'\nC=plain # trailing comment\n')
    values, where = read_env_file(str(env))
    assert values == {"A": "two words", "B": "multi\nline", "C": "plain"}
    assert where["C"] == f"{env}:5"


@pytest.mark.parametrize("endpoint", [
    f"https://AKIAEXAMPLE:{SECRET}@s3.example.com",
    f"https://{SECRET}@s3.example.com",
])
def test_userinfo_in_an_endpoint_is_refused_and_not_repeated(endpoint: str) -> None:
    with pytest.raises(InputError) as caught:
        load_settings(environ={"TETHER_ENDPOINT_S3_COMPATIBLE": endpoint})
    assert "must not carry a user name or password" in str(caught.value)
    assert SECRET not in str(caught.value)


@pytest.mark.parametrize(("endpoint", "message"), [
    ("http://127.0.0.1:99999", "has a port outside 1-65535"),
    ("http://127.0.0.1:0", "a port in 1-65535"),
    ("http://127.0.0.1:8333/some/path", "no path"),
    ("http://127.0.0.1:8333/?x=1", "no path"),
    ("ftp://127.0.0.1", "expected a URL"),
])
def test_bad_endpoints_are_bad_input(endpoint: str, message: str) -> None:
    with pytest.raises(InputError, match=message.replace("?", r"\?")):
        load_settings(environ={"TETHER_ENDPOINT_AWS": endpoint})


def test_the_azure_endpoint_may_have_a_path() -> None:
    settings = load_settings(environ={"TETHER_ENDPOINT_AZURE": "http://127.0.0.1:10000/devstoreaccount1"})
    assert settings.endpoint("azure") == "http://127.0.0.1:10000/devstoreaccount1"


def test_an_outputs_record_with_credentials_in_its_endpoint_is_refused(tmp_path: Path) -> None:
    outputs = tmp_path / "outputs.json"
    record = {
        "name": "x", "provider": "s3-compatible", "bucket": "b", "region": "us-east-1", "path_style": True,
        "endpoint": f"https://u:{SECRET}@s3.example.com", "role_arn": None, "service_account": None,
        "hmac_access_id": None, "account": None, "container": None, "principal": None,
        "signed_url_expiry_seconds": 3600, "sas_rotation_seconds": None,
    }
    outputs.write_text(json.dumps({"integrations": {"x": record}}))
    with pytest.raises(InputError) as caught:
        load_records(outputs)
    assert SECRET not in str(caught.value)


def test_env_and_outputs_files_over_their_limits_are_refused(tmp_path: Path) -> None:
    big = tmp_path / "big"
    with big.open("w") as out:
        out.truncate(64 << 20 | 1)
    with pytest.raises(InputError, match="larger than the 1 MiB an env file may be"):
        read_env_file(str(big))
    with pytest.raises(InputError, match="larger than the 64 MiB an outputs file may be"):
        load_records(big)

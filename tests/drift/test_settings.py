"""Endpoint overrides and credentials from the environment or an env file, with line-numbered errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from tether.errors import InputError
from tether.settings import load_settings


def test_env_file_overlays_the_environment(tmp_path: Path) -> None:
    env = tmp_path / "sandbox.env"
    env.write_text(
        "# written by tether sandbox\n"
        "export TETHER_ENDPOINT_AWS=http://127.0.0.1:5000/\n"
        "TETHER_ENDPOINT_S3_COMPATIBLE='https://127.0.0.1:8443'\n"
        'AWS_ACCESS_KEY_ID="AKIDSANDBOX"  \n'
        "AZURE_STORAGE_KEY=abc== # the emulator's key\n"
    )
    settings = load_settings(str(env), environ={"AWS_ACCESS_KEY_ID": "from-env", "HOME": "/root"})
    assert settings.endpoints == {"aws": "http://127.0.0.1:5000", "s3-compatible": "https://127.0.0.1:8443"}
    assert settings.get("AWS_ACCESS_KEY_ID") == "AKIDSANDBOX"
    assert settings.get("AZURE_STORAGE_KEY") == "abc=="
    assert settings.get("HOME") == "/root"
    assert settings.endpoint("gcp") is None


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("TETHER_ENDPOINT_OBS=http://x", "{file}:2: TETHER_ENDPOINT_OBS: unknown endpoint variable (known: "),
        ("TETHER_ENDPOINT_AWS=127.0.0.1:5000", "{file}:2: TETHER_ENDPOINT_AWS: expected a URL such as"),
        ("just words", "{file}:2: expected KEY=VALUE (the line is not shown: it may hold a secret)"),
    ],
)
def test_bad_lines_name_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    env = tmp_path / "bad.env"
    env.write_text(f"AWS_REGION=eu-west-2\n{line}\n")
    with pytest.raises(InputError) as raised:
        load_settings(str(env), environ={})
    assert str(raised.value).startswith(message.format(file=env))


def test_environment_endpoint_errors_say_environment() -> None:
    with pytest.raises(InputError, match=r"^environment: TETHER_ENDPOINT_GCP: expected a URL"):
        load_settings(environ={"TETHER_ENDPOINT_GCP": "nope"})


def test_missing_env_file_is_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_settings(str(tmp_path / "absent.env"), environ={})

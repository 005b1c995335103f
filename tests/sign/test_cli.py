"""`tether sign`: URLs on stdout, refusals as one line (exit 1), bad input exit 2, missing credentials exit 3;
and the log keeps the decision, never the URL."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from tests.sign.support import NOW, SPEC, record, runtime
from tests.sign.test_credentials import no_ambient_credentials  # noqa: F401  (autouse: no real AWS config)
from tether.cli.main import main

GCP_LAB = json.dumps({"integrations": {"lab": record(name="lab", provider="gcp").to_json()}})
"""A record whose provider is not the spec's."""
KEYS = "AWS_ACCESS_KEY_ID=AKIDEXAMPLE\nAWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    path = tmp_path / "integrations.yaml"
    path.write_text(SPEC)
    return path


@pytest.fixture
def env_file(tmp_path: Path) -> Path:
    path = tmp_path / "sandbox.env"
    path.write_text(KEYS)
    return path


def sign(spec: Path, *args: str) -> list[str]:
    return ["sign", str(spec), "--integration", "lab", "--user", "ann@acme.ai", *args]


def test_text_prints_one_url_per_line_and_the_expiry_on_stderr(
    spec: Path, env_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(sign(spec, "--key", "a/1.png", "--key", "a/2 b.png", "--expires", "1h", "--env-file", str(env_file)))
    out, err = capsys.readouterr()
    assert code == 0
    first, second = out.splitlines()
    assert first.startswith("https://s3.lab.example.com/lab/a/1.png?X-Amz-Algorithm=AWS4-HMAC-SHA256&")
    assert second.startswith("https://s3.lab.example.com/lab/a/2%20b.png?") and "X-Amz-Expires=3600&" in second
    assert err.startswith("tether sign: 2 URLs valid until ") and err.count("\n") == 1


def test_json_lists_key_url_expiry_and_note(spec: Path, env_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(sign(spec, "--key", "a/1.png", "--env-file", str(env_file), "--output", "json"))
    out, err = capsys.readouterr()
    [entry] = json.loads(out)
    assert code == 0 and err == ""
    assert set(entry) == {"key", "url", "expires_at", "note"}
    assert (entry["key"], entry["note"]) == ("a/1.png", None)
    assert entry["url"].startswith("https://s3.lab.example.com/lab/a/1.png?")


def test_records_from_the_outputs_file(
    spec: Path, env_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outputs = tmp_path / "outputs.json"
    lab = record(name="lab", provider="s3-compatible", bucket="lab-real", region="us-east-1",
                 endpoint="https://store.example.net", path_style=True)
    outputs.write_text(json.dumps({"integrations": {"lab": lab.to_json()}}))
    assert main(sign(spec, "--key", "k", "--env-file", str(env_file), "--outputs", str(outputs))) == 0
    assert capsys.readouterr().out.startswith("https://store.example.net/lab-real/k?")


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["--user", "nia@acme.ai", "--integration", "videos", "--key", "videos/a"],
         "tether sign: refused: nia@acme.ai is not a member of videos, directly or through a group: "
         "an Admin of it must add them"),
        (["--integration", "raw", "--key", "a"],
         "tether sign: refused: raw uses Direct Access: the platform does not sign its URLs"),
        (["--integration", "videos", "--key", "videos/a", "--key", "videos/../b"],
         "tether sign: refused: key 'videos/../b' has a '..' segment, which a browser resolves to another path"),
        (["--integration", "videos", "--key", "videos/a", "--expires", "1d"],
         "tether sign: refused: an expiry of 1d is over the signed URL expiry of videos, 12h"),
    ],
)
def test_refusals_are_one_line_and_exit_1(
    spec: Path, env_file: Path, capsys: pytest.CaptureFixture[str], args: list[str], line: str
) -> None:
    assert main([*sign(spec, "--env-file", str(env_file)), *args]) == 1
    out, err = capsys.readouterr()
    assert (out, err) == ("", line + "\n")


@pytest.mark.parametrize(
    ("args", "outputs", "message"),
    [
        (["--integration", "nope"], None, "{spec}: no integration named 'nope' (known: videos, east, raw"),
        (["--expires", "soon"], None, "--expires: expected a duration such as 90m, 12h, 7d or 1d12h, got 'soon'"),
        (["--expires", "0s"], None, "--expires: a duration must be longer than zero, got '0s'"),
        ([], "missing", "{outputs}: no such file"),
        ([], '{"integrations": {"lab": {"name": "lab"}}}', "{outputs}: integrations.lab.provider: required field is missing"),
        ([], GCP_LAB, "{outputs}: integrations.lab.provider: is 'gcp', but the spec declares 's3-compatible'"),
    ],
)
def test_bad_input_exits_2_naming_the_file_and_field(
    spec: Path, env_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    args: list[str], outputs: str | None, message: str,
) -> None:
    path = tmp_path / "outputs.json"
    extra = []
    if outputs is not None:
        if outputs != "missing":
            path.write_text(outputs)
        extra = ["--outputs", str(path)]
    code = main([*sign(spec, "--key", "k", "--env-file", str(env_file)), *extra, *args])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("tether: error: " + message.format(spec=spec, outputs=path))
    assert err.count("\n") == 1


def test_missing_credentials_exit_3_naming_the_chain(spec: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(sign(spec, "--key", "k")) == 3
    assert capsys.readouterr().err == (
        "tether: error: no s3-compatible credentials: the standard AWS chain found none: "
        "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or TETHER_PROFILE_S3_COMPATIBLE\n"
    )


def test_a_bad_env_file_line_exits_2(spec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.env"
    bad.write_text("TETHER_ENDPOINT_S3_COMPATIBLE=not a url\n")
    assert main(sign(spec, "--key", "k", "--env-file", str(bad))) == 2
    assert "bad.env:1: TETHER_ENDPOINT_S3_COMPATIBLE: expected a URL" in capsys.readouterr().err


def test_the_log_has_the_decision_never_the_url(caplog: pytest.LogCaptureFixture) -> None:
    rt = runtime()
    with caplog.at_level(logging.INFO, logger="tether.runtime"):
        signed = rt.sign_many("ben@acme.ai", "videos", ["videos/a.mp4", "videos/b.mp4"], now=NOW)
        single = rt.sign("ben@acme.ai", "videos", "videos/c.mp4", expires_in=600, now=NOW)
        with pytest.raises(Exception, match="not a member"):
            rt.sign("nia@acme.ai", "videos", "videos/a.mp4", now=NOW)
    allowed, one, refused = caplog.records
    assert allowed.getMessage() == (
        "sign allowed: ben@acme.ai on videos, 2 keys from 'videos/a.mp4', until 2026-03-02T21:30:00+00:00"
    )
    assert allowed.decision == {  # type: ignore[attr-defined]
        "user": "ben@acme.ai", "integration": "videos", "keys": ["videos/a.mp4", "videos/b.mp4"],
        "allowed": True, "expires_at": "2026-03-02T21:30:00+00:00",
    }
    assert one.getMessage() == "sign allowed: ben@acme.ai on videos, 'videos/c.mp4', until 2026-03-02T09:40:00+00:00"
    assert refused.getMessage().startswith("sign refused: nia@acme.ai on videos, 'videos/a.mp4': nia@acme.ai is not")
    logged = caplog.text + "".join(repr(vars(r)) for r in caplog.records)
    for url in [*signed, single]:
        query = url.url.split("?", 1)[1]
        assert url.url not in logged and query not in logged
        assert url.url.rsplit("=", 1)[1] not in logged  # not even the signature
    assert "X-Amz" not in logged
    assert url.url not in repr(url)

"""`tether drift` as CI runs it: exit status, JSON for machines, Markdown for the issue, one-line errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tether.cli.main import main
from tether.spec import load_spec

from .replay import Replay, serve
from .test_gcs import BUCKET, READER, recorded

ROOT = Path(__file__).resolve().parents[2]
DEV = str(ROOT / "stacks/dev/integrations.yaml")


@pytest.fixture
def env_file(tmp_path: Path) -> Iterator[tuple[Replay, str]]:
    replay = Replay()
    replay.routes = {
        ("GET", BUCKET): (200, recorded("bucket.json")),
        ("GET", f"{BUCKET}/iam"): (200, recorded("bucket-iam.json")),
        ("POST", READER): (200, recorded("reader-iam.json")),
    }
    with serve(replay):
        path = tmp_path / "sandbox.env"
        path.write_text(f"TETHER_ENDPOINT_GCP={replay.url}\n")
        yield replay, str(path)


def line_of(name: str, *field: str) -> int:
    """The line of an integration (or one of its fields) in the dev stack, which others may edit."""
    loaded = load_spec(DEV)
    index = [i.name for i in loaded.spec.integrations].index(name)
    return loaded.source.locate(("integrations", index, *field)).line


def drift(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["drift", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_in_sync_exits_0_with_stable_json(env_file: tuple[Replay, str], capsys: pytest.CaptureFixture[str]) -> None:
    _, path = env_file
    code, out, err = drift(capsys, DEV, "--integration", "retail-images", "--env-file", path, "--output", "json")
    assert (code, err) == (0, "")
    document = json.loads(out)
    assert document["summary"] == {
        "integrations": 1, "in_sync": 1, "drifted": 0, "missing": 0, "unreadable": 0, "differences": 0,
        "with_differences": 0,
        "severity": {"critical": 0, "high": 0, "medium": 0, "low": 0},
    }
    [entry] = document["integrations"]
    assert entry == {
        "name": "retail-images", "provider": "gcp", "resource": "gs://acme-vision-dev-retail-images",
        "status": "in_sync", "spec": f"{DEV}:{line_of('retail-images')}", "retries": 0, "differences": [],
        "unreadable": [], "not_checked": [],
    }


def test_drift_exits_1_and_markdown_is_an_issue_body(
    env_file: tuple[Replay, str], capsys: pytest.CaptureFixture[str]
) -> None:
    replay, path = env_file
    bucket = recorded("bucket.json")
    bucket["cors"][0]["origin"].append("*")
    replay.routes[("GET", BUCKET)] = (200, bucket)
    code, out, _ = drift(capsys, DEV, "--integration", "retail-images", "--env-file", path, "--output", "markdown")
    assert code == 1
    assert out.startswith(f"## Drift report for `{DEV}`\n\n**1 integration: 1 drifted; 1 with differences")
    assert "| retail-images | gcp | `gs://acme-vision-dev-retail-images` | drifted | 1 | 0 | 0 | 0 |" in out
    assert ('| critical | changed | `cors[0].origin` | `["https://app.annotate.example.com"]` | '
            '`["*", "https://app.annotate.example.com"]` |') in out
    assert "run `pulumi up`" in out and "change the spec in a pull request" in out


def test_unreadable_exits_3_and_says_why(env_file: tuple[Replay, str], capsys: pytest.CaptureFixture[str]) -> None:
    replay, path = env_file
    replay.routes[("GET", f"{BUCKET}/iam")] = (403, {"error": {"code": 403, "message": "denied"}})
    code, out, _ = drift(capsys, DEV, "--integration", "retail-images", "--env-file", path)
    assert code == 3
    assert "retail-images (gcp gs://acme-vision-dev-retail-images): unreadable" in out
    assert "  unreadable bindings: access_denied (after 1 attempt): 403 GET " in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--integration", "nope"], f"tether: error: {DEV}: no integration named 'nope' (known: traffic-video, "),
        (["--concurrency", "0"], "tether drift: error: argument --concurrency: invalid positive int value: '0'"),
        (["--env-file", "/nonexistent.env"], "tether: error: /nonexistent.env: no such file"),
        (["--timeout", "nan"], "tether drift: error: argument --timeout: invalid positive float value: 'nan'"),
        (["--timeout", "inf"], "tether drift: error: argument --timeout: invalid positive float value: 'inf'"),
        (["--deadline", "-1"], "tether drift: error: argument --deadline: invalid positive float value: '-1'"),
    ],
)
def test_bad_input_is_one_line_exit_2(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    try:
        code = main(["drift", DEV, *args])
    except SystemExit as usage:  # argparse ends usage errors itself, with status 2
        code = int(usage.code or 0)
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and err.startswith(message)


def test_bad_spec_points_at_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "bad.yaml"
    spec.write_text(Path(DEV).read_text().replace("region: eu-west-2", "region: eu-nowhere-9", 1))
    assert main(["drift", str(spec)]) == 2
    [line] = capsys.readouterr().err.splitlines()
    first = load_spec(DEV).spec.integrations[0].name
    assert line.startswith(f"{spec}:{line_of(first, 'region')}:13: integrations[0].region: unknown AWS region")


def test_help_has_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["drift", "--help"])
    out = capsys.readouterr().out
    assert "tether drift stacks/prod/integrations.yaml" in out and "exit status: 0 in sync, 1 drift found" in out

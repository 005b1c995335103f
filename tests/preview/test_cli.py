"""`tether preview`: every resource of the example stacks, and the difference a spec change makes."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tether.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
DEV = str(ROOT / "stacks/dev/integrations.yaml")
PROD = str(ROOT / "stacks/prod/integrations.yaml")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def preview_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    code, out, err = run(capsys, "preview", *argv, "--output", "json")
    assert (code, err) == (0, "")
    document: dict[str, Any] = json.loads(out)
    return document


def test_dev_stack_json_lists_every_resource_under_its_component(capsys: pytest.CaptureFixture[str]) -> None:
    document = preview_json(capsys, DEV)
    resources = document["resources"]
    assert document["stack"] == "dev"
    assert document["summary"]["resources"] == len(resources) == 41
    components = [r for r in resources if r["parent"] is None]
    assert [r["name"] for r in components] == [
        "traffic-video", "medical-scans", "retail-images", "call-audio", "drone-survey", "lab-archive"
    ]
    assert all(r["type"].startswith("tether:storage:") and not r["custom"] for r in components)
    urns = {r["urn"] for r in resources}
    assert all(r["parent"] in urns for r in resources if r["parent"] is not None)
    assert Counter(r["type"] for r in resources) == Counter(document["summary"]["by_type"])
    assert document["summary"]["by_type"]["aws:s3/bucket:Bucket"] == 2
    assert document["summary"]["by_type"]["pulumi-python:dynamic/tether:StoreBucket"] == 2  # no S3 Control on stores
    assert document["summary"]["by_type"]["aws:iam/role:Role"] == 2


def test_dev_stack_json_shows_imports_and_inputs_but_no_secret(capsys: pytest.CaptureFixture[str]) -> None:
    resources = {r["name"]: r for r in preview_json(capsys, DEV)["resources"]}
    adopted = resources["medical-scans-bucket"]
    assert (adopted["import_id"], adopted["retain_on_delete"]) == ("acme-vision-dev-medical-scans@eu-central-1", True)
    cors = resources["traffic-video-cors"]["inputs"]["corsRules"]
    assert cors[0]["allowedOrigins"] == ["https://app.annotate.example.com"]
    assert resources["lab-archive-cors"]["inputs"]["corsRules"][0]["allowedMethods"] == ["GET", "HEAD", "PUT"]
    assert resources["drone-survey-store"]["inputs"]["s3UsePathStyle"] == "true"
    hmac = resources["retail-images-hmac"]
    assert set(hmac["inputs"]) == {"serviceAccountEmail", "project"}


def test_prod_stack_json(capsys: pytest.CaptureFixture[str]) -> None:
    document = preview_json(capsys, PROD)
    names = {r["name"] for r in document["resources"]}
    assert document["stack"] == "prod"
    assert {"patient-ultrasound-bucket", "shelf-images-object-viewer", "call-audio-container"} <= names
    assert not {"patient-ultrasound-role", "patient-ultrasound-read", "call-audio-storage-blob-data-reader"} & names
    adopted = [r["name"] for r in document["resources"] if r["import_id"]]
    assert adopted == ["traffic-video-bucket"]


def test_table_names_each_resource_with_its_parent_and_key_inputs(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "preview", DEV)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == ["TYPE", "NAME", "PARENT", "INPUTS"]
    [policy] = [line for line in lines if " medical-scans-policy " in line]
    assert "DenyInsecureTransport Deny s3:*; DenyPlatformServerReads Deny s3:GetObject" in policy
    [bucket] = [line for line in lines if " medical-scans-bucket " in line]
    assert "(import acme-vision-dev-medical-scans@eu-central-1)" in bucket and " medical-scans " in bucket
    assert out.rstrip().endswith("41 resources for " + DEV + " (stack dev)")


def _edited(tmp_path: Path) -> str:
    """dev with traffic-video's CORS origin changed, lab-archive removed and medical-scans adopted no more."""
    text = Path(DEV).read_text(encoding="utf-8")
    head, lab = text.split("  # Any S3-compatible store", 1)
    head = head.replace("    cors:\n      headers: [Range]", "    cors:\n      origins: [https://new.example.com]\n      headers: [Range]")
    head = head.replace("      existing: true            # adopt the bucket the data team already has\n", "")
    path = tmp_path / "integrations.yaml"
    path.write_text(head, encoding="utf-8")
    assert "lab-archive" in lab
    return str(path)


def test_base_diff_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    head = _edited(tmp_path)
    document = preview_json(capsys, head, "--base", DEV)
    assert document["summary"] == {"added": 0, "removed": 5, "changed": 2}
    assert sorted(r["name"] for r in document["removed"]) == [
        "lab-archive", "lab-archive-bucket", "lab-archive-cors", "lab-archive-policy", "lab-archive-store"
    ]
    changed = {c["name"]: c["changes"] for c in document["changed"]}
    assert changed["traffic-video-cors"] == [
        {
            "input": "corsRules",
            "before": [
                {
                    "allowedOrigins": ["https://app.annotate.example.com"],
                    "allowedMethods": ["GET", "HEAD"],
                    "allowedHeaders": ["Range"],
                    "exposeHeaders": ["Content-Length", "Content-Range", "Content-Type", "ETag"],
                    "maxAgeSeconds": 3600.0,
                }
            ],
            "after": [
                {
                    "allowedOrigins": ["https://new.example.com"],
                    "allowedMethods": ["GET", "HEAD"],
                    "allowedHeaders": ["Range"],
                    "exposeHeaders": ["Content-Length", "Content-Range", "Content-Type", "ETag"],
                    "maxAgeSeconds": 3600.0,
                }
            ],
        }
    ]
    assert changed["medical-scans-bucket"] == [
        {"input": "(import id)", "before": "acme-vision-dev-medical-scans@eu-central-1", "after": None}
    ]


def test_base_diff_the_other_way_adds(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    document = preview_json(capsys, DEV, "--base", _edited(tmp_path))
    assert document["summary"] == {"added": 5, "removed": 0, "changed": 2}
    assert {r["name"] for r in document["added"]} >= {"lab-archive-bucket", "lab-archive-store"}


def test_base_diff_table(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    head = _edited(tmp_path)
    code, out, err = run(capsys, "preview", head, "--base", DEV)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert sum(line.startswith("- ") for line in lines) == 5
    [cors] = [line for line in lines if line.startswith("~ ") and " traffic-video-cors " in line]
    assert '"allowedOrigins":["https://app.annotate.example.com"]' in cors and '"allowedOrigins":["https://new.example.com"]' in cors
    assert lines[-1] == f"0 to add, 5 to remove, 2 to change from {DEV} to {head} (stack preview)"


def test_same_spec_has_no_difference(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "preview", PROD, "--base", PROD)
    assert code == 0
    assert out == f"0 to add, 0 to remove, 0 to change from {PROD} to {PROD} (stack prod)\n"


def test_invalid_spec_is_one_located_line_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "integrations.yaml"
    bad.write_text(Path(PROD).read_text(encoding="utf-8").replace("region: eu-west-2", "region: eu-west-9"))
    code, out, err = run(capsys, "preview", str(bad))
    assert (code, out) == (2, "")
    [line] = err.splitlines()
    assert line.startswith(f"{bad}:") and "region" in line and "eu-west-9" in line


def test_missing_file_exit_2_and_bad_base_too(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "preview", str(tmp_path / "nope.yaml"))
    assert (code, err.strip()) == (2, f"tether: error: {tmp_path / 'nope.yaml'}: no such file")
    code, _, err = run(capsys, "preview", DEV, "--base", str(tmp_path / "nope.yaml"))
    assert code == 2 and "no such file" in err and len(err.splitlines()) == 1


def test_help_explains_with_examples(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["preview", "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "--base" in out and "Pulumi's mocks" in out
    assert "tether preview stacks/prod/integrations.yaml --base git:origin/main:stacks/prod/integrations.yaml" in out

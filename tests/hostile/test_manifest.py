"""Registration files an attacker writes: a clear exit 2 (or a reported problem), never a crash, and JSON
output that is whole whatever happens."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runtime.facade import Runtime

from .conftest import run

ROOT = Path(__file__).resolve().parents[2]
DEV = str(ROOT / "stacks/dev/integrations.yaml")
USER = "alice@acme-vision.ai"
INSIDE = "https://acme-vision-dev-traffic-video.s3.eu-west-2.amazonaws.com/videos/"
VIDEO = '{"fps": 25, "duration": 4.0, "width": 320, "height": 240, "file_size": 84575, "mime_type": "video/mp4"}'

CASES = [
    pytest.param(b'{"videos": [{"objectUrl": "' + INSIDE.encode() + b'\xff\xfe.mp4"}]}', 2,
                 "videos[0]: not readable JSON: Invalid UTF-8", id="invalid-utf8"),
    pytest.param(('{"videos": [{"objectUrl": "' + INSIDE + 'a.mp4", "videoMetadata": {"fps": ' + "9" * 5000
                  + "}}]}").encode(), 2, "videos[0]: not readable JSON: Integer value out of range", id="int-5000"),
    pytest.param(('{"skip_duplicate_urls": ' + "9" * 5000 + "}").encode(), 2, "Integer value out of range",
                 id="int-5000-top"),
    pytest.param(('{"videos": [' + "[" * 1000 + "]" * 1000 + "]}").encode(), 2, "nested too deeply",
                 id="deep-item"),
    pytest.param(('{"skip_duplicate_urls": ' + "[" * 1000 + "]" * 1000 + "}").encode(), 2, "nested too deeply",
                 id="deep-top"),
    pytest.param(('{"videos": [{"objectUrl": "' + INSIDE + 'a.mp4", "objectUrl": "s3://elsewhere/x.mp4", '
                  '"videoMetadata": ' + VIDEO + "}]}").encode(), 1,
                 "videos[0].objectUrl: given twice in one object", id="duplicate-url-in-item"),
    pytest.param(('{"videos": [{"objectUrl": "' + INSIDE + 'a.mp4", "videoMetadata": '
                  + VIDEO.replace('"fps": 25', '"fps": 25, "fps": 0') + "}]}").encode(), 1,
                 "videos[0].videoMetadata.fps: given twice in one object", id="duplicate-nested-key"),
    pytest.param(b'{"videos": [{"objectUrl": "\\ud800"}]}', 2, "JSON syntax error", id="lone-surrogate-escape"),
]


@pytest.mark.parametrize(("data", "code", "expected"), CASES)
@pytest.mark.parametrize("output", ["text", "json"])
def test_hostile_manifest(tmp_path: Path, capsys: pytest.CaptureFixture[str], data: bytes, code: int, expected: str,
                          output: str) -> None:
    path = tmp_path / "items.json"
    path.write_bytes(data)
    outcome = run(capsys, "check-manifest", DEV, "--integration", "traffic-video", "--user", USER, "-o", output,
                  str(path))
    assert outcome.code == code
    shown = outcome.out + outcome.err
    if output == "json":
        document = json.loads(outcome.out)
        assert document["valid"] is False
        shown = "\n".join([f"{p['path']}: {p['message']}" for p in document["problems"]] + [document.get("error", "")])
    assert expected in shown, shown


def test_a_clean_batch_is_not_taken_for_duplicates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    items = [{"objectUrl": f"{INSIDE}{i}.mp4", "videoMetadata": json.loads(VIDEO)} for i in range(500)]
    path = tmp_path / "items.json"
    path.write_text(json.dumps({"videos": items}))
    assert run(capsys, "check-manifest", DEV, "--integration", "traffic-video", "--user", USER, str(path)).code == 0


def test_runtime_checks_a_document_holding_lone_surrogates_and_huge_numbers() -> None:
    runtime = Runtime.load(DEV)
    document = {"videos": [{"objectUrl": INSIDE + "a\ud800.mp4"},
                           {"objectUrl": INSIDE + "b.mp4", "videoMetadata": {"fps": 2**20000}}]}
    report = runtime.check_manifest(USER, "traffic-video", document)
    messages = {p.path: p.message for p in report.problems}
    assert "lone surrogate" in messages["videos[0].objectUrl"]
    assert "an integer of about 6,021 digits" in messages["videos[1].videoMetadata.fps"]


def test_json_stays_whole_when_a_bug_stops_the_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from runtime.manifest.validate import Rules
    from tether.cli.main import main

    def broken(*_: object) -> list[object]:
        raise RuntimeError("a bug in a rule")

    items = [{"objectUrl": "s3://elsewhere/a.mp4"}] * 3
    path = tmp_path / "items.json"
    path.write_text(json.dumps({"videos": items, "colour": "red"}))
    monkeypatch.setattr(Rules, "item", broken)
    code = main(["check-manifest", DEV, "--integration", "traffic-video", "--user", USER, "-o", "json", str(path)])
    out, err = capsys.readouterr()
    assert code == 70 and "internal error: RuntimeError: a bug in a rule" in err
    document = json.loads(out)
    assert document["valid"] is False and document["error"] == "stopped: RuntimeError"

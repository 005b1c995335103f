"""`tether check-manifest` as a user and CI run it: lines, JSON, exit codes 0/1/2/3."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from tether import userfile
from tether.cli.check_manifest import Progress
from tether.cli.main import main

from .conftest import CREATORS, DEV, SCANS, TRAFFIC, VIDEO

Capture = pytest.CaptureFixture[str]


def write(tmp_path: Path, document: Any, name: str = "items.json") -> str:
    path = tmp_path / name
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    return str(path)


def run(*args: str, integration: str = "traffic-video", user: str | None = None) -> int:
    return main(["check-manifest", DEV, "--integration", integration, "--user", user or CREATORS[integration], *args])


def test_valid_file_exits_0_with_a_summary(tmp_path: Path, capsys: Capture) -> None:
    file = write(tmp_path, {"videos": [{"objectUrl": TRAFFIC + "a.mp4", "videoMetadata": VIDEO}] * 3})
    assert run(file) == 0
    assert capsys.readouterr().out == (
        f"{file}: ok: 3 items (videos 3) can be registered with integration 'traffic-video' as alice@acme-vision.ai\n"
    )


def test_every_problem_at_once_exits_1(tmp_path: Path, capsys: Capture) -> None:
    items = [{"objectUrl": SCANS + f"{i}.mp4", "videoMetadata": VIDEO} for i in range(1300)]
    items[1234] = {"objectUrl": SCANS + "x.mp4", "videoMetadata": {**VIDEO, "fps": 0}}
    items[7] = {"objectUrl": SCANS + "y.mp4"}
    file = write(tmp_path, {"videos": items})
    assert run(file, integration="medical-scans") == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"{file}: videos[7]: videoMetadata is required for '{SCANS}y.mp4'")
    assert lines[1] == f"{file}: videos[1234].videoMetadata.fps: must be greater than 0 and at most 1,000, got 0"
    assert (
        lines[2]
        == f"{file}: 2 problems in 1,300 items (videos 1,300) for integration 'medical-scans' as bob@acme-vision.ai"
    )


def test_json_output(tmp_path: Path, capsys: Capture) -> None:
    file = write(tmp_path, {"videos": [{"objectUrl": "s3://elsewhere/a.mp4"}], "images": []})
    assert run("--output", "json", file) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] is False
    assert report["items"] == {"videos": 1, "images": 0}
    assert report["problems"] == [
        {
            "path": "videos[0].objectUrl",
            "message": "'s3://elsewhere/a.mp4' points into bucket 'elsewhere', "
            "not the integration's bucket 'acme-vision-dev-traffic-video'",
        }
    ]
    assert (report["file"], report["integration"], report["user"]) == (file, "traffic-video", "alice@acme-vision.ai")


def test_json_output_of_a_valid_file(tmp_path: Path, capsys: Capture) -> None:
    assert run("-o", "json", write(tmp_path, {})) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["valid"], report["problems"], report["items"]) == (True, [], {})


def test_syntax_error_exits_2_with_file_line_column(tmp_path: Path, capsys: Capture) -> None:
    file = write(tmp_path, '{\n  "videos": [\n    {"objectUrl": "s3://a/b",}\n  ]\n}')
    assert run(file) == 2
    captured = capsys.readouterr()
    assert captured.err == f"tether: error: {file}:3:30: JSON syntax error: trailing comma in object\n"


def test_syntax_error_in_json_mode_still_ends_valid_json(tmp_path: Path, capsys: Capture) -> None:
    file = write(tmp_path, '{"videos": [{"objectUrl": nope}]}')
    assert run("-o", "json", file) == 2
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert report["valid"] is False
    assert report["error"] == f"{file}:1:28: JSON syntax error: invalid character"
    assert captured.err.startswith("tether: error: ")


def test_not_a_json_object_exits_2(tmp_path: Path, capsys: Capture) -> None:
    assert run(write(tmp_path, "[]")) == 2
    assert "expected a JSON object" in capsys.readouterr().err


def test_missing_file_exits_2(tmp_path: Path, capsys: Capture) -> None:
    missing = str(tmp_path / "nope.json")
    assert run(missing) == 2
    assert capsys.readouterr().err == f"tether: error: {missing}: no such file\n"


def test_unreadable_file_exits_3(tmp_path: Path, capsys: Capture, monkeypatch: pytest.MonkeyPatch) -> None:
    file = write(tmp_path, {})

    def refuse(path: str, *args: Any, **kwargs: Any) -> Any:
        if str(path) == str(file):
            raise PermissionError(13, "Permission denied")
        return open(path, *args, **kwargs)  # the spec is read as usual

    monkeypatch.setattr(userfile, "open", refuse, raising=False)
    assert run(file) == 3
    assert capsys.readouterr().err == f"tether: error: {file}: cannot read: Permission denied\n"


def test_unknown_integration_exits_2(tmp_path: Path, capsys: Capture) -> None:
    code = main(["check-manifest", DEV, "--integration", "nope", "--user", "a@b.c", write(tmp_path, {})])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"tether: error: {DEV}: no integration named 'nope' (known: traffic-video,")
    assert len(err.splitlines()) == 1


def test_invalid_spec_exits_2(tmp_path: Path, capsys: Capture) -> None:
    spec = write(tmp_path, "version: 1\n", "spec.yaml")
    assert main(["check-manifest", spec, "--integration", "x", "--user", "a@b.c", write(tmp_path, {})]) == 2
    assert f"{spec}:" in capsys.readouterr().err


def test_user_who_may_not_register_is_a_finding(tmp_path: Path, capsys: Capture) -> None:
    assert run(write(tmp_path, {}), user="erin@acme-vision.ai") == 1
    assert capsys.readouterr().out.splitlines()[0] == (
        f"{tmp_path}/items.json: (document): registering is not allowed: erin@acme-vision.ai is not a member of "
        "traffic-video, directly or through a group: an Admin of it must add them (R4)"
    )


def test_usage_error_is_one_line(capsys: Capture) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["check-manifest", DEV, "items.json"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--integration" in err[0]


def test_help_explains_with_an_example(capsys: Capture) -> None:
    with pytest.raises(SystemExit):
        main(["check-manifest", "--help"])
    out = capsys.readouterr().out
    assert "tether check-manifest stacks/dev/integrations.yaml --integration traffic-video" in out
    assert "exit status: 0" in out


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shows_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    progress = Progress("checking items.json", 4_000_000, lambda n: f"{n // 1_000_000} MB")
    progress(1_000_000)
    progress.close()
    assert terminal.getvalue() == "\rchecking items.json: 25% (1 MB of 4 MB)\r\033[K"
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    quiet = Progress("checking items.json", 10, str)
    quiet(5)
    quiet.close()
    assert sys.stderr.getvalue() == ""

"""`tether list` as a person runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tether.cli.main import main

DEV = str(Path(__file__).resolve().parents[2] / "stacks" / "dev" / "integrations.yaml")


def test_table_says_role_and_how(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", DEV, "--user", "carol@acme-vision.ai"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "INTEGRATION    PROVIDER  OWNER                 ROLE   HOW             JOINABLE",
        "traffic-video  aws       alice@acme-vision.ai  User   group labelers",
        "call-audio     azure     carol@acme-vision.ai  Admin  creator",
    ]


def test_org_admin_sees_all_joinable(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", DEV, "--user", "olivia@acme-vision.ai", "--owner", "alice@acme-vision.ai"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines[1:]] == ["traffic-video", "retail-images", "drone-survey"]
    assert all(line.split()[3:] == ["-", "-", "yes"] for line in lines[1:])


def test_mine_empty_for_an_org_admin_says_what_is_true(capsys: pytest.CaptureFixture[str]) -> None:
    """An org admin sees every integration; --mine keeps none when they joined none: say that, not "none visible"."""
    assert main(["list", DEV, "--user", "olivia@acme-vision.ai", "--mine"]) == 0
    assert capsys.readouterr().out == (
        "olivia@acme-vision.ai belongs to none of the 6 integrations; as an organization admin they see all of "
        "them and may join any (list without --mine)\n"
    )


def test_nothing_visible_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", DEV, "--user", "erin@acme-vision.ai", "--owner", "dan@acme-vision.ai"]) == 0
    assert capsys.readouterr().out == "no integrations visible to erin@acme-vision.ai created by dan@acme-vision.ai\n"


def test_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", DEV, "--user", "Bob@acme-vision.ai", "--output", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["user"] == "bob@acme-vision.ai"
    assert [(r["name"], r["role"], r["via"]) for r in document["integrations"]] == [
        ("traffic-video", "admin", "direct"),
        ("medical-scans", "admin", "creator"),
    ]


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--user", "zed@acme-vision.ai"], "--user zed@acme-vision.ai: not a member of organization acme-vision in"),
        (
            ["--user", "bob@acme-vision.ai", "--owner", "x@y.z"],
            "--owner x@y.z: not a member of organization acme-vision",
        ),
    ],
)
def test_unknown_people_are_bad_input(argv: list[str], said: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", DEV, *argv]) == 2
    assert said in capsys.readouterr().err


def test_missing_spec_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "/nonexistent.yaml", "--user", "a@b.c"]) == 2
    assert capsys.readouterr().err == "tether: error: /nonexistent.yaml: no such file\n"


def test_help_has_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["list", "--help"])
    assert done.value.code == 0
    assert "tether list stacks/dev/integrations.yaml --user carol@acme-vision.ai" in capsys.readouterr().out

"""`tether review` end to end: spec files and git:REV:PATH inputs, every output, every exit status."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tether.cli.main import main

from .conftest import BOB_ADMIN, DEV, add_member, edited

ADD_ERIN = edited(add_member("erin@acme-vision.ai", "user"))
"""traffic-video gains erin as a User: allowed for its Admins (alice, bob), denied for carol."""
CLIENT_ONLY_OFF = edited(
    add_member("erin@acme-vision.ai", "user"),
    ("strict_client_only: true\n    signed_url_expiry: 2h", "strict_client_only: false\n    signed_url_expiry: 2h"),
)


@pytest.fixture
def pair(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write base and head spec text; return their paths."""

    def _pair(head: str, base: str = DEV) -> tuple[str, str]:
        (tmp_path / "base.yaml").write_text(base, encoding="utf-8")
        (tmp_path / "head.yaml").write_text(head, encoding="utf-8")
        return str(tmp_path / "base.yaml"), str(tmp_path / "head.yaml")

    return _pair


def _review(base: str, head: str, actor: str, *options: str) -> int:
    return main(["review", "--base", base, "--head", head, "--actor", actor, *options])


def test_allowed_change_exits_0_with_a_short_comment(pair, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    base, head = pair(ADD_ERIN)
    assert _review(base, head, "Alice@acme-vision.ai") == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "<!-- tether-review -->"
    assert lines[1] == "### ✅ Tether review: all 1 change allowed for alice@acme-vision.ai"
    assert "| ✅ allowed | traffic-video | add erin@acme-vision.ai as User | R2 |" in lines
    assert "**❌" not in out
    assert (
        "- traffic-video: add erin@acme-vision.ai as User: alice@acme-vision.ai is an Admin as its creator (R2)"
        in lines
    )


def test_denied_change_exits_1_and_says_why_and_what_to_do(pair, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    base, head = pair(CLIENT_ONLY_OFF)
    assert _review(base, head, "bob@acme-vision.ai") == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == "### ❌ Tether review: 1 of 2 changes denied for bob@acme-vision.ai"
    table = [line for line in lines if line.startswith("| ")]
    assert table == [
        "|  | Integration | Change | Rule |",
        "| ✅ allowed | traffic-video | add erin@acme-vision.ai as User | R2 |",
        "| ❌ **denied** | medical-scans | turn strict client-only off | R8 |",
    ]
    line = CLIENT_ONLY_OFF.splitlines().index("    strict_client_only: false") + 1
    assert f"**❌ medical-scans: turn strict client-only off** (`{head}:{line}:25`, R8)" in lines
    assert (
        "- Why: strict client-only is chosen when an integration is created and cannot be turned on or off later"
        in lines
    )
    assert any(
        x.startswith(r"- Fix: keep strict\_client\_only\: true; to get strict\_client\_only\: false, create")
        for x in lines
    )


def test_json_output(pair, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    base, head = pair(ADD_ERIN)
    assert _review(base, head, "carol@acme-vision.ai", "--output", "json") == 1
    document = json.loads(capsys.readouterr().out)
    assert (document["allowed"], document["actor"], document["summary"]) == (
        False,
        "carol@acme-vision.ai",
        "1 of 1 change denied for carol@acme-vision.ai",
    )
    [change] = document["changes"]
    erin = ADD_ERIN.splitlines().index("      - email: erin@acme-vision.ai") + 1
    assert change == {
        "kind": "member-added",
        "integration": "traffic-video",
        "subject": "erin@acme-vision.ai",
        "before": None,
        "after": "user",
        "description": "add erin@acme-vision.ai as User",
        "allowed": False,
        "rule": "R2",
        "reason": "carol@acme-vision.ai is a User through group labelers, and only Admins add users and groups: "
        "ask an Admin of traffic-video",
        "fix": "ask an Admin of traffic-video (alice@acme-vision.ai, bob@acme-vision.ai) to add erin@acme-vision.ai",
        "flag": None,
        "file": head,
        "line": erin,
        "column": 9,
    }


def test_text_output_points_at_lines(pair, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    base, head = pair(edited(("    members:\n" + BOB_ADMIN, "")))
    assert _review(base, head, "alice@acme-vision.ai", "-o", "text") == 1
    first, summary = capsys.readouterr().out.splitlines()
    assert first.startswith(f"{head}:")
    assert " DENIED R6 traffic-video: remove Admin bob@acme-vision.ai: an individual Admin of traffic-video" in first
    assert first.endswith(
        "fix: ask an organization admin (olivia@acme-vision.ai) to remove Admin bob@acme-vision.ai from traffic-video"
    )
    assert summary == "1 of 1 change denied for alice@acme-vision.ai"


def test_deleted_integration_points_at_the_base_file(pair, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    start = DEV.index("  - name: lab-archive")
    base, head = pair(DEV[:start])
    assert _review(base, head, "dan@acme-vision.ai", "-o", "json") == 0
    [change] = json.loads(capsys.readouterr().out)["changes"]
    assert (change["file"], change["line"], change["description"]) == (
        base,
        DEV[:start].count("\n") + 1,
        "delete integration lab-archive",
    )


@pytest.mark.parametrize(
    ("head_text", "actor", "said"),
    [
        (ADD_ERIN, "not-an-email", "tether: error: --actor 'not-an-email': expected the author's email"),
        # The spec's own email rule judges the actor: these got past a bare "has an @" check.
        (ADD_ERIN, "a;b@x", "tether: error: --actor 'a;b@x': expected the author's email"),
        (ADD_ERIN, "alice@acme-vision.ai bob@acme-vision.ai", "--actor 'alice@acme-vision.ai bob@acme-vision.ai'"),
        (ADD_ERIN, "BOB@ACME", "--actor 'BOB@ACME': expected the author's email, such as alice@example.com ("),
        (DEV.replace("signed_url_expiry: 12h", "signed_url_expiry: 12 hours"), "alice@acme-vision.ai", "head.yaml:"),
    ],
)
def test_bad_input_exits_2(pair, head_text: str, actor: str, said: str, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    base, head = pair(head_text)
    assert _review(base, head, actor) == 2
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err


def test_help_explains_with_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["review", "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert "--base git:origin/main:stacks/prod/integrations.yaml" in out and "exit status" in out


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository with two commits of stacks/dev/integrations.yaml: the dev stack, then erin added."""
    monkeypatch.chdir(tmp_path)
    spec = tmp_path / "stacks" / "dev" / "integrations.yaml"
    spec.parent.mkdir(parents=True)

    def git(*argv: str) -> None:
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *argv], check=True, capture_output=True)

    git("init", "-q")
    spec.write_text(DEV, encoding="utf-8")
    git("add", ".")
    git("commit", "-qm", "base")
    spec.write_text(CLIENT_ONLY_OFF, encoding="utf-8")
    git("commit", "-qam", "head")
    return tmp_path


def test_git_revisions(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = "stacks/dev/integrations.yaml"
    assert _review(f"git:HEAD~1:{path}", f"git:HEAD:{path}", "bob@acme-vision.ai", "-o", "json") == 1
    document = json.loads(capsys.readouterr().out)
    assert (document["base"], document["head"]) == (f"git:HEAD~1:{path}", f"git:HEAD:{path}")
    assert [c["allowed"] for c in document["changes"]] == [True, False]
    assert document["changes"][1]["file"] == f"git:HEAD:{path}"
    assert _review(f"git:HEAD~1:{path}", path, "alice@acme-vision.ai", "-o", "text") == 1


@pytest.mark.parametrize(
    ("ref", "said"),
    [
        ("git:nope:stacks/dev/integrations.yaml", "cannot read from git: invalid object name 'nope'."),
        ("git:HEAD:stacks/missing.yaml", "cannot read from git: path 'stacks/missing.yaml' does not exist in 'HEAD'"),
        ("git:HEAD:stacks", "cannot read from git:"),
        ("git:HEAD", "git:HEAD: expected git:REV:PATH"),
        ("git:--output=x:a.yaml", "expected git:REV:PATH"),
    ],
)
def test_bad_git_inputs_exit_2_in_one_line(repo: Path, ref: str, said: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert _review(ref, "stacks/dev/integrations.yaml", "bob@acme-vision.ai") == 2
    err = capsys.readouterr().err
    assert err.startswith(f"tether: error: {ref}") and said in err and err.count("\n") == 1


def test_invalid_spec_in_git_is_located(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "bad.yaml").write_text("version: 2\n", encoding="utf-8")
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "add", "bad.yaml"], check=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "bad"], check=True)
    assert _review("git:HEAD:bad.yaml", "stacks/dev/integrations.yaml", "bob@acme-vision.ai") == 2
    assert capsys.readouterr().err.startswith("git:HEAD:bad.yaml:1:")


def test_outside_a_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    (tmp_path / "head.yaml").write_text(DEV, encoding="utf-8")
    assert _review("git:HEAD:head.yaml", "head.yaml", "bob@acme-vision.ai") == 2
    assert "not a git repository" in capsys.readouterr().err

"""`tether lint` as a person and CI run it: exit status, the four outputs, bad and unreadable input."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from policies.registry import RULES
from tether.cli.main import main
from tether.errors import ReadError

from .conftest import BASE, bend, line_of

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "stacks").glob("*/integrations.yaml"))
PLAIN_HTTP = bend(BASE, "      headers: [Range]\n", "      origins: ['http://app.example.com']\n")
Capture = pytest.CaptureFixture[str]


def test_examples_lint_clean_of_mandatory_findings(capsys: Capture, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["lint", *EXAMPLES]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("tether lint: 0 mandatory,")


def test_examples_findings_are_the_known_advisories(capsys: Capture, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["lint", "--output", "json", *EXAMPLES]) == 0
    report = json.loads(capsys.readouterr().out)
    found = {(f["file"], f["rule"], f["integration"], f["blocking"], f["waiver"] is not None)
             for file in report["files"] for f in file["findings"]}
    assert found == {
        ("stacks/dev/integrations.yaml", "TTH004", "lab-archive", False, False),
        ("stacks/dev/integrations.yaml", "TTH060", "lab-archive", False, True),
        ("stacks/prod/integrations.yaml", "TTH022", "call-audio", False, False),
        ("stacks/prod/integrations.yaml", "TTH031", "call-audio", False, False),
    }
    assert report["ok"] is True


def test_a_mandatory_finding_exits_1_with_its_line_and_fix(write: Callable[..., str], capsys: Capture) -> None:
    path = write(PLAIN_HTTP)
    assert main(["lint", path]) == 1
    lines = capsys.readouterr().out.splitlines()
    line = line_of(PLAIN_HTTP, "origins: ['http://app.example.com']")
    assert lines[0] == f"{path}:{line}:17: TTH010 mandatory: videos: CORS origin 'http://app.example.com' is not HTTPS"
    assert lines[1] == "    fix: List the labelling app's https:// origins in cors.origins (or leave it out to use platform.origins)."
    assert lines[-1] == "tether lint: 1 mandatory, 0 advisory, 0 waived"


def test_json_finding_has_every_field(write: Callable[..., str], capsys: Capture) -> None:
    path = write(PLAIN_HTTP)
    assert main(["lint", "-o", "json", path]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False and report["summary"] == {"mandatory": 1, "advisory": 0, "waived": 0, "unlinted": 0}
    assert report["files"][0]["findings"] == [{
        "rule": "TTH010", "name": "cors-https-origins", "severity": "mandatory", "integration": "videos",
        "file": path, "line": line_of(PLAIN_HTTP, "origins: ['http://app.example.com']"), "column": 17, "field": "integrations[0].cors.origins[0]",
        "message": "CORS origin 'http://app.example.com' is not HTTPS",
        "fix": "List the labelling app's https:// origins in cors.origins (or leave it out to use platform.origins).",
        "blocking": True, "waiver": None, "expired_waiver": None,
    }]


def test_markdown_is_a_pull_request_comment(write: Callable[..., str], capsys: Capture) -> None:
    path = write(PLAIN_HTTP)
    assert main(["lint", "-o", "markdown", path]) == 1
    out = capsys.readouterr().out
    assert out.startswith("**tether lint fails**: 1 mandatory, 0 advisory, 0 waived\n\n#### `")
    assert "| Rule | Severity | Integration | Line | Finding | Fix |" in out
    line = line_of(PLAIN_HTTP, "origins: ['http://app.example.com']")
    assert f"| TTH010 cors-https-origins | mandatory | videos | {line} |" in out


def test_invalid_spec_exits_2_with_its_problems(write: Callable[..., str], capsys: Capture) -> None:
    path = write(bend(BASE, "region: eu-west-2", "region: nowhere"))
    assert main(["lint", path]) == 2
    assert f"{path}:22:13: integrations[0].region: unknown AWS region 'nowhere'" in capsys.readouterr().out


def test_invalid_spec_in_json_is_reported_not_linted(write: Callable[..., str], capsys: Capture) -> None:
    path = write(bend(BASE, "region: eu-west-2", "region: nowhere"))
    assert main(["lint", "-o", "json", path]) == 2
    captured = capsys.readouterr()
    [file] = json.loads(captured.out)["files"]
    assert (file["linted"], file["problems"][0]["line"]) == (False, 22)
    assert "unknown AWS region 'nowhere'" in captured.err


@pytest.mark.parametrize(
    ("argv", "code", "said"),
    [
        pytest.param(["lint", "/nonexistent/integrations.yaml"], 2, "/nonexistent/integrations.yaml: no such file",
                     id="missing-file"),
        pytest.param(["lint"], 2, "lint needs at least one SPEC file", id="no-spec"),
        pytest.param(["lint", "--today", "soon", "x.yaml"], 2, "expected a date such as 2026-12-31", id="bad-date"),
        pytest.param(["lint", "-o", "xml", "x.yaml"], 2, "invalid choice: 'xml'", id="bad-output"),
    ],
)
def test_bad_usage_exits_2(argv: list[str], code: int, said: str, capsys: Capture) -> None:
    try:
        assert main(argv) == code
    except SystemExit as stop:  # argparse's own usage errors
        assert stop.code == code
    captured = capsys.readouterr()
    assert said in captured.out + captured.err


def test_unreadable_spec_exits_3(write: Callable[..., str], monkeypatch: pytest.MonkeyPatch, capsys: Capture) -> None:
    def refuse(path: str) -> None:
        raise ReadError(f"{path}: cannot read: Permission denied")

    monkeypatch.setattr("tether.spec.load_spec", refuse)
    path = write(BASE)
    assert main(["lint", path, write(PLAIN_HTTP, "other.yaml")]) == 3
    assert f"{path}: {path}: cannot read: Permission denied" in capsys.readouterr().out


def test_worst_outcome_wins_across_files(write: Callable[..., str]) -> None:
    assert main(["lint", write(BASE), write(PLAIN_HTTP, "star.yaml")]) == 1
    assert main(["lint", write(PLAIN_HTTP, "star.yaml"), write("version: [", "broken.yaml")]) == 2


def test_rules_lists_every_rule(capsys: Capture) -> None:
    assert main(["lint", "--rules"]) == 0
    out = capsys.readouterr().out
    assert [line.split()[0] for line in out.splitlines()[1:] if line.startswith("TTH")] == [rule.id for rule in RULES]


def test_the_command_stays_light_at_import() -> None:
    code = ("import sys, tether.cli.main as m; m.build_parser(); "
            "print(sorted(n for n in ('policies.engine', 'pulumi', 'pulumi_policy') if n in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert "policies.engine" not in done.stdout and "pulumi_policy" not in done.stdout


def test_installed_command_runs(capsys: Capture) -> None:
    tether = Path(sys.executable).with_name("tether")
    done = subprocess.run([str(tether), "lint", *EXAMPLES], capture_output=True, text=True, cwd=ROOT)
    assert (done.returncode, done.stderr) == (0, "")
    assert "TTH060 advisory, waived until 2027-03-31: lab-archive:" in done.stdout

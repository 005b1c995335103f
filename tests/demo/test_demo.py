"""The demo is the end-to-end test: every feature on the example stack and real local stand-ins."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from tether.cli.main import main
from tether.demo.runner import Outcome, Runner, Step, action, hide_signature, mentions
from tether.errors import ReadError

ROOT = Path(__file__).resolve().parents[2]


def test_the_demo_behaves_as_shown_and_leaves_nothing_running(tmp_path: Path) -> None:
    state = tmp_path / "demo"
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(
            ["demo", "--spec", str(ROOT / "stacks/dev/integrations.yaml"), "--state-dir", str(state), "-o", "json"]
        )
    summary = json.loads(out.getvalue())
    failed = [s for s in summary["steps"] if s["problem"]]
    assert failed == [], err.getvalue()[-3000:]
    assert code == 0 and summary["passed"] is True
    shown = "\n".join(f"{s['title']} $ {s['command']} -> {s['exit']}" for s in summary["steps"])
    for expected in (
        "tether lint",
        "tether sandbox up",
        "reject an item without metadata $ tether check-manifest",
        "download clip.mp4",
        "download call.wav",
        "not a member $ tether sign",
        "Direct Access",
        "drift detection catches it",
        "loads and plays the video $ tether doctor",
        "breaks playback (Content-Range no longer exposed), and names the fix $ tether doctor",
        "may not add members",
        "tether sandbox down",
    ):
        assert expected in shown, expected
    walkthrough = err.getvalue()
    assert "demo: 24 of 24 steps behaved as shown" in walkthrough
    assert "X-Amz-Signature" not in walkthrough and "sig=" not in walkthrough  # signatures never shown
    assert not (state / "sandbox.json").exists() and not (state / "sandbox.env").exists()  # `down` ran


def _run(*steps: Step) -> tuple[int, str]:
    out = io.StringIO()
    runner = Runner(out=out)
    for number, step in enumerate(steps, start=1):
        runner.run(step, number, len(steps))
    return runner.summary(), out.getvalue()


def test_a_step_with_another_exit_status_fails_the_demo() -> None:
    code, shown = _run(
        Step("validate", ["validate", str(ROOT / "stacks/dev/integrations.yaml")]),
        Step("expected a refusal", ["validate", str(ROOT / "stacks/dev/integrations.yaml")], expect=1),
    )
    assert code == 1
    assert "FAILED: exit 0, expected 1" in shown
    assert "PASS  validate" in shown and "FAIL  expected a refusal" in shown
    assert "demo: 1 of 2 steps behaved as shown" in shown


def test_a_step_whose_output_says_something_else_fails() -> None:
    code, shown = _run(Step("say", action=action(lambda: "all good\n"), check=mentions("in sync"), shown_as="echo"))
    assert code == 1
    assert "output does not mention 'in sync'" in shown


def test_a_failing_action_is_a_failed_step_not_a_crash() -> None:
    def broken() -> str:
        raise ReadError("ffmpeg is not installed")

    code, shown = _run(Step("make media", action=action(broken), shown_as="ffmpeg"))
    assert code == 1
    assert "ffmpeg is not installed" in shown and "FAILED: exit 3, expected 0" in shown


def test_usage_errors_inside_a_step_are_its_exit_status() -> None:
    code, shown = _run(Step("bad usage", ["sign", "--no-such-flag"], expect=2))
    assert code == 0, shown


def test_signed_urls_are_shown_without_their_signature() -> None:
    text = "https://127.0.0.1:8333/b/videos/a.mp4?X-Amz-Algorithm=AWS4&X-Amz-Signature=abc next\n"
    assert hide_signature(text) == "https://127.0.0.1:8333/b/videos/a.mp4?<signature hidden> next\n"
    assert Outcome(0, "a", "b").text == "ab"


def test_a_missing_spec_is_bad_input(tmp_path: Path) -> None:
    err = io.StringIO()
    with redirect_stderr(err):
        code = main(["demo", "--spec", str(tmp_path / "nope.yaml"), "--state-dir", str(tmp_path)])
    assert code == 2
    assert "nope.yaml: no such file" in err.getvalue()


def test_a_spec_the_steps_cannot_run_on_is_refused_before_anything_starts(tmp_path: Path) -> None:
    other = tmp_path / "other.yaml"
    text = (ROOT / "stacks/dev/integrations.yaml").read_text(encoding="utf-8")
    other.write_text(text.replace("name: call-audio", "name: call-audio-2"), encoding="utf-8")
    err = io.StringIO()
    with redirect_stderr(err):
        code = main(["demo", "--spec", str(other), "--state-dir", str(tmp_path / "state")])
    assert code == 2
    assert "the demo runs on the example dev stack" in err.getvalue() and "missing: call-audio" in err.getvalue()
    assert not (tmp_path / "state").exists()

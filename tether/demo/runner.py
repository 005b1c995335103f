"""Run demo steps and judge each against what the README says it shows.

A step is a `tether` command line run in-process (so the demo shows exactly what a user would type) or a
plain action (make media, download a URL, edit the console). Each has an expected exit status and an
optional check of its output; the demo's verdict is the list of steps that did not behave as shown.
"""

from __future__ import annotations

import io
import re
import shlex
import sys
from collections.abc import Callable, Sequence
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from typing import TextIO

from tether.errors import TetherError

SHOWN_LINES = 12
"""Lines of each step's output the demo prints; the rest is summarised as a count."""
_SIGNED = re.compile(r"(https?://[^\s?]+)\?\S+")


def hide_signature(text: str) -> str:
    """A signed URL with its query string elided: the demo shows where it points, not the credential."""
    return _SIGNED.sub(r"\1?<signature hidden>", text)


@dataclass(frozen=True)
class Outcome:
    """What a step did: its exit status and everything it printed."""

    code: int
    stdout: str
    stderr: str

    @property
    def text(self) -> str:
        """stdout then stderr, as a terminal would have shown them."""
        return self.stdout + self.stderr


Check = Callable[[Outcome], str | None]
"""Returns why the output is not what the step shows, or None when it is."""


@dataclass(frozen=True)
class Step:
    """One thing the demo shows: a command (or action), its expected status, and what its output must say."""

    title: str
    argv: Sequence[str] = ()
    expect: int = 0
    check: Check | None = None
    action: Callable[[], Outcome] | None = None
    shown_as: str = ""
    """For actions: the command a user would run to do the same by hand."""

    @property
    def command(self) -> str:
        """The line printed after `$`."""
        return self.shown_as or "tether " + shlex.join(self.argv)


@dataclass
class Verdict:
    """A step's result: passed, or why not."""

    step: Step
    outcome: Outcome
    problem: str | None = None

    @property
    def passed(self) -> bool:
        """Behaved as shown: the expected status and the expected output."""
        return self.problem is None


@dataclass
class Runner:
    """Runs every step in order, printing each as it goes: a failed step does not hide the later ones."""

    out: TextIO | None = None
    verdicts: list[Verdict] = field(default_factory=list)

    def _print(self, line: str = "") -> None:
        print(line, file=self.out or sys.stdout, flush=True)

    def run(self, step: Step, number: int, total: int) -> Verdict:
        """Run one step, print its command, a few lines of output and whether it behaved."""
        self._print(f"[{number}/{total}] {step.title}")
        self._print(f"  $ {step.command}")
        outcome = step.action() if step.action else invoke(step.argv)
        lines = hide_signature(outcome.text).rstrip("\n").splitlines()
        for line in lines[:SHOWN_LINES]:
            self._print(f"  | {line}")
        if len(lines) > SHOWN_LINES:
            self._print(f"  | ... {len(lines) - SHOWN_LINES} more lines")
        problem = None
        if outcome.code != step.expect:
            problem = f"exit {outcome.code}, expected {step.expect}"
        elif step.check:
            problem = step.check(outcome)
        verdict = Verdict(step, outcome, problem)
        self.verdicts.append(verdict)
        mark = f"ok (exit {outcome.code})" if verdict.passed else f"FAILED: {problem}"
        self._print(f"  -> {mark}\n")
        return verdict

    def summary(self) -> int:
        """Print the table of steps and return the demo's exit status (1 if any step misbehaved)."""
        failed = [v for v in self.verdicts if not v.passed]
        self._print("Summary")
        for verdict in self.verdicts:
            self._print(f"  {'PASS' if verdict.passed else 'FAIL'}  {verdict.step.title}")
        passed = len(self.verdicts) - len(failed)
        self._print(f"demo: {passed} of {len(self.verdicts)} steps behaved as shown")
        return 1 if failed else 0


def invoke(argv: Sequence[str]) -> Outcome:
    """Run `tether ARGV` in this process and capture what it printed."""
    from tether.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exit_:  # argparse usage errors exit from inside parse_args
            code = exit_.code if isinstance(exit_.code, int) else 2
    return Outcome(code, out.getvalue(), err.getvalue())


def action(run: Callable[[], str]) -> Callable[[], Outcome]:
    """Wrap a plain Python action as a step: its return is its output; a TetherError is a failed step."""

    def wrapped() -> Outcome:
        try:
            return Outcome(0, run(), "")
        except (TetherError, OSError) as error:
            return Outcome(getattr(error, "exit_code", 3), "", f"{error}\n")

    return wrapped


def mentions(*needles: str) -> Check:
    """A check that the output says each of ``needles``."""

    def check(outcome: Outcome) -> str | None:
        missing = [n for n in needles if n not in outcome.text]
        return f"output does not mention {', '.join(map(repr, missing))}" if missing else None

    return check

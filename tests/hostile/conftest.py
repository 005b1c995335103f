"""Helpers for the hostile-input suite: run a command in-process, bounded in time, and judge its output."""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

from tether.cli.main import main

SPEC = """\
version: 1
organization:
  name: acme
  members: [ann@acme.ai, ben@acme.ai]
platform:
  origins: [https://app.example.com]
  aws: {account_id: "111122223333"}
integrations:
  - name: videos
    provider: aws
    region: eu-west-2
    bucket: {name: acme-videos}
    external_id: acme-1234
    creator: ann@acme.ai
    members:
      - {email: ben@acme.ai, role: user}
"""
"""A small valid spec each case bends; line 13 is the integration's external_id, line 14 its creator."""

EXIT_CODES = {0, 1, 2, 3}
"""What tether may answer: success, findings, bad input, unreadable. 70 is a bug; anything else a crash."""


@dataclass(frozen=True)
class Outcome:
    code: int
    out: str
    err: str


class Hung(Exception):
    """A command ran past its time budget."""


@contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Raise Hung in the main thread if the block runs longer than ``seconds`` (a hang, not a slow run)."""

    def expire(*_: object) -> None:
        raise Hung(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def run(capsys: pytest.CaptureFixture[str], *argv: str, seconds: int = 30) -> Outcome:
    """Run ``tether argv`` in this process; the outcome, after asserting it is one tether may give."""
    with deadline(seconds):
        try:
            code = main(list(argv))
        except SystemExit as exit_:  # argparse's own usage errors
            code = exit_.code if isinstance(exit_.code, int) else 2
    captured = capsys.readouterr()
    outcome = Outcome(code, captured.out, captured.err)
    assert code in EXIT_CODES, outcome
    assert "Traceback" not in captured.out + captured.err, outcome
    assert "internal error" not in captured.err, outcome
    if "json" in argv and captured.out:
        json.loads(captured.out)  # whole, or nothing at all
    return outcome

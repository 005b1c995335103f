"""Errors that end a command with a clear line and the exit status the CLI convention gives them."""

from __future__ import annotations

from collections.abc import Sequence

from tether.problems import Problem

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_INPUT = 2
EXIT_UNREADABLE = 3


class TetherError(Exception):
    """Base for expected failures: printed as one line, never as a traceback."""

    exit_code = EXIT_INPUT


class InputError(TetherError):
    """Bad input or usage: the user can fix it by changing what they passed (exit 2)."""


class ReadError(TetherError):
    """Something the command needed could not be read: a file, a server, a cloud API (exit 3)."""

    exit_code = EXIT_UNREADABLE


class SpecInvalid(InputError):
    """A spec file with one or more problems, all of them reported at once."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

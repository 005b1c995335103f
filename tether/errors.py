"""Errors that end a command with a clear line and the exit status the CLI convention gives them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tether.problems import Problem

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_INPUT = 2
EXIT_UNREADABLE = 3


class TetherError(Exception):
    """Base for expected failures: printed as one line, never as a traceback."""

    exit_code = EXIT_INPUT

    def __reduce__(self) -> tuple[Any, ...]:
        """Unpickled as it was, without calling ``__init__``: subclasses take other arguments than their message
        (`tether preview`'s workers send their errors to the parent, components/shards.py)."""
        return _bare, (type(self), self.args), self.__dict__


def _bare(cls: type[TetherError], args: tuple[Any, ...]) -> TetherError:
    """The error with its arguments; pickle then restores its attributes."""
    return cls.__new__(cls, *args)


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

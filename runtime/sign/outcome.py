"""What signing gives back: a URL with its true expiry, or a refusal with its reason."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from tether.errors import EXIT_FINDINGS, TetherError


class SignedUrl(NamedTuple):
    """A URL to one object, valid until ``expires_at`` (UTC); ``note`` says why it ends sooner than asked.

    The URL is a bearer credential: hand it to the browser and drop it, never log or store it (R10); its
    repr leaves it out. A named tuple, because a page signs thousands and a frozen dataclass costs a
    third of what signing one does.
    """

    url: str
    expires_at: datetime
    note: str | None = None

    def __repr__(self) -> str:
        return f"SignedUrl(expires_at={self.expires_at!r}, note={self.note!r})"


class Refused(TetherError):
    """The platform must not sign: ``reason`` is one line for people, ``rule`` the design rule when one applies."""

    exit_code = EXIT_FINDINGS

    def __init__(self, reason: str, rule: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.rule = rule

"""What signing gives back: a URL with its true expiry, or a refusal with its reason."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from tether.errors import EXIT_FINDINGS, TetherError


@dataclass(frozen=True)
class SignedUrl:
    """A URL to one object, valid until ``expires_at`` (UTC); ``note`` says why it ends sooner than asked.

    The URL is a bearer credential: hand it to the browser and drop it, never log or store it (R10).
    """

    url: str = field(repr=False)
    expires_at: datetime
    note: str | None = None


class Refused(TetherError):
    """The platform must not sign: ``reason`` is one line for people, ``rule`` the design rule when one applies."""

    exit_code = EXIT_FINDINGS

    def __init__(self, reason: str, rule: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.rule = rule

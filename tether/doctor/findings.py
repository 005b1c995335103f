"""What doctor reports: one line per check, saying what the browser will do and the fix in the spec."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

from tether.errors import EXIT_FINDINGS, EXIT_OK, EXIT_UNREADABLE

Status = Literal["ok", "problem", "advisory", "unreachable"]


@dataclass(frozen=True)
class Finding:
    """One check of one integration (and origin, when the browser's origin matters)."""

    integration: str
    check: str
    status: Status
    browser: str
    """What the label editor's browser does, in one sentence."""
    fix: str | None = None
    """The change to the spec (or the command) that makes it work; None when nothing is wrong."""
    origin: str | None = None

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def exit_code(findings: list[Finding]) -> int:
    """3 when something could not be reached, else 1 for any problem, else 0 (advisories never fail)."""
    statuses = {finding.status for finding in findings}
    if "unreachable" in statuses:
        return EXIT_UNREADABLE
    return EXIT_FINDINGS if "problem" in statuses else EXIT_OK

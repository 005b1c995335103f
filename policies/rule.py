"""What a rule is, what it looks at, and what it reports: the vocabulary both faces of the rules share."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from tether.desired import Desired
from tether.problems import Path
from tether.spec.model import AnyIntegration, Spec

Severity = Literal["mandatory", "advisory"]
RULE_ID = re.compile(r"^TTH\d{3}$")


@dataclass(frozen=True)
class Subject:
    """One integration as a rule sees it: the spec (intent) and the configuration being judged."""

    spec: Spec
    index: int
    desired: Desired

    @property
    def integration(self) -> AnyIntegration:
        """The integration's spec block."""
        return self.spec.integrations[self.index]

    @property
    def at(self) -> Path:
        """The spec path of the integration, which every finding's path starts from."""
        return ("integrations", self.index)


@dataclass(frozen=True)
class Violation:
    """What a check found: the spec path that causes it, what is wrong, and the configuration part judged.

    ``part`` names the desired-state attribute the finding is about (``"policy"``, ``"cors_rules"``...),
    or is None when the spec alone decides; the pack uses it to tie a finding to the resource that
    sets that part.
    """

    path: Path
    message: str
    part: str | None = None


Check = Callable[[Subject], Iterable[Violation]]


@dataclass(frozen=True)
class Rule:
    """A rule: stable id, kebab-case name, one-line description, severity, fix hint, and its check."""

    id: str
    name: str
    description: str
    severity: Severity
    fix: str
    check: Check
    parts: frozenset[str] = frozenset()
    """Desired-state attributes the check judges one resource at a time; empty when it judges the
    integration as a whole (the spec, or what the configuration lacks)."""
    pack_only: bool = False
    """True when only a program that departs from what tether renders can break the rule: lint, which
    judges the rendered state, never fires it; the pack, which judges what the program registers, does."""
    security: float | None = None
    """How bad a violation is for security, on GitHub code scanning's ``security-severity`` scale
    (9.0+ critical, 7.0-8.9 high, 4.0-6.9 medium, below 4 low); None for a rule about governance or
    performance, not security."""

    def __post_init__(self) -> None:
        if not RULE_ID.match(self.id):
            raise ValueError(f"rule id {self.id!r} must look like TTH001")
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", self.name):
            raise ValueError(f"rule name {self.name!r} must be kebab-case")
        if self.security is not None and not 0.1 <= self.security <= 10.0:
            raise ValueError(f"rule {self.id}: security severity {self.security} is outside 0.1-10.0")

    @property
    def fires_in(self) -> str:
        """Where a violation can be reported: ``pack`` only, or ``lint+pack``."""
        return "pack" if self.pack_only else "lint+pack"

    @property
    def mandatory(self) -> bool:
        """True when a violation blocks (lint exit 1, pack MANDATORY)."""
        return self.severity == "mandatory"

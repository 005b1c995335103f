"""What a drift scan finds: differences with their meaning, and what could not be read and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from tether.problems import Path

Kind = Literal["missing", "changed", "extra"]
"""missing: deleted in the console; changed: a managed value differs; extra: something unmanaged was added."""

Severity = Literal["critical", "high", "medium", "low"]
SEVERITIES: tuple[Severity, ...] = ("critical", "high", "medium", "low")

Status = Literal["in_sync", "drifted", "missing", "unreadable"]
STATUSES: tuple[Status, ...] = ("in_sync", "drifted", "missing", "unreadable")

Reason = Literal[
    "access_denied", "not_found", "throttled", "server_error", "timeout", "unreachable", "credentials", "tls", "error"
]


@dataclass(frozen=True)
class Difference:
    """One managed field whose live value is not the desired one."""

    path: str
    """Where in the provider's resource: ``cors[0].AllowedOrigins``, ``policy.Statement[DenyInsecureTransport]``."""
    kind: Kind
    expected: Any
    actual: Any
    severity: Severity
    meaning: str
    """What the difference does, in words: why someone should care."""
    spec_path: Path = ()
    """The spec field (relative to the integration) that declares the expected value."""


@dataclass(frozen=True)
class Failure:
    """A read that did not give an answer, after retries where retrying made sense."""

    reason: Reason
    detail: str
    attempts: int = 1


@dataclass(frozen=True)
class Unreadable:
    """One resource of an integration that could not be read."""

    resource: str
    failure: Failure


@dataclass(frozen=True)
class NotChecked:
    """A managed resource deliberately not read, and why (e.g. an emulator has no management plane)."""

    resource: str
    why: str


@dataclass
class Observed:
    """The live state of one integration: each resource's normalised value, or why it is unknown."""

    values: dict[str, Any] = field(default_factory=dict)
    unreadable: list[Unreadable] = field(default_factory=list)
    not_checked: list[NotChecked] = field(default_factory=list)
    missing: str | None = None
    """Set when the bucket or container itself does not exist: what is gone."""
    retries: int = 0
    """Calls repeated after throttling, a 5xx, a timeout or a dropped connection."""

    def has(self, resource: str) -> bool:
        """Whether ``resource`` was read (its value may be None: not configured)."""
        return resource in self.values


@dataclass(frozen=True)
class IntegrationResult:
    """The verdict on one integration."""

    name: str
    index: int
    provider: str
    resource: str
    status: Status
    differences: list[Difference]
    unreadable: list[Unreadable]
    not_checked: list[NotChecked]
    retries: int


def status_of(observed: Observed, differences: list[Difference]) -> Status:
    """Missing beats unreadable beats drifted: the worst thing a reader needs to know first."""
    if observed.missing:
        return "missing"
    if observed.unreadable:
        return "unreadable"
    return "drifted" if differences else "in_sync"

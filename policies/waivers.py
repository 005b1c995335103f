"""Waivers: a reviewed exception to one rule for one integration, until a date.

A waiver covers its ``expires`` day and stops waiving the day after, so an exception lapses on its
own instead of being forgotten. Every report lists every waiver with what it did. A waiver of a
rule that does not exist (a typo waives nothing) and one that outlasts ``policy.max_waiver`` are
bad input: lint refuses the spec (exit 2) and the pack blocks the deployment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from policies.registry import BY_ID
from tether.problems import Location, Problem, dotted
from tether.spec import LoadedSpec
from tether.spec.durations import format_duration
from tether.spec.model import AnyIntegration, Waiver

Status = Literal["active", "unused", "expired"]


@dataclass(frozen=True)
class WaiverUse:
    """One waiver of the spec and what it did in this run."""

    integration: str
    waiver: Waiver
    location: Location
    status: Status
    waived: int
    """How many findings it waived."""


def live(waiver: Waiver, today: date) -> bool:
    """True while the waiver still waives (through its expiry day)."""
    return waiver.expires >= today


def matching(integration: AnyIntegration, rule: str, today: date) -> tuple[int | None, int | None]:
    """Positions of the live waiver of ``rule`` (latest expiry) and, when none is live, of the lapsed one."""
    named = sorted(
        (i for i, w in enumerate(integration.waivers) if w.rule == rule),
        key=lambda i: integration.waivers[i].expires,
        reverse=True,
    )
    active = next((i for i in named if live(integration.waivers[i], today)), None)
    return active, (None if active is not None else next(iter(named), None))


def uses(
    integration: AnyIntegration, waived: dict[int, int], today: date, locations: Sequence[Location]
) -> list[WaiverUse]:
    """Every waiver of ``integration`` with its status; ``waived`` counts findings per waiver position,
    ``locations`` gives each waiver's place in the spec."""
    found = []
    for index, waiver in enumerate(integration.waivers):
        count = waived.get(index, 0)
        status: Status = "expired" if not live(waiver, today) else "active" if count else "unused"
        found.append(WaiverUse(integration.name, waiver, locations[index], status, count))
    return found


def problems(loaded: LoadedSpec, today: date) -> list[Problem]:
    """The waivers of ``loaded`` that cannot stand: an unknown rule id, or an expiry beyond
    ``policy.max_waiver`` from ``today``; each at its spec line."""
    found = []
    longest = loaded.spec.policy.max_waiver
    latest = today + longest
    for index, integration in enumerate(loaded.spec.integrations):
        for position, waiver in enumerate(integration.waivers):
            at = ("integrations", index, "waivers", position)
            if waiver.rule not in BY_ID:
                found.append(Problem(loaded.source.locate((*at, "rule")), dotted((*at, "rule")),
                                     f"{waiver.rule} is no rule, so this waiver would waive nothing "
                                     "(tether lint --rules lists them)"))
            if waiver.expires > latest:
                found.append(Problem(loaded.source.locate((*at, "expires")), dotted((*at, "expires")),
                                     f"expires {waiver.expires}, beyond policy.max_waiver "
                                     f"{format_duration(longest)} from {today} (at the latest {latest})"))
    return found

"""Call the pack's validation functions the way the Pulumi engine's analyzer does, without the CLI.

Properties are wrapped in pulumi-policy's unknown-checking proxy, as the analyzer wraps them, and
stack resources are linked to their parents. Verdicts come back in the same shape as lint's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pulumi_policy import (
    Policy,
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import unknown_checking_proxy

from policies.engine import Report
from policies.pack.policies import WAIVERS_POLICY

STACK = "urn:pulumi:test::tether::"
ABSENT = re.compile(r" \(the stack has no .* for it\)$")
"""What the pack adds to a finding about a setting the stack lacks; lint's face has no stack."""
Verdict = tuple[str, str, str, str]
"""(rule id, integration, message, spec location)."""


@dataclass(frozen=True)
class Planned:
    """A resource as a component registers it: type, name, engine-named inputs, parent URN."""

    type: str
    name: str
    props: Mapping[str, Any]
    parent: str | None = None
    address: str | None = None
    """The URN, when the registration gave one."""

    @property
    def urn(self) -> str:
        return self.address or f"{STACK}{self.type}::{self.name}"


@dataclass(frozen=True)
class Reported:
    """One report_violation call."""

    policy: str
    message: str
    urn: str | None


def component(kind: str, name: str) -> str:
    """The URN of an integration's component."""
    return f"{STACK}tether:storage:{kind}::{name}"


def _options(parent: str | None) -> PolicyResourceOptions:
    return PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], parent)


def resource_args(item: Planned) -> ResourceValidationArgs:
    """What Analyze hands a ResourceValidationPolicy for ``item``."""
    return ResourceValidationArgs(item.type, unknown_checking_proxy(dict(item.props)), item.urn, item.name,
                                  _options(item.parent), None)


def stack_args(items: Iterable[Planned]) -> StackValidationArgs:
    """What AnalyzeStack hands a StackValidationPolicy for the whole stack."""
    built = {i.urn: PolicyResource(i.type, unknown_checking_proxy(dict(i.props)), i.urn, i.name, _options(i.parent),
                                   None, None, [], {}) for i in items}
    for i in items:
        if i.parent in built:
            built[i.urn].parent = built[i.parent]
    return StackValidationArgs(list(built.values()))


def run(policies: list[Policy], items: list[Planned], *, resources: bool = True, stack: bool = True) -> list[Reported]:
    """Every violation the policies report for ``items``: resource policies per resource, stack policies once."""
    reported: list[Reported] = []
    for policy in policies:
        def report(message: str, urn: str | None = None, name: str = policy.name) -> None:
            reported.append(Reported(name, message, urn))

        if isinstance(policy, ResourceValidationPolicy) and resources:
            for item in items:
                policy.validate(resource_args(item), report)
        elif isinstance(policy, StackValidationPolicy) and stack:
            policy.validate(stack_args(items), report)
    return reported


def verdicts(reported: Iterable[Reported]) -> tuple[set[Verdict], set[tuple[str, str, str]]]:
    """(violations, waived findings) in lint's terms, parsed from the pack's messages."""
    violations: set[Verdict] = set()
    waived: set[tuple[str, str, str]] = set()
    for r in reported:
        if r.policy == WAIVERS_POLICY:
            integration, rest = r.message.split(": ", 1)
            if " waived until " in rest:
                rule, _, message = rest.partition(" waived until ")
                waived.add((rule, integration, message.split("): ", 1)[1]))
            continue
        first, _, spec = r.message.partition("\nfix: ")
        integration, message = first.split(": ", 1)
        message = ABSENT.sub("", message)
        violations.add((r.policy[:6].upper(), integration, message, spec.rsplit("\nspec: ", 1)[1]))
    return violations, waived


def lint_verdicts(report: Report) -> tuple[set[Verdict], set[tuple[str, str, str]]]:
    """(violations, waived findings) of a lint report."""
    return (
        {(f.rule.id, f.integration, f.message, str(f.location)) for f in report.findings if f.waiver is None},
        {(f.rule.id, f.integration, f.message) for f in report.findings if f.waiver is not None},
    )

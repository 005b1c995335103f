"""Judge every integration of a spec with every rule, then apply the spec's waivers.

Both faces use ``judge``: lint passes the rendered desired state, the pack the state rebuilt from
Pulumi resource properties. ``today`` is a parameter so waiver expiry can be tested.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from policies import waivers
from policies.locate import locate, yaml_path
from policies.registry import RULES
from policies.rule import Rule, Subject, Violation
from tether.desired import Desired, render
from tether.errors import SpecInvalid
from tether.problems import Location, dotted
from tether.spec import LoadedSpec
from tether.spec.model import AnyIntegration, Spec, Waiver

Render = Callable[[AnyIntegration, Spec], Desired]


@dataclass(frozen=True)
class Finding:
    """A rule's violation on one integration, located in the spec, with the waiver that covers it."""

    rule: Rule
    integration: str
    location: Location
    field: str
    message: str
    waiver: Waiver | None = None
    lapsed: Waiver | None = None
    """An expired waiver of this rule, which no longer covers the finding."""

    @property
    def blocking(self) -> bool:
        """A mandatory finding that no live waiver covers."""
        return self.rule.mandatory and self.waiver is None


@dataclass(frozen=True)
class Report:
    """All findings of one spec file, in file order, and what each of its waivers did."""

    file: str
    findings: tuple[Finding, ...]
    waivers: tuple[waivers.WaiverUse, ...]

    @property
    def blocking(self) -> bool:
        """True when lint must fail (exit 1)."""
        return any(f.blocking for f in self.findings)


def judge(spec: Spec, index: int, desired: Desired, rules: Iterable[Rule] = RULES) -> Iterator[tuple[Rule, Violation]]:
    """Every violation of ``rules`` by integration ``index`` with ``desired`` as its configuration."""
    subject = Subject(spec, index, desired)
    for rule in rules:
        for violation in rule.check(subject):
            yield rule, violation


def lint(loaded: LoadedSpec, today: date, render_one: Render = render) -> Report:
    """Lint a loaded spec: render each integration, judge it, waive, locate.

    Raises SpecInvalid when a waiver cannot stand (``waivers.problems``).
    """
    refused = waivers.problems(loaded, today)
    if refused:
        raise SpecInvalid(refused)
    spec, source = loaded.spec, loaded.source
    findings: list[Finding] = []
    uses: list[waivers.WaiverUse] = []
    for index, integration in enumerate(spec.integrations):
        waived: Counter[int] = Counter()
        for rule, violation in judge(spec, index, render_one(integration, spec)):
            active, lapsed = waivers.matching(integration, rule.id, today)
            if active is not None:
                waived[active] += 1
            findings.append(
                Finding(
                    rule=rule,
                    integration=integration.name,
                    location=locate(source, violation.path),
                    field=dotted(yaml_path(source, violation.path)),
                    message=violation.message,
                    waiver=None if active is None else integration.waivers[active],
                    lapsed=None if lapsed is None else integration.waivers[lapsed],
                )
            )
        where = [source.locate(("integrations", index, "waivers", i)) for i in range(len(integration.waivers))]
        uses += waivers.uses(integration, waived, today, where)
    findings.sort(key=lambda f: (f.location.line, f.location.column, f.rule.id, f.message))
    return Report(loaded.file, tuple(findings), tuple(uses))

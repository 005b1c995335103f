"""Lint reports in the four forms people and machines read: text, JSON, Markdown and SARIF."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from policies.engine import Finding, Report
from tether.problems import Problem


@dataclass(frozen=True)
class Unlinted:
    """A spec file lint could not judge: invalid (its problems) or unreadable (one message)."""

    file: str
    problems: tuple[Problem, ...]
    message: str
    exit_code: int


Outcome = Report | Unlinted


@dataclass(frozen=True)
class Totals:
    """Counts for a summary line: unwaived mandatory and advisory findings, waived ones, files."""

    mandatory: int
    advisory: int
    waived: int
    unlinted: int

    @classmethod
    def of(cls, outcomes: Sequence[Outcome]) -> Totals:
        """Count the findings of every report."""
        findings = [f for o in outcomes if isinstance(o, Report) for f in o.findings]
        return cls(
            mandatory=sum(f.blocking for f in findings),
            advisory=sum(not f.rule.mandatory and f.waiver is None for f in findings),
            waived=sum(f.waiver is not None for f in findings),
            unlinted=sum(isinstance(o, Unlinted) for o in outcomes),
        )

    def __str__(self) -> str:
        text = f"{self.mandatory} mandatory, {self.advisory} advisory, {self.waived} waived"
        return text + (f", {self.unlinted} file(s) not linted" if self.unlinted else "")


def state(finding: Finding) -> str:
    """How a finding stands: its severity, and the waiver that covers it or has lapsed."""
    if finding.waiver is not None:
        return f"{finding.rule.severity}, waived until {finding.waiver.expires}"
    if finding.lapsed is not None:
        return f"{finding.rule.severity}, waiver expired {finding.lapsed.expires}"
    return finding.rule.severity

"""A whole review: every change of a spec pair judged, located in its file, and said three ways."""

from __future__ import annotations

from dataclasses import dataclass

from runtime.access import normalize
from runtime.review.changes import diff
from runtime.review.judge import Verdict, judge_all
from tether.cli.formatting import markdown_table
from tether.markdown import code, text
from tether.problems import Location
from tether.spec import LoadedSpec

MARKER = "<!-- tether-review -->"
"""First line of the Markdown, so CI can find and update its earlier comment instead of adding one."""


@dataclass(frozen=True)
class Finding:
    """A verdict and the line it is about."""

    verdict: Verdict
    location: Location


@dataclass(frozen=True)
class Review:
    """The change from ``base`` to ``head`` by ``actor``, judged."""

    base: str
    head: str
    actor: str
    findings: list[Finding]

    @property
    def denied(self) -> list[Finding]:
        """The findings that block the change."""
        return [f for f in self.findings if not f.verdict.decision.allowed]

    @property
    def allowed(self) -> bool:
        """True when every change is allowed (an empty change is allowed)."""
        return not self.denied

    def summary(self) -> str:
        """One line: the verdict of the whole change."""
        total, denied = len(self.findings), len(self.denied)
        if not total:
            return f"no changes between {self.base} and {self.head}"
        noun = "change" if total == 1 else "changes"
        if denied:
            return f"{denied} of {total} {noun} denied for {self.actor}"
        return f"all {total} {noun} allowed for {self.actor}"

    def as_dict(self) -> dict[str, object]:
        """The JSON shape (stable for machines)."""
        return {
            "base": self.base,
            "head": self.head,
            "actor": self.actor,
            "allowed": self.allowed,
            "summary": self.summary(),
            "changes": [_finding_dict(f) for f in self.findings],
        }

    def markdown(self) -> str:
        """A pull-request comment: verdict line, table of changes, then what to do about each denial.

        Every value from the spec (names, tags, reasons...) goes through ``tether.markdown``: it shows as text.
        """
        icon = "✅" if self.allowed else "❌"
        compared = f"{code(self.base)} → {code(self.head)}"
        lines = [MARKER, f"### {icon} Tether review: {text(self.summary())}", "", compared, ""]
        if not self.findings:
            return "\n".join(lines)
        rows = [
            (
                _mark(f),
                text(f.verdict.change.integration or "(organization)"),
                text(f.verdict.change.describe()),
                f.verdict.decision.rule,
            )
            for f in self.findings
        ]
        lines += [markdown_table(("", "Integration", "Change", "Rule"), rows), ""]
        for finding in self.denied:
            verdict = finding.verdict
            lines += [
                f"**❌ {text(verdict.change.integration or 'organization')}: {text(verdict.change.describe())}** "
                f"({code(finding.location)}, {verdict.decision.rule})",
                f"- Why: {text(verdict.decision.reason)}",
                f"- Fix: {text(verdict.fix)}",
                "",
            ]
        allowed = [f for f in self.findings if f.verdict.decision.allowed]
        for finding in (f for f in allowed if f.verdict.flag):
            verdict = finding.verdict
            lines += [
                f"**⚠️ {text(verdict.change.integration or 'organization')}: {text(verdict.change.describe())}** "
                f"({code(finding.location)})",
                f"- Check: {text(verdict.flag)}",
                "",
            ]
        if allowed:
            lines += ["<details><summary>Why the allowed changes are allowed</summary>", ""]
            lines += [
                f"- {text(f.verdict.change.integration or 'organization')}: {text(f.verdict.change.describe())}: "
                f"{text(f.verdict.decision.reason)} ({f.verdict.decision.rule})"
                for f in allowed
            ]
            lines += ["", "</details>"]
        return "\n".join(lines)

    def text(self) -> str:
        """One line per change (FILE:LINE:COL: ALLOWED|DENIED RULE ...), then the summary; for CI logs."""
        lines = []
        for finding in self.findings:
            verdict = finding.verdict
            state = "allowed" if verdict.decision.allowed else "DENIED"
            where = verdict.change.integration or "organization"
            line = f"{finding.location}: {state} {verdict.decision.rule} {where}: {verdict.change.describe()}: "
            line += verdict.decision.reason + (f"; fix: {verdict.fix}" if verdict.fix else "")
            line += f"; flag: {verdict.flag}" if verdict.flag else ""
            lines.append(line)
        return "\n".join([*lines, self.summary()])


def _mark(finding: Finding) -> str:
    if not finding.verdict.decision.allowed:
        return "❌ **denied**"
    return "⚠️ allowed, widens" if finding.verdict.flag else "✅ allowed"


def _finding_dict(finding: Finding) -> dict[str, object]:
    change, decision = finding.verdict.change, finding.verdict.decision
    return {
        "kind": change.kind.value,
        "integration": change.integration,
        "subject": change.subject,
        "before": change.before,
        "after": change.after,
        "description": change.describe(),
        "allowed": decision.allowed,
        "rule": decision.rule,
        "reason": decision.reason,
        "fix": finding.verdict.fix,
        "flag": finding.verdict.flag,
        "file": finding.location.file,
        "line": finding.location.line,
        "column": finding.location.column,
    }


def review(base: LoadedSpec, head: LoadedSpec, actor: str) -> Review:
    """Diff ``base`` to ``head`` and judge every change against ``actor``."""
    actor = normalize(actor)
    changes = diff(base.spec, head.spec, base.source, head.source)
    verdicts = judge_all(base.spec, head.spec, actor, changes)
    sources = {"base": base.source, "head": head.source}
    findings = [Finding(v, sources[v.change.side].locate(v.change.path)) for v in verdicts]
    return Review(base.file, head.file, actor, findings)

"""Pull-request comment form: a summary line a reviewer reads first, then tables."""

from __future__ import annotations

from collections.abc import Sequence

from policies.engine import Report
from policies.report import Outcome, Totals, state
from tether.cli.formatting import markdown_table


def render(outcomes: Sequence[Outcome]) -> str:
    """A Markdown document: verdict, then per file its findings and its waivers."""
    totals = Totals.of(outcomes)
    verdict = "fails" if totals.mandatory or totals.unlinted else "passes"
    parts = [f"**tether lint {verdict}**: {totals}"]
    for outcome in outcomes:
        parts.append(f"#### `{outcome.file}`")
        if not isinstance(outcome, Report):
            lines = [f"- line {p.location.line}: `{p.field}`: {p.message}" for p in outcome.problems]
            parts.append("\n".join(lines) or outcome.message)
            continue
        if outcome.findings:
            parts.append(markdown_table(
                ["Rule", "Severity", "Integration", "Line", "Finding", "Fix"],
                [[f"{f.rule.id} {f.rule.name}", state(f), f.integration, f.location.line, f.message,
                  f"waived: {f.waiver.reason}" if f.waiver else f.rule.fix] for f in outcome.findings],
            ))
        else:
            parts.append("No findings.")
        if outcome.waivers:
            parts.append(markdown_table(
                ["Waiver", "Integration", "Until", "Status", "Line", "Reason"],
                [[u.waiver.rule, u.integration, u.waiver.expires, f"{u.status} ({u.waived})", u.location.line,
                  u.waiver.reason] for u in outcome.waivers],
            ))
    return "\n\n".join(parts)

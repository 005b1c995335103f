"""Pull-request comment form: a summary line a reviewer reads first, then tables."""

from __future__ import annotations

from collections.abc import Sequence

from policies.engine import Report
from policies.report import Outcome, Totals, state
from tether.cli.formatting import markdown_table
from tether.markdown import code, text


def render(outcomes: Sequence[Outcome]) -> str:
    """A Markdown document: verdict, then per file its findings and its waivers (spec values escaped)."""
    totals = Totals.of(outcomes)
    verdict = "fails" if totals.mandatory or totals.unlinted else "passes"
    parts = [f"**tether lint {verdict}**: {totals}"]
    for outcome in outcomes:
        parts.append(f"#### {code(outcome.file)}")
        if not isinstance(outcome, Report):
            lines = [f"- line {p.location.line}: {code(p.field)}: {text(p.message)}" for p in outcome.problems]
            parts.append("\n".join(lines) or text(outcome.message))
            continue
        if outcome.findings:
            parts.append(markdown_table(
                ["Rule", "Severity", "Integration", "Line", "Finding", "Fix"],
                [[f"{f.rule.id} {f.rule.name}", state(f), text(f.integration), f.location.line, text(f.message),
                  f"waived: {text(f.waiver.reason)}" if f.waiver else f.rule.fix] for f in outcome.findings],
            ))
        else:
            parts.append("No findings.")
        if outcome.waivers:
            parts.append(markdown_table(
                ["Waiver", "Integration", "Until", "Status", "Line", "Reason"],
                [[u.waiver.rule, text(u.integration), u.waiver.expires, f"{u.status} ({u.waived})", u.location.line,
                  text(u.waiver.reason)] for u in outcome.waivers],
            ))
    return "\n\n".join(parts)

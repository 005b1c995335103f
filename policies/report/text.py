"""Terminal and CI-log form: one line per finding (file:line:column first, so editors jump to it)."""

from __future__ import annotations

from collections.abc import Sequence

from policies.engine import Report
from policies.report import Outcome, Totals, state


def render(outcomes: Sequence[Outcome]) -> str:
    """Findings, then waivers, then one summary line."""
    lines: list[str] = []
    for outcome in outcomes:
        if not isinstance(outcome, Report):
            lines += [str(p) for p in outcome.problems] or [f"{outcome.file}: {outcome.message}"]
            continue
        for f in outcome.findings:
            lines.append(f"{f.location}: {f.rule.id} {state(f)}: {f.integration}: {f.message}")
            if f.waiver is not None:
                lines.append(f"    waiver: {f.waiver.reason}")
            else:
                lines.append(f"    fix: {f.rule.fix}")
        for use in outcome.waivers:
            w = use.waiver
            lines.append(
                f"{use.location}: waiver {w.rule} for {use.integration} until {w.expires}: {use.status}"
                f" ({use.waived} finding(s)): {w.reason}"
            )
    lines.append(f"tether lint: {Totals.of(outcomes)}")
    return "\n".join(lines)

"""Doctor's findings as text for a terminal, JSON for scripts, Markdown for a CI summary."""

from __future__ import annotations

from collections.abc import Sequence

from tether.cli.formatting import markdown_table
from tether.doctor.findings import Finding
from tether.markdown import text as md_text

MARK = {"ok": "ok", "problem": "PROBLEM", "advisory": "advisory", "unreachable": "UNREACHABLE"}


def summary(findings: Sequence[Finding]) -> str:
    counts = {status: sum(f.status == status for f in findings) for status in MARK}
    said = ", ".join(f"{n} {status}" for status, n in counts.items() if n and status != "ok")
    return f"doctor: {len(findings)} checks, {said or 'all ok: media loads in the browser'}"


def text(findings: Sequence[Finding]) -> str:
    lines: list[str] = []
    current = None
    for finding in findings:
        if finding.integration != current:
            current = finding.integration
            lines.append(f"{current}:")
        where = f" from {finding.origin}" if finding.origin else ""
        lines.append(f"  {MARK[finding.status]:<11} {finding.check}{where}: {finding.browser}")
        if finding.fix:
            lines.append(f"  {'':<11} fix: {finding.fix}")
    lines.append(summary(findings))
    return "\n".join(lines)


def markdown(findings: Sequence[Finding]) -> str:
    rows = [  # live values (headers, origins the store answers with) and spec text, shown as text
        (md_text(f.integration), md_text(f.check), md_text(f.origin or ""), MARK[f.status], md_text(f.browser),
         md_text(f.fix or ""))
        for f in findings
    ]
    table = markdown_table(("integration", "check", "origin", "status", "what the browser does", "fix"), rows)
    return f"## tether doctor\n\n{table}\n\n{summary(findings)}"

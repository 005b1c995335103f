"""The preflight report: one stable JSON document, rendered as text or Markdown, and its exit status."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from tether.cli.formatting import markdown_table, text_table
from tether.markdown import code
from tether.markdown import text as md_text
from tether.preflight.checks import Checked

ORDER = ("collision", "overwrite", "unreadable", "note")
EXIT_CLEAR, EXIT_FINDINGS, EXIT_UNREADABLE = 0, 1, 3


def _status(checked: Checked) -> str:
    kinds = {finding.kind for finding in checked.findings}
    return next((kind for kind in ORDER[:3] if kind in kinds), "clear")


def build(spec: str, results: list[Checked]) -> dict[str, Any]:
    """The document `--output json` prints; text and Markdown are renderings of it."""
    summary = {kind: sum(f.kind == kind for c in results for f in c.findings) for kind in ORDER}
    return {
        "spec": spec,
        "summary": {**summary, "integrations": len(results)},
        "integrations": [
            {
                "name": c.integration,
                "provider": c.provider,
                "adopt": c.adopt,
                "managed": c.managed,
                "status": "managed" if c.managed else _status(c),
                "findings": [asdict(f) for f in c.findings],
            }
            for c in results
        ],
    }


def exit_code(document: dict[str, Any]) -> int:
    """1 when something would collide or be overwritten, else 3 when something could not be read, else 0."""
    summary = document["summary"]
    if summary["collision"] or summary["overwrite"]:
        return EXIT_FINDINGS
    return EXIT_UNREADABLE if summary["unreadable"] else EXIT_CLEAR


def _value(value: Any) -> str:
    return "" if value is None else json.dumps(value, sort_keys=True) if not isinstance(value, str) else value


def _rows(document: dict[str, Any]) -> list[list[str]]:
    rows = []
    for entry in document["integrations"]:
        if not entry["findings"]:
            rows.append([entry["name"], entry["status"], "", "nothing in the way" if not entry["managed"] else
                         "managed by the stack already (its records)"])
        for finding in entry["findings"]:
            message = finding["message"]
            if finding["actual"] is not None or finding["expected"] is not None:
                message += f" (spec: {_value(finding['expected'])}; live: {_value(finding['actual'])})"
            rows.append([entry["name"], finding["kind"], finding["resource"], message])
    return rows


def _headline(document: dict[str, Any]) -> str:
    s = document["summary"]
    return (f"tether preflight: {s['collision']} collision(s), {s['overwrite']} overwrite(s), "
            f"{s['unreadable']} unreadable, {s['note']} note(s) in {s['integrations']} integration(s)")


def text(document: dict[str, Any]) -> str:
    """A table for terminals and CI logs, then the one-line summary."""
    return text_table(["integration", "kind", "resource", "what `pulumi up` would meet"], _rows(document)) + \
        "\n" + _headline(document)


def markdown(document: dict[str, Any]) -> str:
    """A pull-request comment."""
    rows = [[md_text(cell) for cell in row] for row in _rows(document)]  # live values, shown as text
    table = markdown_table(["integration", "kind", "resource", "what `pulumi up` would meet"], rows)
    return f"### Preflight: {code(document['spec'])}\n\n{table}\n\n{_headline(document)}\n"

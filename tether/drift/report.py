"""The drift report: one stable JSON document, and the text and Markdown views of it.

The JSON shape is for machines (sorted keys, spec order, differences most severe first); the
Markdown is ready to be the body of the issue a nightly job opens.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from tether import markdown as md
from tether.cli.formatting import markdown_table
from tether.drift.model import SEVERITIES, STATUSES, IntegrationResult
from tether.errors import EXIT_FINDINGS, EXIT_OK, EXIT_UNREADABLE
from tether.spec import LoadedSpec

REPORT_VERSION = 1


_DEFAULTS: dict[tuple[str | int, ...], tuple[str | int, ...]] = {("cors", "origins"): ("platform", "origins")}
"""Integration fields that, when the integration does not write them, take their value from elsewhere."""


def _where(loaded: LoadedSpec, base: tuple[str | int, ...], path: tuple[str | int, ...] = ()) -> str:
    """The line where the value is written: the integration's field, or the default it took."""
    full = (*base, *path)
    if full not in loaded.source.values and path in _DEFAULTS:
        full = _DEFAULTS[path]
    location = loaded.source.locate(full)
    return f"{location.file}:{location.line}"


def build(loaded: LoadedSpec, results: list[IntegrationResult]) -> dict[str, Any]:
    """The report document: a summary block and one entry per integration."""
    statuses = Counter(result.status for result in results)
    severities = Counter(d.severity for result in results for d in result.differences)
    integrations = []
    for result in results:
        base = ("integrations", result.index)
        differences = sorted(result.differences, key=lambda d: (SEVERITIES.index(d.severity), d.path))
        integrations.append(
            {
                "name": result.name,
                "provider": result.provider,
                "resource": result.resource,
                "status": result.status,
                "spec": _where(loaded, base),
                "retries": result.retries,
                "differences": [
                    {
                        "path": d.path,
                        "kind": d.kind,
                        "expected": d.expected,
                        "actual": d.actual,
                        "severity": d.severity,
                        "meaning": d.meaning,
                        "spec": _where(loaded, base, d.spec_path),
                    }
                    for d in differences
                ],
                "unreadable": [
                    {
                        "resource": u.resource,
                        "reason": u.failure.reason,
                        "detail": u.failure.detail,
                        "attempts": u.failure.attempts,
                    }
                    for u in result.unreadable
                ],
                "not_checked": [{"resource": n.resource, "why": n.why} for n in result.not_checked],
            }
        )
    return {
        "version": REPORT_VERSION,
        "spec": loaded.file,
        "summary": {
            "integrations": len(results),
            **{status: statuses.get(status, 0) for status in STATUSES},
            "with_differences": sum(1 for result in results if result.differences),
            "differences": sum(severities.values()),
            "severity": {severity: severities.get(severity, 0) for severity in SEVERITIES},
        },
        "integrations": integrations,
    }


def exit_code(report: dict[str, Any]) -> int:
    """3 when anything could not be read (the verdict is incomplete), else 1 on any drift, else 0."""
    summary = report["summary"]
    if summary["unreadable"]:
        return EXIT_UNREADABLE
    return EXIT_FINDINGS if summary["drifted"] or summary["missing"] else EXIT_OK


def _value(value: Any) -> str:
    return "—" if value is None else json.dumps(value, sort_keys=True, separators=(", ", ": "))


def _headline(report: dict[str, Any]) -> str:
    summary = report["summary"]
    # Only the statuses that occur: "0 drifted" beside a difference found on a missing or partly
    # unreadable integration would read as "nothing changed".
    counts = ", ".join(f"{summary[s]} {s.replace('_', ' ')}" for s in STATUSES if summary[s]) or "none"
    severity = ", ".join(f"{n} {s}" for s, n in summary["severity"].items() if n)
    total = summary["integrations"]
    found = summary["with_differences"]
    differences = f"; {found} with differences ({severity})" if severity else "; no differences found"
    return f"{total} integration{'s' * (total != 1)}: {counts}{differences}"


def _attempts(item: dict[str, Any]) -> str:
    count = item["attempts"]
    return "not tried" if count == 0 else f"after {count} attempt{'s' * (count != 1)}"


def text(report: dict[str, Any]) -> str:
    """For terminals and CI logs."""
    lines = [f"{report['spec']}: {_headline(report)}"]
    for entry in report["integrations"]:
        retried = f", {entry['retries']} retried calls" if entry["retries"] else ""
        lines.append(f"{entry['name']} ({entry['provider']} {entry['resource']}): {entry['status']}{retried}")
        for d in entry["differences"]:
            lines.append(f"  {d['severity']:<8} {d['kind']:<7} {d['path']}  ({d['spec']})")
            lines.append(f"           {d['meaning']}")
            lines.append(f"           expected {_value(d['expected'])}")
            lines.append(f"           actual   {_value(d['actual'])}")
        for u in entry["unreadable"]:
            lines.append(f"  unreadable {u['resource']}: {u['reason']} ({_attempts(u)}): {u['detail']}")
        for n in entry["not_checked"]:
            lines.append(f"  not checked {n['resource']}: {n['why']}")
    return "\n".join(lines)


def _code(value: Any) -> str:
    return md.code(_value(value)) if value is not None else "—"


def markdown(report: dict[str, Any]) -> str:
    """An issue body: what drifted, how bad, where the spec declares it, and how to fix it.

    Live values and names are escaped (``tether.markdown``): a console edit cannot inject Markdown.
    """
    parts = [
        f"## Drift report for {md.code(report['spec'])}",
        f"**{_headline(report)}**",
        markdown_table(
            ["integration", "provider", "resource", "status", "critical", "high", "medium", "low"],
            [
                [
                    md.text(e["name"]), e["provider"], md.code(e["resource"]), e["status"].replace("_", " "),
                    *(sum(d["severity"] == s for d in e["differences"]) for s in SEVERITIES),
                ]
                for e in report["integrations"]
            ],
        ),
    ]
    for entry in report["integrations"]:
        if entry["status"] == "in_sync" and not entry["not_checked"]:
            continue
        parts.append(f"### {md.text(entry['name'])}: {entry['status'].replace('_', ' ')}")
        if entry["differences"]:
            parts.append(
                markdown_table(
                    ["severity", "kind", "path", "expected", "actual", "meaning", "spec"],
                    [
                        [d["severity"], d["kind"], md.code(d["path"]), _code(d["expected"]), _code(d["actual"]),
                         md.text(d["meaning"]), md.code(d["spec"])]
                        for d in entry["differences"]
                    ],
                )
            )
        parts += [
            f"- could not read **{md.text(u['resource'])}**: {md.text(u['reason'].replace('_', ' '))} "
            f"({_attempts(u)}): {md.text(u['detail'])}"
            for u in entry["unreadable"]
        ]
        parts += [f"- not checked: {md.text(n['resource'])} ({md.text(n['why'])})" for n in entry["not_checked"]]
    parts.append(
        "### How to fix\n"
        "- The console change was a mistake: run `pulumi up` for the stack; it puts the spec's settings back.\n"
        "- The console change was right: change the spec in a pull request so the next `pulumi up` keeps it.\n"
        "- Unreadable: give the drift job's identity read access to the named resources, then re-run."
    )
    return "\n\n".join(parts) + "\n"

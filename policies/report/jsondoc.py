"""Machine form: a stable JSON document (keys sorted by the printer) for CI steps and dashboards."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from policies.engine import Finding, Report
from policies.report import Outcome, Totals
from policies.waivers import WaiverUse
from tether.problems import Location
from tether.spec.model import Waiver


def _where(location: Location) -> dict[str, Any]:
    return {"file": location.file, "line": location.line, "column": location.column}


def _waiver(waiver: Waiver | None) -> dict[str, Any] | None:
    return None if waiver is None else {"rule": waiver.rule, "reason": waiver.reason, "expires": str(waiver.expires)}


def _finding(f: Finding) -> dict[str, Any]:
    return {
        "rule": f.rule.id, "name": f.rule.name, "severity": f.rule.severity, "integration": f.integration,
        **_where(f.location), "field": f.field, "message": f.message, "fix": f.rule.fix,
        "blocking": f.blocking, "waiver": _waiver(f.waiver), "expired_waiver": _waiver(f.lapsed),
    }


def _use(u: WaiverUse) -> dict[str, Any]:
    return {"integration": u.integration, **(_waiver(u.waiver) or {}), **_where(u.location), "status": u.status,
            "waived": u.waived}


def document(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    """The whole report as plain data."""
    files = []
    for o in outcomes:
        if isinstance(o, Report):
            files.append({"file": o.file, "linted": True, "findings": [_finding(f) for f in o.findings],
                          "waivers": [_use(u) for u in o.waivers]})
        else:
            files.append({"file": o.file, "linted": False, "message": o.message,
                          "problems": [p.as_dict() for p in o.problems]})
    totals = Totals.of(outcomes)
    return {"files": files, "summary": asdict(totals), "ok": not (totals.mandatory or totals.unlinted)}

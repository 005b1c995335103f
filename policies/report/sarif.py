"""SARIF 2.1.0, the form GitHub code scanning reads: findings become annotations on the spec's lines.

Paths are relative to the repository (the nearest folder holding ``.git``), as code scanning needs;
waived findings carry a SARIF suppression with the waiver's reason; a fingerprint made of rule,
file, integration and field keeps an alert the same alert when lines above it move.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from policies.engine import Finding, Report
from policies.registry import RULES
from policies.report import Outcome
from tether.problems import Location

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {"mandatory": "error", "advisory": "warning"}
ROOT = "%SRCROOT%"
_INDEX = {rule.id: index for index, rule in enumerate(RULES)}


def repo_uri(file: str) -> str:
    """``file`` relative to its repository root, in URI form; absolute ``file://`` outside any repository."""
    path = Path(file).resolve()
    for folder in path.parents:
        if (folder / ".git").exists():
            return path.relative_to(folder).as_posix()
    return path.as_uri()


def _tool_version() -> str:
    try:
        return version("tether")
    except PackageNotFoundError:
        return "0+unknown"


def _rules() -> list[dict[str, Any]]:
    return [
        {
            "id": rule.id,
            "name": "".join(word.title() for word in rule.name.split("-")),
            "shortDescription": {"text": rule.description},
            "fullDescription": {"text": rule.description},
            "help": {"text": f"Fix: {rule.fix}", "markdown": f"**{rule.description}**\n\nFix: {rule.fix}"},
            "defaultConfiguration": {"level": LEVEL[rule.severity]},
            "properties": {"tags": ["security", "iac", rule.severity]},
        }
        for rule in RULES
    ]


def _location(location: Location, uris: dict[str, int]) -> dict[str, Any]:
    uri = repo_uri(location.file)
    artifact: dict[str, Any] = {"uri": uri, "index": uris.setdefault(uri, len(uris))}
    if not uri.startswith("file:"):
        artifact["uriBaseId"] = ROOT
    return {
        "physicalLocation": {
            "artifactLocation": artifact,
            "region": {"startLine": location.line, "startColumn": location.column},
        }
    }


def _result(finding: Finding, uris: dict[str, int]) -> dict[str, Any]:
    key = "|".join((finding.rule.id, repo_uri(finding.location.file), finding.integration, finding.field))
    result: dict[str, Any] = {
        "ruleId": finding.rule.id,
        "ruleIndex": _INDEX[finding.rule.id],
        "level": LEVEL[finding.rule.severity],
        "message": {"text": f"{finding.integration}: {finding.message}. Fix: {finding.rule.fix}"},
        "locations": [{
            **_location(finding.location, uris),
            "logicalLocations": [{"name": finding.integration, "fullyQualifiedName": finding.field, "kind": "object"}],
        }],
        "partialFingerprints": {"tetherFinding/v1": hashlib.sha256(key.encode()).hexdigest()},
    }
    if finding.waiver is not None:
        result["suppressions"] = [{
            "kind": "external",
            "status": "accepted",
            "justification": f"{finding.waiver.reason} (waived until {finding.waiver.expires})",
        }]
    return result


def document(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    """One SARIF run holding every file's findings; unlinted files become tool notifications."""
    uris: dict[str, int] = {}
    results = [_result(f, uris) for o in outcomes if isinstance(o, Report) for f in o.findings]
    notifications = [
        {"level": "error", "message": {"text": p.message if p.field == "(document)" else f"{p.field}: {p.message}"},
         "locations": [_location(p.location, uris)]}
        for o in outcomes if not isinstance(o, Report) for p in o.problems
    ] + [
        {"level": "error", "message": {"text": f"{o.file}: {o.message}"}}
        for o in outcomes if not isinstance(o, Report) and not o.problems
    ]
    artifacts = [
        {"location": {"uri": uri, **({} if uri.startswith("file:") else {"uriBaseId": ROOT})}}
        for uri in sorted(uris, key=uris.__getitem__)
    ]
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "tether lint",
                "version": _tool_version(),
                "rules": _rules(),
            }},
            "automationDetails": {"id": "tether-lint/"},
            "artifacts": artifacts,
            "results": results,
            "invocations": [{
                "executionSuccessful": not notifications,
                "toolExecutionNotifications": notifications,
            }],
        }],
    }

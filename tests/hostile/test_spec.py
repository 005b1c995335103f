"""Specs an attacker or a careless editor writes: each is refused with exit 2 and its file:line, quickly.

PyYAML's own loaders expand aliases without bound (a 522-byte file asks for 9^10 values), recurse per
nesting level, overflow on huge numbers and read YAML 1.1 (``yes`` is true): the loader must not.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tether.errors import SpecInvalid
from tether.spec import load_spec, parse_spec
from tether.spec.source import MAX_CHARS

from .conftest import SPEC, run


def _bomb() -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    return "\n".join(lines) + "\n"


def refused(text: str) -> list[str]:
    """The problems of a spec that must be refused, each as ``line:column: field: message``."""
    with pytest.raises(SpecInvalid) as caught:
        parse_spec(text, "s.yaml")
    return [str(p).removeprefix("s.yaml:") for p in caught.value.problems]


CASES = [
    pytest.param(_bomb(), "7:5: a6: holds more than 2,000,000 values once its aliases are expanded", id="alias-bomb"),
    pytest.param("a: &a [*a]\n", "1:8: a[0]: an alias refers to the collection that contains it", id="recursive"),
    pytest.param("a:\n" + "".join("  " * i + "- \n" for i in range(1, 491)),
                 "nested deeper than 64 levels", id="deep-490"),
    pytest.param("[" * 5000 + "]" * 5000, "exceeded maximum nesting depth", id="deep-flow-5000"),
    pytest.param(SPEC + "    waivers: [{rule: TTH001, reason: because we must, expires: 2027-02-30}]\n",
                 "17:64: integrations[0].waivers[0].expires: Input should be a valid date or datetime, day value", id="feb-30"),
    pytest.param(SPEC + "    waivers: [{rule: TTH001, reason: because we must, expires: 2027-13-01}]\n",
                 "17:64: integrations[0].waivers[0].expires: Input should be a valid date or datetime, month value",
                 id="month-13"),
    pytest.param(SPEC.replace("acme-1234", "!!int abc"), "13:18: integrations[0].external_id: 'abc' is not a valid !!int",
                 id="tagged-int"),
    pytest.param(SPEC.replace("acme-1234", "!!float abc"), "'abc' is not a valid !!float", id="tagged-float"),
    pytest.param(SPEC.replace("acme-1234", "!!timestamp abc"), "tag !!timestamp is not supported", id="timestamp"),
    pytest.param(SPEC.replace("acme-1234", "!!python/object/apply:os.system [id]"),
                 "tag !!python/object/apply:os.system is not supported", id="python-tag"),
    pytest.param(SPEC.replace("acme-1234", "9" * 5000), "13:18: integrations[0].external_id: an integer of more than",
                 id="int-5000-digits"),
    pytest.param(SPEC + "    cors: {max_age: 99999999999d}\n", "a duration must be at most 36500d", id="huge-duration"),
    pytest.param(SPEC + "    cors: {max_age: \u0661\u0662h}\n", "expected a duration such as 90m", id="arabic-digits"),
    pytest.param(SPEC + "    list_objects: yes\n", "17:19: integrations[0].list_objects: Input should be a valid boolean",
                 id="yaml11-yes"),
    pytest.param(SPEC + "    direct_access: on\n", "integrations[0].direct_access: Input should be a valid boolean",
                 id="yaml11-on"),
    pytest.param(SPEC.replace("creator: ann@acme.ai", "creator: 'Ann <ann@acme.ai>'"),
                 "14:14: integrations[0].creator: expected a bare email address", id="display-name"),
    pytest.param(SPEC.replace("  aws: {account_id", "  egress_cidrs: [167772160]\n  aws: {account_id"),
                 "7:18: platform.egress_cidrs[0]: expected a CIDR", id="integer-cidr"),
    pytest.param(SPEC.replace("provider: aws", "provider: s3-compatible\n    endpoint: https://s3.example.com:99999")
                 .replace("    region: eu-west-2\n", "").replace("    external_id: acme-1234\n", ""),
                 "the port of 'https://s3.example.com:99999' is outside 1-65535", id="port-99999"),
    pytest.param("a: 1\n---\nb: 2\n", "2:1: (document): expected a single document", id="two-documents"),
    pytest.param("a: *nowhere\n", "alias *nowhere has no anchor", id="undefined-alias"),
    pytest.param("? [a, b]\n: 1\n", "a key must be text or a number", id="list-key"),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_hostile_spec_is_refused_at_its_line(text: str, expected: str) -> None:
    problems = refused(text)
    assert any(expected in problem for problem in problems), problems


def test_a_merge_with_an_override_is_accepted() -> None:
    text = SPEC.replace("    members:\n      - {email: ben@acme.ai, role: user}\n",
                        "    members:\n      - &ben {email: ben@acme.ai, role: user}\n"
                        "      - <<: *ben\n        email: ann@acme.ai\n        role: admin\n")
    members = parse_spec(text, "s.yaml").spec.integrations[0].members
    assert [(m.email, m.role) for m in members] == [("ben@acme.ai", "user"), ("ann@acme.ai", "admin")]


def test_a_duplicate_key_is_still_reported_beside_a_merge() -> None:
    text = SPEC.replace("    creator: ann@acme.ai\n", "    creator: ann@acme.ai\n    creator: ben@acme.ai\n")
    assert any("15:5: integrations[0].creator: duplicate key 'creator'" in p for p in refused(text))


def test_a_spec_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "big.yaml"
    with path.open("w") as out:
        out.write(SPEC)
        out.truncate(MAX_CHARS + 1)  # sparse: costs no disk
    outcome = run(capsys, "validate", str(path))
    assert outcome.code == 2
    assert f"{path}: larger than the 16 MiB a spec may be" in outcome.out + outcome.err


def test_the_alias_bomb_through_the_cli_is_quick(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(_bomb())
    for command in ("validate", "lint"):
        outcome = run(capsys, command, str(path), seconds=20)
        assert outcome.code == 2
        assert f"{path}:7:5: a6: holds more than" in outcome.out + outcome.err


def test_huge_expires_on_the_command_line_is_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    dev = str(Path(__file__).resolve().parents[2] / "stacks/dev/integrations.yaml")
    outcome = run(capsys, "sign", dev, "--integration", "traffic-video", "--user", "alice@acme-vision.ai",
                  "--key", "videos/a.mp4", "--expires", "99999999999d")
    assert outcome.code == 2
    assert "--expires: a duration must be at most 36500d" in outcome.err


def test_the_valid_examples_still_load() -> None:
    root = Path(__file__).resolve().parents[2]
    for path in sorted(root.glob("stacks/*/integrations.yaml")):
        assert load_spec(str(path)).spec.integrations

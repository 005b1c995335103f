"""`lint --rules` says where each rule can fire, and a seeded fuzzer over specs holds it to that.

Lint judges the state tether renders from the spec; a rule marked pack-only guards against what a
program can register beyond that, so no spec may make lint fire it, and every other rule must be
fired by some spec (else it is dead in lint and belongs in the pack-only column, or nowhere).
"""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from policies.engine import lint
from policies.registry import RULES
from tether.cli.main import main
from tether.errors import SpecInvalid
from tether.spec import load_spec

from .conftest import BASE, LAB, TODAY

FRAMES = ("  - name: frames\n    provider: aws\n    region: eu-west-2\n    bucket: {{name: acme-frames}}\n"
          "    external_id: {id}\n    creator: ann@acme.ai\n    tags: {{owner: ann}}\n")
Slot = list[tuple[str, str]]
SLOTS: list[Slot] = [
    # each slot: options (old, new), of which one or none is applied
    [("    bucket: {name: acme-videos}\n", "    bucket: {name: acme-videos}\n    direct_access: true\n")],
    [("    bucket: {name: acme-videos}\n", "    bucket: {name: acme-videos}\n    strict_client_only: true\n")],
    [("    bucket: {name: acme-videos}\n", "    bucket: {name: acme-videos}\n    list_objects: true\n")],
    [("external_id: acme-videos-5f1c", "external_id: acme-1234")],
    [("signed_url_expiry: 12h", "signed_url_expiry: 2d"), ("    signed_url_expiry: 12h\n", "")],
    [("region: eu-west-2", "region: us-east-1")],
    [("      headers: [Range]\n", "      headers: ['*']\n"),
     ("      headers: [Range]\n", "      origins: [http://app.example.com]\n"),
     ("      headers: [Range]\n", "      methods: [GET, PUT]\n"),
     ("      headers: [Range]\n", "      max_age: 30d\n"),
     ("      headers: [Range]\n", "      expose_headers: ['*']\n")],
    [("  - name: images\n", FRAMES.format(id="acme-frames-77e0") + "  - name: images\n"),
     ("  - name: images\n", FRAMES.format(id="acme-videos-5f1c") + "  - name: images\n")],
    [("    bucket: {name: acme-images}\n", "    bucket: {name: acme-images}\n    direct_access: true\n")],
    [("    bucket: {name: acme-images}\n", "    bucket: {name: acme-images}\n    strict_client_only: true\n")],
    [("    bucket: {name: acme-images}\n", "    bucket: {name: acme-images}\n    hmac_key: true\n")],
    [("    bucket: {name: acme-images}\n", "    bucket: {name: acme-images}\n    reader_account: images-reader\n")],
    [("    prefixes: [shelves/]\n", "")],
    [("calls}\n", "calls}\n    sas: {mode: account-key}\n"),
     ("calls}\n", "calls}\n    sas: {mode: account-key, rotation: 30d}\n")],
    [("calls}\n", "calls}\n    direct_access: true\n")],
    [("calls}\n", "calls}\n    strict_client_only: true\n")],
    [("calls}\n", "calls}\n    prefixes: [calls/]\n")],
    [("    bucket: {name: acme-drones}\n", "    bucket: {name: acme-drones}\n    direct_access: true\n")],
    [("    bucket: {name: acme-drones}\n", "    bucket: {name: acme-drones}\n    strict_client_only: true\n")],
    [("    principal: domain/0a1b2c3d:user/9f8e7d6c\n", "")],
    [("    bucket: {name: acme-lab}\n", "    bucket: {name: acme-lab}\n    strict_client_only: true\n")],
    [("    principal: arn:aws:iam::000000000000:user/platform\n", "")],
    [("https://s3.lab", "http://s3.lab")],
    [("  egress_cidrs: [203.0.113.0/24]\n", "")],
    [("max_url_expiry: 7d", "max_url_expiry: 1h")],
    [("required_tags: [owner]", "required_tags: [owner, team]")],
]
SEED, BUDGET, CHANCE = 20, 160, 0.25


def variants(seed: int, budget: int) -> list[str]:
    """``budget`` specs, each BASE + LAB with a random choice from each slot (fixed seed)."""
    rng = random.Random(seed)
    found = []
    for _ in range(budget):
        text = BASE + LAB
        for slot in SLOTS:
            if rng.random() < CHANCE:
                old, new = rng.choice(slot)
                if text.count(old) == 1:
                    text = text.replace(old, new)
        found.append(text)
    return found


def test_pack_only_rules_never_fire_in_lint_and_the_others_do(write: Callable[..., str]) -> None:
    fired: set[str] = set()
    valid = 0
    for n, text in enumerate(variants(SEED, BUDGET)):
        try:
            loaded = load_spec(write(text, f"stacks/v{n}/integrations.yaml"))
        except SpecInvalid:
            continue
        valid += 1
        fired |= {f.rule.id for f in lint(loaded, TODAY).findings}
    assert valid >= BUDGET // 2
    assert fired & {r.id for r in RULES if r.pack_only} == set()
    assert {r.id for r in RULES if not r.pack_only} <= fired


def test_lint_rules_lists_where_each_rule_fires(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", "--rules"]) == 0
    rows = {line.split()[0]: line.split()[2] for line in capsys.readouterr().out.splitlines()
            if line.startswith("TTH")}
    assert rows == {r.id: ("pack" if r.pack_only else "lint+pack") for r in RULES}
    assert {rule for rule, where in rows.items() if where == "pack"} == {"TTH001", "TTH003", "TTH032", "TTH040"}

"""The registry: every rule module registered once, stable ids, and the rules the issue asks for."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import policies.rules
from policies.registry import BY_ID, RULES
from policies.rule import Rule

ASKED = {
    "bucket not public": {"TTH001"},
    "TLS-only access and minimum TLS 1.2": {"TTH002"},
    "encryption at rest": {"TTH003", "TTH004"},
    "CORS origins HTTPS and never *, methods GET/HEAD unless the spec says why": {"TTH010", "TTH011"},
    "CORS headers named, preflight cache a day at most (issue 20)": {"TTH012"},
    "URL expiry within the organization's maximum and provider limits": {"TTH020"},
    "Azure SAS rotation within the maximum": {"TTH021"},
    "Azure SAS signed by a user delegation key, not the account key (issue 20)": {"TTH022"},
    "strict client-only guard and egress networks, advisory where the provider has none": {"TTH030", "TTH031"},
    "direct access grants nothing": {"TTH032"},
    "platform role trust requires the external ID": {"TTH040"},
    "IAM read-only on declared prefixes": {"TTH041"},
    "external IDs long and not shared between integrations (issue 20)": {"TTH042"},
    "required tags": {"TTH051"},
    "bucket on another continent than the annotators (advisory)": {"TTH060"},
}


def test_ids_and_names_are_unique_and_sorted() -> None:
    assert len(BY_ID) == len(RULES) == len({rule.name for rule in RULES})
    assert [rule.id for rule in RULES] == sorted(BY_ID)


def test_every_rule_module_is_registered() -> None:
    found = set()
    for module in pkgutil.iter_modules(policies.rules.__path__):
        loaded = importlib.import_module(f"policies.rules.{module.name}")
        defined = {value.id for value in vars(loaded).values() if isinstance(value, Rule)}
        assert defined, f"{module.name} defines no rule"
        found |= defined
    assert found == set(BY_ID)


@pytest.mark.parametrize("rule", RULES, ids=[rule.id for rule in RULES])
def test_each_rule_says_what_and_how_to_fix_in_one_line(rule: Rule) -> None:
    assert rule.description.endswith(".") and "\n" not in rule.description
    assert rule.fix and "\n" not in rule.fix
    assert rule.severity in ("mandatory", "advisory")


def test_the_issues_rules_are_all_there() -> None:
    assert set().union(*ASKED.values()) == set(BY_ID)
    assert {rule.id for rule in RULES if not rule.mandatory} == {"TTH004", "TTH022", "TTH031", "TTH060"}


@pytest.mark.parametrize(("rule_id", "name"), [("TTH1", "x"), ("TTH001", "Not Kebab")])
def test_rule_ids_and_names_are_checked(rule_id: str, name: str) -> None:
    with pytest.raises(ValueError):
        Rule(rule_id, name, "d.", "advisory", "f", check=lambda subject: ())

"""TTH042 looks shared external IDs up in an index made once per spec: it must never answer for another spec."""

from __future__ import annotations

from datetime import date

from bench.components import spec_text
from policies.engine import lint
from tether.spec import parse_spec
from tether.spec.model import AwsIntegration


def _shared(text: str) -> list[str]:
    report = lint(parse_spec(text, "integrations.yaml"), date(2026, 12, 1))
    return sorted(f.message for f in report.findings if f.rule.id == "TTH042" and "also" in f.message)


def test_sharing_is_found_in_the_spec_being_linted_not_the_last_one() -> None:
    text = spec_text(20)
    loaded = parse_spec(text, "integrations.yaml")
    aws = [i for i in loaded.spec.integrations if isinstance(i, AwsIntegration)]
    first, second = aws[0], aws[1]
    assert first.external_id and second.external_id
    shared = text.replace(f"external_id: {second.external_id}", f"external_id: {first.external_id}")
    assert _shared(shared) == [
        f"the external ID is also {first.name}'s, so the platform cannot tell their roles apart",
        f"the external ID is also {second.name}'s, so the platform cannot tell their roles apart",
    ]
    assert _shared(text) == []  # the index of the previous spec is not reused
    assert _shared(shared) != []

"""Looking an integration up by name: right after a copy with other integrations, and in a large spec."""

from __future__ import annotations

import pytest

from bench.components import spec_text
from tether.spec.loader import parse_spec


def test_a_copy_with_other_integrations_does_not_find_the_originals() -> None:
    """The name index is private state, which ``model_copy`` carries over: a stale index would find an
    integration the copy does not hold (preview shards a spec this way)."""
    spec = parse_spec(spec_text(10), "ten.yaml").spec
    first, rest = spec.integrations[0], spec.integrations[1:]
    assert spec.integration(first.name) is first  # the index is built
    copy = spec.model_copy(update={"integrations": rest})
    with pytest.raises(KeyError, match=f"no integration named {first.name!r}"):
        copy.integration(first.name)
    assert copy.integration(rest[0].name) is rest[0]
    assert spec.integration(first.name) is first


def test_an_unknown_name_in_a_large_spec_names_the_closest_not_all() -> None:
    spec = parse_spec(spec_text(500), "large.yaml").spec
    wanted = spec.integrations[123].name
    with pytest.raises(KeyError) as caught:
        spec.integration(wanted + "x")
    message = str(caught.value)
    assert f"500 integrations; closest: {wanted}" in message
    assert len(message) < 200
    with pytest.raises(KeyError, match="none is close"):
        spec.integration("§")


def test_every_name_is_found_in_a_large_spec() -> None:
    spec = parse_spec(spec_text(500), "large.yaml").spec
    assert all(spec.integration(i.name) is i for i in spec.integrations)


def test_looking_up_leaves_two_equal_specs_equal() -> None:
    """pydantic compares private attributes, where the name index lives."""
    first, second = (parse_spec(spec_text(5), "five.yaml").spec for _ in range(2))
    assert first == second
    first.integration(first.integrations[0].name)
    assert first == second and second == first
    assert first != parse_spec(spec_text(6), "six.yaml").spec

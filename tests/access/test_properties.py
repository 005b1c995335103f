"""Properties over random organizations: the decisions agree with the rules for everyone, always."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from runtime.access import Action, decide
from tether.spec.model import Spec

from .organizations import oracle_roles, organizations

PEOPLE = [f"u{n}@org.io" for n in range(8)]
"""Everyone who can appear, plus one (u7) who never joins an organization of fewer than eight."""


def _everyone(document: dict[str, Any]) -> tuple[Spec, list[tuple[str, str]]]:
    spec = Spec.model_validate(document)
    return spec, [(user, i.name) for user in PEOPLE for i in spec.integrations]


@settings(max_examples=150, deadline=None)
@given(organizations())
def test_decisions_follow_the_rules(document: dict[str, Any]) -> None:
    spec, pairs = _everyone(document)
    for user, name in pairs:
        roles = oracle_roles(spec, user, name)
        org_admin = user in spec.organization.admins
        assert decide(spec, user, Action.ADD_MEMBERS, name).allowed == ("admin" in roles), "only Admins add users"
        assert decide(spec, user, Action.REMOVE_ADMIN, name).allowed == org_admin, "only org admins remove an Admin"
        creator = spec.integration(name).creator == user
        assert decide(spec, user, Action.DELETE, name).allowed == creator, "only the creator deletes"
        for use in (Action.REGISTER, Action.SIGN):
            assert decide(spec, user, use, name).allowed == bool(roles), "use needs membership"
        assert decide(spec, user, Action.VIEW, name).allowed == (bool(roles) or org_admin)
        assert decide(spec, user, Action.JOIN, name).allowed == org_admin


@settings(max_examples=150, deadline=None)
@given(organizations(), st.data())
def test_access_never_survives_removal_from_every_path(document: dict[str, Any], data: st.DataObject) -> None:
    spec = Spec.model_validate(document)
    integration = data.draw(st.sampled_from(spec.integrations))
    user = data.draw(
        st.sampled_from([p for p in spec.organization.members if p != integration.creator] or ["none@org.io"])
    )
    integration.members = [m for m in integration.members if m.email != user]
    granted = {g.group for g in integration.groups}
    for group in granted:
        spec.organization.groups[group] = [m for m in spec.organization.groups[group] if m != user]
    for action in (Action.REGISTER, Action.SIGN, Action.ADD_MEMBERS, Action.UPDATE_EXPIRY):
        assert not decide(spec, user, action, integration).allowed, action
    org_admin = user in spec.organization.admins
    assert decide(spec, user, Action.VIEW, integration).allowed == org_admin
    assert decide(spec, user, Action.REMOVE_MEMBERS, integration).allowed == org_admin, "org admins remove anyone"

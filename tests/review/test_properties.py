"""Random sequences of spec changes by random authors: whatever the review lets through keeps the rules.

Each step edits the current spec as some person would in a pull request; when the review allows
every change the edit is merged, else dropped. The checks read the before and after specs directly,
so a change the diff failed to notice would be caught too.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from runtime.access import Action, decide
from runtime.review import diff, judge_all
from tests.access.organizations import oracle_roles, organizations
from tether.spec.model import AwsIntegration, GroupGrant, Member, Role, Spec

OPS = (
    "add-member",
    "join",
    "remove-member",
    "flip-member",
    "add-group",
    "remove-group",
    "flip-group",
    "delete",
    "expiry",
)
FLIP: dict[Role, Role] = {"admin": "user", "user": "admin"}


def _edit(data: st.DataObject, spec: Spec, actor: str) -> Spec | None:
    """One edit of a copy of ``spec``, or None when the drawn edit is impossible here."""
    head = spec.model_copy(deep=True)
    if not head.integrations:
        return None
    integration = data.draw(st.sampled_from(head.integrations))
    org = head.organization
    listed = {m.email for m in integration.members} | {integration.creator}
    granted = {g.group for g in integration.groups}
    match data.draw(st.sampled_from(OPS)):
        case "add-member":
            free = [p for p in org.members if p not in listed]
            if not free:
                return None
            email = data.draw(st.sampled_from(free))
            integration.members.append(Member(email=email, role=data.draw(st.sampled_from(["admin", "user"]))))
        case "join":
            if actor not in org.admins or actor in listed:
                return None
            integration.members.append(Member(email=actor, role="admin"))
        case "remove-member" | "flip-member" as op:
            others = [m for m in integration.members if m.email != integration.creator]
            if not others:
                return None
            member = data.draw(st.sampled_from(others))
            if op == "remove-member":
                integration.members.remove(member)
            else:
                member.role = FLIP[member.role]
        case "add-group":
            free = [g for g in org.groups if g not in granted]
            if not free:
                return None
            integration.groups.append(GroupGrant(group=data.draw(st.sampled_from(free)), role="user"))
        case "remove-group" | "flip-group" as op:
            if not integration.groups:
                return None
            grant = data.draw(st.sampled_from(integration.groups))
            if op == "remove-group":
                integration.groups.remove(grant)
            else:
                grant.role = FLIP[grant.role]
        case "delete":
            head.integrations.remove(integration)
        case _:
            assert isinstance(integration, AwsIntegration)
            integration.signed_url_expiry -= timedelta(hours=1)
    return head


def _entries(spec: Spec, name: str) -> dict[tuple[str, str], Role]:
    integration = spec.integration(name)
    return {("member", m.email): m.role for m in integration.members} | {
        ("group", g.group): g.role for g in integration.groups
    }


def _check_merged(base: Spec, head: Spec, actor: str) -> None:
    """What an allowed change may have done, read from the two specs alone."""
    kept = {i.name for i in head.integrations}
    for integration in base.integrations:
        name = integration.name
        if name not in kept:
            assert actor == integration.creator, "only the creator deletes"
            continue
        before, after = _entries(base, name), _entries(head, name)
        grown = {key for key, role in after.items() if before.get(key) not in (role, "admin")}
        joined = (
            grown == {("member", actor)} and after[("member", actor)] == "admin" and actor in base.organization.admins
        )
        if grown and not joined:
            assert "admin" in oracle_roles(base, actor, name), "no non-Admin ever adds users or groups"
        lost_admins = {
            k for k, role in before.items() if k[0] == "member" and role == "admin" and after.get(k) != "admin"
        }
        if lost_admins:
            assert actor in base.organization.admins, "only an org admin removes an individual Admin"


@settings(max_examples=120, deadline=None)
@given(organizations(), st.data())
def test_merged_changes_keep_the_rules(document: dict[str, Any], data: st.DataObject) -> None:
    spec = Spec.model_validate(document)
    people = [*spec.organization.members, "outsider@else.io"]
    for _ in range(data.draw(st.integers(1, 12))):
        actor = data.draw(st.sampled_from(people))
        head = _edit(data, spec, actor)
        if head is None:
            continue
        verdicts = judge_all(spec, head, actor, diff(spec, head))
        assert verdicts, "every edit is seen as at least one change"
        if all(v.decision.allowed for v in verdicts):
            _check_merged(spec, head, actor)
            spec = head
    for person in people:
        for integration in spec.integrations:
            allowed = decide(spec, person, Action.REGISTER, integration).allowed
            assert allowed == bool(oracle_roles(spec, person, integration.name)), "access exactly follows the paths"

"""Each edit of a spec change decided against its author, with the rule and what to do instead.

Authority comes from the spec before the change: nobody grants themselves a role and uses it in
the same pull request (an org admin joins in one change, then administers in the next).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from runtime.access import Action, Decision, decide, is_org_admin, normalize, require_admin, role_of
from runtime.review.changes import Change, Kind
from tether.spec.model import AnyIntegration, Spec


@dataclass(frozen=True)
class Verdict:
    """A change, its decision, and for a denied change the way forward."""

    change: Change
    decision: Decision
    fix: str | None
    flag: str | None = None
    """What a reviewer should see even when the change is allowed: origins it adds (R11)."""


def judge(base: Spec, head: Spec, actor: str, change: Change) -> Verdict:
    """Decide ``change`` made by ``actor``; ``base`` gives the roles, ``head`` the new integration when one is added."""
    flag = widens(change)
    if change.kind is Kind.INTEGRATION_ADDED:
        flag = _origins_beyond_platform(base, head.integration(change.integration or ""))
    return replace(_judge(base, head, normalize(actor), change), flag=flag)


def _judge(base: Spec, head: Spec, actor: str, change: Change) -> Verdict:
    if change.integration is None:
        return _organization(base, head, actor, change)
    if change.kind in (Kind.WAIVER_ADDED, Kind.WAIVER_CHANGED):  # also on a new integration
        if is_org_admin(base, actor):
            return Verdict(change, Decision(True, f"{actor} is an organization admin", "R7"), None)
        reason = "a waiver sets aside an organization policy rule, so only organization admins add or extend one"
        return Verdict(change, Decision(False, reason, "R7"), _ask_org_admin(base, "make this change"))
    if change.kind is Kind.INTEGRATION_ADDED:
        return _created(base, head.integration(change.integration), actor, change)
    integration = base.integration(change.integration)
    decision, fix = _integration(base, head, actor, integration, change)
    return Verdict(change, decision, None if decision.allowed else fix)


def judge_all(base: Spec, head: Spec, actor: str, changes: list[Change]) -> list[Verdict]:
    """Every change decided, in the order given."""
    return [judge(base, head, actor, change) for change in changes]


def admins_of(spec: Spec, integration: AnyIntegration) -> list[str]:
    """Who holds Admin on ``integration`` today: the people to ask."""
    return [m for m in spec.organization.members if (g := role_of(spec, m, integration)) and g.role == "admin"]


def _ask_admins(spec: Spec, integration: AnyIntegration, what: str) -> str:
    return f"ask an Admin of {integration.name} ({', '.join(admins_of(spec, integration))}) to {what}"


def _ask_org_admin(spec: Spec, what: str) -> str:
    return f"ask an organization admin ({', '.join(spec.organization.admins) or 'none declared'}) to {what}"


def _created(base: Spec, integration: AnyIntegration, actor: str, change: Change) -> Verdict:
    name = integration.name
    if actor not in base.organization.members:
        reason = f"{actor} is not a member of organization {base.organization.name}: only members create integrations"
        return Verdict(
            change, Decision(False, reason, "R1"), _ask_org_admin(base, f"add {actor} to the organization first")
        )
    if integration.creator != actor:
        reason = f"{name} names {integration.creator} as creator, but {actor} is creating it: the creator is its author"
        fix = f"set creator: {actor}, or let {integration.creator} open this change"
        return Verdict(change, Decision(False, reason, "R1"), fix)
    return Verdict(change, Decision(True, f"{actor} creates {name} and becomes its Admin", "R1"), None)


def _integration(
    spec: Spec, head: Spec, actor: str, integration: AnyIntegration, change: Change
) -> tuple[Decision, str]:
    """The decision for an edit to an existing integration, and the fix should it be denied."""
    name, subject = integration.name, change.subject
    settings = "make this change"
    match change.kind:
        case Kind.INTEGRATION_REMOVED:
            decision = decide(spec, actor, Action.DELETE, integration)
            fix = f"ask the creator, {integration.creator}, to delete it"
            if change.after:
                moved = f"add previous_names: [{name}] to {change.after}"
                fix = f"{moved} so its resources move instead of being replaced, or {fix}"
            return decision, fix
        case Kind.INTEGRATION_REPLACED:
            decision = decide(spec, actor, Action.DELETE, integration)
            if decision.allowed:
                return decision, ""
            reason = f"changing {subject} replaces the resources of {name}, which deletes them: {decision.reason}"
            return Decision(False, reason, "R3"), f"keep {subject} as it is, or ask the creator, {integration.creator}"
        case Kind.CREATOR_CHANGED:
            return _reassigned(spec, head, actor, integration, change)
        case Kind.MEMBER_ADDED | Kind.MEMBER_ROLE_CHANGED if change.after == "admin" and subject == actor:
            if is_org_admin(spec, actor):
                return decide(spec, actor, Action.JOIN, integration), "join"
            decision = decide(spec, actor, Action.ADD_MEMBERS, integration)
            return decision, _ask_admins(spec, integration, f"make {subject} an Admin")
        case Kind.MEMBER_ADDED | Kind.GROUP_ADDED:
            decision = decide(spec, actor, Action.ADD_MEMBERS, integration)
            return decision, _ask_admins(spec, integration, f"add {subject}")
        case Kind.MEMBER_ROLE_CHANGED | Kind.GROUP_ROLE_CHANGED if change.after == "admin":
            return decide(spec, actor, Action.ADD_MEMBERS, integration), _ask_admins(spec, integration, settings)
        case Kind.MEMBER_REMOVED | Kind.MEMBER_ROLE_CHANGED if change.before == "admin":
            decision = decide(spec, actor, Action.REMOVE_ADMIN, integration)
            return decision, _ask_org_admin(spec, f"remove Admin {subject} from {name}")
        case Kind.GROUP_REMOVED | Kind.GROUP_ROLE_CHANGED if change.before == "admin":
            if is_org_admin(spec, actor):
                return Decision(True, f"{actor} is an organization admin", "R6"), ""
            reason = (
                f"group {subject} holds Admin on {name}: removing or demoting it removes Admins, which only an "
                "organization admin may do"
            )
            return Decision(False, reason, "R6"), _ask_org_admin(spec, f"remove group {subject} from {name}")
        case Kind.MEMBER_REMOVED | Kind.GROUP_REMOVED | Kind.GROUP_ROLE_CHANGED:
            return decide(spec, actor, Action.REMOVE_MEMBERS, integration), _ask_admins(spec, integration, settings)
        case Kind.CLIENT_ONLY_CHANGED | Kind.DIRECT_ACCESS_CHANGED:
            return _fixed_at_creation(integration, change)
        case Kind.EXPIRY_CHANGED if subject == "signed_url_expiry":
            return decide(spec, actor, Action.UPDATE_EXPIRY, integration), _ask_admins(spec, integration, settings)
        case Kind.EXPIRY_CHANGED:
            decision = require_admin(spec, actor, integration, "change how often SAS tokens are rotated", "R10")
            return decision, _ask_admins(spec, integration, settings)
        case Kind.CORS_CHANGED:
            return _cors(spec, actor, integration, change)
        case Kind.WAIVER_REMOVED if is_org_admin(spec, actor):
            return Decision(True, f"{actor} is an organization admin", "R7"), ""
    decision = require_admin(spec, actor, integration, f"change {subject}", "R2")
    return decision, _ask_admins(spec, integration, settings)


def _reassigned(
    spec: Spec, head: Spec, actor: str, integration: AnyIntegration, change: Change
) -> tuple[Decision, str]:
    """The creator is fixed while they are in the organization; once they leave, an org admin names a new one (R3)."""
    creator, name, org = integration.creator, integration.name, spec.organization.name
    if creator in head.organization.members:
        reason = f"the creator of {name} is fixed while {creator} is in the organization: only they may delete it"
        return Decision(False, reason, "R3"), f"keep creator: {creator}; make {change.after} an Admin instead"
    if is_org_admin(spec, actor):
        new = change.after
        reason = f"{creator} leaves organization {org}, so organization admin {actor} reassigns {name} to {new}"
        return Decision(True, reason, "R3"), ""
    reason = f"{creator} leaves organization {org}: only an organization admin reassigns the creator of {name}"
    return Decision(False, reason, "R3"), _ask_org_admin(spec, "make this change")


def _fixed_at_creation(integration: AnyIntegration, change: Change) -> tuple[Decision, str]:
    what, rule = ("strict client-only", "R8") if change.kind is Kind.CLIENT_ONLY_CHANGED else ("Direct Access", "R9")
    reason = f"{what} is chosen when an integration is created and cannot be turned on or off later"
    fix = (
        f"keep {change.subject}: {change.before}; to get {change.subject}: {change.after}, create a new integration "
        f"with it, move registrations there, then have {integration.creator} delete {integration.name}"
    )
    return Decision(False, reason, rule), fix


ORIGIN_SUBJECTS = ("cors.origins", "platform.origins")


def added_origins(change: Change) -> list[str]:
    """The web origins ``change`` adds (none unless it edits a list of origins)."""
    if change.subject not in ORIGIN_SUBJECTS:
        return []
    old = set((change.before or "").split(", "))
    return [origin for origin in (change.after or "").split(", ") if origin not in old and origin != "(none)"]


def widens(change: Change) -> str | None:
    """A flag for every origin added: each is one more web site whose pages may use the signed URLs (R11)."""
    return _widening(added_origins(change))


def _widening(added: list[str]) -> str | None:
    if not added:
        return None
    return f"widens who may use the signed URLs: adds origin{'s' * (len(added) > 1)} {', '.join(added)}"


def _origins_beyond_platform(base: Spec, integration: AnyIntegration) -> str | None:
    """A new integration's flag: the origins it allows that the platform's list does not (R11)."""
    return _widening([origin for origin in integration.cors.origins if origin not in base.platform.origins])


def insecure(change: Change) -> str | None:
    """Why added origins are refused: not HTTPS (the spec itself refuses any ``*``), or None (R11)."""
    said = [f"origin {origin} is not HTTPS" for origin in added_origins(change) if not origin.startswith("https://")]
    return "; ".join(said) or None


def _cors(spec: Spec, actor: str, integration: AnyIntegration, change: Change) -> tuple[Decision, str]:
    decision = require_admin(spec, actor, integration, "change CORS", "R11")
    wide = insecure(change)
    if wide:
        also = "" if decision.allowed else f"; also {decision.reason}"
        fix = "list the exact https:// origins of the web apps that load the data"
        return Decision(False, wide + also, "R11"), fix
    return decision, _ask_admins(spec, integration, "make this change")


def _organization(spec: Spec, head: Spec, actor: str, change: Change) -> Verdict:
    """Organization members, admins, groups, platform and policy: org admins only (R7 gives them the organization)."""
    wide = insecure(change)
    if wide:
        return Verdict(change, Decision(False, wide, "R11"), "list the exact https:// origins of the platform")
    if change.subject == "organization.admins" and change.after is None and not head.organization.admins:
        reason = (
            f"removing {change.before} leaves {spec.organization.name} without an organization admin: nobody could "
            "then change the organization or remove an individual Admin"
        )
        return Verdict(change, Decision(False, reason, "R7"), "name another organization admin in the same change")
    if is_org_admin(spec, actor):
        return Verdict(change, Decision(True, f"{actor} is an organization admin", "R7"), None)
    affects = (
        " (it changes who reaches integrations through the group)"
        if change.subject.startswith("organization.groups")
        else ""
    )
    reason = f"only organization admins change {change.subject}{affects}"
    return Verdict(change, Decision(False, reason, "R7"), _ask_org_admin(spec, "make this change"))

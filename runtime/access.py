"""Who may do what with an integration (R1-R7), with the reason said in plain words.

Pure functions over a loaded spec: the runtime asks them at use (view, register, sign) and the
change review asks them for each edit a pull request makes, so both enforce one set of rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import assert_never

from tether.spec.model import AnyIntegration, AzureIntegration, Role, Spec


class Action(StrEnum):
    """Every action of the product's permission table, plus signing (which is using, like registering)."""

    VIEW = "view"
    REGISTER = "register"
    SIGN = "sign"
    DELETE = "delete"
    ADD_MEMBERS = "add-members"
    REMOVE_MEMBERS = "remove-members"
    REMOVE_ADMIN = "remove-admin"
    JOIN = "join"
    UPDATE_EXPIRY = "update-expiry"


@dataclass(frozen=True)
class Decision:
    """An answer and why: ``reason`` is for people, ``rule`` is the design.md rule id (R1-R10)."""

    allowed: bool
    reason: str
    rule: str


class Via(StrEnum):
    """How a person holds a role on an integration."""

    CREATOR = "creator"
    JOINED = "joined"
    DIRECT = "direct"
    GROUP = "group"


@dataclass(frozen=True)
class Grant:
    """One path to a role: ``group`` names the group when ``via`` is GROUP."""

    role: Role
    via: Via
    group: str | None = None

    def describe(self, user: str) -> str:
        """``carol@x is a User through group labelers``."""
        role = "an Admin" if self.role == "admin" else "a User"
        how = {
            Via.CREATOR: "as its creator",
            Via.JOINED: "having joined as an organization admin",
            Via.DIRECT: "added directly",
            Via.GROUP: f"through group {self.group}",
        }[self.via]
        return f"{user} is {role} {how}"


_STRENGTH = {Via.CREATOR: 0, Via.JOINED: 1, Via.DIRECT: 2, Via.GROUP: 3}


def normalize(email: str) -> str:
    """Emails compare case-insensitively, as the spec stores them (lower case)."""
    return email.strip().lower()


def is_org_admin(spec: Spec, user: str) -> bool:
    """Organization admins list and join every integration (R7) and remove individual Admins (R6)."""
    return normalize(user) in spec.organization.admins


def grants(spec: Spec, user: str, integration: AnyIntegration) -> list[Grant]:
    """Every path by which ``user`` holds a role on ``integration``, strongest first.

    A direct Admin entry of an organization admin is read as a join: joining is recorded that way.
    Nobody outside the organization holds a role, whatever the integration lists (R1).
    """
    user = normalize(user)
    if user not in spec.organization.members:
        return []
    found: list[Grant] = []
    if integration.creator == user:
        found.append(Grant("admin", Via.CREATOR))
    for member in integration.members:
        if member.email == user:
            joined = member.role == "admin" and user in spec.organization.admins
            found.append(Grant(member.role, Via.JOINED if joined else Via.DIRECT))
    for grant in integration.groups:
        if user in spec.organization.groups.get(grant.group, []):
            found.append(Grant(grant.role, Via.GROUP, grant.group))
    return sorted(found, key=lambda g: (g.role != "admin", _STRENGTH[g.via], g.group or ""))


def role_of(spec: Spec, user: str, integration: AnyIntegration) -> Grant | None:
    """The strongest grant ``user`` holds on ``integration``, or None when they are not a member."""
    found = grants(spec, user, integration)
    return found[0] if found else None


def decide(spec: Spec, user: str, action: Action, integration: str | AnyIntegration) -> Decision:
    """May ``user`` do ``action`` on ``integration``? A KeyError names the integrations when ``integration`` is unknown.

    Direct Access refusing to sign is not decided here: the signer does that (R9).
    """
    target = spec.integration(integration) if isinstance(integration, str) else integration
    user = normalize(user)
    name = target.name
    if user not in spec.organization.members:
        return Decision(False, f"{user} is not a member of organization {spec.organization.name}", "R1")
    grant = role_of(spec, user, target)
    org_admin = user in spec.organization.admins
    match action:
        case Action.VIEW:
            return _view(user, name, grant, org_admin)
        case Action.REGISTER | Action.SIGN:
            return _use(user, name, grant, org_admin)
        case Action.DELETE:
            if target.creator == user:
                return Decision(True, f"{user} created {name}", "R3")
            return Decision(False, f"only the creator, {target.creator}, may delete {name}", "R3")
        case Action.ADD_MEMBERS:
            return require_admin(spec, user, target, "add users and groups", "R2")
        case Action.REMOVE_MEMBERS:
            if org_admin:
                return Decision(True, f"{user} is an organization admin", "R6")
            return require_admin(spec, user, target, "remove users and groups", "R6")
        case Action.REMOVE_ADMIN:
            if org_admin:
                return Decision(True, f"{user} is an organization admin", "R6")
            return Decision(False, f"an individual Admin of {name} can be removed only by an organization admin", "R6")
        case Action.JOIN:
            if not org_admin:
                return Decision(
                    False, f"only organization admins join integrations; ask an Admin of {name} to add {user}", "R7"
                )
            if grant and grant.role == "admin":
                return Decision(True, f"{grant.describe(user)} already; joining changes nothing", "R7")
            return Decision(True, f"{user} is an organization admin: joining makes them an Admin of {name}", "R7")
        case Action.UPDATE_EXPIRY:
            if isinstance(target, AzureIntegration):
                return Decision(
                    False,
                    f"{name} is on Azure, which has no custom URL expiry: its SAS tokens are rotated instead",
                    "R10",
                )
            return require_admin(spec, user, target, "change the signed URL expiry", "R2")
    assert_never(action)


def _view(user: str, name: str, grant: Grant | None, org_admin: bool) -> Decision:
    if grant:
        return Decision(True, grant.describe(user), "R2")
    if org_admin:
        return Decision(True, f"{user} is an organization admin, who sees every integration", "R7")
    return Decision(False, f"{user} is not a member of {name}, directly or through a group", "R4")


def _use(user: str, name: str, grant: Grant | None, org_admin: bool) -> Decision:
    if grant:
        return Decision(True, grant.describe(user), "R4")
    if org_admin:
        return Decision(False, f"{user} is an organization admin but has not joined {name}: join it first", "R4")
    return Decision(
        False, f"{user} is not a member of {name}, directly or through a group: an Admin of it must add them", "R4"
    )


def require_admin(spec: Spec, user: str, integration: AnyIntegration, what: str, rule: str) -> Decision:
    """Allowed when ``user`` is an Admin of ``integration``; ``what`` completes "only Admins ...".

    The change review uses it for the settings the permission table leaves to Admins (rename, bucket, CORS).
    """
    user = normalize(user)
    if user not in spec.organization.members:
        return Decision(False, f"{user} is not a member of organization {spec.organization.name}", "R1")
    grant = role_of(spec, user, integration)
    if grant and grant.role == "admin":
        return Decision(True, grant.describe(user), rule)
    held = f"{grant.describe(user)}, " if grant else f"{user} is not a member of {integration.name}, "
    hint = "join it first" if is_org_admin(spec, user) else f"ask an Admin of {integration.name}"
    return Decision(False, f"{held}and only Admins {what}: {hint}", rule)

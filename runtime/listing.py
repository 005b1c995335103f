"""What a person sees on the integrations page (R7): their integrations, or every one for an org admin.

Each row says the role and how it was obtained, so "why can carol register here?" has an answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from runtime.access import Via, is_org_admin, normalize, role_of
from tether.spec.model import Role, Spec


@dataclass(frozen=True)
class Visible:
    """One integration as ``user`` sees it; ``role`` is None only for an org admin who has not joined."""

    name: str
    provider: str
    owner: str
    role: Role | None
    via: Via | None
    group: str | None
    joinable: bool

    def as_dict(self) -> dict[str, object]:
        """The JSON shape of a row (stable for machines)."""
        return {
            "name": self.name,
            "provider": self.provider,
            "owner": self.owner,
            "role": self.role,
            "via": self.via.value if self.via else None,
            "group": self.group,
            "joinable": self.joinable,
        }


def visible(spec: Spec, user: str, owner: str | None = None, mine: bool = False) -> list[Visible]:
    """Integrations ``user`` belongs to (all of them for an org admin), in spec order.

    ``owner`` keeps those its creator made; ``mine`` keeps those the user belongs to, which for an
    org admin drops the ones not yet joined.
    """
    org_admin = is_org_admin(spec, user)
    rows: list[Visible] = []
    for integration in spec.integrations:
        if owner is not None and integration.creator != normalize(owner):
            continue
        grant = role_of(spec, user, integration)
        if grant is None and (mine or not org_admin):
            continue
        rows.append(
            Visible(
                name=integration.name,
                provider=integration.provider,
                owner=integration.creator,
                role=grant.role if grant else None,
                via=grant.via if grant else None,
                group=grant.group if grant else None,
                joinable=org_admin and (grant is None or grant.role != "admin"),
            )
        )
    return rows

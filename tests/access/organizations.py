"""Hypothesis strategies for random organizations, and an oracle for roles written independently of runtime.access."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from tether.spec.model import Spec

ROLES = ("admin", "user")


@st.composite
def organizations(draw: st.DrawFn) -> dict[str, Any]:
    """A valid spec document: 2-7 members, some org admins, up to 3 groups, 1-3 AWS integrations."""
    people = [f"u{n}@org.io" for n in range(draw(st.integers(2, 7)))]
    subset = st.lists(st.sampled_from(people), unique=True)
    groups = {f"g{n}": draw(subset) for n in range(draw(st.integers(0, 3)))}
    integrations = []
    for n in range(draw(st.integers(1, 3))):
        creator = draw(st.sampled_from(people))
        members = [
            {"email": email, "role": "admin" if email == creator else draw(st.sampled_from(ROLES))}
            for email in draw(subset)
        ]
        grants = (
            [
                {"group": g, "role": draw(st.sampled_from(ROLES))}
                for g in draw(st.lists(st.sampled_from(sorted(groups)), unique=True))
            ]
            if groups
            else []
        )
        integrations.append(
            {
                "name": f"int-{n}",
                "provider": "aws",
                "region": "eu-west-2",
                "bucket": {"name": f"org-bucket-{n}"},
                "external_id": f"ext-{n}",
                "creator": creator,
                "members": members,
                "groups": grants,
            }
        )
    return {
        "version": 1,
        "organization": {"name": "org", "members": people, "admins": draw(subset), "groups": groups},
        "platform": {"origins": ["https://app.example.com"], "aws": {"account_id": "111122223333"}},
        "integrations": integrations,
    }


def oracle_roles(spec: Spec, user: str, name: str) -> set[str]:
    """Every role ``user`` holds on integration ``name``, straight from the spec's lists."""
    if user not in spec.organization.members:
        return set()
    integration = spec.integration(name)
    roles = {"admin"} if integration.creator == user else set()
    roles |= {m.role for m in integration.members if m.email == user}
    roles |= {g.role for g in integration.groups if user in spec.organization.groups.get(g.group, [])}
    return roles

"""Checks across the spec that no single field can make: references, uniqueness, membership."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from tether.problems import Path
from tether.spec.model import AwsIntegration, AzureIntegration, GcpIntegration, Spec

Finding = tuple[Path, str]


def check_references(spec: Spec) -> list[Finding]:
    """Every cross-reference problem of a structurally valid spec, in file order."""
    return [*_organization(spec), *_integrations(spec), *_previous_names(spec), *_platform_needed(spec)]


def _duplicates(values: list[str], path: Path, what: str) -> Iterator[Finding]:
    seen: set[str] = set()
    for index, value in enumerate(values):
        if value in seen:
            yield (*path, index), f"{what} {value!r} is listed twice"
        seen.add(value)


def _previous_names(spec: Spec) -> Iterator[Finding]:
    """A previous name is no current integration's, and one integration claims it: it becomes that one's alias."""
    current = {integration.name for integration in spec.integrations}
    claimed: dict[str, str] = {}
    for index, integration in enumerate(spec.integrations):
        for n_index, old in enumerate(integration.previous_names):
            where: Path = ("integrations", index, "previous_names", n_index)
            if old in current:
                yield where, f"previous name {old!r} is the name of a current integration"
            elif old in claimed:
                yield where, f"previous name {old!r} is claimed by {claimed[old]} too"
            claimed.setdefault(old, integration.name)


def _organization(spec: Spec) -> Iterator[Finding]:
    org = spec.organization
    members = set(org.members)
    yield from _duplicates(org.members, ("organization", "members"), "member")
    for index, admin in enumerate(org.admins):
        if admin not in members:
            yield ("organization", "admins", index), f"org admin {admin!r} is not in organization.members"
    for group, emails in org.groups.items():
        yield from _duplicates(emails, ("organization", "groups", group), "group member")
        for index, email in enumerate(emails):
            if email not in members:
                yield (
                    ("organization", "groups", group, index),
                    f"group member {email!r} is not in organization.members",
                )


def _integrations(spec: Spec) -> Iterator[Finding]:
    org = spec.organization
    members = set(org.members)
    names = Counter(i.name for i in spec.integrations)
    buckets: dict[tuple[str, str, str], str] = {}
    for index, integration in enumerate(spec.integrations):
        at: Path = ("integrations", index)
        if names[integration.name] > 1:
            yield (*at, "name"), f"integration name {integration.name!r} is used more than once"
        if integration.creator not in members:
            yield (*at, "creator"), f"creator {integration.creator!r} is not a member of the organization (R1)"
        seen: set[str] = set()
        for m_index, member in enumerate(integration.members):
            where = (*at, "members", m_index, "email")
            if member.email not in members:
                yield where, f"{member.email!r} is not a member of the organization"
            if member.email == integration.creator and member.role != "admin":
                yield (*at, "members", m_index, "role"), "the creator is always an admin of their integration"
            if member.email in seen:
                yield where, f"{member.email!r} is listed twice"
            seen.add(member.email)
        granted: set[str] = set()
        for g_index, grant in enumerate(integration.groups):
            where = (*at, "groups", g_index, "group")
            if grant.group not in org.groups:
                known = ", ".join(sorted(org.groups)) or "none declared"
                yield where, f"unknown group {grant.group!r} (organization.groups: {known})"
            if grant.group in granted:
                yield where, f"group {grant.group!r} is listed twice"
            granted.add(grant.group)
        account = integration.bucket.account if isinstance(integration, AzureIntegration) else ""
        key = (integration.provider, account, integration.bucket.name)
        if key in buckets:
            yield (*at, "bucket"), f"bucket already used by integration {buckets[key]!r}; one bucket, one integration"
        buckets.setdefault(key, integration.name)


def _platform_needed(spec: Spec) -> Iterator[Finding]:
    """A provider's platform identity must be declared when an integration grants it access."""
    needs = {
        "aws": any(isinstance(i, AwsIntegration) and not i.direct_access for i in spec.integrations),
        "gcp": any(isinstance(i, GcpIntegration) and not i.direct_access for i in spec.integrations),
        "azure": any(
            isinstance(i, AzureIntegration) and not i.direct_access and i.sas.mode == "user-delegation"
            for i in spec.integrations
        ),
    }
    for provider, needed in needs.items():
        if needed and getattr(spec.platform, provider) is None:
            yield ("platform",), f"platform.{provider} is required: {provider} integrations grant the platform access"

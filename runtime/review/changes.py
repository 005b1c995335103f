"""A spec change as a list of edits a person would name: "add bob as Admin", "turn off client-only".

Integrations are paired by name, or by a new name that lists the old one in ``previous_names`` (which
the components turn into Pulumi aliases): only then is a rename a rename. A rename without it, a new
provider, or a field that replaces the storage (REPLACES) makes Pulumi delete the resources and
create new ones, so it is reported as what it does: a delete and a create.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

from tether.problems import Path
from tether.spec.model import AnyIntegration, AzureBucket, Spec
from tether.spec.source import SourceMap


class Kind(StrEnum):
    """What kind of edit a change is; each kind is judged by one rule (see judge.py)."""

    INTEGRATION_ADDED = "integration-added"
    INTEGRATION_REMOVED = "integration-removed"
    INTEGRATION_RENAMED = "integration-renamed"
    INTEGRATION_REPLACED = "integration-replaced"
    CREATOR_CHANGED = "creator-changed"
    MEMBER_ADDED = "member-added"
    MEMBER_REMOVED = "member-removed"
    MEMBER_ROLE_CHANGED = "member-role-changed"
    GROUP_ADDED = "group-added"
    GROUP_REMOVED = "group-removed"
    GROUP_ROLE_CHANGED = "group-role-changed"
    EXPIRY_CHANGED = "expiry-changed"
    CORS_CHANGED = "cors-changed"
    CLIENT_ONLY_CHANGED = "client-only-changed"
    DIRECT_ACCESS_CHANGED = "direct-access-changed"
    BUCKET_CHANGED = "bucket-changed"
    SETTING_CHANGED = "setting-changed"
    ORGANIZATION_CHANGED = "organization-changed"
    WAIVER_ADDED = "waiver-added"
    WAIVER_CHANGED = "waiver-changed"
    WAIVER_REMOVED = "waiver-removed"


@dataclass(frozen=True)
class Change:
    """One edit. ``integration`` is its name before the change (after, when added); None for org-wide edits.

    ``subject`` is the email, group or field edited; ``before``/``after`` are display values (None: absent).
    ``path`` locates it in the ``side`` file, so a review can point at the line.
    """

    kind: Kind
    integration: str | None
    subject: str
    before: str | None
    after: str | None
    path: Path
    side: Literal["base", "head"]

    def describe(self) -> str:
        """The edit in a few plain words."""
        subject, before, after = self.subject, self.before, self.after
        match self.kind:
            case Kind.INTEGRATION_ADDED:
                return f"create integration {self.integration} ({after})"
            case Kind.INTEGRATION_REMOVED if after:
                return (
                    f"delete integration {self.integration} (renamed to {after} without previous_names: "
                    "its resources are replaced)"
                )
            case Kind.INTEGRATION_REMOVED:
                return f"delete integration {self.integration}"
            case Kind.INTEGRATION_REPLACED:
                return f"replace integration {self.integration} ({subject}: {before} → {after}): a delete and a create"
            case Kind.INTEGRATION_RENAMED:
                return f"rename integration {before} to {after}"
            case Kind.CREATOR_CHANGED:
                return f"change the creator from {before} to {after}"
            case Kind.MEMBER_ADDED:
                return f"add {subject} as {_role(after)}"
            case Kind.MEMBER_REMOVED:
                return f"remove {_role(before)} {subject}"
            case Kind.MEMBER_ROLE_CHANGED:
                return f"make {subject} {_role(after)} (was {_role(before)})"
            case Kind.GROUP_ADDED:
                return f"add group {subject} as {_role(after)}"
            case Kind.GROUP_REMOVED:
                return f"remove group {subject} ({_role(before)})"
            case Kind.GROUP_ROLE_CHANGED:
                return f"make group {subject} {_role(after)} (was {_role(before)})"
            case Kind.CLIENT_ONLY_CHANGED:
                return f"turn strict client-only {'on' if after == 'true' else 'off'}"
            case Kind.DIRECT_ACCESS_CHANGED:
                return f"turn Direct Access {'on' if after == 'true' else 'off'}"
            case Kind.WAIVER_ADDED:
                return f"waive {subject} {after}"
            case Kind.WAIVER_CHANGED:
                return f"change the waiver of {subject} ({before} → {after})"
            case Kind.WAIVER_REMOVED:
                return f"drop the waiver of {subject} ({before})"
        if before is None:
            return f"add {after} to {subject}"
        if after is None:
            return f"remove {before} from {subject}"
        return f"change {subject}: {before} → {after}"


def _role(role: str | None) -> str:
    return "Admin" if role == "admin" else "User"


def show(value: Any) -> str:
    """A dumped spec value the way the spec writes it: ``12h``, ``a, b``, ``{"k": "v"}``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ", ".join(value) or "(none)"
    if isinstance(value, list | dict):
        return json.dumps(value, sort_keys=True)
    return "(none)" if value is None else str(value)


REPLACES: dict[str, tuple[str, ...]] = {
    "aws": ("region",),
    "gcp": ("project", "region"),
    "azure": ("region", "resource_group"),
    "otc": ("region", "endpoint"),
    "s3-compatible": ("endpoint", "region"),
}
"""Fields besides the bucket whose change makes the provider replace the storage (a delete and a create).

pulumi-aws: an S3 bucket's ``bucket`` and ``region`` force a new resource (terraform-provider-aws
``resource_bucket.go``: ForceNew); an OTC or S3-compatible ``endpoint`` is another store altogether.
pulumi-gcp: a bucket's ``name``, ``location`` and ``project`` force a new one (``resource_storage_bucket.go``).
azure-native: a storage account's ``accountName``, ``resourceGroupName`` and ``location`` and a
container's ``containerName`` are replace-on-change properties of the resource schema.
"""


_SPECIAL = {
    "name",
    "provider",
    "creator",
    "members",
    "groups",
    "cors",
    "direct_access",
    "strict_client_only",
    "bucket",
    "signed_url_expiry",
    "sas",
    "waivers",
    "previous_names",
    *(field for fields in REPLACES.values() for field in fields),
}
"""Integration fields diffed by their own rule; every other field is a plain setting."""


def diff(
    base: Spec, head: Spec, base_source: SourceMap | None = None, head_source: SourceMap | None = None
) -> list[Change]:
    """Every edit from ``base`` to ``head``: organization first, then integrations in file order.

    The sources, when given, tell CORS origins written in the file from those inherited from the
    platform, so a platform-wide change is reported once, not once per integration.
    """
    changes = list(_organization(base, head))
    base_index = {i.name: n for n, i in enumerate(base.integrations)}
    head_index = {i.name: n for n, i in enumerate(head.integrations)}
    paired = _pairs(base, head)
    removed = [n for n in base_index if n not in paired]
    added = [n for n in head_index if n not in paired.values()]
    for old in removed:
        twin = next((new for new in added if _same_bucket(base.integration(old), head.integration(new))), None)
        where: Path = ("integrations", base_index[old])
        changes.append(Change(Kind.INTEGRATION_REMOVED, old, "integration", old, twin, where, "base"))
    for old, new in sorted(paired.items(), key=lambda pair: head_index[pair[1]]):
        at: Path = ("integrations", head_index[new])
        before, after = base.integration(old), head.integration(new)
        if old != new:
            changes.append(Change(Kind.INTEGRATION_RENAMED, old, "name", old, new, (*at, "name"), "head"))
        inherited = _inherited_origins(("integrations", base_index[old]), base_source) and _inherited_origins(
            at, head_source
        )
        changes += _integration(old, before, after, at, inherited)
    for new in sorted(added, key=head_index.__getitem__):
        changes.append(
            Change(
                Kind.INTEGRATION_ADDED,
                new,
                "integration",
                None,
                _summary(head.integration(new)),
                ("integrations", head_index[new]),
                "head",
            )
        )
        at = ("integrations", head_index[new])
        waivers = _waiver_changes(head.integration(new).model_copy(update={"waivers": []}), head.integration(new), at)
        changes += [Change(kind, new, subject, was, now, path, "head") for kind, subject, was, now, path in waivers]
    return changes


def _pairs(base: Spec, head: Spec) -> dict[str, str]:
    """Base name -> head name of the integrations Pulumi keeps: same name, or a new name aliasing the old.

    A head integration that kept its own name cannot also take over another: Pulumi finds it by its own
    URN first, so the other's resources would be deleted; likewise a new name takes over one old
    integration at most. A new provider is a new integration.
    """
    current = {i.name for i in head.integrations}
    claims = {
        old: i.name
        for i in head.integrations
        if i.name not in {b.name for b in base.integrations}
        for old in i.previous_names
    }
    paired: dict[str, str] = {}
    for before in base.integrations:
        new = before.name if before.name in current else claims.get(before.name)
        if new is not None and new not in paired.values() and head.integration(new).provider == before.provider:
            paired[before.name] = new
    return paired


def _replaced(before: AnyIntegration, after: AnyIntegration) -> list[tuple[str, str, str]]:
    """(field, before, after) of each field whose change replaces the storage."""
    old, new = before.model_dump(mode="json"), after.model_dump(mode="json")
    found = [
        (key, show(old.get(key)), show(new.get(key)))
        for key in REPLACES[before.provider]
        if old.get(key) != new.get(key)
    ]
    if not _same_bucket(before, after):
        found.append(("bucket", _where(before), _where(after)))
    return found


def _same_bucket(a: AnyIntegration, b: AnyIntegration) -> bool:
    return a.provider == b.provider and a.bucket.model_dump(exclude={"existing"}) == b.bucket.model_dump(
        exclude={"existing"}
    )


def _inherited_origins(at: Path, source: SourceMap | None) -> bool:
    return source is not None and (*at, "cors", "origins") not in source.values


def _where(integration: AnyIntegration) -> str:
    """``name``, or ``account/container`` on Azure."""
    bucket = integration.bucket
    return f"{bucket.account}/{bucket.container}" if isinstance(bucket, AzureBucket) else bucket.name


def _bucket(integration: AnyIntegration) -> str:
    """The bucket, ``(existing)`` when adopted rather than created."""
    return f"{_where(integration)} (existing)" if integration.bucket.existing else _where(integration)


def _summary(integration: AnyIntegration) -> str:
    """What a new integration is and who gets it, for the reviewer's one glance."""
    parts = [f"{integration.provider}, bucket {_bucket(integration)}"]
    if integration.members:
        parts.append("members " + ", ".join(f"{m.email} {_role(m.role)}" for m in integration.members))
    if integration.groups:
        parts.append("groups " + ", ".join(f"{g.group} {_role(g.role)}" for g in integration.groups))
    if integration.strict_client_only:
        parts.append("strict client-only")
    if integration.direct_access:
        parts.append("Direct Access")
    return "; ".join(parts)


def _grant_changes(
    before: list[tuple[str, str]], after: list[tuple[str, str]], kinds: tuple[Kind, Kind, Kind], at: Path
) -> list[tuple[Kind, str, str | None, str | None, Path]]:
    """Who was added, re-roled or removed among (who, role) grants: members and groups alike.

    Added and re-roled grants point at their entry in HEAD; removed ones at the list they left.
    """
    added, changed, removed = kinds
    old_roles = dict(before)
    found: list[tuple[Kind, str, str | None, str | None, Path]] = []
    for index, (who, role) in enumerate(after):
        if who not in old_roles:
            found.append((added, who, None, role, (*at, index)))
        elif old_roles[who] != role:
            found.append((changed, who, old_roles[who], role, (*at, index)))
    kept = {who for who, _ in after}
    found.extend((removed, who, role, None, at) for who, role in before if who not in kept)
    return found


def _integration(name: str, before: AnyIntegration, after: AnyIntegration, at: Path, inherited: bool) -> list[Change]:
    def change(kind: Kind, subject: str, old: str | None, new: str | None, path: Path) -> Change:
        return Change(kind, name, subject, old, new, path, "head")

    found: list[Change] = []
    replaced = _replaced(before, after)
    if replaced:
        fields, old_values, new_values = (", ".join(part[i] for part in replaced) for i in range(3))
        found.append(change(Kind.INTEGRATION_REPLACED, fields, old_values, new_values, (*at, replaced[0][0])))
    if after.previous_names != before.previous_names + ([before.name] if before.name != after.name else []):
        was_names, now_names = show(before.previous_names), show(after.previous_names)
        found.append(change(Kind.SETTING_CHANGED, "previous_names", was_names, now_names, (*at, "previous_names")))
    if before.creator != after.creator:
        found.append(change(Kind.CREATOR_CHANGED, "creator", before.creator, after.creator, (*at, "creator")))
    member_kinds = (Kind.MEMBER_ADDED, Kind.MEMBER_ROLE_CHANGED, Kind.MEMBER_REMOVED)
    for kind, subject, was, now, path in _grant_changes(
        [(m.email, m.role) for m in before.members],
        [(m.email, m.role) for m in after.members],
        member_kinds,
        (*at, "members"),
    ):
        found.append(change(kind, subject, was, now, path))
    group_kinds = (Kind.GROUP_ADDED, Kind.GROUP_ROLE_CHANGED, Kind.GROUP_REMOVED)
    for kind, subject, was, now, path in _grant_changes(
        [(g.group, g.role) for g in before.groups],
        [(g.group, g.role) for g in after.groups],
        group_kinds,
        (*at, "groups"),
    ):
        found.append(change(kind, subject, was, now, path))
    for flag, kind in (("strict_client_only", Kind.CLIENT_ONLY_CHANGED), ("direct_access", Kind.DIRECT_ACCESS_CHANGED)):
        if getattr(before, flag) != getattr(after, flag):
            found.append(change(kind, flag, show(getattr(before, flag)), show(getattr(after, flag)), (*at, flag)))
    old, new = before.model_dump(mode="json"), after.model_dump(mode="json")
    if old["bucket"] != new["bucket"] and not replaced:
        found.append(change(Kind.BUCKET_CHANGED, "bucket", _bucket(before), _bucket(after), (*at, "bucket")))
    if "signed_url_expiry" in old and old["signed_url_expiry"] != new["signed_url_expiry"]:
        found.append(
            change(
                Kind.EXPIRY_CHANGED,
                "signed_url_expiry",
                old["signed_url_expiry"],
                new["signed_url_expiry"],
                (*at, "signed_url_expiry"),
            )
        )
    if "sas" in old:
        if old["sas"]["mode"] != new["sas"]["mode"]:
            found.append(
                change(Kind.SETTING_CHANGED, "sas.mode", old["sas"]["mode"], new["sas"]["mode"], (*at, "sas", "mode"))
            )
        if old["sas"]["rotation"] != new["sas"]["rotation"]:
            found.append(
                change(
                    Kind.EXPIRY_CHANGED,
                    "sas.rotation",
                    old["sas"]["rotation"],
                    new["sas"]["rotation"],
                    (*at, "sas", "rotation"),
                )
            )
    found += [change(*edit) for edit in _waiver_changes(before, after, at)]
    for key in old["cors"]:
        if old["cors"][key] != new["cors"][key] and not (key == "origins" and inherited):
            found.append(
                change(
                    Kind.CORS_CHANGED, f"cors.{key}", show(old["cors"][key]), show(new["cors"][key]), (*at, "cors", key)
                )
            )
    for key in sorted(old.keys() | new.keys()):
        if key not in _SPECIAL and old.get(key) != new.get(key):
            path = (*at, key)
            found.append(change(Kind.SETTING_CHANGED, key, _shown(old, key), _shown(new, key), path))
    return found


def _waiver_changes(
    before: AnyIntegration, after: AnyIntegration, at: Path
) -> list[tuple[Kind, str, str | None, str | None, Path]]:
    """Waivers added, edited (expiry or reason) or dropped, by the rule they waive."""
    old = {w.rule: w for w in before.waivers}
    found: list[tuple[Kind, str, str | None, str | None, Path]] = []
    for index, waiver in enumerate(after.waivers):
        was = old.get(waiver.rule)
        path: Path = (*at, "waivers", index)
        if was is None:
            found.append((Kind.WAIVER_ADDED, waiver.rule, None, f"until {waiver.expires}", path))
        elif was != waiver:
            found.append((Kind.WAIVER_CHANGED, waiver.rule, f"until {was.expires}", f"until {waiver.expires}", path))
    kept = {w.rule for w in after.waivers}
    dropped = [w for w in before.waivers if w.rule not in kept]
    found += [(Kind.WAIVER_REMOVED, w.rule, f"until {w.expires}", None, (*at, "waivers")) for w in dropped]
    return found


def _shown(document: dict[str, Any], key: str) -> str | None:
    return show(document[key]) if key in document else None


def _organization(base: Spec, head: Spec) -> list[Change]:
    """Org members, admins, groups, platform and policy: whole-organization edits."""
    found: list[Change] = []

    def listed(subject: str, old: list[str], new: list[str], path: Path) -> None:
        found.extend(
            Change(Kind.ORGANIZATION_CHANGED, None, subject, None, email, path, "head")
            for email in new
            if email not in old
        )
        found.extend(
            Change(Kind.ORGANIZATION_CHANGED, None, subject, email, None, path, "head")
            for email in old
            if email not in new
        )

    b, h = base.organization, head.organization
    if b.name != h.name:
        found.append(
            Change(
                Kind.ORGANIZATION_CHANGED, None, "organization.name", b.name, h.name, ("organization", "name"), "head"
            )
        )
    listed("organization.members", b.members, h.members, ("organization", "members"))
    listed("organization.admins", b.admins, h.admins, ("organization", "admins"))
    for group in [*b.groups, *(g for g in h.groups if g not in b.groups)]:
        subject, path = f"organization.groups.{group}", ("organization", "groups", group)
        if group not in h.groups:
            found.append(
                Change(
                    Kind.ORGANIZATION_CHANGED,
                    None,
                    "organization.groups",
                    group,
                    None,
                    ("organization", "groups"),
                    "head",
                )
            )
        elif group not in b.groups:
            found.append(Change(Kind.ORGANIZATION_CHANGED, None, "organization.groups", None, group, path, "head"))
            listed(subject, [], h.groups[group], path)
        else:
            listed(subject, b.groups[group], h.groups[group], path)
    for section in ("platform", "policy"):
        old, new = getattr(base, section).model_dump(mode="json"), getattr(head, section).model_dump(mode="json")
        for key in sorted(old.keys() | new.keys()):
            if old.get(key) != new.get(key):
                found.append(
                    Change(
                        Kind.ORGANIZATION_CHANGED,
                        None,
                        f"{section}.{key}",
                        _shown(old, key),
                        _shown(new, key),
                        (section, key),
                        "head",
                    )
                )
    return found

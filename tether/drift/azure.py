"""Azure live state against :class:`AzureDesired`: account transport and access settings, blob
service CORS, the container's public access and the role assignments tether makes."""

from __future__ import annotations

from typing import Any

from tether.desired import AzureDesired
from tether.drift import cors
from tether.drift.model import Difference, Observed, Severity

_TLS = ("TLS1_0", "TLS1_1", "TLS1_2", "TLS1_3")


def _tls(want: str, got: str | None) -> list[Difference]:
    if got == want:
        return []
    weaker = got not in _TLS or _TLS.index(got) < _TLS.index(want)
    return [
        Difference(
            "account.minimumTlsVersion", "changed", want, got, "critical" if weaker else "low",
            "older TLS versions are accepted again (R11)" if weaker else "a stricter TLS minimum than the spec's",
        )
    ]


def _account(desired: AzureDesired, live: dict[str, Any]) -> list[Difference]:
    differences = _tls(desired.minimum_tls_version, live["minimum_tls_version"])
    checks: tuple[tuple[str, bool, Any, Severity, str, tuple[str, ...]], ...] = (
        ("supportsHttpsTrafficOnly", desired.https_only, live["https_only"], "critical",
         "plain HTTP is accepted: URLs and SAS tokens can travel unencrypted (R11)", ()),
        ("allowBlobPublicAccess", desired.allow_blob_public_access, live["allow_blob_public_access"], "high",
         "containers in the account may be made public", ()),
        ("allowSharedKeyAccess", desired.allow_shared_key_access, live["allow_shared_key_access"], "high",
         "shared key access differs from the SAS mode: account keys bypass Entra ID, or account-key SAS stops working",
         ("sas", "mode")),
    )
    for field, want, got, severity, meaning, spec_path in checks:
        if bool(got) != want:
            differences.append(Difference(f"account.{field}", "changed", want, got, severity, meaning, spec_path))
    return differences


_DATA_ROLES = {
    "b7e6dc6d-f1e8-4753-8033-0f276bb0955b": "Storage Blob Data Owner",
    "ba92f5b4-2d11-453d-a403-e96b0029c9fe": "Storage Blob Data Contributor",
    "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1": "Storage Blob Data Reader",
}
"""Built-in roles that read blobs (their ids are the same in every tenant)."""


def _key(assignment: dict[str, Any]) -> tuple[str, str, str]:
    return (assignment["role_id"].lower(), assignment["principal_id"].lower(), assignment["scope"])


def _inherited(assignment: dict[str, Any]) -> bool:
    return assignment["scope"] not in ("account", "container")


def _assignments(desired: list[dict[str, Any]], live: list[dict[str, Any]]) -> list[Difference]:
    found = {_key(a): a for a in live}
    wanted = {_key(a): a for a in desired}
    differences = []
    for key, a in wanted.items():
        path = f"role_assignments[{a['role']} @ {a['scope']}]"
        got = found.get(key)
        if got is None:
            differences.append(
                Difference(path, "missing", a, None, "medium",
                           "the platform lost a role it needs for user-delegation SAS", ("sas", "mode"))
            )
        elif got.get("condition"):
            differences.append(
                Difference(
                    path, "changed", a, got, "medium",
                    "a condition was added to the assignment: it covers only what the condition allows, so the "
                    "platform may not read the integration's objects", ("sas", "mode"),
                )
            )
    for key, a in found.items():
        if key in wanted:
            continue
        role = _DATA_ROLES.get(a["role_id"].lower())
        if _inherited(a):
            if role is None:
                continue  # management roles above the account are the subscription's business, not data access
            differences.append(
                Difference(
                    f"role_assignments[{a['role_id']} @ {a['scope']}]", "extra", None, a, "high",
                    f"{role} for principal {a['principal_id']} inherited from {a['scope']}: it can read this "
                    "container's blobs",
                )
            )
            continue
        differences.append(
            Difference(
                f"role_assignments[{a['role_id']} @ {a['scope']}]", "extra", None, a, "high",
                f"an unmanaged role assignment ({role or 'role ' + a['role_id']}) for principal {a['principal_id']} "
                f"at the {a['scope']}",
            )
        )
    return differences


def compare(desired: AzureDesired, observed: Observed) -> list[Difference]:
    """Every managed field that could be read, against the desired state."""
    values = observed.values
    differences: list[Difference] = []
    if observed.has("account"):
        differences += _account(desired, values["account"])
    if observed.has("cors"):
        differences += cors.compare(cors.AZURE_FIELDS, desired.cors, values["cors"])
    if observed.has("container_public_access") and values["container_public_access"] != desired.container_public_access:
        differences.append(
            Difference(
                "container.publicAccess", "changed", desired.container_public_access,
                values["container_public_access"], "critical",
                "the container is public: anyone can read its blobs without a SAS", ("bucket", "container"),
            )
        )
    if observed.has("role_assignments"):
        differences += _assignments(desired.role_assignments, values["role_assignments"])
    return differences

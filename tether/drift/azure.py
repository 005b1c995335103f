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


def _key(assignment: dict[str, Any]) -> tuple[str, str, str]:
    return (assignment["role_id"].lower(), assignment["principal_id"].lower(), assignment["scope"])


def _assignments(desired: list[dict[str, Any]], live: list[dict[str, Any]]) -> list[Difference]:
    found = {_key(a): a for a in live}
    wanted = {_key(a): a for a in desired}
    differences = [
        Difference(
            f"role_assignments[{a['role']} @ {a['scope']}]", "missing", a, None, "medium",
            "the platform lost a role it needs for user-delegation SAS", ("sas", "mode"),
        )
        for key, a in wanted.items()
        if key not in found
    ]
    differences += [
        Difference(
            f"role_assignments[{a['role_id']} @ {a['scope']}]", "extra", None, a, "high",
            f"an unmanaged role assignment for principal {a['principal_id']} at the {a['scope']}",
        )
        for key, a in found.items()
        if key not in wanted
    ]
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

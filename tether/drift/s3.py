"""S3-family live state against :class:`S3Desired`: CORS, public access block, ownership, encryption,
the bucket policy and, for AWS, the platform role."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from tether.desired import RoleDesired, S3Desired
from tether.drift import cors, policies
from tether.drift.model import Difference, Observed, Severity

Document = dict[str, Any]


def _sid(statement: Document | None) -> str:
    return str((statement or {}).get("Sid") or "a statement")


def _condition_keys(statement: Document | None) -> set[str]:
    condition = policies.normalise(statement or {}).get("Condition") or {}
    return {key for keys in condition.values() for key in keys}


def _lost_deny(statement: Document | None) -> str:
    keys = _condition_keys(statement)
    if "aws:securetransport" in keys:
        return "the TLS-only deny is gone: plain HTTP requests are allowed (R11)"
    if "aws:sourceip" in keys:
        return "the client-only deny is gone: the platform's servers can read objects (R8)"
    return f"the {_sid(statement)} deny is gone: what it forbade is allowed again"


def _grants(statement: Document | None) -> str:
    statement = statement or {}
    actions = ", ".join(policies.as_list(statement.get("Action", "(NotAction)")))
    principal = policies.normalise(statement).get("Principal")
    if principal == "*":
        who = "anyone"
    elif isinstance(principal, dict):
        who = ", ".join(name for names in principal.values() for name in names)
    else:
        who = "the role"
    return f"{who} can {actions}"


def bucket_policy_judge(kind: str, want: Document | None, got: Document | None) -> tuple[Severity, str]:
    """Public grants and lost denies are critical; a lost read grant only breaks the integration."""
    if got is not None and policies.is_public(got):
        return "critical", f"public grant: {_grants(got)}"
    if kind == "extra":
        if policies.normalise(got or {}).get("Effect") == "Deny":
            return "medium", f"an unmanaged deny ({_sid(got)}) may block the platform"
        return "high", f"an unmanaged grant: {_grants(got)}"
    if policies.normalise(want or {}).get("Effect") == "Deny":
        return "critical", _lost_deny(want) if kind == "missing" else f"the {_sid(want)} deny was edited"
    if kind == "missing":
        return "medium", f"the {_sid(want)} grant is gone: the platform cannot read"
    return "high", f"the {_sid(want)} grant was edited: {_grants(got)}"


def trust_judge(kind: str, want: Document | None, got: Document | None) -> tuple[Severity, str]:
    """Who may assume the role: anything added or edited there is critical."""
    if kind == "missing":
        return "high", "the platform can no longer assume the role: the integration stops working"
    if policies.normalise(got or {}).get("Effect") == "Deny":
        return "medium", "an unmanaged deny in the trust policy may block the platform"
    return "critical", f"the role's trust was {'widened' if kind == 'extra' else 'edited'}: {_grants(got)}"


def permissions_judge(kind: str, want: Document | None, got: Document | None) -> tuple[Severity, str]:
    """What the role may do: more than the spec grants is high, less breaks the integration."""
    if kind == "missing":
        return "medium", f"the role lost a permission the platform needs ({_grants(want)})"
    if policies.normalise(got or {}).get("Effect") == "Deny":
        return "low", "an unmanaged deny limits the role"
    return "high", f"the role can do more than the spec grants: {_grants(got)}"


def _role(desired: RoleDesired, live: Document | None) -> list[Difference]:
    if live is None:
        return [
            Difference(
                "role", "missing", {"name": desired.name, "path": desired.path}, None, "high",
                "the platform role was deleted: the integration stops working", ("external_id",),
            )
        ]
    differences = []
    if live["path"] != desired.path:
        differences.append(
            Difference("role.path", "changed", desired.path, live["path"], "low", "the role was recreated elsewhere")
        )
    differences += policies.compare(
        "role.trust_policy", desired.trust_policy, live["trust_policy"], trust_judge, ("external_id",)
    )
    inline = [s for document in live["inline_policies"].values() for s in policies.statements(document)]
    differences += policies.compare(
        "role.permissions", desired.permissions_policy, {"Statement": inline}, permissions_judge, ("prefixes",)
    )
    differences += [
        Difference(
            "role.attached_policies", "extra", None, arn, "high",
            "a managed policy is attached: the role can do whatever it grants",
        )
        for arn in live["attached_policies"]
    ]
    if live["max_session_seconds"] != desired.max_session_seconds:
        differences.append(
            Difference(
                "role.max_session_seconds", "changed", desired.max_session_seconds, live["max_session_seconds"],
                "low", "signed URLs live as long as the session that signed them", ("signed_url_expiry",),
            )
        )
    return differences


def _policy_spec_path(difference: Difference) -> tuple[str, ...]:
    """The spec field a bucket-policy statement comes from: the client-only deny from ``strict_client_only``,
    the platform's read grants from ``prefixes``; the TLS-only deny is always there (R11)."""
    statement = difference.expected if isinstance(difference.expected, dict) else difference.actual
    keys = _condition_keys(statement)
    if "aws:sourceip" in keys:
        return ("strict_client_only",)
    if difference.kind != "extra" and policies.normalise(statement or {}).get("Effect") == "Allow":
        return ("prefixes",)
    return ()


def _public_access_block(desired: dict[str, bool], live: dict[str, bool] | None) -> list[Difference]:
    if live is None:
        return [
            Difference(
                "public_access_block", "missing", desired, None, "critical",
                "public access block removed: a public policy or ACL would take effect",
            )
        ]
    return [
        Difference(
            f"public_access_block.{flag}", "changed", want, live.get(flag, False), "critical",
            f"{flag} turned off: a public policy or ACL would take effect",
        )
        for flag, want in desired.items()
        if bool(live.get(flag, False)) != want
    ]


def _setting(path: str, want: Any, got: Any, severity: Severity, meaning: str) -> list[Difference]:
    if want == got:
        return []
    return [Difference(path, "missing" if got is None else "changed", want, got, severity, meaning)]


def compare(desired: S3Desired, observed: Observed) -> list[Difference]:
    """Every managed field that could be read, against the desired state."""
    values = observed.values
    differences: list[Difference] = []
    if observed.has("cors"):
        differences += cors.compare(cors.S3_FIELDS, desired.cors_rules, values["cors"])
    if desired.public_access_block is not None and observed.has("public_access_block"):
        differences += _public_access_block(desired.public_access_block, values["public_access_block"])
    if desired.ownership is not None and observed.has("ownership"):
        differences += _setting(
            "ownership", desired.ownership, values["ownership"], "high",
            "object ownership no longer enforced: object ACLs can grant access again",
        )
    if desired.encryption is not None and observed.has("encryption"):
        want = desired.encryption.get("SSEAlgorithm")
        differences += _setting(
            "encryption.SSEAlgorithm", want, values["encryption"], "medium",
            "default encryption differs from the spec's",
        )
    if observed.has("policy"):
        differences += [
            replace(d, spec_path=_policy_spec_path(d))
            for d in policies.compare("policy", desired.policy, values["policy"], bucket_policy_judge)
        ]
    if desired.role is not None and observed.has("role"):
        differences += _role(desired.role, values["role"])
    return differences

"""Reading S3/IAM policy documents the way AWS does: a field may hold one value or a list of them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

Document = dict[str, Any]
Statement = dict[str, Any]


def values(field: Any) -> list[str]:
    """A policy field as a list of strings (``"s3:GetObject"`` and ``["s3:GetObject"]`` alike)."""
    if field is None:
        return []
    if isinstance(field, str):
        return [field]
    return [str(item) for item in field]


def statements(document: Document | None) -> list[Statement]:
    """The statements of a policy document (a single statement object counts as a list of one)."""
    found = (document or {}).get("Statement", [])
    return [found] if isinstance(found, dict) else list(found)


def allows(document: Document | None) -> Iterator[Statement]:
    """The Allow statements: the grants a document makes."""
    return (s for s in statements(document) if s.get("Effect") == "Allow")


def denies(document: Document | None) -> Iterator[Statement]:
    """The Deny statements: the guards a document sets."""
    return (s for s in statements(document) if s.get("Effect") == "Deny")


def principals(statement: Statement) -> list[str]:
    """Who a statement applies to; ``"*"`` for everyone (``"Principal": "*"`` or ``{"AWS": "*"}``)."""
    principal = statement.get("Principal")
    if isinstance(principal, dict):
        return [p for kind in principal.values() for p in values(kind)]
    return values(principal)


def label(statement: Statement, index: int) -> str:
    """How a message names a statement: its Sid, or its position."""
    return repr(statement["Sid"]) if statement.get("Sid") else f"#{index + 1}"


def covers(patterns: list[str], action: str) -> bool:
    """True when an action list (with IAM wildcards such as ``s3:*`` or ``*``) includes ``action``."""
    service = action.partition(":")[0]
    for pattern in patterns:
        if pattern in ("*", action) or pattern.lower() in (f"{service}:*", action.lower()):
            return True
        if pattern.endswith("*") and action.lower().startswith(pattern[:-1].lower()):
            return True
    return False


def conditions(statement: Statement, operator: str, key: str) -> list[str]:
    """Values a statement's condition gives ``key`` under ``operator`` (keys are case-insensitive in IAM)."""
    block = (statement.get("Condition") or {}).get(operator) or {}
    for name, value in block.items():
        if name.lower() == key.lower():
            return values(value)
    return []


NARROWING_KEYS = frozenset(key.lower() for key in (
    "aws:SourceIp", "aws:SourceArn", "aws:SourceVpc", "aws:SourceVpce", "aws:SourceOwner", "aws:SourceAccount",
    "s3:x-amz-server-side-encryption-aws-kms-key-id", "aws:userid", "s3:DataAccessPointArn",
    "s3:DataAccessPointAccount",
))
"""Condition keys whose fixed value makes an Allow for everyone non-public, as S3 Block Public Access
defines it (S3 User Guide, "The meaning of 'public'"; the S3 API's PublicAccessBlockConfiguration)."""
_FIXED_OPERATORS = ("stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike", "ipaddress")
_EVERYWHERE = ("0.0.0.0/0", "::/0")


def _fixed(key: str, value: str) -> bool:
    """A value that names one thing: no wildcard, no policy variable (and for aws:userid, not ``AROLEID:*``)."""
    if any(mark in value for mark in ("*", "?", "${")) or not value:
        return False
    return not (key == "aws:sourceip" and value in _EVERYWHERE)


def narrowed(statement: Statement, keys: frozenset[str] = NARROWING_KEYS) -> bool:
    """True when a condition limits the statement to fixed values of one of ``keys`` (lower case).

    ``...IfExists`` operators and ``ForAnyValue``/``ForAllValues`` sets do not count: a request
    without the key (or with an empty set) still matches them.
    """
    for operator, block in (statement.get("Condition") or {}).items():
        if str(operator).lower() not in _FIXED_OPERATORS or not isinstance(block, dict):
            continue
        for key, value in block.items():
            key = str(key).lower()
            found = values(value)
            if key in keys and found and all(_fixed(key, v) for v in found):
                return True
    return False


def public(statement: Statement, keys: frozenset[str] = NARROWING_KEYS) -> bool:
    """True when an Allow statement grants everyone (``Principal: *`` not narrowed by one of ``keys``,
    or ``NotPrincipal``)."""
    if statement.get("Effect") != "Allow":
        return False
    if "NotPrincipal" in statement:
        return True
    return "*" in principals(statement) and not narrowed(statement, keys)

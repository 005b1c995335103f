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

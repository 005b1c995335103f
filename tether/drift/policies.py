"""IAM-style policy documents (bucket policies, role trust and permissions) compared by meaning.

Clouds hand policies back rewritten: keys reordered, a one-item list as a plain string, booleans
and numbers in conditions as strings, ``{"AWS": "*"}`` for ``"*"``, an account id for its root ARN.
Statements are normalised before they are compared, so only a change in meaning is drift.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from tether.drift.model import Difference, Severity
from tether.problems import Path

Document = dict[str, Any]
_LISTS = ("Action", "NotAction", "Resource", "NotResource")
_ACCOUNT = re.compile(r"^\d{12}$")


def parse(document: str | Document) -> Document:
    """A policy as a dict, whether the API gave JSON text, URL-encoded JSON (IAM) or a parsed dict."""
    if isinstance(document, dict):
        return document
    text = document.strip()
    parsed: Document = json.loads(text if text.startswith("{") else unquote(text))
    return parsed


def as_list(value: Any) -> list[Any]:
    """IAM's "one item or a list" as a list."""
    return list(value) if isinstance(value, list | tuple) else [value]


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _principal(value: Any) -> Any:
    """``"*"`` for anyone: also ``{"AWS": ["*", "<account>"]}``, since a wildcard among ids is still everyone."""
    if value == "*":
        return "*"
    if not isinstance(value, dict):
        return value
    if any("*" in as_list(ids) for kind, ids in value.items() if kind in ("AWS", "*")):
        return "*"
    out = {}
    for kind, ids in value.items():
        names = {str(i) for i in as_list(ids)}
        out[kind] = sorted({f"arn:aws:iam::{n}:root" if kind == "AWS" and _ACCOUNT.match(n) else n for n in names})
    return out


def _condition(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    return {
        operator: {str(key).lower(): sorted({_text(v) for v in as_list(values)}) for key, values in keys.items()}
        for operator, keys in value.items()
        if isinstance(keys, dict)
    }


def normalise(statement: Document) -> Document:
    """One statement in a canonical form; equal forms mean equal effect."""
    out: Document = {}
    for key, value in statement.items():
        if key in _LISTS:
            out[key] = sorted({str(v).lower() if key.endswith("Action") else str(v) for v in as_list(value)})
        elif key in ("Principal", "NotPrincipal"):
            out[key] = _principal(value)
        elif key == "Condition":
            out[key] = _condition(value)
        elif key == "Effect":
            out[key] = str(value).capitalize()
        else:
            out[key] = value
    return out


def statements(document: Document | None) -> list[Document]:
    """The statements of a policy (a single statement object counts as a list of one)."""
    if not document:
        return []
    return [s for s in as_list(document.get("Statement", [])) if isinstance(s, dict)]


def is_public(statement: Document) -> bool:
    """An Allow to everyone: anyone on the internet gets what it grants."""
    normal = normalise(statement)
    return normal.get("Effect") == "Allow" and normal.get("Principal") == "*"


def _label(statement: Document, index: int | None) -> str:
    """The Sid; else the desired statement's position; else (a live statement) a digest of its meaning,
    so the path of a finding stays the same however the live policy is ordered."""
    sid = statement.get("Sid")
    if sid:
        return str(sid)
    if index is not None:
        return str(index)
    digest = hashlib.sha256(json.dumps(normalise(statement), sort_keys=True).encode()).hexdigest()
    return f"#{digest[:8]}"


Judge = Callable[[str, Document | None, Document | None], tuple[Severity, str]]
"""(kind, expected statement, actual statement) -> severity and meaning."""


def compare(
    where: str, expected: Document | None, actual: Document | None, judge: Judge, spec_path: Path = ()
) -> list[Difference]:
    """Statement by statement: matched by Sid, then by equal meaning, then leftovers of one Effect paired up."""
    wanted = list(enumerate(statements(expected)))
    found = list(enumerate(statements(actual)))
    pairs: list[tuple[tuple[int, Document] | None, tuple[int, Document] | None]] = []

    def take(match: Callable[[Document, Document], bool]) -> None:
        for item in list(wanted):
            for other in found:
                if match(item[1], other[1]):
                    pairs.append((item, other))
                    wanted.remove(item)
                    found.remove(other)
                    break

    take(lambda w, f: bool(w.get("Sid")) and w.get("Sid") == f.get("Sid"))
    take(lambda w, f: normalise({**w, "Sid": None}) == normalise({**f, "Sid": None}))
    take(lambda w, f: not w.get("Sid") and not f.get("Sid") and normalise(w)["Effect"] == normalise(f)["Effect"])
    pairs += [(item, None) for item in wanted] + [(None, item) for item in found]

    differences = []
    for want, got in pairs:
        if want and got and normalise({**want[1], "Sid": None}) == normalise({**got[1], "Sid": None}):
            continue
        kind = "changed" if want and got else "missing" if want else "extra"
        index, statement = want or got  # type: ignore[misc]
        label = _label(statement, index if want else None)
        severity, meaning = judge(kind, want[1] if want else None, got[1] if got else None)
        differences.append(
            Difference(
                path=f"{where}.Statement[{label}]",
                kind=kind,  # type: ignore[arg-type]
                expected=want[1] if want else None,
                actual=got[1] if got else None,
                severity=severity,
                meaning=meaning,
                spec_path=spec_path,
            )
        )
    return differences

"""TTH010 and TTH011: CORS lets only the labelling app's HTTPS origins read, and only read (R11).

CORS is the browser-level fence around signed URLs: ``*`` or a plain-HTTP origin lets any page (or
any network in the middle) use them. Methods beyond GET/HEAD let browsers write or delete, which a
read-only integration never needs unless the spec says why (``cors.reason``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from policies.rule import Rule, Subject, Violation
from tether.desired import AzureDesired, GcsDesired
from tether.problems import Path

READ_METHODS = ("GET", "HEAD")


@dataclass(frozen=True)
class Allowed:
    """One CORS rule as every provider has it: origins and methods."""

    origins: tuple[str, ...]
    methods: tuple[str, ...]


def applied(subject: Subject) -> tuple[str, list[Allowed]]:
    """The configuration's CORS rules, provider shapes normalised, and the part that holds them."""
    state = subject.desired
    if isinstance(state, GcsDesired):
        return "cors", [Allowed(tuple(r.get("origin", ())), tuple(r.get("method", ()))) for r in state.cors]
    if isinstance(state, AzureDesired):
        return "cors", [
            Allowed(tuple(r.get("allowedOrigins", ())), tuple(r.get("allowedMethods", ()))) for r in state.cors
        ]
    return "cors_rules", [
        Allowed(tuple(r.get("AllowedOrigins", ())), tuple(r.get("AllowedMethods", ()))) for r in state.cors_rules
    ]


def _spec_path(subject: Subject, field: str, value: str) -> Path:
    """Where the spec lists ``value`` (so the finding points at that line), else the field itself."""
    declared: list[str] = list(getattr(subject.integration.cors, field))
    at: Path = (*subject.at, "cors", field)
    return (*at, declared.index(value)) if value in declared else at


def check_origins(subject: Subject) -> Iterator[Violation]:
    """Every allowed origin is one HTTPS origin, never ``*``."""
    part, rules = applied(subject)
    for origin in dict.fromkeys(o for rule in rules for o in rule.origins):
        if origin == "*":
            yield Violation(_spec_path(subject, "origins", origin),
                            "CORS origin '*' lets any web page use the signed URLs", part)
        elif not origin.lower().startswith("https://"):
            yield Violation(_spec_path(subject, "origins", origin), f"CORS origin {origin!r} is not HTTPS", part)


def check_methods(subject: Subject) -> Iterator[Violation]:
    """Methods beyond GET/HEAD only with a stated reason."""
    if subject.integration.cors.reason:
        return
    part, rules = applied(subject)
    extra = list(dict.fromkeys(m.upper() for rule in rules for m in rule.methods if m.upper() not in READ_METHODS))
    if extra:
        yield Violation(
            _spec_path(subject, "methods", extra[0]),
            f"CORS allows {', '.join(extra)} beyond GET/HEAD and cors.reason does not say why",
            part,
        )


ORIGINS = Rule(
    id="TTH010",
    name="cors-https-origins",
    description="CORS origins are HTTPS origins, never '*'.",
    severity="mandatory",
    fix="List the labelling app's https:// origins in cors.origins (or leave it out to use platform.origins).",
    security=7.5,
    check=check_origins,
    parts=frozenset({"cors_rules", "cors"}),
)

METHODS = Rule(
    id="TTH011",
    name="cors-read-methods",
    description="CORS methods are GET and HEAD unless the spec says why (cors.reason).",
    severity="mandatory",
    fix="Drop the other methods from cors.methods, or add cors.reason saying why browsers need them.",
    security=6.5,
    check=check_methods,
    parts=frozenset({"cors_rules", "cors"}),
)

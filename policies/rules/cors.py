"""TTH010-TTH012: CORS lets only the labelling app's HTTPS origins read, and only read (R11).

CORS is the browser-level fence around signed URLs: ``*`` or a plain-HTTP origin lets any page (or
any network in the middle) use them. Methods beyond GET/HEAD let browsers write or delete, which a
read-only integration never needs unless the spec says why (``cors.reason``). Headers are named,
not ``*`` (``*`` request headers admit any header a page sends; ``*`` exposed headers hand pages
every response header, user metadata included), and a preflight is cached at most a day: browsers
cap Access-Control-Max-Age anyway (Firefox at 24 h, Chromium at 2 h; MDN), so a longer max_age is
a typo or wishful, and a CORS change would take that long to reach browsers that honoured it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from policies.rule import Rule, Subject, Violation
from tether.desired import AzureDesired, GcsDesired
from tether.problems import Path
from tether.spec.durations import format_duration

READ_METHODS = ("GET", "HEAD")
MAX_AGE = timedelta(days=1)


@dataclass(frozen=True)
class Allowed:
    """One CORS rule as every provider has it (GCS has one responseHeader list for both kinds)."""

    origins: tuple[str, ...]
    methods: tuple[str, ...]
    headers: tuple[str, ...] = ()
    exposed: tuple[str, ...] = ()
    max_age: int = 0


def _allowed(rule: dict[str, Any], origins: str, methods: str, headers: str, exposed: str, age: str) -> Allowed:
    return Allowed(tuple(rule.get(origins) or ()), tuple(rule.get(methods) or ()), tuple(rule.get(headers) or ()),
                   tuple(rule.get(exposed) or ()), int(rule.get(age) or 0))


def applied(subject: Subject) -> tuple[str, list[Allowed]]:
    """The configuration's CORS rules, provider shapes normalised, and the part that holds them."""
    state = subject.desired
    if isinstance(state, GcsDesired):
        return "cors", [_allowed(r, "origin", "method", "", "responseHeader", "maxAgeSeconds") for r in state.cors]
    if isinstance(state, AzureDesired):
        return "cors", [_allowed(r, "allowedOrigins", "allowedMethods", "allowedHeaders", "exposedHeaders",
                                 "maxAgeInSeconds") for r in state.cors]
    return "cors_rules", [_allowed(r, "AllowedOrigins", "AllowedMethods", "AllowedHeaders", "ExposeHeaders",
                                   "MaxAgeSeconds") for r in state.cors_rules]


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


def check_narrow(subject: Subject) -> Iterator[Violation]:
    """Named headers both ways, and a preflight cache of a day at most."""
    part, rules = applied(subject)
    at: Path = (*subject.at, "cors")
    if any("*" in rule.headers for rule in rules):
        yield Violation(_spec_path(subject, "headers", "*"), "CORS allows any request header ('*')", part)
    if any("*" in rule.exposed for rule in rules):
        field = "expose_headers" if "*" in subject.integration.cors.expose_headers else "headers"
        yield Violation(_spec_path(subject, field, "*"), "CORS exposes every response header ('*') to pages", part)
    longest = max((rule.max_age for rule in rules), default=0)
    if longest > MAX_AGE.total_seconds():
        yield Violation((*at, "max_age"), f"CORS preflights may be cached {format_duration(timedelta(seconds=longest))}"
                        f", above {format_duration(MAX_AGE)} (browsers cap it; a fix would take that long to reach "
                        "those that do not)", part)


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

NARROW = Rule(
    id="TTH012",
    name="cors-named-headers-short-cache",
    description="CORS names its request and exposed headers (never '*') and caches preflights a day at most.",
    severity="mandatory",
    fix="List the headers browsers need (e.g. Range; Content-Range, ETag) and set cors.max_age to 1d or less.",
    security=4.5,
    check=check_narrow,
    parts=frozenset({"cors_rules", "cors"}),
)

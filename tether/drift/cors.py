"""CORS rules compared field by field, with what each change means for the browser (R11).

Each provider names the fields its own way; :class:`Fields` maps them so one comparison serves
S3, GCS and Azure. Origins and methods are sets; header names are case-insensitive.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from tether.drift.model import SEVERITIES, Difference, Severity

Rule = dict[str, Any]


@dataclass(frozen=True)
class Fields:
    """One provider's names for the parts of a CORS rule (None: the provider has no such field)."""

    origins: str
    methods: str
    headers: str | None
    expose: str
    max_age: str

    def spec_path(self, field: str) -> tuple[str, ...]:
        """The spec field a rule field comes from."""
        return {
            self.origins: ("cors", "origins"),
            self.methods: ("cors", "methods"),
            self.headers: ("cors", "headers"),
            self.expose: ("cors", "expose_headers"),
            self.max_age: ("cors", "max_age"),
        }.get(field, ("cors",))


S3_FIELDS = Fields("AllowedOrigins", "AllowedMethods", "AllowedHeaders", "ExposeHeaders", "MaxAgeSeconds")
GCS_FIELDS = Fields("origin", "method", None, "responseHeader", "maxAgeSeconds")
AZURE_FIELDS = Fields("allowedOrigins", "allowedMethods", "allowedHeaders", "exposedHeaders", "maxAgeInSeconds")


def _items(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return [str(v) for v in value]


def _set(fields: Fields, field: str, value: Any) -> frozenset[str]:
    items = _items(value)
    if field == fields.methods:
        return frozenset(i.upper() for i in items)
    if field == fields.origins:
        return frozenset(i.rstrip("/") for i in items)
    return frozenset(i.lower() for i in items)


def _age(value: Any) -> int | None:
    return None if value is None else int(value)


def _overlap(fields: Fields, desired: Rule, live: Rule) -> tuple[int, int]:
    def common(field: str) -> int:
        return len(_set(fields, field, desired.get(field)) & _set(fields, field, live.get(field)))

    return common(fields.origins), common(fields.methods)


def _widening(fields: Fields, field: str, added: frozenset[str], removed: frozenset[str]) -> tuple[Severity, str]:
    if field == fields.origins:
        if added:
            wild = any("*" in origin for origin in added)
            return "critical", ("any web page" if wild else f"pages on {', '.join(sorted(added))}") + (
                " can now read the data with a signed URL"
            )
        return "medium", "the annotation app's origin was removed: browsers will be blocked"
    if field == fields.methods:
        if added:
            return "high", f"browsers may now send {', '.join(sorted(added))} across origins"
        return "medium", f"{', '.join(sorted(removed))} removed: the app's requests will be blocked"
    if field == fields.headers:
        if "*" in added:
            return "high", "any request header is now allowed across origins"
        return "medium", "allowed request headers changed: e.g. Range requests (video seeking) may be blocked"
    return "low", "exposed response headers changed: the app may not see sizes or ETags"


def _field_differences(fields: Fields, position: int, desired: Rule, live: Rule) -> list[Difference]:
    differences = []
    for field in (fields.origins, fields.methods, fields.headers, fields.expose):
        if field is None:
            continue
        want, got = _set(fields, field, desired.get(field)), _set(fields, field, live.get(field))
        if want == got:
            continue
        severity, meaning = _widening(fields, field, got - want, want - got)
        differences.append(
            Difference(
                f"cors[{position}].{field}", "changed", sorted(want), sorted(got), severity, meaning,
                fields.spec_path(field),
            )
        )
    want_age, got_age = _age(desired.get(fields.max_age)), _age(live.get(fields.max_age))
    if want_age != got_age:
        differences.append(
            Difference(
                f"cors[{position}].{fields.max_age}", "changed", want_age, got_age, "low",
                "browsers cache the preflight answer for a different time", fields.spec_path(fields.max_age),
            )
        )
    return differences


def compare(fields: Fields, desired: Iterable[Rule], live: Iterable[Rule] | None) -> list[Difference]:
    """Each desired rule against its closest live rule; live rules left over are extra."""
    left = list(enumerate(live or []))
    differences: list[Difference] = []
    desired_rules = list(desired)
    for position, rule in enumerate(desired_rules):
        if not left:
            differences.append(
                Difference(
                    f"cors[{position}]", "missing", rule, None, "high",
                    "CORS rule deleted: browsers cannot load the files in the annotation app", ("cors",),
                )
            )
            continue
        best = max(left, key=lambda candidate: _overlap(fields, rule, candidate[1]))
        left.remove(best)
        differences += _field_differences(fields, position, rule, best[1])
    granted = {
        field: frozenset().union(*(_set(fields, field, rule.get(field)) for rule in desired_rules))
        for field in (fields.origins, fields.methods, fields.headers) if field is not None
    }
    for _, extra in left:
        # An added rule is judged like the same widening in the managed rule: by what it adds.
        severity: Severity = "medium"
        meaning = "an unmanaged rule for the same origins, methods and headers"
        for field, allowed_values in granted.items():
            added = _set(fields, field, extra.get(field)) - allowed_values
            if not added:
                continue
            field_severity, field_meaning = _widening(fields, field, added, frozenset())
            if SEVERITIES.index(field_severity) < SEVERITIES.index(severity):
                severity, meaning = field_severity, f"an unmanaged rule: {field_meaning}"
        origins = ",".join(sorted(_set(fields, fields.origins, extra.get(fields.origins))))
        differences.append(Difference(f"cors[+{origins}]", "extra", None, extra, severity, meaning, ("cors",)))
    return differences

"""Durations written the way people write them in reviews: ``90m``, ``12h``, ``7d``, ``1d12h``."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_PATTERN = r"^([0-9]+[smhdw])+$"
_PART = re.compile(r"([0-9]+)([smhdw])")
LONGEST = timedelta(days=36500)
"""Beyond a century a duration is a typo, and a date that far out overflows (``99999999999d``)."""


def parse_duration(text: str) -> timedelta:
    """Parse ``1d12h``-style text; raise ValueError with the accepted forms otherwise."""
    if len(text) > 100 or not re.fullmatch(_PATTERN, text):
        raise ValueError(f"expected a duration such as 90m, 12h, 7d or 1d12h, got {text[:40]!r}")
    seconds = sum(int(n) * _UNITS[u] for n, u in _PART.findall(text))
    if seconds <= 0:
        raise ValueError(f"a duration must be longer than zero, got {text!r}")
    if seconds > LONGEST.total_seconds():
        raise ValueError(f"a duration must be at most {LONGEST.days}d, got {text!r}")
    return timedelta(seconds=seconds)


def format_duration(value: timedelta) -> str:
    """The shortest ``1d12h``-style text for a duration, so reports read like the spec."""
    seconds = int(value.total_seconds())
    parts = []
    for unit in ("d", "h", "m", "s"):
        size = _UNITS[unit]
        if seconds >= size:
            parts.append(f"{seconds // size}{unit}")
            seconds %= size
    return "".join(parts) or "0s"


def _coerce(value: Any) -> timedelta:
    if isinstance(value, timedelta):
        return value
    if not isinstance(value, str):
        raise ValueError(f"expected a duration such as 90m, 12h or 7d (a string), got {value!r}")
    return parse_duration(value)


Duration = Annotated[
    timedelta,
    BeforeValidator(_coerce),
    PlainSerializer(format_duration, return_type=str),
    WithJsonSchema({"type": "string", "pattern": _PATTERN, "examples": ["90m", "12h", "7d"]}),
]

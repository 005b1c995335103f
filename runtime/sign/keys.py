"""Which object keys may be signed: inside the integration's prefixes, and unable to name anything else.

A signed URL is the browser's whole authority over one object, so a key that a client, a proxy or the
store could read as another path is refused rather than normalized: dot segments (browsers resolve
them before the request leaves), a leading ``/`` (an empty first segment), control characters (header
and log injection), and keys over the stores' common 1024-byte limit.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from runtime.manifest.urls import MAX_KEY_BYTES

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_DOT_SEGMENT = re.compile(r"(?:^|/)(\.\.?)(?:/|$)")
_SHOWN = 80


def shown(key: str) -> str:
    """The key quoted for a message: escapes visible, and cut short when long."""
    text = repr(key[:_SHOWN])
    return text if len(key) <= _SHOWN else f"{text[:-1]}...{text[-1]} ({len(key)} characters)"


def key_problem(key: str, integration: str, prefixes: Sequence[str]) -> str | None:
    """Why ``key`` may not be signed for ``integration`` with ``prefixes`` (empty: the whole bucket), or None."""
    if not key:
        return "the object key is empty"
    try:
        size = len(key.encode("utf-8"))
    except UnicodeEncodeError:
        return f"key {shown(key)} is not valid Unicode text (a lone surrogate)"
    if size > MAX_KEY_BYTES:
        return f"key {shown(key)} is {size} bytes in UTF-8, over the {MAX_KEY_BYTES}-byte limit of object keys"
    control = _CONTROL.search(key)
    if control:
        return f"key {shown(key)} contains the control character U+{ord(control[0]):04X}"
    if key.startswith("/"):
        return f"key {shown(key)} starts with '/': keys are relative to the bucket"
    dots = _DOT_SEGMENT.search(key)
    if dots:
        return f"key {shown(key)} has a {dots[1]!r} segment, which a browser resolves to another path"
    if prefixes and not key.startswith(tuple(prefixes)):
        return f"key {shown(key)} is outside the prefixes of {integration} ({', '.join(prefixes)})"
    return None

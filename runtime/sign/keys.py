"""Which object keys may be signed: inside the integration's prefixes, and unable to name anything else.

A signed URL is the browser's whole authority over one object, so a key that a client, a proxy or the
store could read as another path is refused rather than normalized: dot segments (browsers resolve
them before the request leaves), a leading ``/`` (an empty first segment), control characters (header
and log injection), and keys over the stores' common 1024-byte limit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from runtime.manifest.urls import MAX_KEY_BYTES

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SHOWN = 80


def shown(key: str) -> str:
    """The key quoted for a message: escapes visible, and cut short when long."""
    text = repr(key[:_SHOWN])
    return text if len(key) <= _SHOWN else f"{text[:-1]}...{text[-1]} ({len(key)} characters)"


def key_problem(key: str, integration: str, prefixes: Sequence[str]) -> str | None:
    """Why ``key`` may not be signed for ``integration`` with ``prefixes`` (empty: the whole bucket), or None."""
    if not key:
        return "the object key is empty"
    ascii_key = key.isascii()
    if ascii_key:
        size = len(key)
    else:
        try:
            size = len(key.encode("utf-8"))
        except UnicodeEncodeError:
            return f"key {shown(key)} is not valid Unicode text (a lone surrogate)"
    if size > MAX_KEY_BYTES:
        return f"key {shown(key)} is {size} bytes in UTF-8, over the {MAX_KEY_BYTES}-byte limit of object keys"
    control = None if ascii_key and key.isprintable() else _CONTROL.search(key)
    if control:
        return f"key {shown(key)} contains the control character U+{ord(control[0]):04X}"
    if key.startswith("/"):
        return f"key {shown(key)} starts with '/': keys are relative to the bucket"
    dots = _dot_segment(key)
    if dots:
        return f"key {shown(key)} has a {dots!r} segment, which a browser resolves to another path"
    if prefixes and not key.startswith(tuple(prefixes)):
        return f"key {shown(key)} is outside the prefixes of {integration} ({', '.join(prefixes)})"
    return None


def keys_problem(keys: Iterable[str], integration: str, prefixes: tuple[str, ...]) -> str | None:
    """The first key of ``keys`` that may not be signed, said as ``key_problem`` says it, or None.

    A batch is thousands of keys such as ``videos/cam-01/frame_000123.jpg``: each is let through by the
    string tests of ``plain_key`` (repeated inline here: a call per key would cost a tenth of a signing);
    any other key gets the full check.
    """
    within = prefixes or ("",)
    for key in keys:
        if (
            key.startswith(within)
            and "/." not in key
            and key[:1] not in "/."  # nor empty
            and len(key) <= MAX_KEY_BYTES
            and key.isascii()
            and key.isprintable()
        ):
            continue
        problem = key_problem(key, integration, prefixes)
        if problem:
            return problem
    return None


def plain_key(key: object, within: tuple[str, ...]) -> bool:
    """True only for a key ``key_problem`` passes, found by a few string tests: printable ASCII, not too
    long, no ``/`` first, no segment starting with a dot, and starting with one of ``within`` (the prefixes,
    or ``("",)`` for the whole bucket). False says nothing: ask ``key_problem``."""
    return (
        type(key) is str
        and key.startswith(within)
        and "/." not in key
        and key[:1] not in "/."  # nor empty
        and len(key) <= MAX_KEY_BYTES
        and key.isascii()
        and key.isprintable()
    )


def _dot_segment(key: str) -> str | None:
    """The first ``.`` or ``..`` segment of ``key``, or None."""
    wrapped = f"/{key}/"
    one, two = wrapped.find("/./"), wrapped.find("/../")
    if one < 0 and two < 0:
        return None
    return "." if two < 0 or 0 <= one < two else ".."

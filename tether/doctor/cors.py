"""Chromium's CORS rules for the label editor's requests, as the Fetch standard (fetch.spec.whatwg.org) says.

- A request header is CORS-safelisted when its name and value are (Fetch, "CORS-safelisted request-header"):
  ``Range`` only as one range, ``bytes=N-`` or ``bytes=N-M`` with N <= M; so a ranged GET sends no preflight,
  while any other header the app adds (``Authorization``, ``X-Requested-With``...) makes the browser send
  OPTIONS first, listing the unsafe names, lowercased and sorted, in ``Access-Control-Request-Headers``.
- A response passes the CORS check when it has exactly one ``Access-Control-Allow-Origin`` that is ``*`` or
  byte-for-byte the page's origin (which never ends in ``/``).
- Script reads only safelisted response headers (Cache-Control, Content-Language, Content-Length,
  Content-Type, Expires, Last-Modified, Pragma) and those in ``Access-Control-Expose-Headers``; so
  ``Content-Range`` and ``ETag`` need exposing, ``Content-Length`` does not.
- A preflight passes with a 2xx status, the origin check, and every requested header listed in
  ``Access-Control-Allow-Headers`` (``*`` covers all but ``Authorization`` for requests without credentials).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

RANGE = "bytes=0-1023"
"""The editor's first read: one range, so safelisted."""
NEEDED_EXPOSED = ("Content-Range", "ETag")
"""Response headers the editor's script reads: the object's size from Content-Range, its version from ETag."""
SAFELISTED_RESPONSE = frozenset(
    {"cache-control", "content-language", "content-length", "content-type", "expires", "last-modified", "pragma"}
)
_SAFELISTED_VALUE = frozenset({"accept", "accept-language", "content-language"})
_SINGLE_RANGE = re.compile(r"bytes=(\d+)-(\d*)")
_FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"})
_UNSAFE_BYTES = re.compile(r'[\x00-\x08\x0a-\x1f"():<>?@\[\\\]{}\x7f]')

Headers = Mapping[str, Sequence[str]]
"""Response headers by lowercased name, each with every value the server sent."""


def safelisted(name: str, value: str) -> bool:
    """Whether a request header leaves the request simple (no preflight)."""
    name, value = name.lower(), value.strip()
    if len(value.encode()) > 128:
        return False
    if name == "range":
        match = _SINGLE_RANGE.fullmatch(value)
        return match is not None and (not match[2] or int(match[1]) <= int(match[2]))
    if name == "content-type":
        return value.split(";")[0].strip().lower() in _FORM_TYPES and not _UNSAFE_BYTES.search(value)
    if name in _SAFELISTED_VALUE:
        if name == "accept":
            return not _UNSAFE_BYTES.search(value)
        return bool(re.fullmatch(r"[0-9A-Za-z *,\-.;=]*", value))
    return False


def request_headers(declared: Iterable[str]) -> dict[str, str]:
    """The headers the editor sends on its ranged GET: the single Range, and each other header the app declares."""
    sent = {"Range": RANGE}
    for name in declared:
        if name.lower() != "range" and name != "*":
            sent[name] = "tether-doctor"
    return sent


def preflight_names(headers: Mapping[str, str]) -> list[str]:
    """The ``Access-Control-Request-Headers`` list a browser sends, or [] when it sends no preflight."""
    return sorted({name.lower() for name, value in headers.items() if not safelisted(name, value)})


def _list(headers: Headers, name: str) -> list[str]:
    return [item.strip() for value in headers.get(name, ()) for item in value.split(",") if item.strip()]


def origin_problem(headers: Headers, origin: str) -> str | None:
    """Why the browser fails the CORS check of a response for a page at ``origin``, or None when it passes."""
    values = headers.get("access-control-allow-origin", ())
    if not values:
        return "the answer has no Access-Control-Allow-Origin"
    if len(values) > 1 or "," in values[0]:
        return f"the answer has several Access-Control-Allow-Origin values ({', '.join(values)})"
    if values[0] not in ("*", origin):
        return f"Access-Control-Allow-Origin is {values[0]!r}, not {origin!r}"
    return None


def preflight_problem(status: int, headers: Headers, origin: str, names: Sequence[str]) -> str | None:
    """Why the browser fails a preflight asking for ``names``, or None when it passes."""
    if not 200 <= status < 300:
        return f"the preflight answers {status}"
    problem = origin_problem(headers, origin)
    if problem:
        return problem
    allowed = {name.lower() for name in _list(headers, "access-control-allow-headers")}
    missing = [n for n in names if n not in allowed and not ("*" in allowed and n != "authorization")]
    if missing:
        return f"Access-Control-Allow-Headers does not list {', '.join(missing)}"
    return None


def unexposed(headers: Headers, names: Iterable[str] = NEEDED_EXPOSED) -> list[str]:
    """The response headers the page's script cannot read (not safelisted, not exposed)."""
    exposed = {name.lower() for name in _list(headers, "access-control-expose-headers")}
    if "*" in exposed:
        return []
    return [n for n in names if n.lower() not in SAFELISTED_RESPONSE | exposed]

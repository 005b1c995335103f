"""What the signers share: endpoints parsed the way the SDKs sign their host, and the clock in whole seconds."""

from __future__ import annotations

import ipaddress
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote, urlsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A service endpoint: its URL parts as written, and its ``host`` header as signed."""

    scheme: str
    netloc: str
    """As given (kept in the URL, even a default port like ``:443``)."""
    host: str
    """Lower case, without a default port: what the SDKs put in the canonical ``host`` header."""
    is_ip: bool


def parse_endpoint(url: str) -> Endpoint:
    """Parse ``scheme://host[:port]``; paths are refused because no signer here places objects under one."""
    parts = urlsplit(url)
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise ValueError("endpoint must be an http or https URL with a host")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError("endpoint must not have a path, query or fragment")
    try:
        is_ip = bool(ipaddress.ip_address(parts.hostname))
    except ValueError:
        is_ip = False
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    if parts.port is not None and parts.port != _DEFAULT_PORTS[parts.scheme]:
        host = f"{host}:{parts.port}"
    return Endpoint(parts.scheme, parts.netloc, host, is_ip)


Instant = datetime | int | None
"""When a URL is signed: a datetime (naive is UTC, as in the SDKs), whole seconds since the epoch (what a caller
that signs many URLs in one second passes, to skip converting), or None for the clock."""


def epoch_second(now: Instant) -> int:
    """Whole seconds since the epoch: ``now`` if given, else the clock."""
    if now is None:
        return int(time.time())
    if isinstance(now, int):
        return now
    return int((now if now.tzinfo is not None else now.replace(tzinfo=UTC)).timestamp())


_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~/")
_ASCII_PATH = [chr(c) if chr(c) in _UNRESERVED else f"%{c:02X}" for c in range(128)]


def encode_path(name: str) -> str:
    """``quote(name, safe="/~")``, as all three SDKs encode object names, three times faster for ASCII names."""
    return name.translate(_ASCII_PATH) if name.isascii() else quote(name, safe="/~")

"""The connection and the URL's life: TLS as browsers require it, and when the signature really ends."""

from __future__ import annotations

import ipaddress
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from tether.doctor.findings import Finding
from tether.doctor.lifetime import expires_at, protocols
from tether.doctor.probe import Answer
from tether.spec.durations import format_duration

MODERN_TLS = ("TLSv1.2", "TLSv1.3")


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def check_tls(integration: str, url: str, answer: Answer) -> Finding:
    """HTTPS with TLS 1.2 or above; plain HTTP passes in Chromium only for loopback (a trustworthy origin)."""
    parts = urlsplit(url)
    if parts.scheme == "http":
        if _loopback(parts.hostname or ""):
            return Finding(integration, "TLS", "advisory",
                           "plain HTTP: Chromium lets an HTTPS page load it only because the host is loopback",
                           "production stores are HTTPS-only; serve the stand-in over HTTPS")  # fmt: skip
        return Finding(integration, "TLS", "problem",
                       "plain HTTP from an HTTPS page is mixed content: the browser blocks it",
                       "point the integration's endpoint at the store's https:// address")  # fmt: skip
    if not answer.certificate:
        return Finding(integration, "TLS", "problem", f"the browser refuses the connection: {answer.error}",
                       "serve the store with a certificate from a CA browsers trust")  # fmt: skip
    if answer.tls is None:
        return Finding(integration, "TLS", "unreachable", f"no TLS connection: {answer.error}")
    if answer.tls not in MODERN_TLS:
        return Finding(integration, "TLS", "problem", f"{answer.tls}: browsers refuse TLS below 1.2",
                       "enable TLS 1.2 or 1.3 on the store's endpoint")  # fmt: skip
    said = f"{answer.tls} with a trusted certificate"
    spr = protocols(url)
    if spr and "http" in spr.replace("https", ""):
        return Finding(integration, "TLS", "advisory", f"{said}, but the SAS allows http too (spr={spr})",
                       "real Azure is HTTPS-only: sign with spr=https")  # fmt: skip
    return Finding(integration, "TLS", "ok", said)


def check_lifetime(integration: str, url: str, configured: timedelta, now: datetime, note: str | None) -> Finding:
    """The URL's real lifetime against the integration's expiry: a shorter one ends mid-task."""
    ends = expires_at(url)
    if ends is None:
        return Finding(integration, "expiry", "advisory", "the URL does not say when it expires")
    left = ends - now
    if left <= timedelta(0):
        return Finding(integration, "expiry", "problem",
                       f"the URL expired at {ends.isoformat()}: the store refuses it",
                       "sign URLs when the page opens; check the signing host's clock")  # fmt: skip
    # to the minute: the URL was signed a moment after ``now`` was read
    shown = format_duration(timedelta(minutes=round(left.total_seconds() / 60)))
    if left < configured - timedelta(minutes=1):
        why = f" ({note})" if note else ""
        return Finding(integration, "expiry", "advisory",
                       f"URLs work for {shown}, less than the integration's {format_duration(configured)}{why}: "
                       "a page open longer stops loading media mid-task",
                       "sign with credentials that last as long as the expiry (a role's max session, a longer SAS "
                       "key), or shorten signed_url_expiry to what they allow")  # fmt: skip
    return Finding(integration, "expiry", "ok", f"URLs work for {shown}, as the integration's expiry says")

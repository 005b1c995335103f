"""How long a signed URL lives: what was asked, within the integration's and the provider's limits, and
never past the credentials that sign it (a URL must not claim an expiry its signature cannot keep)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from runtime.sign.outcome import Refused
from tether.spec.durations import format_duration
from tether.spec.model import ONE_WEEK, AnyIntegration, AzureIntegration, GcpIntegration, S3CompatibleIntegration

WEEK = int(ONE_WEEK.total_seconds())
"""The default expiry (R10) and the SigV4 / GCS V4 ceiling."""
MIN_LIFETIME = 60
"""A URL that would live less than this is refused: it would die before a page finished loading."""


@dataclass(frozen=True)
class Limits:
    """The default expiry of an integration's URLs and its maximum, in seconds."""

    default: int
    maximum: int


def limits(integration: AnyIntegration) -> Limits:
    """AWS, GCP and OTC have a custom expiry; S3-compatible stores the one-week default; Azure its SAS rotation."""
    if isinstance(integration, AzureIntegration):
        rotation = _seconds(integration.sas.rotation)
        return Limits(min(WEEK, rotation), rotation)
    if isinstance(integration, S3CompatibleIntegration):
        return Limits(WEEK, WEEK)
    configured = _seconds(integration.signed_url_expiry)
    return Limits(configured, configured)


def choose(integration: AnyIntegration, requested: int | None) -> int:
    """The expiry in seconds: the integration's default, or ``requested`` when within every limit."""
    bounds = limits(integration)
    if requested is None:
        return bounds.default
    if not isinstance(integration, AzureIntegration) and requested > WEEK:
        scheme = "GCS V4" if isinstance(integration, GcpIntegration) else "SigV4"
        raise Refused(f"an expiry of {_shown(requested)} is over {_shown(WEEK)}, the longest a {scheme} URL is valid")
    if requested > bounds.maximum:
        raise Refused(f"an expiry of {_shown(requested)} is over {_what_limits(integration, bounds.maximum)}", "R10")
    return requested


def _what_limits(integration: AnyIntegration, maximum: int) -> str:
    name, limit = integration.name, _shown(maximum)
    if isinstance(integration, AzureIntegration):
        return f"the SAS rotation period of {name}, {limit}: Azure has no custom expiry, SAS tokens rotate"
    if isinstance(integration, S3CompatibleIntegration):
        return f"the expiry of {name}, {limit} (the default)"
    return f"the signed URL expiry of {name}, {limit}"


def fit(second: int, expires_in: int, until: datetime | None, signer: str) -> tuple[int, str | None]:
    """``expires_in`` cut to end when the signing credentials do (with a note saying so); Refused when
    fewer than MIN_LIFETIME seconds would be left. ``signer`` names the credentials, for the note."""
    if until is None:
        return expires_in, None
    left = int(until.timestamp()) - second
    if left <= 0:
        raise Refused(f"{signer} expired at {until.isoformat()}")
    if left < MIN_LIFETIME:
        raise Refused(f"{signer} will be valid for only {left}s more, under the {MIN_LIFETIME}s a URL needs")
    if left >= expires_in:
        return expires_in, None
    return left, f"expires after {_shown(left)}, not {_shown(expires_in)}: it cannot outlive {signer}"


def expires_at(second: int, expires_in: int) -> datetime:
    """The UTC time a URL signed at ``second`` for ``expires_in`` seconds stops working."""
    return datetime.fromtimestamp(second + expires_in, UTC)


def _seconds(value: timedelta) -> int:
    return int(value.total_seconds())


def _shown(seconds: int) -> str:
    return format_duration(timedelta(seconds=seconds))

"""How long URLs last: the integration's default, what was asked within it, and never past the credentials."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from runtime.sign import AzureKey, Lease, Refused
from runtime.sign.targets import AzureTarget
from runtime.signing.azure_sas import UserDelegationKey
from tests.sign.support import NOW, SPEC, FakeCredentials, runtime


def query(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


@pytest.mark.parametrize(
    ("integration", "field", "default"),
    [
        ("videos", "X-Amz-Expires", timedelta(hours=12)),
        ("east", "X-Amz-Expires", timedelta(hours=12)),  # the AWS default: a role session lasts 12h at most
        ("scans", "X-Amz-Expires", timedelta(hours=2)),
        ("lab", "X-Amz-Expires", timedelta(days=7)),
        ("images", "X-Goog-Expires", timedelta(days=1)),
    ],
)
def test_default_is_the_integrations_expiry(integration: str, field: str, default: timedelta) -> None:
    signed = runtime().sign("ann@acme.ai", integration, "videos/a.mp4", now=NOW)
    assert signed.expires_at == NOW + default
    assert query(signed.url)[field] == str(int(default.total_seconds()))
    assert signed.note is None


def test_azure_default_is_the_rotation_period_at_most_a_week() -> None:
    signed = runtime().sign("ann@acme.ai", "calls", "a.wav", now=NOW)
    assert signed.expires_at == NOW + timedelta(days=3)
    assert query(signed.url)["se"] == "2026-03-05T09:30:00Z"
    ten_days = runtime(SPEC.replace("rotation: 3d", "rotation: 10d"))
    assert ten_days.sign("ann@acme.ai", "calls", "a.wav", now=NOW).expires_at == NOW + timedelta(days=7)
    longest = ten_days.sign("ann@acme.ai", "calls", "a.wav", expires_in=timedelta(days=10), now=NOW)
    assert longest.expires_at == NOW + timedelta(days=10)


def test_shorter_expiry_is_granted_as_asked() -> None:
    signed = runtime().sign("ann@acme.ai", "videos", "videos/a.mp4", expires_in=timedelta(minutes=5), now=NOW)
    assert signed.expires_at == NOW + timedelta(minutes=5)
    assert query(signed.url)["X-Amz-Expires"] == "300"


def test_temporary_credentials_shorten_the_url_and_say_so() -> None:
    credentials = FakeCredentials(aws_expires_at=NOW + timedelta(minutes=47))
    signed = runtime(credentials=credentials).sign("ann@acme.ai", "videos", "videos/a.mp4", now=NOW)
    assert signed.expires_at == NOW + timedelta(minutes=47)
    assert query(signed.url)["X-Amz-Expires"] == str(47 * 60)
    assert query(signed.url)["X-Amz-Security-Token"] == "session-token"
    assert signed.note == "expires after 47m, not 12h: it cannot outlive the credentials of assumed role test"


def test_temporary_credentials_that_outlast_the_url_change_nothing() -> None:
    credentials = FakeCredentials(aws_expires_at=NOW + timedelta(hours=1))
    signed = runtime(credentials=credentials).sign("ann@acme.ai", "videos", "videos/a", expires_in=3600, now=NOW)
    assert (signed.expires_at, signed.note) == (NOW + timedelta(hours=1), None)


@pytest.mark.parametrize(
    ("left", "reason"),
    [
        (
            timedelta(seconds=59),
            "the credentials of assumed role test will be valid for only 59s more, under the 60s a URL needs",
        ),
        (timedelta(0), "the credentials of assumed role test expired at 2026-03-02T09:30:00+00:00"),
        (-timedelta(hours=1), "the credentials of assumed role test expired at 2026-03-02T08:30:00+00:00"),
    ],
)
def test_credentials_about_to_end_are_refused(left: timedelta, reason: str) -> None:
    credentials = FakeCredentials(aws_expires_at=NOW + left)
    with pytest.raises(Refused) as refused:
        runtime(credentials=credentials).sign("ann@acme.ai", "videos", "videos/a.mp4", now=NOW)
    assert refused.value.reason == reason


def test_sixty_seconds_left_is_enough() -> None:
    credentials = FakeCredentials(aws_expires_at=NOW + timedelta(seconds=60))
    signed = runtime(credentials=credentials).sign("ann@acme.ai", "videos", "videos/a.mp4", now=NOW)
    assert signed.expires_at == NOW + timedelta(seconds=60)


class DelegationCredentials(FakeCredentials):
    """A user delegation key ending two days from NOW."""

    def azure(self, target: AzureTarget, until: datetime) -> Lease[AzureKey]:
        key = UserDelegationKey(
            signed_oid="4b1d9e22-7c3a-4f5e-8a6b-1c2d3e4f5a6b",
            signed_tid="8f3c2a10-5b7e-4d2a-9c41-2e6f0b7d9a11",
            signed_start="2026-03-02T09:00:00Z",
            signed_expiry="2026-03-04T09:30:00Z",
            signed_service="b",
            signed_version="2026-10-06",
            value="c2VjcmV0IGRlbGVnYXRpb24ga2V5",
        )
        return Lease(AzureKey(delegation_key=key), NOW + timedelta(days=2), "the user delegation key of acmecalls")


def test_a_delegation_key_bounds_the_sas() -> None:
    signed = runtime(credentials=DelegationCredentials()).sign("ann@acme.ai", "calls", "a.wav", now=NOW)
    assert signed.expires_at == NOW + timedelta(days=2)
    assert signed.note == "expires after 2d, not 3d: it cannot outlive the user delegation key of acmecalls"
    fields = query(signed.url)
    assert (fields["se"], fields["ske"], fields["skoid"]) == (
        "2026-03-04T09:30:00Z",
        "2026-03-04T09:30:00Z",
        "4b1d9e22-7c3a-4f5e-8a6b-1c2d3e4f5a6b",
    )

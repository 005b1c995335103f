"""The direct SigV4 presigner: the AWS documentation's example, and byte-identity with boto3 on random keys."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any
from unittest import mock

import boto3
import pytest
from botocore.config import Config
from hypothesis import given, settings
from hypothesis import strategies as st

from runtime.signing import sigv4
from runtime.signing.common import parse_endpoint
from runtime.signing.sigv4 import AwsCredentials, S3Presigner

NOW = datetime(2026, 3, 1, 23, 59, 58, 123456, tzinfo=UTC)
ACCESS_KEY, SECRET_KEY = "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ+abc/def=="

SPECIALS = [*" +~%=/?#&;:@!$'()*,[]^`{|}\"<>\\\t\n.", "//", "..", "%20", "%2F", "ü", "日本", "😀", "\u00a0"]
KEYS = st.lists(
    st.one_of(st.sampled_from(SPECIALS), st.characters(codec="utf-8")),
    min_size=1,
    max_size=24,
).map("".join)
"""Object keys with the characters that encoders disagree on most: reserved, percent, unicode, slashes."""

CONFIGS = [
    # (region, endpoint, addressing, session token)
    ("us-east-1", None, "virtual", None),
    ("eu-west-2", None, "virtual", TOKEN),
    ("ap-southeast-2", None, "path", None),
    ("cn-north-1", None, "virtual", None),
    ("eu-de", "https://obs.eu-de.otc.t-systems.com", "path", None),
    ("eu-de", "https://obs.eu-de.otc.t-systems.com", "virtual", TOKEN),
    ("us-east-1", "http://127.0.0.1:8333", "path", None),
    ("us-east-1", "http://127.0.0.1:8333", "virtual", None),
    ("us-east-1", "http://localhost:9000", "virtual", None),
    ("eu-central-1", "https://S3.Example.COM:443", "path", None),
    ("eu-central-1", "http://[::1]:9000", "path", None),
]
BUCKETS = ["examplebucket", "my.dotted.bucket", "Upper_Case", "ab", "a-b", "192.168.0.1", "x" * 63]


@cache
def boto_client(region: str, endpoint: str | None, addressing: str, token: str | None) -> Any:
    session = boto3.session.Session(
        aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY, aws_session_token=token, region_name=region
    )
    return session.client(
        "s3", endpoint_url=endpoint, config=Config(signature_version="s3v4", s3={"addressing_style": addressing})
    )


@contextmanager
def botocore_clock(now: datetime) -> Iterator[None]:
    """Freeze the one clock botocore's SigV4 signers read (``botocore.auth.get_current_datetime``)."""
    frozen = now.astimezone(UTC).replace(tzinfo=None)
    with mock.patch("botocore.auth.get_current_datetime", lambda remove_tzinfo=True: frozen):
        yield


def boto3_url(config: tuple[str, str | None, str, str | None], bucket: str, key: str, method: str, expires: int) -> str:
    operation = {"GET": "get_object", "HEAD": "head_object"}[method]
    with botocore_clock(NOW):
        url: str = boto_client(*config).generate_presigned_url(
            operation, Params={"Bucket": bucket, "Key": key}, ExpiresIn=expires
        )
    return url


def test_reproduces_the_aws_documentation_example() -> None:
    """S3 docs, "Authenticating Requests: Using Query Parameters": GET examplebucket/test.txt, 2013-05-24."""
    credentials = AwsCredentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    url = S3Presigner(credentials, "us-east-1").presign(
        "examplebucket", "test.txt", expires_in=86400, now=datetime(2013, 5, 24, tzinfo=UTC)
    )
    assert url == (
        "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256"
        "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
        "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
        "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
    )


@settings(max_examples=250, deadline=None)
@given(
    config=st.sampled_from(CONFIGS),
    keys=st.lists(KEYS, min_size=8, max_size=16),
    method=st.sampled_from(["GET", "HEAD"]),
    expires=st.sampled_from([1, 3600, 604800]),
)
def test_byte_identical_to_boto3_on_random_keys(
    config: tuple[str, str | None, str, str | None], keys: list[str], method: sigv4.Method, expires: int
) -> None:
    """About 3,000 random keys in all: single and batch calls both equal boto3 at the same frozen time."""
    region, endpoint, addressing, token = config
    signer = S3Presigner(
        AwsCredentials(ACCESS_KEY, SECRET_KEY, token),
        region,
        endpoint_url=endpoint,
        addressing="path" if addressing == "path" else "virtual",
    )
    bucket = "examplebucket"
    expected = [boto3_url(config, bucket, key, method, expires) for key in keys]
    assert signer.presign_many(bucket, keys, expires_in=expires, now=NOW, method=method) == expected
    assert signer.presign(bucket, keys[0], expires_in=expires, now=NOW, method=method) == expected[0]


@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: f"{c[0]}-{c[1]}-{c[2]}-{'token' if c[3] else 'static'}")
@pytest.mark.parametrize("bucket", BUCKETS)
def test_addressing_falls_back_to_path_style_where_boto3_does(
    config: tuple[str, str | None, str, str | None], bucket: str
) -> None:
    region, endpoint, addressing, token = config
    signer = S3Presigner(
        AwsCredentials(ACCESS_KEY, SECRET_KEY, token),
        region,
        endpoint_url=endpoint,
        addressing="path" if addressing == "path" else "virtual",
    )
    url = signer.presign(bucket, "k ey", expires_in=60, now=NOW)
    reference = boto3_url(config, bucket, "k ey", "GET", 60)
    dotted = "." in bucket and sigv4.virtual_hostable(bucket, allow_dots=True)
    if addressing == "virtual" and endpoint and dotted and parse_endpoint(endpoint).is_ip:
        # The one deliberate difference: boto3 writes http://my.dotted.bucket.127.0.0.1:8333/, which cannot resolve.
        assert reference.startswith(f"http://{bucket}.127.0.0.1:8333/")
        assert url.startswith(f"http://127.0.0.1:8333/{bucket}/k%20ey?")
    else:
        assert url == reference


def test_naive_and_other_time_zones_mean_the_same_instant() -> None:
    signer = S3Presigner(AwsCredentials(ACCESS_KEY, SECRET_KEY), "eu-west-2")
    berlin = NOW.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Berlin"))
    naive = NOW.replace(tzinfo=None)
    urls = {signer.presign("examplebucket", "k", expires_in=60, now=at) for at in (NOW, berlin, naive)}
    assert len(urls) == 1
    assert "X-Amz-Date=20260301T235958Z" in urls.pop()


def test_signing_key_is_derived_once_per_day() -> None:
    signer = S3Presigner(AwsCredentials(ACCESS_KEY, SECRET_KEY), "eu-west-2")
    with mock.patch.object(sigv4, "signing_key", wraps=sigv4.signing_key) as derive:
        signer.presign_many("examplebucket", [f"k{i}" for i in range(50)], expires_in=60, now=NOW)
        for second in range(3):  # later the same day, through the single-URL path
            signer.presign("examplebucket", "k", expires_in=60, now=NOW - timedelta(hours=1, seconds=second))
        assert derive.call_count == 1
        signer.presign("examplebucket", "k", expires_in=60, now=NOW + timedelta(seconds=2))  # next UTC day
        assert derive.call_count == 2


@pytest.mark.parametrize(
    ("bucket", "key", "expires", "method", "message"),
    [
        ("examplebucket", "k", 0, "GET", "expires_in"),
        ("examplebucket", "k", 604801, "GET", "expires_in"),
        ("examplebucket", "k", 60, "PUT", "GET and HEAD"),
        ("bad/bucket", "k", 60, "GET", "bucket"),
        ("examplebucket", "", 60, "GET", "empty object key"),
    ],
)
def test_refuses_what_s3_would_refuse(bucket: str, key: str, expires: int, method: Any, message: str) -> None:
    signer = S3Presigner(AwsCredentials(ACCESS_KEY, SECRET_KEY), "eu-west-2")
    with pytest.raises(ValueError, match=message):
        signer.presign(bucket, key, expires_in=expires, now=NOW, method=method)


@pytest.mark.parametrize("endpoint", ["ftp://host", "https://host/base", "https://host?x=1", "https://"])
def test_refuses_endpoints_it_cannot_address(endpoint: str) -> None:
    with pytest.raises(ValueError, match="endpoint"):
        S3Presigner(AwsCredentials(ACCESS_KEY, SECRET_KEY), "eu-west-2", endpoint_url=endpoint)


def test_secrets_stay_out_of_reprs() -> None:
    credentials = AwsCredentials(ACCESS_KEY, SECRET_KEY, TOKEN)
    assert SECRET_KEY not in repr(credentials)
    assert TOKEN not in repr(credentials)

"""SigV4 query presigning of S3 object URLs (GET and HEAD), byte-identical to boto3's ``generate_presigned_url``.

boto3 builds and signs a whole request through its event system for every URL; a presigned GET needs only
one SHA-256 and one HMAC once the signing key (secret, date, region) is derived, which it is once a day.
bench/signing.py measures the difference (over 20x). Endpoints follow boto3: AWS regional hosts
(``BUCKET.s3.amazonaws.com`` in us-east-1, ``BUCKET.s3.REGION.amazonaws.com`` elsewhere) or a custom endpoint
for OTC OBS and other S3-compatible stores, with virtual-hosted style falling back to path style where
boto3's endpoint rules do (one deliberate exception, on IP endpoints: see ``S3Presigner._virtual``).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import quote

from runtime.signing.common import Instant, encode_path, epoch_second, parse_endpoint

ALGORITHM = "AWS4-HMAC-SHA256"
MAX_EXPIRES = 7 * 24 * 3600
"""SigV4 query signatures are valid for at most seven days."""

_BUCKET = re.compile(r"[a-zA-Z0-9.\-_]{1,255}")
_HOST_LABEL = re.compile(r"(?!-)[a-zA-Z\d-]{1,63}(?<!-)")
_IPV4_LIKE = re.compile(r"(?:[0-9]{1,3}\.){3}[0-9]{1,3}")

Method = Literal["GET", "HEAD"]


@dataclass(frozen=True, slots=True)
class AwsCredentials:
    """Static or temporary credentials; a session token comes with temporary ones (assumed roles)."""

    access_key: str
    secret_key: str = field(repr=False)
    session_token: str | None = field(default=None, repr=False)


def aws_endpoint(region: str) -> str:
    """The S3 endpoint boto3 uses for ``region`` (us-east-1 keeps the global name)."""
    suffix = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    return f"https://s3.{suffix}" if region == "us-east-1" else f"https://s3.{region}.{suffix}"


def virtual_hostable(bucket: str, *, allow_dots: bool) -> bool:
    """Whether ``bucket`` can be a DNS label in front of the endpoint (boto3's rule; dots only over plain http)."""
    if len(bucket) < 3 or bucket.lower() != bucket or _IPV4_LIKE.fullmatch(bucket):
        return False
    labels = bucket.split(".") if allow_dots else [bucket]
    return all(_HOST_LABEL.fullmatch(label) for label in labels)


@dataclass(frozen=True, slots=True)
class _Context:
    """Everything about a URL but its key: shared by every URL for one bucket, method, expiry and second."""

    base: str
    url_query: str
    canonical_head: str
    canonical_tail: str
    sts_head: str
    mac: hmac.HMAC
    """Keyed with the day's signing key; each URL signs on a copy (cheaper than re-keying)."""


class S3Presigner:
    """Presigns object URLs for one set of credentials, one region and one endpoint.

    The signing key is derived once per UTC day, and the rest of the request that does not depend on the
    key once per bucket, expiry and second, so each URL costs a quote, one SHA-256 and one HMAC.
    """

    _MAX_CONTEXTS = 256

    def __init__(
        self,
        credentials: AwsCredentials,
        region: str,
        *,
        endpoint_url: str | None = None,
        addressing: Literal["virtual", "path"] = "virtual",
    ) -> None:
        self._credentials = credentials
        self.region = region
        self._endpoint = parse_endpoint(endpoint_url or aws_endpoint(region))
        self._path_style = addressing == "path"
        self._token_query = (
            "" if credentials.session_token is None else "&X-Amz-Security-Token=" + _encode(credentials.session_token)
        )
        self._day: tuple[str, hmac.HMAC, str] | None = None
        self._contexts: dict[tuple[str, int, str, int], _Context] = {}

    def presign(
        self, bucket: str, key: str, *, expires_in: int, now: Instant = None, method: Method = "GET"
    ) -> str:
        """A URL that lets its holder ``method`` the object ``key`` until ``now + expires_in`` seconds."""
        return _sign(self._context(bucket, expires_in, now, method), key)

    def presign_many(
        self, bucket: str, keys: Iterable[str], *, expires_in: int, now: Instant = None, method: Method = "GET"
    ) -> list[str]:
        """One URL per key, all with the same time and expiry."""
        context = self._context(bucket, expires_in, now, method)
        return [_sign(context, key) for key in keys]

    def _context(self, bucket: str, expires_in: int, now: Instant, method: str) -> _Context:
        second = epoch_second(now)
        cache_key = (bucket, expires_in, method, second)
        context = self._contexts.get(cache_key)
        if context is None:
            context = self._build_context(bucket, expires_in, method, second)
            if len(self._contexts) >= self._MAX_CONTEXTS:
                self._contexts.clear()
            self._contexts[cache_key] = context
        return context

    def _build_context(self, bucket: str, expires_in: int, method: str, second: int) -> _Context:
        if not 1 <= expires_in <= MAX_EXPIRES:
            raise ValueError(f"expires_in must be between 1 and {MAX_EXPIRES} seconds")
        if method not in ("GET", "HEAD"):
            raise ValueError("only GET and HEAD URLs are signed")
        if not _BUCKET.fullmatch(bucket):
            raise ValueError("invalid bucket name")
        amz_date = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(second))
        scope, mac, credential = self._scope(amz_date[:8])
        ep = self._endpoint
        if not self._path_style and self._virtual(bucket):
            host, base, path_prefix = f"{bucket}.{ep.host}", f"{ep.scheme}://{bucket}.{ep.netloc}/", "/"
        else:
            host, base, path_prefix = ep.host, f"{ep.scheme}://{ep.netloc}/{bucket}/", f"/{bucket}/"
        auth = (
            f"X-Amz-Algorithm={ALGORITHM}&X-Amz-Credential={credential}"
            f"&X-Amz-Date={amz_date}&X-Amz-Expires={expires_in}"
        )
        return _Context(
            base=base,
            url_query=f"{auth}&X-Amz-SignedHeaders=host{self._token_query}&X-Amz-Signature=",
            canonical_head=f"{method}\n{path_prefix}",
            canonical_tail=f"\n{auth}{self._token_query}&X-Amz-SignedHeaders=host\nhost:{host}\n\nhost\nUNSIGNED-PAYLOAD",
            sts_head=f"{ALGORITHM}\n{amz_date}\n{scope}\n",
            mac=mac,
        )

    def _virtual(self, bucket: str) -> bool:
        """boto3's endpoint rules, except on an IP endpoint: boto3 puts a dotted name in front of an IP over
        http (``my.bucket.127.0.0.1``, which cannot resolve); here an IP endpoint is always path-style."""
        ep = self._endpoint
        return not ep.is_ip and virtual_hostable(bucket, allow_dots=ep.scheme == "http")

    def _scope(self, date: str) -> tuple[str, hmac.HMAC, str]:
        """Credential scope, keyed HMAC and encoded X-Amz-Credential for a day, derived once per day."""
        scope = f"{date}/{self.region}/s3/aws4_request"
        day = self._day
        if day is None or day[0] != date:
            key = signing_key(self._credentials.secret_key, date, self.region, "s3")
            credential = _encode(f"{self._credentials.access_key}/{scope}")
            day = self._day = (date, hmac.new(key, digestmod=hashlib.sha256), credential)
        return scope, day[1], day[2]


def _sign(context: _Context, key: str) -> str:
    if not key:
        raise ValueError("empty object key")
    path = encode_path(key)
    canonical = hashlib.sha256(f"{context.canonical_head}{path}{context.canonical_tail}".encode()).hexdigest()
    mac = context.mac.copy()
    mac.update((context.sts_head + canonical).encode())
    signature = mac.hexdigest()
    return f"{context.base}{path}?{context.url_query}{signature}"


def signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    """SigV4 key derivation: HMAC chain over date, region, service and the terminator."""
    key = hmac.digest(f"AWS4{secret}".encode(), date.encode(), "sha256")
    for part in (region, service, "aws4_request"):
        key = hmac.digest(key, part.encode(), "sha256")
    return key


def _encode(value: str) -> str:
    return quote(value, safe="-_.~")

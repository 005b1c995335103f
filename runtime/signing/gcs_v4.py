"""GCS V4 signed URLs, three ways to sign one canonical request.

- ``ServiceAccountKey``: GOOG4-RSA-SHA256 with the key file's private key (one RSA-2048 signature per URL,
  a few thousand URLs/s per core at best).
- ``SignBlob``: GOOG4-RSA-SHA256 through a callable that signs bytes (IAM ``signBlob`` for keyless service
  accounts; the callable does the network call, this module stays pure).
- ``HmacKey``: GOOG4-HMAC-SHA256 with an HMAC key of the service account: one SHA-256 and one HMAC per URL,
  over 50x faster (bench/signing.py), for pages that need thousands of URLs.

Reproduces Google's public V4 conformance vectors. Path style (``endpoint/bucket/object``), virtual-hosted
(``bucket.host/object``) and bucket-bound hostnames (a CNAME to the bucket: ``endpoint/object``) are modelled.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol
from urllib.parse import quote

from runtime.signing.common import Endpoint, Instant, encode_path, epoch_second, parse_endpoint

DEFAULT_ENDPOINT = "https://storage.googleapis.com"
MAX_EXPIRES = 7 * 24 * 3600
"""V4 signatures are valid for at most seven days."""
METHODS = frozenset({"GET", "HEAD", "PUT", "POST", "DELETE"})
_AUTH_PARAMS = frozenset(
    f"x-goog-{name}" for name in ("algorithm", "credential", "date", "expires", "signedheaders", "signature")
)

UrlStyle = Literal["path", "virtual", "bucket-bound"]


Sign = Callable[[bytes], str]
"""Hex signature of a string to sign."""


class Credential(Protocol):
    """Who signs (``client_id`` goes into X-Goog-Credential) and how."""

    @property
    def algorithm(self) -> str:
        """GOOG4-RSA-SHA256 or GOOG4-HMAC-SHA256."""
        ...

    @property
    def client_id(self) -> str:
        """The service account email, or the HMAC key's access id."""
        ...

    def signer(self, date: str) -> Sign:
        """The signing function for one day (YYYYMMDD): HMAC keys are scoped to a day, RSA keys are not."""
        ...


class ServiceAccountKey:
    """A service account's private key, as in its JSON key file."""

    algorithm = "GOOG4-RSA-SHA256"

    def __init__(self, client_email: str, private_key_pem: str) -> None:
        from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
        from cryptography.hazmat.primitives.serialization import load_pem_private_key

        key = load_pem_private_key(private_key_pem.encode(), password=None)
        if not isinstance(key, RSAPrivateKey):
            raise ValueError("a service account key must be an RSA private key")
        self.client_id = client_email
        self._key = key

    @classmethod
    def from_info(cls, info: Mapping[str, Any]) -> ServiceAccountKey:
        """From the parsed JSON key file (``client_email`` and ``private_key``)."""
        return cls(info["client_email"], info["private_key"])

    def signer(self, date: str) -> Sign:
        from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
        from cryptography.hazmat.primitives.hashes import SHA256

        key, padding, digest = self._key, PKCS1v15(), SHA256()
        return lambda data: key.sign(data, padding, digest).hex()


@dataclass(frozen=True)
class SignBlob:
    """A keyless service account: ``sign_bytes`` returns the RSA-SHA256 signature Google's IAM makes for it."""

    client_id: str
    sign_bytes: Callable[[bytes], bytes] = field(repr=False)
    algorithm: str = "GOOG4-RSA-SHA256"

    def signer(self, date: str) -> Sign:
        sign_bytes = self.sign_bytes
        return lambda data: sign_bytes(data).hex()


class HmacKey:
    """An HMAC key (access id and secret) of a service account."""

    algorithm = "GOOG4-HMAC-SHA256"

    def __init__(self, access_id: str, secret: str) -> None:
        self.client_id = access_id
        self._secret = secret

    def signer(self, date: str) -> Sign:
        key = hmac.digest(f"GOOG4{self._secret}".encode(), date.encode(), "sha256")
        for part in ("auto", "storage", "goog4_request"):
            key = hmac.digest(key, part.encode(), "sha256")
        keyed = hmac.new(key, digestmod=hashlib.sha256)  # copying the keyed state is cheaper than re-keying

        def sign(data: bytes) -> str:
            mac = keyed.copy()
            mac.update(data)
            return mac.hexdigest()

        return sign


@dataclass(frozen=True, slots=True)
class _Context:
    """Everything about a URL but its object name, for one bucket, method, expiry and second."""

    sign: Sign
    base: str
    bucket_path: str
    """The path when no object is named: ``/bucket`` for path style, ``/`` when the host names the bucket."""
    url_query: str
    canonical_head: str
    canonical_tail: str
    sts_head: str


class GcsV4Signer:
    """Signs object URLs with one credential against one endpoint in one URL style."""

    _MAX_CONTEXTS = 256

    def __init__(self, credential: Credential, *, endpoint: str = DEFAULT_ENDPOINT, style: UrlStyle = "path") -> None:
        if style not in ("path", "virtual", "bucket-bound"):
            raise ValueError("style must be path, virtual or bucket-bound")
        self._credential = credential
        self._endpoint = parse_endpoint(endpoint)
        self.style = style
        self._contexts: dict[tuple[str, int, str, int], _Context] = {}
        self._day: tuple[str, Sign] | None = None

    def sign(
        self,
        bucket: str,
        blob: str | None,
        *,
        expires_in: int,
        now: Instant = None,
        method: str = "GET",
        headers: Mapping[str, str] | None = None,
        query: Mapping[str, str] | None = None,
    ) -> str:
        """A URL for ``method`` on ``blob`` (None: the bucket itself) valid for ``expires_in`` seconds from ``now``.

        ``headers`` must then be sent exactly; ``x-goog-content-sha256`` among them replaces UNSIGNED-PAYLOAD.
        """
        second = epoch_second(now)
        if headers or query:
            context = self._build_context(bucket, expires_in, method, second, headers or {}, query or {})
        else:
            context = self._cached_context(bucket, expires_in, method, second)
        path = context.bucket_path if blob is None else "/" + encode_path(blob)
        canonical = hashlib.sha256(f"{context.canonical_head}{path}{context.canonical_tail}".encode()).hexdigest()
        signature = context.sign(f"{context.sts_head}{canonical}".encode())
        return f"{context.base}{path}?{context.url_query}{signature}"

    def _signer(self, date: str) -> Sign:
        """The credential's signing function for ``date``, made once a day (an HMAC key derivation)."""
        day = self._day
        if day is None or day[0] != date:
            day = self._day = (date, self._credential.signer(date))
        return day[1]

    def _cached_context(self, bucket: str, expires_in: int, method: str, second: int) -> _Context:
        cache_key = (bucket, expires_in, method, second)
        context = self._contexts.get(cache_key)
        if context is None:
            context = self._build_context(bucket, expires_in, method, second, {}, {})
            if len(self._contexts) >= self._MAX_CONTEXTS:
                self._contexts.clear()
            self._contexts[cache_key] = context
        return context

    def _build_context(
        self,
        bucket: str,
        expires_in: int,
        method: str,
        second: int,
        headers: Mapping[str, str],
        query: Mapping[str, str],
    ) -> _Context:
        if not 1 <= expires_in <= MAX_EXPIRES:
            raise ValueError(f"expires_in must be between 1 and {MAX_EXPIRES} seconds")
        if not bucket:
            raise ValueError("empty bucket name")
        if method not in METHODS:
            raise ValueError(f"method must be one of {sorted(METHODS)}")
        if any(name.lower() in _AUTH_PARAMS for name in query):
            raise ValueError("query parameters may not replace the signature's own")
        ep = self._endpoint
        host, base, prefix = _locate(ep, bucket, self.style)
        canonical_headers = _canonical_headers(headers, host)
        signed_headers = ";".join(canonical_headers)
        goog_date = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(second))
        date = goog_date[:8]
        scope = f"{date}/auto/storage/goog4_request"
        params = {
            "X-Goog-Algorithm": self._credential.algorithm,
            "X-Goog-Credential": f"{self._credential.client_id}/{scope}",
            "X-Goog-Date": goog_date,
            "X-Goog-Expires": str(expires_in),
            "X-Goog-SignedHeaders": signed_headers,
            **query,
        }
        canonical_query = "&".join(sorted(f"{_encode(k)}={_encode(v)}" for k, v in params.items()))
        header_lines = "".join(f"{name}:{value}\n" for name, value in canonical_headers.items())
        payload = canonical_headers.get("x-goog-content-sha256", "UNSIGNED-PAYLOAD")
        return _Context(
            sign=self._signer(date),
            base=base,
            bucket_path="" if prefix else "/",
            url_query=f"{canonical_query}&X-Goog-Signature=",
            canonical_head=f"{method}\n{prefix}",
            canonical_tail=f"\n{canonical_query}\n{header_lines}\n{signed_headers}\n{payload}",
            sts_head=f"{self._credential.algorithm}\n{goog_date}\n{scope}\n",
        )


def _locate(ep: Endpoint, bucket: str, style: UrlStyle) -> tuple[str, str, str]:
    """Signed host, URL before the object's path, and canonical path before it (neither ends with a slash)."""
    if style == "virtual":
        return f"{bucket}.{ep.host}", f"{ep.scheme}://{bucket}.{ep.netloc}", ""
    if style == "bucket-bound":
        return ep.host, f"{ep.scheme}://{ep.netloc}", ""
    return ep.host, f"{ep.scheme}://{ep.netloc}/{bucket}", f"/{bucket}"


def _canonical_headers(headers: Mapping[str, str], host: str) -> dict[str, str]:
    """Lower-case names, sorted; values trimmed with inner runs of white space collapsed to one space."""
    lines = {"host": host}
    for name, value in headers.items():
        lower = name.lower()
        if lower in lines:
            raise ValueError(f"header {name!r} given twice")
        lines[lower] = " ".join(value.split())
    return dict(sorted(lines.items()))


def _encode(value: str) -> str:
    return quote(value, safe="-_.~")

"""Does an objectUrl point inside an integration's bucket and prefixes, in one of its provider's URL forms?

Each provider's forms are written once, as templates; the accepted URL starts, the fast regular expression
and the diagnosis of a refused URL (other bucket, other region, plain http...) all derive from them.

Anything that two readers could resolve to different objects is refused rather than guessed: dot segments
(browsers resolve ``..`` and ``%2e%2e`` before S3 sees them), empty segments (some clients collapse
``//``), raw backslashes (browsers read them as ``/``; ``%5C`` is a backslash in the key), double
percent-encoding, percent-encoding in ``s3://`` or ``gs://`` URLs (tools disagree on whether it is decoded),
and a raw ``+`` in an S3 URL path (S3 reads it as a space).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote, unquote_to_bytes

from tether.spec.model import AnyIntegration, AwsIntegration, AzureIntegration, GcpIntegration, OtcIntegration

MAX_KEY_BYTES = 1024
"""S3, GCS and Azure all cap object names at 1024 bytes (UTF-8)."""

_PLAIN_CHAR = r"[A-Za-z0-9._~!$&'()*,;=:@-]"
"""Characters that mean the same in every form and need no decoding (RFC 3986 pchar without % and +)."""
_PLAIN_SEGMENT = rf"(?!\.\.?(?:/|\Z)){_PLAIN_CHAR}+"
_PLAIN_KEY = rf"(?:{_PLAIN_SEGMENT}/)*{_PLAIN_SEGMENT}"
_PLAIN_PREFIX = re.compile(rf"(?:{_PLAIN_SEGMENT}/)+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")
_DEFAULT_PORT = {"https": ":443", "http": ":80"}


@dataclass(frozen=True)
class _Form:
    """One way to write an object's URL: a template for what comes before the key."""

    template: str
    """With {bucket}, and optionally {region} or {account}; lowercase where the URL is case-insensitive."""
    region: str | None = None
    """The only region a form without {region} reaches (the global path-style S3 endpoint)."""

    def start(self, bucket: str, region: str, account: str) -> str | None:
        """The literal URL start for this integration, or None when the form cannot reach its bucket."""
        if self.region and self.region != region:
            return None
        return self.template.format(bucket=bucket, region=region, account=account)

    def pattern(self) -> re.Pattern[str]:
        """The form with its placeholders open, to tell which bucket or region a refused URL names."""
        text = re.escape(self.template)
        for name, capture in (
            ("bucket", r"(?P<bucket>[^/]+)"),
            ("region", r"(?P<region>[a-z0-9-]+)"),
            ("account", r"(?P<account>[a-z0-9]+)"),
        ):
            text = text.replace(re.escape("{" + name + "}"), capture)
        return re.compile(text)


def _s3_endpoint_forms(endpoint: str, path_style: bool | None) -> list[_Form]:
    """Forms at a fixed endpoint: path-style, virtual-hosted, or both (None); then s3://."""
    scheme, _, host = endpoint.rstrip("/").lower().partition("://")
    if scheme in _DEFAULT_PORT:
        host = host.removesuffix(_DEFAULT_PORT[scheme])
    virtual = _Form(f"{scheme}://{{bucket}}.{host}/")
    path = _Form(f"{scheme}://{host}/{{bucket}}/")
    styles = {True: [path], False: [virtual], None: [virtual, path]}[path_style]
    return [*styles, _Form("s3://{bucket}/")]


def _forms(integration: AnyIntegration) -> list[_Form]:
    """Every form of the integration's provider, the canonical https form first."""
    if isinstance(integration, AwsIntegration):
        return [
            _Form("https://{bucket}.s3.{region}.amazonaws.com/"),
            _Form("https://{bucket}.s3-{region}.amazonaws.com/"),
            _Form("https://{bucket}.s3.amazonaws.com/"),
            _Form("https://s3.{region}.amazonaws.com/{bucket}/"),
            _Form("https://s3-{region}.amazonaws.com/{bucket}/"),
            _Form("https://s3.amazonaws.com/{bucket}/", region="us-east-1"),
            _Form("s3://{bucket}/"),
        ]
    if isinstance(integration, GcpIntegration):
        return [
            _Form("https://storage.googleapis.com/{bucket}/"),
            _Form("https://{bucket}.storage.googleapis.com/"),
            _Form("gs://{bucket}/"),
        ]
    if isinstance(integration, AzureIntegration):
        return [_Form("https://{account}.blob.core.windows.net/{bucket}/")]
    if isinstance(integration, OtcIntegration):
        return _s3_endpoint_forms(integration.endpoint_url, None)
    return _s3_endpoint_forms(integration.endpoint_url, integration.path_style)


def _normalized(url: str) -> str:
    """Scheme and host lowercased and a default port dropped: what DNS and TLS treat as the same."""
    scheme, _, rest = url.partition("://")
    scheme = scheme.lower()
    authority, _, path = rest.partition("/")
    if scheme in _DEFAULT_PORT:
        authority = authority.lower().removesuffix(_DEFAULT_PORT[scheme])
    return f"{scheme}://{authority}/{path}"


class ObjectUrls:
    """The URLs of one integration's objects: which are inside it, why others are not, and how to write one."""

    def __init__(self, integration: AnyIntegration) -> None:
        self.integration = integration
        self.bucket = integration.bucket.name
        self.region = integration.region
        self.account = integration.bucket.account if isinstance(integration, AzureIntegration) else ""
        self.prefixes = tuple(integration.prefixes)
        self._forms = [(form, form.pattern()) for form in _forms(integration)]
        self._starts = [
            s for s in (f.start(self.bucket, self.region, self.account) for f, _ in self._forms) if s is not None
        ]
        self._s3_family = not isinstance(integration, GcpIntegration | AzureIntegration)
        plain_prefixes = [p for p in self.prefixes if _PLAIN_PREFIX.fullmatch(p)]
        starts = "|".join(re.escape(s) for s in self._starts)
        prefixes = "|".join(re.escape(p) for p in plain_prefixes)
        key = f"(?:{prefixes}){_PLAIN_KEY}" if self.prefixes else _PLAIN_KEY
        self.plain: Callable[[str], object] = (
            re.compile(f"(?:{starts}){key}").fullmatch if plain_prefixes or not self.prefixes else lambda _: None
        )
        """A fast test for the common case: true only for URLs that ``problem`` accepts (short ones: see ``fast``)."""

    def fast(self, url: str) -> bool:
        """True when ``url`` is certainly inside: plain characters and short enough that its key fits 1024 bytes."""
        return len(url) <= MAX_KEY_BYTES and self.plain(url) is not None

    def examples(self) -> str:
        """The accepted forms, as a person would write them."""
        return ", ".join(f"{s}KEY" for s in self._starts)

    def url(self, key: str) -> str:
        """The canonical URL of ``key``: the provider's https form, key percent-encoded (``+`` as %2B)."""
        return self._starts[0] + quote(key, safe="/~!$&'()*,;=:@")

    def problem(self, url: str) -> str | None:
        """Why ``url`` is not an object inside this integration's bucket and prefixes, or None if it is."""
        if not url:
            return "must not be empty"
        if not url.isascii() and _SURROGATE.search(url):
            return "holds a lone surrogate (not Unicode text): no object key can be written with it"
        if url != url.strip():
            return "has leading or trailing whitespace"
        if _CONTROL.search(url):
            return "contains a control character"
        if "\\" in url:
            return "contains a backslash, which browsers read as '/'; write it as %5C if it is part of the key"
        if "?" in url or "#" in url:
            return (
                "has a query or fragment (? or #): give the plain object URL, the platform signs URLs itself "
                "(percent-encode ? as %3F and # as %23 if they are part of the key)"
            )
        if "://" not in url:
            return f"is not a URL: expected {self.examples()}"
        normal = _normalized(url)
        for start in self._starts:
            if normal.startswith(start):
                return self._key_problem(normal[len(start) :], start.partition(":")[0])
        return self._outside(normal)

    def _key_problem(self, raw: str, scheme: str) -> str | None:
        if scheme in _DEFAULT_PORT:
            if self._s3_family and "+" in raw:
                return "has '+' in its path, which S3 reads as a space: write %2B for a plus or %20 for a space"
            if _BAD_PERCENT.search(raw):
                return "has a '%' that does not start a percent-encoded byte (%XX)"
            try:
                key = unquote_to_bytes(raw).decode("utf-8")
            except UnicodeDecodeError:
                return "has percent-encoded bytes that are not UTF-8"
            if _PERCENT.search(key):
                return "is percent-encoded twice (%25XX): readers that decode once and twice see different keys"
        else:
            if _PERCENT.search(raw):
                return (
                    f"has percent-encoding in a {scheme}:// URL, which tools disagree on decoding: "
                    f"write the key as stored, or use the https form"
                )
            key = raw
        return self._stored_key_problem(key)

    def _stored_key_problem(self, key: str) -> str | None:
        if not key:
            return "names the bucket, not an object"
        if key.endswith("/"):
            return "names a folder, not an object"
        if _CONTROL.search(key):
            return "decodes to a key with a control character"
        if "\\" in key and {".", ".."} & set(re.split(r"[/\\]", key)):
            return "has a '.' or '..' segment between backslashes, which readers that take '\\' for '/' resolve away"
        segments = key.split("/")
        if "" in segments:
            return "has an empty path segment (//), which some clients collapse: the object is ambiguous"
        if "." in segments or ".." in segments:
            return "has a '.' or '..' path segment (also when written %2e), which browsers resolve away"
        if len(key.encode("utf-8")) > MAX_KEY_BYTES:
            return f"has a key longer than {MAX_KEY_BYTES} bytes, the limit of every supported store"
        if self.prefixes and not key.startswith(self.prefixes):
            return f"key {key!r} is outside the integration's prefixes ({', '.join(self.prefixes)})"
        return None

    def _outside(self, normal: str) -> str:
        """Say which part of a URL that matches no accepted start is wrong."""
        where = self._where()
        scheme = normal.partition(":")[0]
        if scheme == "http" and any(s.startswith("https:") for s in self._starts):
            https = "https" + normal[4:]
            if any(https.startswith(s) for s in self._starts):
                return "uses http: the platform reads objects over HTTPS (TLS 1.2 or newer) only (R11)"
        if "@" in normal.partition("://")[2].partition("/")[0]:
            return "has user information (...@) before the host"
        for form, pattern in self._forms:
            match = pattern.match(normal)
            if not match:
                continue
            found = match.groupdict()
            if found.get("account", self.account) != self.account:
                return f"points into storage account {found['account']!r}, not {where}"
            if found["bucket"] != self.bucket:
                noun = "container" if self.account else "bucket"
                return f"points into {noun} {found['bucket']!r}, not {where}"
            region = found.get("region", form.region)
            if region and region != self.region:
                return f"uses an endpoint of region {region!r}, but {where} is in {self.region!r}"
        return f"is not a URL of {where}: expected {self.examples()}"

    def _where(self) -> str:
        if self.account:
            return f"the integration's container {self.bucket!r} in storage account {self.account!r}"
        return f"the integration's bucket {self.bucket!r}"

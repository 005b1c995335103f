"""Doctor over a loaded stack: for each integration, sign a sample object as the platform would and follow
the browser's path from each declared origin; then the checks that do not depend on the origin."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from policies.engine import judge
from policies.rules.geography import RULE as GEOGRAPHY
from runtime import Runtime
from runtime.sign import Refused
from runtime.sign.expiry import limits
from tether.desired import render
from tether.desired.cors import cors_rule
from tether.doctor.findings import Finding
from tether.doctor.media import check_media, is_video
from tether.doctor.path import Declared, check_origin, refused
from tether.doctor.probe import request
from tether.doctor.sample import first_key
from tether.doctor.transport import check_lifetime, check_tls
from tether.errors import ReadError
from tether.spec.model import AnyIntegration

ENCODING_PROBE = "tether-doctor/probe a+b é.txt"
"""A key no one has, with a space, a plus and a non-ASCII letter: a correct signature gets 404, a broken one 403."""


def ca_file(runtime: Runtime) -> str | None:
    """The certificate a sandbox's stores are trusted through (the env file's CA bundle), if any."""
    return runtime.settings.get("AWS_CA_BUNDLE") or runtime.settings.get("REQUESTS_CA_BUNDLE")


def doctor(runtime: Runtime, integrations: Sequence[str] = (), key: str | None = None,
           origin: str | None = None) -> list[Finding]:  # fmt: skip
    """Every finding for the chosen integrations (all when none are named)."""
    spec = runtime.spec
    chosen = [spec.integration(name) for name in integrations] if integrations else list(spec.integrations)
    found: list[Finding] = []
    for integration in chosen:
        found += doctor_one(runtime, integration, key, origin)
    return found


def doctor_one(runtime: Runtime, integration: AnyIntegration, key: str | None, origin: str | None) -> list[Finding]:
    """The findings of one integration."""
    name = integration.name
    if integration.direct_access:
        return [Finding(name, "signing", "advisory", "Direct Access: the browser reads with the user's own "
                        "credentials, which doctor does not have", None)]  # fmt: skip
    bundle = ca_file(runtime)
    try:
        sample = key or first_key(runtime, integration)
    except ReadError as error:
        return [Finding(name, "sample object", "unreachable", str(error))]
    now = datetime.now(UTC)
    try:
        signed = runtime.sign(integration.creator, name, sample)
    except Refused as refusal:
        return [Finding(name, "signing", "problem", f"the platform refuses to sign {sample!r}: {refusal.reason}",
                        "fix what the reason names in the spec, or give another --key")]  # fmt: skip
    except ReadError as error:
        return [Finding(name, "signing", "unreachable", f"no signing credentials: {error}")]
    rule = cors_rule(integration.cors)
    declared = Declared(name, rule.origins, rule.headers, rule.expose_headers, bundle)
    configured = timedelta(seconds=limits(integration).default)
    found = follow(signed.url, sample, declared, [origin] if origin else rule.origins, configured, now, signed.note)
    if found and found[0].status == "unreachable":
        return found
    found.append(_encoding(runtime, integration, bundle))
    found += _region(runtime, integration)
    return found


def follow(url: str, key: str, declared: Declared, origins: Sequence[str], configured: timedelta,
           now: datetime, note: str | None = None) -> list[Finding]:  # fmt: skip
    """The browser's path to one signed URL: TLS, lifetime, each origin's requests, then playback of a video."""
    name = declared.integration
    first = request(url, "GET", {"Range": "bytes=0-0"}, declared.ca_file)
    if first.status == 0 and first.certificate and first.tls is None:
        return [Finding(name, "connection", "unreachable", f"the store does not answer: {first.error}")]
    found = [check_tls(name, url, first), check_lifetime(name, url, configured, now, note)]
    for origin in origins:
        found += check_origin(url, origin, declared)
    if is_video(key) and all(f.status != "problem" for f in found):
        found.append(check_media(name, key, url, declared.ca_file))
    return found


def _encoding(runtime: Runtime, integration: AnyIntegration, bundle: str | None) -> Finding:
    """Sign a key that needs encoding and fetch it: the store must find the signature right (404, not 403)."""
    name = integration.name
    key = (integration.prefixes[0] if integration.prefixes else "") + ENCODING_PROBE
    try:
        url = runtime.sign(integration.creator, name, key).url
    except (Refused, ReadError) as error:
        return Finding(name, "key encoding", "advisory", f"a key with a space, + and é cannot be signed: {error}")
    answer = request(url, "GET", {"Range": "bytes=0-0"}, bundle)
    if answer.status in (200, 206, 404):
        return Finding(name, "key encoding", "ok", "keys with spaces, + and non-ASCII letters are signed correctly")
    return Finding(name, "key encoding", "problem",
                   f"a key with a space, + and é is refused ({refused(answer) if answer.status else answer.error}): "
                   "objects with such names never load",
                   "the store or a proxy in front of it re-encodes paths: sign for the store's own endpoint, "
                   "or rename such objects")  # fmt: skip


def _region(runtime: Runtime, integration: AnyIntegration) -> list[Finding]:
    """The policy pack's advisory (TTH060): a bucket far from the annotators buffers."""
    index = runtime.spec.integrations.index(integration)
    return [
        Finding(integration.name, "region", "advisory", f"video buffers: {violation.message}", GEOGRAPHY.fix)
        for _, violation in judge(runtime.spec, index, render(integration, runtime.spec), [GEOGRAPHY])
    ]

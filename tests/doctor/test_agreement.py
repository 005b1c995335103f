"""Doctor's verdict equals a real browser's: healthy exactly when headless Chromium loads the media.

For each way users break the path (origin removed or given a trailing slash, an app header the bucket does
not allow, ExposeHeaders emptied, an expired URL, a key with spaces and ``+`` re-encoded on the way), the
live store is set up that way, the page at the declared origin fetches the signed URL with Range and plays
it in ``<video crossorigin>``, and doctor follows the same URL. The stores are real (SeaweedFS's S3 API,
Azurite), both over HTTPS, and they decide every answer; the browser decides what loads.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from azure.storage.blob import BlobServiceClient, ContentSettings, CorsRule

from runtime import Runtime
from tests.doctor.browser import Browser, chromium
from tests.doctor.conftest import ORIGIN
from tests.servers import seaweedfs_s3
from tether.doctor.findings import Finding
from tether.doctor.path import Declared
from tether.doctor.run import follow
from tether.settings import load_settings
from tether.spec import parse_spec
from tether.standins.azurite import DEV_ACCOUNT, DEV_KEY, AzuriteHandle
from tether.standins.seaweedfs import SeaweedFSHandle

KEY = "videos/cam 1/clip+take é.mp4"
"""A space, a plus and a non-ASCII letter: each must be encoded in the URL, and signed as encoded."""
APP_HEADER = "X-Annotate-Session"
CONFIGURED = timedelta(hours=12)
PAGE = ORIGIN + "/"

SPEC = """\
version: 1
organization:
  name: acme
  members: [ann@acme.ai]
platform:
  origins: [{origin}]
integrations:
  - name: lab
    provider: s3-compatible
    endpoint: {s3}
    bucket: {{name: {bucket}}}
    creator: ann@acme.ai
    prefixes: [videos/]
  - name: calls
    provider: azure
    region: westeurope
    resource_group: acme-rg
    bucket: {{account: {account}, container: {container}}}
    sas: {{mode: account-key, rotation: 7d}}
    creator: ann@acme.ai
    prefixes: [videos/]
"""


@dataclass
class Store:
    """One live store with the video in it: sign URLs, and change the bucket's CORS as a console would."""

    runtime: Runtime
    integration: str
    ca_file: str
    set_cors: Callable[[list[str], list[str], list[str]], None]
    """(allowed origins, allowed headers, exposed headers) -> the live CORS rule."""
    notes: list[str] = field(default_factory=list)

    def url(self, now: datetime | None = None) -> str:
        return self.runtime.sign("ann@acme.ai", self.integration, KEY, now=now).url

    def declared(self, headers: tuple[str, ...]) -> Declared:
        return Declared(self.integration, [ORIGIN], headers, ["Content-Range", "ETag"], self.ca_file)


@pytest.fixture(scope="module")
def s3_store(seaweedfs_https: SeaweedFSHandle, video: Path) -> Store:
    assert seaweedfs_https.ca_bundle is not None
    bucket = f"doctor-{uuid.uuid4().hex[:10]}"
    ca = str(seaweedfs_https.ca_bundle)
    client = seaweedfs_s3(seaweedfs_https)
    client.create_bucket(Bucket=bucket)
    client.upload_file(str(video), bucket, KEY, ExtraArgs={"ContentType": "video/mp4"})

    def set_cors(origins: list[str], headers: list[str], exposed: list[str]) -> None:
        rule: dict[str, Any] = {"AllowedOrigins": origins, "AllowedMethods": ["GET", "HEAD"], "MaxAgeSeconds": 60}
        if headers:
            rule["AllowedHeaders"] = headers
        if exposed:
            rule["ExposeHeaders"] = exposed
        client.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": [rule]})

    env = {"AWS_ACCESS_KEY_ID": seaweedfs_https.access_key, "AWS_SECRET_ACCESS_KEY": seaweedfs_https.secret_key}
    spec = SPEC.format(origin=ORIGIN, s3=seaweedfs_https.endpoint_url, bucket=bucket, account="acmecalls", container="unused")
    runtime = Runtime(parse_spec(spec, "doctor.yaml"), {}, load_settings(environ=env))
    return Store(runtime, "lab", ca, set_cors)


@pytest.fixture(scope="module")
def azure_store(azurite_https: AzuriteHandle, video: Path) -> Iterator[Store]:
    assert azurite_https.ca_bundle is not None
    ca = str(azurite_https.ca_bundle)
    service = BlobServiceClient(
        azurite_https.endpoint_url, credential={"account_name": DEV_ACCOUNT, "account_key": DEV_KEY},
        connection_verify=ca,
    )  # fmt: skip
    container = f"doctor{uuid.uuid4().hex[:10]}"
    service.create_container(container)
    with video.open("rb") as data:
        service.get_blob_client(container, KEY).upload_blob(
            data, content_settings=ContentSettings(content_type="video/mp4")
        )

    def set_cors(origins: list[str], headers: list[str], exposed: list[str]) -> None:
        rule = CorsRule(origins, ["GET", "HEAD"], allowed_headers=headers, exposed_headers=exposed, max_age_in_seconds=60)
        service.set_service_properties(cors=[rule])

    endpoint = azurite_https.endpoint_url.removesuffix(f"/{DEV_ACCOUNT}")
    env = {"TETHER_ENDPOINT_AZURE": endpoint, "AZURE_STORAGE_KEY": DEV_KEY}
    spec = SPEC.format(origin=ORIGIN, s3="https://s3.example.com", bucket="unused", account=DEV_ACCOUNT,
                       container=container)  # fmt: skip
    runtime = Runtime(parse_spec(spec, "doctor.yaml"), {}, load_settings(environ=env))
    yield Store(runtime, "calls", ca, set_cors)
    service.set_service_properties(cors=[])


def healthy(findings: list[Finding]) -> bool:
    return all(f.status in ("ok", "advisory") for f in findings)


@dataclass(frozen=True)
class Case:
    """One way the path is (or is not) broken."""

    name: str
    origins: tuple[str, ...] = (ORIGIN,)
    allowed: tuple[str, ...] = ("Range", APP_HEADER)
    exposed: tuple[str, ...] = ("Content-Range", "ETag", "Content-Length")
    sent: tuple[str, ...] = ("Range",)
    """Headers the app sends (what the spec's cors.headers declares)."""
    signed_ago: timedelta | None = None
    rewrite: Callable[[str], str] | None = None
    loads: bool = False
    """What Chromium was seen to do (asserted too, so a change in the browser or the store shows)."""


CASES = [
    Case("as the spec renders it", loads=True),
    Case("the app sends its own header, allowed", sent=("Range", APP_HEADER), loads=True),
    Case("a single Range needs no preflight, so no AllowedHeaders is fine", allowed=(), loads=True),
    Case("origin removed", origins=("https://other.example.com",)),
    Case("origin given a trailing slash", origins=(ORIGIN + "/",)),
    Case("origin with the wrong scheme", origins=(ORIGIN.replace("https", "http"),)),
    Case("an app header not allowed", allowed=("Range",), sent=("Range", APP_HEADER)),
    Case("ExposeHeaders emptied", exposed=()),
    Case("URL expired", signed_ago=timedelta(days=8)),  # both integrations sign for a week
    Case("a key's + decoded to a space on the way", rewrite=lambda url: url.replace("%2B", "%20")),
]


def agree(store: Store, browser: Browser, case: Case) -> tuple[bool, bool]:
    """(doctor healthy, browser loads) for ``case`` on ``store``."""
    store.set_cors(list(case.origins), list(case.allowed), list(case.exposed))
    now = datetime.now(UTC)
    url = store.url(now - case.signed_ago if case.signed_ago else None)
    if case.rewrite:
        url = case.rewrite(url)
    headers = {name: "tether-doctor" for name in case.sent if name != "Range"}
    outcome = browser.check(PAGE, url, headers)
    findings = follow(url, KEY, store.declared(case.sent), [ORIGIN], CONFIGURED, now)
    return healthy(findings), outcome.loads


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_doctor_agrees_with_chromium_on_seaweedfs(s3_store: Store, browser: Browser, case: Case) -> None:
    verdict, loads = agree(s3_store, browser, case)
    assert (verdict, loads) == (case.loads, case.loads)


AZURE_CASES = [CASES[0], CASES[3], CASES[4], CASES[6], CASES[7], CASES[8]]


@pytest.mark.parametrize("case", AZURE_CASES, ids=[case.name for case in AZURE_CASES])
def test_doctor_agrees_with_chromium_on_azurite(azure_store: Store, browser: Browser, case: Case) -> None:
    verdict, loads = agree(azure_store, browser, case)
    assert (verdict, loads) == (case.loads, case.loads)


def test_azurite_sas_urls_are_https_only(azure_store: Store) -> None:
    # Real Azure is HTTPS-only; with Azurite over HTTPS the runtime signs spr=https, as for production.
    assert "spr=https&" in azure_store.url()


def test_an_untrusted_certificate_fails_in_both(s3_store: Store, page_server: tuple[int, Path]) -> None:
    # a browser that trusts the page but not the store's certificate, and doctor with the system trust store only
    binary = chromium()
    assert binary is not None
    port, cert = page_server
    untrusting = Browser(binary, f"MAP {ORIGIN.removeprefix('https://')}:443 127.0.0.1:{port}", [cert])
    try:
        s3_store.set_cors([ORIGIN], ["Range"], ["Content-Range", "ETag"])
        url = s3_store.url()
        outcome = untrusting.check(PAGE, url)
    finally:
        untrusting.close()
    declared = replace(s3_store.declared(("Range",)), ca_file=None)
    findings = follow(url, KEY, declared, [ORIGIN], CONFIGURED, datetime.now(UTC))
    assert (healthy(findings), outcome.loads) == (False, False)
    assert any(f.check == "TLS" and "not trusted" in f.browser for f in findings)

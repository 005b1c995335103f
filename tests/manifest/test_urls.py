"""objectUrl rules per provider: every URL form inside, and outside in every way, including tricky encodings."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runtime.manifest.urls import ObjectUrls
from tether.spec.model import Spec

from .conftest import TRAFFIC, VIDEO, Check

TV = "acme-vision-dev-traffic-video"
GCS = "acme-vision-dev-retail-images"
OBS = "acme-vision-dev-drone-survey"

INSIDE = [
    ("traffic-video", f"s3://{TV}/videos/cam1/a.mp4"),
    ("traffic-video", f"https://{TV}.s3.eu-west-2.amazonaws.com/videos/a.mp4"),
    ("traffic-video", f"https://{TV}.s3-eu-west-2.amazonaws.com/frames/a.png"),
    ("traffic-video", f"https://{TV}.s3.amazonaws.com/videos/a.mp4"),
    ("traffic-video", f"https://s3.eu-west-2.amazonaws.com/{TV}/videos/a.mp4"),
    ("traffic-video", f"https://s3-eu-west-2.amazonaws.com/{TV}/videos/a.mp4"),
    ("traffic-video", f"HTTPS://{TV.upper()}.S3.EU-WEST-2.AMAZONAWS.COM:443/videos/a.mp4"),
    ("traffic-video", f"https://{TV}.s3.eu-west-2.amazonaws.com/videos/caf%C3%A9%201%2B2.mp4"),
    ("traffic-video", f"https://{TV}.s3.eu-west-2.amazonaws.com/videos/%3Fwhy%23.mp4"),
    ("traffic-video", f"s3://{TV}/videos/a+b 100%.mp4"),
    ("traffic-video", f"s3://{TV}/videos/...mp4"),
    ("medical-scans", "s3://acme-vision-dev-medical-scans/anything/at/all.dcm"),
    ("retail-images", f"gs://{GCS}/shelves/a.jpg"),
    ("retail-images", f"https://storage.googleapis.com/{GCS}/shelves/a.jpg"),
    ("retail-images", f"https://{GCS}.storage.googleapis.com/shelves/a+b.jpg"),
    ("call-audio", "https://acmevisiondevaudio.blob.core.windows.net/calls/2024/a.wav"),
    ("drone-survey", f"s3://{OBS}/a.tif"),
    ("drone-survey", f"https://{OBS}.obs.eu-de.otc.t-systems.com/a.tif"),
    ("drone-survey", f"https://obs.eu-de.otc.t-systems.com/{OBS}/a.tif"),
    ("lab-archive", "https://s3.lab.acme-vision.ai/lab-archive/a.png"),
    ("lab-archive", "s3://lab-archive/a.png"),
]


@pytest.mark.parametrize(("integration", "url"), INSIDE)
def test_inside(spec: Spec, integration: str, url: str) -> None:
    assert ObjectUrls(spec.integration(integration)).problem(url) is None


OUTSIDE = [
    # other bucket, account, container
    (
        "traffic-video",
        "s3://acme-vision-dev-medical-scans/videos/a.mp4",
        "points into bucket 'acme-vision-dev-medical-scans'",
    ),
    ("traffic-video", "https://other.s3.eu-west-2.amazonaws.com/videos/a.mp4", "points into bucket 'other'"),
    ("traffic-video", "https://s3.eu-west-2.amazonaws.com/other/videos/a.mp4", "points into bucket 'other'"),
    ("retail-images", "gs://other/shelves/a.jpg", "points into bucket 'other'"),
    ("retail-images", "https://storage.googleapis.com/other/shelves/a.jpg", "points into bucket 'other'"),
    ("call-audio", "https://other.blob.core.windows.net/calls/a.wav", "points into storage account 'other'"),
    ("call-audio", "https://acmevisiondevaudio.blob.core.windows.net/other/a.wav", "points into container 'other'"),
    ("drone-survey", "https://other.obs.eu-de.otc.t-systems.com/a.tif", "points into bucket 'other'"),
    ("lab-archive", "https://s3.lab.acme-vision.ai/other/a.png", "points into bucket 'other'"),
    # other prefix
    (
        "traffic-video",
        f"s3://{TV}/secret/a.mp4",
        "key 'secret/a.mp4' is outside the integration's prefixes (videos/, frames/)",
    ),
    ("traffic-video", f"s3://{TV}/Videos/a.mp4", "is outside the integration's prefixes"),
    ("traffic-video", f"s3://{TV}/videosx/a.mp4", "is outside the integration's prefixes"),
    ("retail-images", f"gs://{GCS}/other/a.jpg", "is outside the integration's prefixes (shelves/)"),
    # other region, scheme, provider form
    ("traffic-video", f"https://{TV}.s3.us-east-1.amazonaws.com/videos/a.mp4", "endpoint of region 'us-east-1'"),
    ("traffic-video", f"https://s3.amazonaws.com/{TV}/videos/a.mp4", "endpoint of region 'us-east-1'"),
    ("traffic-video", f"http://{TV}.s3.eu-west-2.amazonaws.com/videos/a.mp4", "uses http"),
    ("traffic-video", f"gs://{TV}/videos/a.mp4", "is not a URL of the integration's bucket"),
    ("traffic-video", f"https://{TV}.s3.eu-west-2.amazonaws.com.evil.com/videos/a.mp4", "is not a URL of"),
    ("traffic-video", f"https://{TV}.s3.eu-west-2.amazonaws.com:8443/videos/a.mp4", "is not a URL of"),
    ("traffic-video", "videos/a.mp4", "is not a URL"),
    ("lab-archive", "https://lab-archive.s3.lab.acme-vision.ai/a.png", "is not a URL of"),
    ("call-audio", "s3://calls/a.wav", "is not a URL of"),
    # tricky encodings
    (
        "traffic-video",
        f"https://{TV}.s3.eu-west-2.amazonaws.com/videos/%2e%2e/secret/a.mp4",
        "'.' or '..' path segment",
    ),
    (
        "traffic-video",
        f"https://{TV}.s3.eu-west-2.amazonaws.com/videos/%2E%2E/secret/a.mp4",
        "'.' or '..' path segment",
    ),
    ("traffic-video", f"https://{TV}.s3.eu-west-2.amazonaws.com/videos/../secret/a.mp4", "'.' or '..' path segment"),
    ("traffic-video", f"https://{TV}.s3.eu-west-2.amazonaws.com/videos/./a.mp4", "'.' or '..' path segment"),
    (
        "traffic-video",
        f"https://{TV}.s3.eu-west-2.amazonaws.com/videos%2F..%2Fsecret%2Fa.mp4",
        "'.' or '..' path segment",
    ),
    ("traffic-video", f"s3://{TV}/videos/../secret/a.mp4", "'.' or '..' path segment"),
    ("traffic-video", f"https://{TV}.s3.eu-west-2.amazonaws.com/videos/%252e%252e/a.mp4", "percent-encoded twice"),
    ("traffic-video", f"s3://{TV}/videos/%2e%2e/a.mp4", "has percent-encoding in a s3:// URL"),
    ("traffic-video", f"https://{TV}.s3.eu-west-2.amazonaws.com/videos//a.mp4", "empty path segment (//)"),
    ("traffic-video", f"https://{TV}.s3.eu-west-2.amazonaws.com//videos/a.mp4", "empty path segment (//)"),
    ("traffic-video", f"https://{TV}.s3.eu-west-2.amazonaws.com/videos\\..\\secret", "backslash"),
    ("traffic-video", f"https://{TV}.s3.eu-west-2.amazonaws.com/videos/%5C..%5Ca", "'..' segment between backslashes"),
    ("traffic-video", f"https://{TV}.s3.eu-west-2.amazonaws.com/videos/a%00.mp4", "control character"),
    (
        "traffic-video",
        f"https://{TV}.s3.eu-west-2.amazonaws.com/videos/a%zz.mp4",
        "does not start a percent-encoded byte",
    ),
    ("traffic-video", f"https://{TV}.s3.eu-west-2.amazonaws.com/videos/a%ff.mp4", "not UTF-8"),
    ("traffic-video", f"https://{TV}.s3.eu-west-2.amazonaws.com/videos/a+b.mp4", "which S3 reads as a space"),
    (
        "traffic-video",
        f"https://{TV}.s3.eu-west-2.amazonaws.com/videos/a.mp4?X-Amz-Signature=1",
        "has a query or fragment",
    ),
    ("traffic-video", f"https://{TV}.s3.eu-west-2.amazonaws.com/videos/a.mp4#t=1", "has a query or fragment"),
    ("traffic-video", f"https://evil.example@{TV}.s3.eu-west-2.amazonaws.com/videos/a.mp4", "user information"),
    ("traffic-video", f"https://{TV}.s3.eu-west-2.amazonaws.com@evil.example/videos/a.mp4", "user information"),
    ("traffic-video", f" s3://{TV}/videos/a.mp4", "leading or trailing whitespace"),
    ("traffic-video", f"s3://{TV}/videos/a\n.mp4", "control character"),
    ("traffic-video", f"s3://{TV}/videos/", "names a folder, not an object"),
    ("traffic-video", f"s3://{TV}", "names the bucket, not an object"),
    ("traffic-video", f"s3://{TV}/videos/" + "a" * 1020, "longer than 1024 bytes"),
    ("traffic-video", "", "must not be empty"),
]


@pytest.mark.parametrize(("integration", "url", "said"), OUTSIDE)
def test_outside(spec: Spec, integration: str, url: str, said: str) -> None:
    urls = ObjectUrls(spec.integration(integration))
    problem = urls.problem(url)
    assert problem is not None and said in problem
    assert not urls.fast(url)


def test_problem_names_the_item_path_and_url(check: Check) -> None:
    url = f"s3://{TV}/secret/a.mp4"
    assert check({"videos": [{"objectUrl": TRAFFIC + "a.mp4"}, {"objectUrl": url, "videoMetadata": VIDEO}]}) == [
        f"videos[1].objectUrl: {url!r} key 'secret/a.mp4' is outside the integration's prefixes (videos/, frames/)"
    ]


def test_group_urls_are_checked_each(check: Check) -> None:
    document = {"image_groups": [{"title": "g", "objectUrl_0": TRAFFIC + "a.png", "objectUrl_1": f"s3://x/{TV}/a"}]}
    assert check(document) == [
        f"image_groups[0].objectUrl_1: 's3://x/{TV}/a' points into bucket 'x', not the integration's bucket '{TV}'"
    ]


INTEGRATIONS = ["traffic-video", "medical-scans", "retail-images", "call-audio", "drone-survey", "lab-archive"]
KEY_ALPHABET = "aZ09-_.~!$&'()*+,;=:@ /%\\?#é\x00"


@settings(max_examples=400, deadline=None)
@given(
    name=st.sampled_from(INTEGRATIONS),
    form=st.integers(min_value=0, max_value=6),
    key=st.text(alphabet=KEY_ALPHABET, max_size=30),
    encode=st.booleans(),
)
def test_fast_path_never_accepts_what_the_exact_check_refuses(
    spec: Spec, name: str, form: int, key: str, encode: bool
) -> None:
    urls = ObjectUrls(spec.integration(name))
    starts = urls.examples().replace("KEY", "").split(", ")
    prefix = spec.integration(name).prefixes[0] if spec.integration(name).prefixes and form % 2 else ""
    url = urls.url(prefix + key) if encode else starts[form % len(starts)] + prefix + key
    if urls.fast(url):
        assert urls.problem(url) is None


@settings(max_examples=300, deadline=None)
@given(name=st.sampled_from(INTEGRATIONS), key=st.text(min_size=1, max_size=40).filter(lambda k: "/" not in k))
def test_canonical_url_of_any_plain_file_name_is_inside(spec: Spec, name: str, key: str) -> None:
    """``url(key)`` (used to write manifests) is accepted unless the name itself is ambiguous."""
    integration = spec.integration(name)
    urls = ObjectUrls(integration)
    prefix = integration.prefixes[0] if integration.prefixes else ""
    problem = urls.problem(urls.url(prefix + "dir/" + key))
    ambiguous = key in (".", "..") or any(c < " " or c in "\\\x7f" for c in key) or "%" in key
    assert (problem is None) or ambiguous, problem


def test_fast_path_takes_the_common_forms(spec: Spec) -> None:
    urls = ObjectUrls(spec.integration("traffic-video"))
    assert urls.fast(f"https://{TV}.s3.eu-west-2.amazonaws.com/videos/cam1/clip-000001.mp4")
    assert urls.fast(f"s3://{TV}/frames/a/b/c.png")

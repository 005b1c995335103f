"""The browser model's edges, from the Fetch standard (fetch.spec.whatwg.org: "CORS-safelisted request-header",
"CORS-safelisted response-header name", "CORS check"); tests/doctor/test_agreement.py checks them in Chromium."""

from __future__ import annotations

import random

import pytest

from tether.doctor import cors


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("bytes=0-1023", True),
        ("bytes=100-", True),  # open-ended: what <video> sends
        ("bytes=7-7", True),
        ("bytes=8-7", False),  # start after end
        ("bytes=-500", False),  # a suffix range is not safelisted
        ("bytes=0-1,4-5", False),  # several ranges
        ("items=0-1", False),
        ("bytes = 0-1", False),
    ],
)
def test_only_one_plain_range_is_safelisted(value: str, safe: bool) -> None:
    assert cors.safelisted("Range", value) is safe
    assert cors.preflight_names({"Range": value}) == ([] if safe else ["range"])


def test_any_other_app_header_is_listed_lowercased_and_sorted() -> None:
    sent = cors.request_headers(["Range", "X-Requested-With", "Authorization"])
    assert cors.preflight_names(sent) == ["authorization", "x-requested-with"]


def test_allow_origin_must_be_exactly_the_origin_or_star() -> None:
    origin = "https://app.example.com"
    assert cors.origin_problem({"access-control-allow-origin": [origin]}, origin) is None
    assert cors.origin_problem({"access-control-allow-origin": ["*"]}, origin) is None
    assert cors.origin_problem({"access-control-allow-origin": [origin + "/"]}, origin)
    assert cors.origin_problem({"access-control-allow-origin": ["http://app.example.com"]}, origin)
    assert cors.origin_problem({"access-control-allow-origin": [origin, origin]}, origin)
    assert cors.origin_problem({}, origin)


def test_a_star_in_allow_headers_never_covers_authorization() -> None:
    allowed = {"access-control-allow-origin": ["*"], "access-control-allow-headers": ["*"]}
    assert cors.preflight_problem(200, allowed, "https://a.example", ["x-app"]) is None
    assert cors.preflight_problem(200, allowed, "https://a.example", ["authorization"])
    assert cors.preflight_problem(403, allowed, "https://a.example", ["x-app"])


def test_content_length_is_readable_unexposed_but_content_range_and_etag_are_not() -> None:
    assert cors.unexposed({}) == ["Content-Range", "ETag"]
    assert cors.unexposed({}, ["Content-Length", "Content-Type"]) == []
    assert cors.unexposed({"access-control-expose-headers": ["content-range, etag"]}) == []
    assert cors.unexposed({"access-control-expose-headers": ["*"]}) == []


def test_random_header_sets_preflight_exactly_for_what_is_not_safelisted() -> None:
    # seeded: any mix of the app's headers and ranges; a preflight lists every unsafe name and nothing else
    rng = random.Random(18)
    names = ["Range", "X-App", "Accept", "Content-Language", "Authorization", "Cache-Control"]
    values = ["bytes=0-1", "bytes=1-0", "bytes=0-", "en", "text/html", "x\x01y", "a" * 200]
    for _ in range(500):
        sent = {name: rng.choice(values) for name in rng.sample(names, rng.randint(0, len(names)))}
        listed = cors.preflight_names(sent)
        assert listed == sorted(listed)
        assert set(listed) == {n.lower() for n, v in sent.items() if not cors.safelisted(n, v)}
        assert {"x-app", "authorization", "cache-control"} & {n.lower() for n in sent} <= set(listed)

"""Signing decides once per user and integration for the loaded spec, and still checks every key.

The decision is cached (issue 14: one call per key must cost about what the signer does), so these tests
look for what a cache gets wrong: an answer carried to another user or integration, a refusal that turns
into a URL on the second ask, a key that skips its check, and a cache an attacker can grow without end.
"""

from __future__ import annotations

import logging
import random
import re
from collections.abc import Callable
from datetime import timedelta
from itertools import product

import pytest

from runtime.access import Action, decide
from runtime.sign import EnvironmentCredentials, Refused, SignedUrl, UrlSigner
from runtime.sign.keys import key_problem, keys_problem
from runtime.sign.signer import MAX_DECISIONS
from tests.sign.support import NOW, SPEC, FakeCredentials, runtime
from tether.errors import InputError
from tether.settings import load_settings
from tether.spec import parse_spec

USERS = ["ann@acme.ai", "ben@acme.ai", "nia@acme.ai", "olga@acme.ai", "Ben@Acme.AI", "eve@evil.example"]
INTEGRATIONS = ["videos", "east", "raw", "images", "calls", "scans", "lab"]


def _outcome(rt: object, user: str, integration: str, key: str) -> str:
    try:
        rt.sign(user, integration, key, now=NOW)  # type: ignore[attr-defined]
    except Refused as refused:
        return f"refused: {refused.reason} ({refused.rule})"
    return "signed"


def test_every_ask_in_any_order_gets_the_answer_of_a_fresh_runtime() -> None:
    pairs = [(user, integration) for user in USERS for integration in INTEGRATIONS]
    expected = {pair: _outcome(runtime(), *pair, "videos/a.mp4") for pair in pairs}
    shared = runtime()
    rng = random.Random(14)
    for _ in range(3):
        rng.shuffle(pairs)
        for pair in pairs:
            assert _outcome(shared, *pair, "videos/a.mp4") == expected[pair], pair
    spec = parse_spec(SPEC, "sign.yaml").spec
    for user, integration in pairs:  # and each is the access rules' own answer (R9 aside)
        decision = decide(spec, user, Action.SIGN, integration)
        if not decision.allowed:
            assert expected[user, integration] == f"refused: {decision.reason} ({decision.rule})"
        elif integration == "raw":
            assert expected[user, integration].startswith("refused: raw uses Direct Access")
        else:
            assert expected[user, integration] == "signed"
    assert sorted(set(expected.values()))[-1] == "signed"


def test_a_signed_url_never_shows_in_its_repr() -> None:
    signed = runtime().sign("ann@acme.ai", "videos", "videos/a.mp4", now=NOW)
    assert signed.url.startswith("https://") and "X-Amz-Signature" in signed.url
    assert "X-Amz" not in repr(signed) and "acme-videos" not in repr(signed) and "expires_at" in repr(signed)


def test_each_key_is_checked_on_every_call_after_the_decision_is_cached() -> None:
    rt = runtime()
    assert rt.sign("ben@acme.ai", "videos", "videos/a.mp4", now=NOW).url
    for bad in ["videos/../secrets/x", "other/a.mp4", "/videos/a.mp4", "videos/a\x00.mp4", ""]:
        with pytest.raises(Refused):
            rt.sign("ben@acme.ai", "videos", bad, now=NOW)
        with pytest.raises(Refused):
            rt.sign_many("ben@acme.ai", "videos", ["videos/a.mp4", bad], now=NOW)
    assert rt.sign("ben@acme.ai", "videos", "videos/b.mp4", now=NOW).url


def test_an_unknown_integration_is_bad_input_every_time() -> None:
    rt = runtime()
    for _ in range(2):
        with pytest.raises(InputError, match="no integration named 'nope'"):
            rt.sign("ann@acme.ai", "nope", "a.mp4", now=NOW)


def test_the_cache_of_decisions_stays_bounded_whatever_users_are_asked_for() -> None:
    rt = runtime()
    signer: UrlSigner = rt._signer
    for n in range(MAX_DECISIONS + 50):
        with pytest.raises(Refused):
            rt.sign(f"stranger{n}@evil.example", "videos", "videos/a.mp4", now=NOW)
    assert 0 < len(signer._decisions) <= MAX_DECISIONS
    assert rt.sign("ben@acme.ai", "videos", "videos/a.mp4", now=NOW).url


# The definition key_problem had before its fast paths: the same answers are wanted, on any text.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_DOT_SEGMENT = re.compile(r"(?:^|/)(\.\.?)(?:/|$)")


def _reference(key: str, prefixes: tuple[str, ...]) -> bool:
    if not key:
        return False
    try:
        size = len(key.encode("utf-8"))
    except UnicodeEncodeError:
        return False
    if size > 1024 or _CONTROL.search(key) or key.startswith("/") or _DOT_SEGMENT.search(key):
        return False
    return not prefixes or key.startswith(prefixes)


def test_key_checks_agree_with_their_plain_definition_on_random_keys() -> None:
    rng = random.Random(1415)
    alphabet = ["a", "b", "/", ".", "..", " ", "\x00", "\x1f", "\x7f", "\x85", "\x9f", "\xa0", "é", "\u2028",
                "\ud800", "\U0001f600", "videos/", "%2e", "\\", "\t"]
    prefixes_choices: list[tuple[str, ...]] = [(), ("videos/",), ("videos/", "a")]
    for _ in range(20_000):
        key = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        if rng.random() < 0.01:
            key = "a" * rng.randint(250, 1030) + key
        prefixes = rng.choice(prefixes_choices)
        problem = key_problem(key, "x", prefixes)
        assert (problem is None) == _reference(key, prefixes), repr(key)
        assert keys_problem(["videos/a.mp4", key], "x", prefixes) == (
            key_problem("videos/a.mp4", "x", prefixes) or problem
        ), repr(key)


def _answer(sign: Callable[..., SignedUrl], *args: object, **kwargs: object) -> tuple[object, ...]:
    try:
        signed = sign(*args, **kwargs)
    except Refused as refused:
        return ("refused", refused.reason, refused.rule)
    except InputError as error:
        return ("bad input", str(error))
    return ("signed", signed.url, signed.expires_at, signed.note)


@pytest.mark.parametrize("expires", [None, timedelta(minutes=10), NOW + timedelta(seconds=30)])
def test_one_key_signs_and_logs_as_a_batch_of_one_does(expires: object, caplog: pytest.LogCaptureFixture) -> None:
    """Runtime.sign takes a shorter way than sign_many; what it answers and logs must not differ."""
    aws_expires_at = NOW + expires if isinstance(expires, timedelta) else expires
    one = runtime(credentials=FakeCredentials(aws_expires_at=aws_expires_at))
    batch = runtime(credentials=FakeCredentials(aws_expires_at=aws_expires_at))
    keys = ["videos/a.mp4", "frames/b c.jpg", "other/a.mp4", ".hidden", "videos/../x", "vidéos/é.jpg", "", "a"]
    answers = set()
    caplog.set_level(logging.INFO, logger="tether.runtime")
    for user, integration, key, expires_in in product(USERS[:3], INTEGRATIONS, keys, [None, 3600, 0, 10**9]):
        for _ in range(2):  # the second ask is answered from the cache
            caplog.clear()
            single = _answer(one.sign, user, integration, key, expires_in=expires_in, now=NOW)
            logged = [r.getMessage() for r in caplog.records]
            caplog.clear()
            many = _answer(lambda *a, **k: batch.sign_many(*a, **k)[0], user, integration, [key], expires_in=expires_in, now=NOW)
            assert (single, logged) == (many, [r.getMessage() for r in caplog.records]), (user, integration, key)
            answers.add(single[0])
    assert answers == {"signed", "refused", "bad input"} if expires is None else answers >= {"refused", "bad input"}


def test_a_credential_source_of_the_platform_is_asked_on_every_call() -> None:
    fake = FakeCredentials()
    rt = runtime(credentials=fake)
    for _ in range(3):
        rt.sign("ann@acme.ai", "videos", "videos/a.mp4", now=NOW)
    assert len(fake.asked) == 3  # it may rotate a key at any time; only its own cache may skip the work


def test_keys_from_the_environment_sign_alike_one_by_one_and_batched() -> None:
    env = {"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}
    rt = runtime(env=env, credentials=EnvironmentCredentials(load_settings(environ=env)))
    one = [rt.sign("ben@acme.ai", "videos", "videos/a.mp4", now=NOW) for _ in range(3)]
    [batched] = rt.sign_many("ben@acme.ai", "videos", ["videos/a.mp4"], now=NOW)
    assert one == [batched] * 3 and "X-Amz-Credential=AKIDEXAMPLE" in batched.url

"""Every refusal of Runtime.sign, with the reason it gives; nothing is signed (no credentials asked) when refused."""

from __future__ import annotations

import pytest

from runtime.sign import Refused
from tests.sign.support import NOW, FakeCredentials, runtime
from tether.errors import InputError


def refusal(user: str, integration: str, key: str, **kwargs: object) -> Refused:
    credentials = FakeCredentials()
    with pytest.raises(Refused) as caught:
        runtime(credentials=credentials).sign(user, integration, key, now=NOW, **kwargs)  # type: ignore[arg-type]
    assert credentials.asked == []
    return caught.value


@pytest.mark.parametrize(
    ("user", "reason", "rule"),
    [
        ("zed@other.ai", "zed@other.ai is not a member of organization acme", "R1"),
        (
            "nia@acme.ai",
            "nia@acme.ai is not a member of videos, directly or through a group: an Admin of it must add them",
            "R4",
        ),
        ("olga@acme.ai", "olga@acme.ai is an organization admin but has not joined videos: join it first", "R4"),
    ],
)
def test_users_without_access_are_refused(user: str, reason: str, rule: str) -> None:
    refused = refusal(user, "videos", "videos/a.mp4")
    assert (refused.reason, refused.rule) == (reason, rule)


def test_direct_access_is_never_signed() -> None:
    refused = refusal("ann@acme.ai", "raw", "a.jpg")
    assert refused.reason == "raw uses Direct Access: the platform does not sign its URLs"
    assert refused.rule == "R9"


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("", "the object key is empty"),
        ("audio/a.wav", "key 'audio/a.wav' is outside the prefixes of videos (videos/, frames/)"),
        ("videos", "key 'videos' is outside the prefixes of videos (videos/, frames/)"),
        ("videos/../secrets/a", "key 'videos/../secrets/a' has a '..' segment, which a browser resolves to another path"),
        ("videos/..", "key 'videos/..' has a '..' segment, which a browser resolves to another path"),
        ("videos/./a", "key 'videos/./a' has a '.' segment, which a browser resolves to another path"),
        ("/videos/a.mp4", "key '/videos/a.mp4' starts with '/': keys are relative to the bucket"),
        ("videos/a\nb", "key 'videos/a\\nb' contains the control character U+000A"),
        ("videos/a\x00", "key 'videos/a\\x00' contains the control character U+0000"),
        ("videos/a\x7f", "key 'videos/a\\x7f' contains the control character U+007F"),
        ("videos/\ud800", "key 'videos/\\ud800' is not valid Unicode text (a lone surrogate)"),
    ],
)
def test_keys_that_escape_or_stray_are_refused(key: str, reason: str) -> None:
    assert refusal("ben@acme.ai", "videos", key).reason == reason


def test_over_long_keys_are_refused_by_their_utf8_size() -> None:
    fits = "videos/" + "é" * ((1024 - 7) // 2)  # 1023 bytes
    assert runtime().sign("ben@acme.ai", "videos", fits, now=NOW).url
    reason = refusal("ben@acme.ai", "videos", fits + "é").reason
    assert reason.startswith("key 'videos/éééé")
    assert reason.endswith("(516 characters) is 1025 bytes in UTF-8, over the 1024-byte limit of object keys")


def test_dots_inside_names_are_fine() -> None:
    for key in ("videos/a..b.mp4", "videos/.hidden", "videos/...", "frames/x./y"):
        assert runtime().sign("ben@acme.ai", "videos", key, now=NOW).url


@pytest.mark.parametrize(
    ("integration", "expires_in", "reason"),
    [
        ("videos", 12 * 3600 + 1, "an expiry of 12h1s is over the signed URL expiry of videos, 12h"),
        ("videos", 8 * 86400, "an expiry of 8d is over 7d, the longest a SigV4 URL is valid"),
        ("lab", 7 * 86400 + 1, "an expiry of 7d1s is over 7d, the longest a SigV4 URL is valid"),
        ("images", 2 * 86400, "an expiry of 2d is over the signed URL expiry of images, 1d"),
        ("images", 8 * 86400, "an expiry of 8d is over 7d, the longest a GCS V4 URL is valid"),
        (
            "calls",
            4 * 86400,
            "an expiry of 4d is over the SAS rotation period of calls, 3d: Azure has no custom expiry, SAS tokens rotate",
        ),
    ],
)
def test_expiry_over_a_limit_is_refused_saying_the_limit(integration: str, expires_in: int, reason: str) -> None:
    assert refusal("ann@acme.ai", integration, "videos/a.mp4", expires_in=expires_in).reason == reason


def test_unknown_integration_and_bad_expiry_are_input_errors() -> None:
    rt = runtime()
    with pytest.raises(InputError, match=r"^no integration named 'nope' \(known: videos, east, raw"):
        rt.sign("ann@acme.ai", "nope", "a")
    with pytest.raises(InputError, match="keys must be a sequence of object keys, not one string"):
        rt.sign_many("ann@acme.ai", "videos", "videos/a")
    for bad in (0, -5, 1.5, True, "1h"):
        with pytest.raises(InputError, match="expires_in must be a whole number of seconds, at least 1"):
            rt.sign("ann@acme.ai", "videos", "videos/a", expires_in=bad)  # type: ignore[arg-type]


def test_one_bad_key_refuses_the_whole_batch_naming_it() -> None:
    credentials = FakeCredentials()
    keys = ["videos/1.mp4", "videos/2.mp4", "videos/../3.mp4", "videos/4.mp4"]
    with pytest.raises(Refused, match=r"^key 'videos/\.\./3\.mp4' has a '\.\.' segment"):
        runtime(credentials=credentials).sign_many("ben@acme.ai", "videos", keys, now=NOW)
    assert credentials.asked == []

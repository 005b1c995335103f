"""SigV4 URLs from the direct signer against a real verifier: SeaweedFS's S3 API.

Each refusal has a control: the same signer, changed in the one respect under test, is accepted, so the
403 can only come from that respect (the signature, the key, the clock or the secret).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from runtime.signing.sigv4 import AwsCredentials, S3Presigner
from tests.servers import seaweedfs_s3
from tests.signing.fetching import fetch, with_signature_char_changed
from tether.standins.seaweedfs import SeaweedFSHandle

KEY = "frames/cam 1/a+b~c%d=e//ü.jpg"
"""A key with the characters encoders disagree on: the server must decode exactly what was signed."""
OTHER = "frames/other.jpg"


@pytest.fixture(scope="module")
def bucket(seaweedfs: SeaweedFSHandle) -> str:
    name = f"signing-{uuid.uuid4().hex[:12]}"
    client = seaweedfs_s3(seaweedfs)
    client.create_bucket(Bucket=name)
    client.put_object(Bucket=name, Key=KEY, Body=b"frame one")
    client.put_object(Bucket=name, Key=OTHER, Body=b"frame two")
    return name


def signer(seaweedfs: SeaweedFSHandle, secret: str | None = None) -> S3Presigner:
    credentials = AwsCredentials(seaweedfs.access_key, secret or seaweedfs.secret_key)
    return S3Presigner(credentials, seaweedfs.region, endpoint_url=seaweedfs.endpoint_url, addressing="path")


def test_signed_url_downloads_the_object(seaweedfs: SeaweedFSHandle, bucket: str) -> None:
    answer = fetch(signer(seaweedfs).presign(bucket, KEY, expires_in=300))
    assert (answer.status, answer.body) == (200, b"frame one")


def test_head_url_answers_head_only(seaweedfs: SeaweedFSHandle, bucket: str) -> None:
    url = signer(seaweedfs).presign(bucket, KEY, expires_in=300, method="HEAD")
    assert fetch(url, method="HEAD").status == 200
    assert fetch(url).error_code() == "SignatureDoesNotMatch"


def test_one_changed_signature_character_is_refused(seaweedfs: SeaweedFSHandle, bucket: str) -> None:
    url = signer(seaweedfs).presign(bucket, KEY, expires_in=300)
    tampered = with_signature_char_changed(url, "X-Amz-Signature")
    assert tampered != url
    answer = fetch(tampered)
    assert (answer.status, answer.error_code()) == (403, "SignatureDoesNotMatch")


def test_url_pointed_at_another_key_is_refused(seaweedfs: SeaweedFSHandle, bucket: str) -> None:
    url = signer(seaweedfs).presign(bucket, KEY, expires_in=300)
    moved = url.replace("/frames/cam%201/a%2Bb~c%25d%3De//%C3%BC.jpg?", f"/{OTHER}?")
    assert moved != url
    assert fetch(signer(seaweedfs).presign(bucket, OTHER, expires_in=300)).status == 200  # the other key is readable
    answer = fetch(moved)
    assert (answer.status, answer.error_code()) == (403, "SignatureDoesNotMatch")


def test_expired_url_is_refused(seaweedfs: SeaweedFSHandle, bucket: str) -> None:
    """Signed ten minutes ago for one minute: already expired, no waiting; the same signature made now works."""
    now = datetime.now(UTC)
    assert fetch(signer(seaweedfs).presign(bucket, KEY, expires_in=60, now=now)).status == 200
    answer = fetch(signer(seaweedfs).presign(bucket, KEY, expires_in=60, now=now - timedelta(minutes=10)))
    assert answer.status == 403
    assert b"Request has expired" in answer.body


def test_wrong_secret_is_refused(seaweedfs: SeaweedFSHandle, bucket: str) -> None:
    answer = fetch(signer(seaweedfs, secret=seaweedfs.secret_key + "x").presign(bucket, KEY, expires_in=300))
    assert (answer.status, answer.error_code()) == (403, "SignatureDoesNotMatch")

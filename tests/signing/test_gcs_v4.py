"""GCS V4 signing: Google's public conformance vectors, the RSA path against google-cloud-storage, the
HMAC path derived independently from the same vectors, and the signBlob hook for keyless accounts."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from google.cloud.storage._signing import generate_signed_url_v4
from google.oauth2 import service_account
from hypothesis import given, settings
from hypothesis import strategies as st

from runtime.signing.gcs_v4 import GcsV4Signer, HmacKey, ServiceAccountKey, SignBlob, UrlStyle

VECTORS_DIR = Path(__file__).resolve().parents[3] / "shared" / "vectors" / "gcs"
"""googleapis/conformance-tests, copied unchanged into shared/ beside the repository (see its README)."""
KEY_INFO: dict[str, str] = json.loads((VECTORS_DIR / "test_service_account.not-a-test.json").read_text())
VECTORS: list[dict[str, Any]] = json.loads((VECTORS_DIR / "v4_signatures.json").read_text())["signingV4Tests"]

PORT_NOT_SIGNED = "skipped: signs Host as 'localhost' while the URL sends 'localhost:8080'"
SKIPPED = {
    "Simple GET with non-default hostname": PORT_NOT_SIGNED,
    "Endpoint on client with scheme": PORT_NOT_SIGNED,
    "Endpoint on client takes precedence over emulator": PORT_NOT_SIGNED,
}
"""Vectors whose canonical host drops a non-default port the URL keeps. A verifier computes the canonical
request from the Host header it receives (``localhost:8080``), so such a URL would be refused; the signer
signs the host as sent, like boto3 and google-cloud-storage's Python helper."""


def endpoint_of(vector: dict[str, Any]) -> str:
    """The one endpoint the signer takes, from the vector's client settings in the vectors' precedence:
    hostname, then client endpoint, then emulator host, then universe domain (``storage.DOMAIN``)."""
    scheme = vector.get("scheme", "https")
    if vector.get("urlStyle") == "BUCKET_BOUND_HOSTNAME":
        return f"{scheme}://{vector['bucketBoundHostname']}"
    if "hostname" in vector:
        return f"{scheme}://{vector['hostname']}"
    if "clientEndpoint" in vector:
        endpoint: str = vector["clientEndpoint"]
        return endpoint if "://" in endpoint else f"{scheme}://{endpoint}"
    if "emulatorHostname" in vector:
        return str(vector["emulatorHostname"])
    if "universeDomain" in vector:
        return f"https://storage.{vector['universeDomain']}"
    return f"{scheme}://storage.googleapis.com"


def style_of(vector: dict[str, Any]) -> UrlStyle:
    styles: dict[str, UrlStyle] = {"VIRTUAL_HOSTED_STYLE": "virtual", "BUCKET_BOUND_HOSTNAME": "bucket-bound"}
    return styles.get(vector.get("urlStyle", ""), "path")


def sign_vector(vector: dict[str, Any], credential: Any) -> str:
    signer = GcsV4Signer(credential, endpoint=endpoint_of(vector), style=style_of(vector))
    return signer.sign(
        vector["bucket"],
        vector.get("object"),
        expires_in=vector["expiration"],
        now=datetime.fromisoformat(vector["timestamp"]),
        method=vector["method"],
        headers=vector.get("headers"),
        query=vector.get("queryParameters"),
    )


def vector_params(exclude: dict[str, str]) -> list[Any]:
    return [
        pytest.param(
            v, id=f"{v['description']} [{exclude[v['description']]}]", marks=pytest.mark.skip(exclude[v["description"]])
        )
        if v["description"] in exclude
        else pytest.param(v, id=v["description"])
        for v in VECTORS
    ]


SERVICE_ACCOUNT = ServiceAccountKey.from_info(KEY_INFO)
"""Loaded once: checking an RSA key on load takes tens of milliseconds."""


def load_rsa_key() -> RSAPrivateKey:
    key = load_pem_private_key(KEY_INFO["private_key"].encode(), password=None)
    assert isinstance(key, RSAPrivateKey)
    return key


RSA_KEY = load_rsa_key()


@pytest.mark.parametrize("vector", vector_params(SKIPPED))
def test_service_account_key_reproduces_conformance_vector(vector: dict[str, Any]) -> None:
    assert sign_vector(vector, SERVICE_ACCOUNT) == vector["expectedUrl"]


@pytest.mark.parametrize("vector", vector_params(SKIPPED))
def test_sign_blob_hook_reproduces_conformance_vector(vector: dict[str, Any]) -> None:
    """A keyless account: the hook (IAM signBlob in production) gets the string to sign and returns RSA bytes."""
    seen: list[bytes] = []

    def sign_bytes(payload: bytes) -> bytes:
        seen.append(payload)
        return RSA_KEY.sign(payload, PKCS1v15(), SHA256())

    assert sign_vector(vector, SignBlob(KEY_INFO["client_email"], sign_bytes)) == vector["expectedUrl"]
    assert seen == [vector["expectedStringToSign"].encode()]


INCONSISTENT = "skipped: its expectedCanonicalRequest keeps /test-bucket, which its own string to sign does not hash"
HMAC_SKIPPED = {**SKIPPED, "Universe domain with virtual hosted style": INCONSISTENT}


@pytest.mark.parametrize("vector", vector_params(HMAC_SKIPPED))
def test_hmac_key_signs_the_vector_request_with_goog4_hmac(vector: dict[str, Any]) -> None:
    """The vector's canonical request with the HMAC algorithm and access id, signed by a key derivation
    written here from Google's description (GOOG4 + secret, date, "auto", "storage", "goog4_request")."""
    access_id, secret = "GOOG1EXAMPLEHMACACCESSID", "bGF6eSBzZWNyZXQgZm9yIHRoZSB2ZWN0b3Jz"
    rsa_credential = quote(KEY_INFO["client_email"], safe="")

    def as_hmac(text: str) -> str:
        return text.replace("GOOG4-RSA-SHA256", "GOOG4-HMAC-SHA256").replace(rsa_credential, access_id)

    canonical = as_hmac(vector["expectedCanonicalRequest"])
    algorithm, timestamp, scope, _ = vector["expectedStringToSign"].split("\n")
    string_to_sign = "\n".join([as_hmac(algorithm), timestamp, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = f"GOOG4{secret}".encode()
    for part in (timestamp[:8], "auto", "storage", "goog4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    expected = as_hmac(vector["expectedUrl"]).rsplit("X-Goog-Signature=", 1)[0] + f"X-Goog-Signature={signature}"
    assert sign_vector(vector, HmacKey(access_id, secret)) == expected


SDK_CREDENTIALS = service_account.Credentials.from_service_account_info(KEY_INFO)


@settings(max_examples=100, deadline=None)
@given(
    blob=st.lists(
        st.one_of(
            st.sampled_from([*" +~%=/?#&;:@!$'()*,[]\\.", "//", "%2F", "ü", "日本", "😀"]),
            st.characters(codec="utf-8"),
        ),
        min_size=1,
        max_size=30,
    ).map("".join),
    expires=st.sampled_from([1, 900, 604800]),
)
def test_rsa_path_equals_google_cloud_storage(blob: str, expires: int) -> None:
    timestamp = "20260301T123456Z"
    reference = generate_signed_url_v4(
        SDK_CREDENTIALS,
        resource=f"/media-bucket/{quote(blob, safe='/~')}",
        expiration=timedelta(seconds=expires),
        _request_timestamp=timestamp,
    )
    signer = GcsV4Signer(SERVICE_ACCOUNT)
    now = datetime.strptime(timestamp, "%Y%m%dT%H%M%SZ")  # naive: UTC
    assert signer.sign("media-bucket", blob, expires_in=expires, now=now) == reference


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"expires_in": 604801}, "expires_in"),
        ({"expires_in": 0}, "expires_in"),
        ({"bucket": ""}, "bucket"),
        ({"headers": {"X-Goog-Meta": "a", "x-goog-meta": "b"}}, "twice"),
        ({"method": "PATCH"}, "method"),
        ({"query": {"x-goog-expires": "31536000"}}, "may not replace"),
    ],
)
def test_refuses_what_gcs_would_refuse(arguments: dict[str, Any], message: str) -> None:
    call: dict[str, Any] = {"bucket": "media-bucket", "blob": "a.mp4", "expires_in": 60, **arguments}
    with pytest.raises(ValueError, match=message):
        GcsV4Signer(HmacKey("GOOG1ID", "c2VjcmV0")).sign(**call)


def test_refuses_unknown_url_styles() -> None:
    with pytest.raises(ValueError, match="style"):
        GcsV4Signer(HmacKey("GOOG1ID", "c2VjcmV0"), style="subdomain")  # type: ignore[arg-type]

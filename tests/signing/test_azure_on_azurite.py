"""Service SAS URLs from the direct signer against a real verifier: Azurite.

Azurite is plain http, so these URLs allow ``https,http``; the HTTPS-only default is refused there, which
shows the protocol field is enforced. Each refusal has a control the server accepts.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from azure.storage.blob import BlobServiceClient

from runtime.signing.azure_sas import BlobSasSigner
from tests.signing.fetching import fetch, with_signature_char_changed
from tether.standins.azurite import AzuriteHandle

BLOB = "frames/cam 1/a+b~c%d=e//ü.jpg"
OTHER = "frames/other.jpg"


@pytest.fixture(scope="module")
def container(azurite: AzuriteHandle) -> str:
    name = f"signing-{uuid.uuid4().hex[:12]}"
    service = BlobServiceClient.from_connection_string(azurite.connection_string)
    service.create_container(name)
    service.get_blob_client(name, BLOB).upload_blob(b"frame one")
    service.get_blob_client(name, OTHER).upload_blob(b"frame two")
    return name


def signer(azurite: AzuriteHandle, **kwargs: object) -> BlobSasSigner:
    options: dict[str, object] = {"account_key": azurite.account_key, "protocol": "https,http", **kwargs}
    return BlobSasSigner(azurite.account_name, **options)  # type: ignore[arg-type]


def url_for(azurite: AzuriteHandle, container: str, blob: str = BLOB, **kwargs: object) -> str:
    options: dict[str, object] = {"expires_in": 300, **kwargs}
    return signer(azurite).url(azurite.endpoint_url, container, blob, **options)  # type: ignore[arg-type]


def test_sas_url_reads_the_blob(azurite: AzuriteHandle, container: str) -> None:
    answer = fetch(url_for(azurite, container))
    assert (answer.status, answer.body) == (200, b"frame one")


def test_one_changed_signature_character_is_refused(azurite: AzuriteHandle, container: str) -> None:
    url = url_for(azurite, container)
    tampered = with_signature_char_changed(url, "sig")
    assert tampered != url
    answer = fetch(tampered)
    assert (answer.status, answer.error_code()) == (403, "AuthorizationFailure")


def test_expired_sas_is_refused(azurite: AzuriteHandle, container: str) -> None:
    now = datetime.now(UTC)
    assert fetch(url_for(azurite, container, expires_in=60, now=now)).status == 200
    answer = fetch(url_for(azurite, container, expires_in=60, now=now - timedelta(minutes=10)))
    assert (answer.status, answer.error_code()) == (403, "AuthorizationFailure")


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_read_sas_cannot_write(azurite: AzuriteHandle, container: str, method: str) -> None:
    answer = fetch(
        url_for(azurite, container), method=method, data=b"overwritten", headers={"x-ms-blob-type": "BlockBlob"}
    )
    assert (answer.status, answer.error_code()) == (403, "AuthorizationPermissionMismatch")
    assert fetch(url_for(azurite, container)).body == b"frame one"


def test_sas_for_one_blob_does_not_open_another(azurite: AzuriteHandle, container: str) -> None:
    url = url_for(azurite, container)
    moved = url.replace("/frames/cam%201/a%2Bb~c%25d%3De//%C3%BC.jpg?", f"/{OTHER}?")
    assert moved != url
    assert fetch(url_for(azurite, container, OTHER)).status == 200
    assert fetch(moved).status == 403


def test_https_only_sas_is_refused_over_http(azurite: AzuriteHandle, container: str) -> None:
    https_only = signer(azurite, protocol="https").url(azurite.endpoint_url, container, BLOB, expires_in=300)
    answer = fetch(https_only)
    assert (answer.status, answer.error_code()) == (403, "AuthorizationProtocolMismatch")


def test_wrong_account_key_is_refused(azurite: AzuriteHandle, container: str) -> None:
    wrong = signer(azurite, account_key="d3Jvbmcga2V5").url(azurite.endpoint_url, container, BLOB, expires_in=300)
    answer = fetch(wrong)
    assert (answer.status, answer.error_code()) == (403, "AuthorizationFailure")

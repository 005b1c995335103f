"""The direct Azure service SAS signer: identical to azure-storage-blob's ``generate_blob_sas`` and ``BlobClient.url``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from azure.storage.blob import BlobClient, generate_blob_sas
from azure.storage.blob import UserDelegationKey as SdkDelegationKey
from azure.storage.blob._shared.constants import X_MS_VERSION
from hypothesis import given, settings
from hypothesis import strategies as st

from runtime.signing.azure_sas import SAS_VERSION, BlobSasSigner, Protocol, UserDelegationKey

NOW = datetime(2026, 3, 1, 12, 34, 56, 789000, tzinfo=UTC)
ACCOUNT = "acmevision"
ACCOUNT_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
DELEGATION = UserDelegationKey(
    signed_oid="6f0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b",
    signed_tid="72f988bf-86f1-41af-91ab-2d7cd011db47",
    signed_start="2026-03-01T00:00:00Z",
    signed_expiry="2026-03-08T00:00:00Z",
    signed_service="b",
    signed_version="2025-11-05",
    value="cmFuZG9tIGRlbGVnYXRpb24ga2V5IGJ5dGVzIGZvciB0ZXN0cw==",
)
ACCOUNT_URLS = [f"https://{ACCOUNT}.blob.core.windows.net", f"http://127.0.0.1:10000/{ACCOUNT}"]

BLOB_NAMES = st.lists(
    st.one_of(
        st.sampled_from([*" +~%=/?#&;:@!$'()*,[]\\.", "//", "%2F", "ü", "日本", "😀"]),
        st.characters(codec="utf-8"),
    ),
    min_size=1,
    max_size=30,
).map("".join)


def sdk_delegation_key() -> SdkDelegationKey:
    key = SdkDelegationKey()
    for name in ("signed_oid", "signed_tid", "signed_start", "signed_expiry", "signed_service", "signed_version"):
        setattr(key, name, getattr(DELEGATION, name))
    key.value = DELEGATION.value
    return key


def test_signs_with_the_service_version_of_the_installed_sdk() -> None:
    assert SAS_VERSION == X_MS_VERSION


@settings(max_examples=600, deadline=None)
@given(
    blob=BLOB_NAMES,
    delegated=st.booleans(),
    protocol=st.sampled_from(["https", "https,http"]),
    start=st.sampled_from([None, NOW - timedelta(minutes=5)]),
    expires=st.sampled_from([1, 3600, 30 * 86400]),
    account_url=st.sampled_from(ACCOUNT_URLS),
)
def test_identical_to_the_sdk_on_random_blob_names(
    blob: str, delegated: bool, protocol: Protocol, start: datetime | None, expires: int, account_url: str
) -> None:
    if delegated:
        signer = BlobSasSigner(ACCOUNT, user_delegation_key=DELEGATION, protocol=protocol)
        expires = min(expires, 86400)  # a SAS may not outlive its delegation key (tested on its own below)
    else:
        signer = BlobSasSigner(ACCOUNT, account_key=ACCOUNT_KEY, protocol=protocol)
    reference = generate_blob_sas(
        ACCOUNT,
        "videos",
        blob,
        account_key=None if delegated else ACCOUNT_KEY,
        user_delegation_key=sdk_delegation_key() if delegated else None,
        permission="r",
        expiry=NOW + timedelta(seconds=expires),
        start=start,
        protocol=protocol,
    )
    assert signer.token("videos", blob, expires_in=expires, now=NOW, start=start) == reference
    url = signer.url(account_url, "videos", blob, expires_in=expires, now=NOW, start=start)
    assert url == BlobClient(account_url, "videos", blob, credential=reference).url


def test_read_only_single_blob_https_by_default() -> None:
    token = BlobSasSigner(ACCOUNT, account_key=ACCOUNT_KEY).token("videos", "a.mp4", expires_in=60, now=NOW)
    fields = dict(part.split("=", 1) for part in token.split("&"))
    assert (fields["sp"], fields["sr"], fields["spr"]) == ("r", "b", "https")
    assert fields["se"] == "2026-03-01T12%3A35%3A56Z"
    assert "st" not in fields


def test_sas_never_outlives_its_delegation_key() -> None:
    signer = BlobSasSigner(ACCOUNT, user_delegation_key=DELEGATION)
    assert signer.key_expiry == datetime(2026, 3, 8, tzinfo=UTC)
    now = NOW.replace(microsecond=0)
    last_second = int((signer.key_expiry - now).total_seconds())
    assert "se=2026-03-08T00%3A00%3A00Z" in signer.token("videos", "a.mp4", expires_in=last_second, now=now)
    with pytest.raises(ValueError, match="outlive"):
        signer.token("videos", "a.mp4", expires_in=last_second + 1, now=now)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "exactly one"),
        ({"account_key": ACCOUNT_KEY, "user_delegation_key": DELEGATION}, "exactly one"),
        ({"account_key": ACCOUNT_KEY, "protocol": "http"}, "protocol"),
    ],
)
def test_refuses_ambiguous_or_insecure_setups(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        BlobSasSigner(ACCOUNT, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(("container", "blob", "expires"), [("videos", "", 60), ("", "a", 60), ("videos", "a", 0)])
def test_refuses_empty_names_and_expiry(container: str, blob: str, expires: int) -> None:
    with pytest.raises(ValueError):
        BlobSasSigner(ACCOUNT, account_key=ACCOUNT_KEY).token(container, blob, expires_in=expires, now=NOW)


def test_key_stays_out_of_reprs() -> None:
    assert DELEGATION.value not in repr(DELEGATION)

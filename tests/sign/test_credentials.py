"""EnvironmentCredentials: which variable or chain each provider's keys come from, how long they are kept,
and a one-line ReadError naming the variable when they cannot be had. No network: STS is moto's server,
and Google's and Azure's token calls are replaced."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

import pytest

from runtime.sign import EnvironmentCredentials
from runtime.sign.targets import AzureTarget, GcsTarget, S3Target
from runtime.signing.gcs_v4 import GcsV4Signer, HmacKey, ServiceAccountKey, SignBlob
from tests.sign.support import AZURE_KEY, NOW
from tether.errors import ReadError
from tether.settings import load_settings
from tether.standins.moto_server import MotoHandle

VECTOR_KEY = Path(__file__).resolve().parents[3] / "shared" / "vectors" / "gcs" / "test_service_account.not-a-test.json"
VECTOR_EMAIL = json.loads(VECTOR_KEY.read_text())["client_email"]
ROLE = "arn:aws:iam::444455556666:role/tether/tether-videos"


def s3(role_arn: str | None = None, provider: str = "aws") -> S3Target:
    return S3Target("videos", provider, "acme-videos", "eu-west-2", None, False, role_arn, "acme-1234", 12 * 3600)


def gcs(account: str | None = VECTOR_EMAIL, hmac_id: str | None = None) -> GcsTarget:
    return GcsTarget("retail-images", "acme-images", "https://storage.googleapis.com", account, hmac_id)


AZURE = AzureTarget("calls", "acmecalls", "calls", "https://acmecalls.blob.core.windows.net", "https", True)


def source(env: dict[str, str], **kwargs: Any) -> EnvironmentCredentials:
    return EnvironmentCredentials(load_settings(environ=env), **kwargs)


@pytest.fixture(autouse=True)
def no_ambient_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The chains must find only what a test gives them: no real config files, no instance metadata."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
                 "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                 "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CREDENTIAL_EXPIRATION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


# AWS, OTC, S3-compatible ------------------------------------------------------------------------
def test_keys_from_the_env_file_or_environment() -> None:
    lease = source({"AWS_ACCESS_KEY_ID": "AKIDFILE", "AWS_SECRET_ACCESS_KEY": "secret"}).aws(s3())
    assert (lease.value.access_key, lease.value.session_token, lease.expires_at) == ("AKIDFILE", None, None)
    assert lease.name == "the aws credentials from AWS_ACCESS_KEY_ID"


def test_stated_expiry_of_temporary_keys_is_kept() -> None:
    env = {"AWS_ACCESS_KEY_ID": "ASIA1", "AWS_SECRET_ACCESS_KEY": "s", "AWS_SESSION_TOKEN": "t",
           "AWS_CREDENTIAL_EXPIRATION": "2026-03-02T10:15:00Z"}
    lease = source(env).aws(s3())
    assert (lease.value.session_token, lease.expires_at) == ("t", datetime(2026, 3, 2, 10, 15, tzinfo=UTC))
    with pytest.raises(ReadError, match=r"^AWS_CREDENTIAL_EXPIRATION: expected an ISO 8601 time, got 'soon'$"):
        source({**env, "AWS_CREDENTIAL_EXPIRATION": "soon"}).aws(s3())


def test_half_a_key_pair_is_named() -> None:
    with pytest.raises(ReadError, match=r"^AWS_SECRET_ACCESS_KEY is not set, though its pair is: set both or neither$"):
        source({"AWS_ACCESS_KEY_ID": "AKID"}).aws(s3())


def test_no_credentials_says_where_it_looked() -> None:
    with pytest.raises(ReadError) as error:
        source({}).aws(s3(provider="otc"))
    assert str(error.value) == (
        "no otc credentials: the standard AWS chain found none: "
        "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or TETHER_PROFILE_OTC"
    )


def test_a_profile_per_provider(tmp_path: Path) -> None:
    (tmp_path / "aws-credentials").write_text("[obs]\naws_access_key_id = OBSKEY\naws_secret_access_key = obs-secret\n")
    env = {"TETHER_PROFILE_OTC": "obs", "AWS_ACCESS_KEY_ID": "AKIDAWS", "AWS_SECRET_ACCESS_KEY": "aws-secret"}
    credentials = source(env)
    assert credentials.aws(s3(provider="otc")).value.access_key == "OBSKEY"
    assert credentials.aws(s3(provider="aws")).value.access_key == "AKIDAWS"
    with pytest.raises(ReadError, match=r"^TETHER_PROFILE_S3_COMPATIBLE: profile 'gone' is not in the AWS config files$"):
        source({"TETHER_PROFILE_S3_COMPATIBLE": "gone"}).aws(s3(provider="s3-compatible"))


def test_the_role_is_assumed_and_kept_until_five_minutes_before_it_ends(moto_server: MotoHandle) -> None:
    clock = [datetime.now(UTC)]
    env = {
        "AWS_ACCESS_KEY_ID": "AKIDPLATFORM",
        "AWS_SECRET_ACCESS_KEY": "s",
        "TETHER_ENDPOINT_AWS": "http://127.0.0.1:9",  # where S3 is; STS goes to the control plane's stand-in
        "TETHER_ENDPOINT_AWS_IAM": moto_server.endpoint_url,
    }
    credentials = source(env, clock=lambda: clock[0])
    first = credentials.aws(s3(ROLE))
    assert first.value.access_key.startswith("ASIA") and first.value.session_token
    assert first.name == f"the credentials of assumed role {ROLE}"
    assert first.expires_at is not None
    assert abs(first.expires_at - clock[0] - timedelta(hours=12)) < timedelta(minutes=1)
    assert credentials.aws(s3(ROLE)) is first
    clock[0] = first.expires_at - timedelta(minutes=5, seconds=1)
    assert credentials.aws(s3(ROLE)) is first
    clock[0] = first.expires_at - timedelta(minutes=4)
    second = credentials.aws(s3(ROLE))
    assert second is not first and second.value.access_key != first.value.access_key


def test_a_role_that_cannot_be_assumed_is_a_read_error() -> None:
    """Without TETHER_ENDPOINT_AWS_IAM, STS is asked where the AWS override points."""
    env = {"AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "s", "TETHER_ENDPOINT_AWS": "http://127.0.0.1:9"}
    with pytest.raises(ReadError, match=rf"^cannot assume role {ROLE} for videos: Could not connect"):
        source(env, timeout=1).aws(s3(ROLE))


# GCP ------------------------------------------------------------------------------------------
def test_hmac_key_when_the_record_has_its_id_and_the_secret_is_set() -> None:
    lease = source({"TETHER_GCS_HMAC_SECRET": "c2VjcmV0"}).gcs(gcs(hmac_id="GOOG1ID"))
    assert isinstance(lease.value, HmacKey) and lease.value.client_id == "GOOG1ID"
    own = source({"TETHER_GCS_HMAC_SECRET": "b3RoZXI=", "TETHER_GCS_HMAC_SECRET_RETAIL_IMAGES": "c2VjcmV0"})
    url_own = GcsV4Signer(own.gcs(gcs(hmac_id="GOOG1ID")).value).sign("b", "k", expires_in=60, now=NOW)
    url_one = GcsV4Signer(lease.value).sign("b", "k", expires_in=60, now=NOW)
    assert url_own == url_one


def test_service_account_key_file_of_the_signing_account() -> None:
    lease = source({"GOOGLE_APPLICATION_CREDENTIALS": str(VECTOR_KEY)}).gcs(gcs())
    assert isinstance(lease.value, ServiceAccountKey)
    url = GcsV4Signer(lease.value).sign("acme-images", "a.jpg", expires_in=60, now=NOW)
    assert "X-Goog-Algorithm=GOOG4-RSA-SHA256" in url and VECTOR_EMAIL.replace("@", "%40") in url


class FakeIamSigner:
    made: ClassVar[list[tuple[Any, str]]] = []

    def __init__(self, request: Any, credentials: Any, account: str) -> None:
        FakeIamSigner.made.append((credentials, account))

    def sign(self, data: bytes) -> bytes:
        return b"\x01\x02"


def test_key_file_of_another_account_signs_through_sign_blob(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("google.auth.iam.Signer", FakeIamSigner)
    FakeIamSigner.made.clear()
    reader = "images-reader@acme-images.iam.gserviceaccount.com"
    lease = source({"GOOGLE_APPLICATION_CREDENTIALS": str(VECTOR_KEY)}).gcs(gcs(reader))
    assert isinstance(lease.value, SignBlob) and lease.value.client_id == reader
    [(credentials, account)] = FakeIamSigner.made
    assert (credentials.service_account_email, account) == (VECTOR_EMAIL, reader)
    assert GcsV4Signer(lease.value).sign("acme-images", "a.jpg", expires_in=60, now=NOW).endswith("Signature=0102")


def test_keyless_signs_through_sign_blob_with_default_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("google.auth.iam.Signer", FakeIamSigner)
    monkeypatch.setattr("google.auth.default", lambda scopes: ("adc", "project"))
    FakeIamSigner.made.clear()
    lease = source({}).gcs(gcs("platform-signer@acme-prod.iam.gserviceaccount.com"))
    assert FakeIamSigner.made == [("adc", "platform-signer@acme-prod.iam.gserviceaccount.com")]
    assert lease.value.algorithm == "GOOG4-RSA-SHA256"


def test_sign_blob_failures_are_read_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    from google.auth.exceptions import DefaultCredentialsError, TransportError

    def no_default(scopes: Any) -> Any:
        raise DefaultCredentialsError("Your default credentials were not found.")

    monkeypatch.setattr("google.auth.default", no_default)
    with pytest.raises(ReadError) as error:
        source({}).gcs(gcs("a-signer@acme-prod.iam.gserviceaccount.com"))
    assert str(error.value) == (
        "no Google credentials to sign as a-signer@acme-prod.iam.gserviceaccount.com: Application Default "
        "Credentials: Your default credentials were not found. (or set TETHER_GCS_HMAC_SECRET for the "
        "integration's HMAC key)"
    )

    class Refusing(FakeIamSigner):
        def sign(self, data: bytes) -> bytes:
            raise TransportError("Error calling the IAM signBytes API: 403 Forbidden")

    monkeypatch.setattr("google.auth.default", lambda scopes: ("adc", "project"))
    monkeypatch.setattr("google.auth.iam.Signer", Refusing)
    lease = source({}).gcs(gcs("a-signer@acme-prod.iam.gserviceaccount.com"))
    with pytest.raises(ReadError, match=r"^IAM signBlob as a-signer@acme-prod\.iam\.gserviceaccount\.com failed: Error"):
        GcsV4Signer(lease.value).sign("b", "k", expires_in=60, now=NOW)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read: No such file or directory"),
        ("{not json", "not a JSON credentials file"),
        ('{"type": "service_account", "client_email": "x@y.iam.gserviceaccount.com"}', "private_key: missing"),
        ('{"type": "service_account", "private_key": "k"}', "client_email: missing"),
        (
            '{"type": "service_account", "client_email": "x@y.iam.gserviceaccount.com", "private_key": "nope"}',
            "private_key: ",
        ),
    ],
)
def test_bad_key_files_name_the_variable_and_file(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "key.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(ReadError) as error:
        source({"GOOGLE_APPLICATION_CREDENTIALS": str(path)}).gcs(gcs(None))
    assert str(error.value).startswith(f"GOOGLE_APPLICATION_CREDENTIALS: {path}: {message}")


def test_no_account_to_sign_as() -> None:
    with pytest.raises(ReadError, match=r"^retail-images: no service account to sign as"):
        source({}).gcs(gcs(None))


# Azure ----------------------------------------------------------------------------------------
def test_account_key_from_the_variable_or_the_connection_string() -> None:
    until = NOW + timedelta(days=1)
    assert source({"AZURE_STORAGE_KEY": AZURE_KEY}).azure(AZURE, until).value.account_key == AZURE_KEY
    connection = f"DefaultEndpointsProtocol=https;AccountName=acmecalls;AccountKey={AZURE_KEY};EndpointSuffix=x"
    lease = source({"AZURE_STORAGE_CONNECTION_STRING": connection}).azure(AZURE, until)
    assert (lease.value.account_key, lease.expires_at) == (AZURE_KEY, None)
    with pytest.raises(ReadError, match=r"^AZURE_STORAGE_KEY: the account key is not base64$"):
        source({"AZURE_STORAGE_KEY": "not base64!"}).azure(AZURE, until)


class FakeDelegationKey:
    def __init__(self, start: datetime, expiry: datetime) -> None:
        self.signed_oid, self.signed_tid = "4b1d9e22-7c3a-4f5e-8a6b-1c2d3e4f5a6b", "8f3c2a10-5b7e-4d2a-9c41-2e6f0b7d9a11"
        self.signed_start = start.strftime("%Y-%m-%dT%H:%M:%SZ")
        self.signed_expiry = expiry.strftime("%Y-%m-%dT%H:%M:%SZ")
        self.signed_service, self.signed_version, self.value = "b", "2026-10-06", "c2VjcmV0"


def test_user_delegation_key_when_no_account_key(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[tuple[datetime, datetime]] = []

    def get_key(self: Any, start: datetime, expiry: datetime) -> FakeDelegationKey:
        asked.append((start, expiry))
        return FakeDelegationKey(start, expiry)

    monkeypatch.setattr("azure.storage.blob.BlobServiceClient.get_user_delegation_key", get_key)
    clock = [NOW]
    other = f"AccountName=someoneelse;AccountKey={AZURE_KEY}"  # another account's key does not apply
    credentials = source({"AZURE_STORAGE_CONNECTION_STRING": other}, clock=lambda: clock[0])
    lease = credentials.azure(AZURE, NOW + timedelta(days=7))
    assert asked == [(NOW, NOW + timedelta(days=7))]
    assert lease.expires_at == NOW + timedelta(days=7) and lease.value.delegation_key is not None
    clock[0] = NOW + timedelta(minutes=4)
    assert credentials.azure(AZURE, clock[0] + timedelta(days=7)) is lease  # short by under 5 minutes: kept
    clock[0] = NOW + timedelta(minutes=6)
    assert credentials.azure(AZURE, clock[0] + timedelta(days=1)) is lease  # covered
    assert credentials.azure(AZURE, clock[0] + timedelta(days=7)) is not lease
    assert len(asked) == 2


def test_user_delegation_mode_never_signs_with_an_account_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """Shared-key access is off on such accounts: a key-signed URL would be refused by Azure."""
    monkeypatch.setattr(
        "azure.storage.blob.BlobServiceClient.get_user_delegation_key",
        lambda self, start, expiry: FakeDelegationKey(start, expiry),
    )
    delegation_only = AzureTarget("calls", "acmecalls", "calls", "https://acmecalls.blob.core.windows.net", "https", False)
    lease = source({"AZURE_STORAGE_KEY": AZURE_KEY}).azure(delegation_only, NOW + timedelta(days=1))
    assert lease.value.account_key is None and lease.value.delegation_key is not None


def test_no_azure_credentials_is_a_read_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from azure.core.exceptions import ClientAuthenticationError

    def refuse(self: Any, start: datetime, expiry: datetime) -> None:
        raise ClientAuthenticationError("DefaultAzureCredential failed to retrieve a token")

    monkeypatch.setattr("azure.storage.blob.BlobServiceClient.get_user_delegation_key", refuse)
    with pytest.raises(ReadError) as error:
        source({}).azure(AZURE, NOW + timedelta(days=1))
    assert str(error.value) == (
        "no Azure credentials for acmecalls: set AZURE_STORAGE_KEY or AZURE_STORAGE_CONNECTION_STRING "
        "(account-key SAS), or sign in for azure-identity (user delegation SAS): "
        "DefaultAzureCredential failed to retrieve a token"
    )

"""Where the keys that sign come from, and how long they last.

``CredentialSource`` is what the signer asks; ``EnvironmentCredentials`` answers from the environment (and
an env file) through each SDK's standard chain, and tests pass a fake. Every answer is a ``Lease``: the key
and when it stops working, because a URL can never outlive what signed it. Fetched credentials are kept
until five minutes before they end, so a page of a thousand URLs costs no network call.

- AWS, OTC, S3-compatible: keys in the env file or environment, ``TETHER_PROFILE_<PROVIDER>`` for a named
  profile, else boto3's chain; with a record's ``role_arn``, the role is assumed with the integration's
  external ID through STS (at ``TETHER_ENDPOINT_AWS_IAM`` or ``TETHER_ENDPOINT_AWS`` when set).
- GCP: an HMAC key when the record has its access id and ``TETHER_GCS_HMAC_SECRET[_<INTEGRATION>]`` holds
  its secret; else the service-account key file in ``GOOGLE_APPLICATION_CREDENTIALS`` when it is the
  signing account's; else IAM signBlob as the signing account, with whatever credentials are found.
- Azure: the account key (``AZURE_STORAGE_KEY``, or ``AccountKey`` of ``AZURE_STORAGE_CONNECTION_STRING``),
  else a user delegation key got through azure-identity.

Failures are ReadError (exit 3) saying which variable or chain was looked at; secrets never reach a message.
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from runtime.sign.targets import AzureTarget, GcsTarget, S3Target
from runtime.signing.azure_sas import UserDelegationKey
from runtime.signing.gcs_v4 import Credential, HmacKey, ServiceAccountKey, SignBlob
from runtime.signing.sigv4 import AwsCredentials
from tether.errors import ReadError
from tether.settings import Settings, profile_variable

T = TypeVar("T")

REFRESH = timedelta(minutes=5)
"""Fetched credentials are replaced this long before they end."""
DELEGATION_KEY_LIFETIME = timedelta(days=7)
"""The longest a user delegation key may live (Azure's limit)."""
CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform"
HMAC_SECRET = "TETHER_GCS_HMAC_SECRET"


@dataclass(frozen=True)
class Lease(Generic[T]):
    """Credentials, when they stop working (None: not known to), and what to call them in a note."""

    value: T = field(repr=False)
    expires_at: datetime | None
    name: str


@dataclass(frozen=True)
class AzureKey:
    """Exactly one of an account key and a user delegation key."""

    account_key: str | None = field(default=None, repr=False)
    delegation_key: UserDelegationKey | None = None


class CredentialSource(Protocol):
    """What the signer asks for; each call may be answered from a cache."""

    def aws(self, target: S3Target) -> Lease[AwsCredentials]:
        """Credentials that may read ``target`` (AWS, OTC or S3-compatible)."""
        ...

    def gcs(self, target: GcsTarget) -> Lease[Credential]:
        """A V4 signing credential for ``target``'s service account."""
        ...

    def azure(self, target: AzureTarget, until: datetime) -> Lease[AzureKey]:
        """A key for ``target``'s account; a delegation key should last until ``until`` when it can."""
        ...


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


class EnvironmentCredentials:
    """Credentials from ``settings`` (environment plus env file) and the SDKs' chains, cached until near their end."""

    def __init__(
        self, settings: Settings, *, clock: Callable[[], datetime] = _utc_now, timeout: float = 10.0
    ) -> None:
        self.settings = settings
        self._clock = clock
        self._timeout = timeout
        self._lock = threading.RLock()
        self._leases: dict[tuple[str, ...], Lease[Any]] = {}
        self._sessions: dict[str, Any] = {}

    def _cached(
        self, key: tuple[str, ...], fresh: Callable[[Lease[Any]], bool], fetch: Callable[[], Lease[T]]
    ) -> Lease[T]:
        with self._lock:
            lease = self._leases.get(key)
            if lease is None or not fresh(lease):
                lease = self._leases[key] = fetch()
            return lease

    def _lasts(self, lease: Lease[Any]) -> bool:
        return lease.expires_at is None or lease.expires_at - REFRESH > self._clock()

    # AWS, OTC, S3-compatible ---------------------------------------------------------------
    def aws(self, target: S3Target) -> Lease[AwsCredentials]:
        key = ("aws", target.provider, target.role_arn or "", target.external_id or "")
        lease = self._leases.get(key)
        if lease is not None and (lease.expires_at is None or self._lasts(lease)):
            return lease  # signing asks on every call: the common answer takes no lock and makes no closure
        if target.role_arn is None:
            return self._cached(key, self._lasts, lambda: self._chain(target.provider))
        return self._cached(key, self._lasts, lambda: self._assume(target))

    def _session(self, provider: str) -> Any:
        """The provider's boto3 session (tether.settings), built once."""
        with self._lock:
            if provider not in self._sessions:
                self._sessions[provider] = self.settings.boto_session(provider)
            return self._sessions[provider]

    def _chain(self, provider: str) -> Lease[AwsCredentials]:
        from botocore.exceptions import BotoCoreError

        variable = profile_variable(provider)
        profile = self.settings.get(variable)
        stated = not profile and bool(self.settings.get("AWS_ACCESS_KEY_ID"))
        where = f"profile {profile!r} ({variable})" if profile else "the standard AWS chain"
        try:
            found = self._session(provider).get_credentials()
            frozen = found.get_frozen_credentials() if found is not None else None
        except BotoCoreError as error:
            raise ReadError(f"cannot read {provider} credentials from {where}: {_first_line(error)}") from None
        if frozen is None or not frozen.access_key or not frozen.secret_key:
            hint = "" if profile else f": set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or {variable}"
            raise ReadError(f"no {provider} credentials: {where} found none{hint}")
        # RefreshableCredentials (SSO, instance roles, AWS_CREDENTIAL_EXPIRATION) know when they end
        ends = getattr(found, "_expiry_time", None)
        if stated:
            ends = self._stated_expiry()
        return Lease(
            AwsCredentials(frozen.access_key, frozen.secret_key, frozen.token),
            ends.astimezone(UTC) if isinstance(ends, datetime) else None,
            f"the {provider} credentials from {'AWS_ACCESS_KEY_ID' if stated else where}",
        )

    def _stated_expiry(self) -> datetime | None:
        """AWS_CREDENTIAL_EXPIRATION, which says when keys given in variables end (as botocore reads it)."""
        text = self.settings.get("AWS_CREDENTIAL_EXPIRATION")
        if not text:
            return None
        try:
            ends = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ReadError(f"AWS_CREDENTIAL_EXPIRATION: expected an ISO 8601 time, got {text!r}") from None
        return ends if ends.tzinfo is not None else ends.replace(tzinfo=UTC)

    def _assume(self, target: S3Target) -> Lease[AwsCredentials]:
        """Assume the integration's role; a role chained from another allows 1h only, so 1h is asked on refusal."""
        from botocore.config import Config
        from botocore.exceptions import BotoCoreError, ClientError

        arn = target.role_arn
        sts = self._session(target.provider).client(
            "sts",
            region_name=target.region,
            # the control plane's stand-in (TETHER_ENDPOINT_AWS_IAM: moto answers STS too), else the provider's
            endpoint_url=self.settings.endpoint(f"{target.provider}-iam") or self.settings.endpoint(target.provider),
            verify=self.settings.get("AWS_CA_BUNDLE"),
            config=Config(
                retries={"total_max_attempts": 2, "mode": "standard"},
                connect_timeout=self._timeout,
                read_timeout=self._timeout,
            ),
        )
        request: dict[str, Any] = {
            "RoleArn": arn,
            "RoleSessionName": f"tether-sign-{target.integration}"[:64],
            "DurationSeconds": target.session_seconds,
        }
        if target.external_id:
            request["ExternalId"] = target.external_id
        try:
            try:
                answer = sts.assume_role(**request)
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") != "ValidationError" or target.session_seconds <= 3600:
                    raise
                answer = sts.assume_role(**{**request, "DurationSeconds": 3600})
        except ClientError as error:
            detail = error.response.get("Error", {})
            said = f"{detail.get('Code', 'error')}: {detail.get('Message', '')}".rstrip(": ")
            raise ReadError(f"cannot assume role {arn} for {target.integration}: {said}") from None
        except BotoCoreError as error:
            raise ReadError(f"cannot assume role {arn} for {target.integration}: {_first_line(error)}") from None
        given = answer["Credentials"]
        return Lease(
            AwsCredentials(given["AccessKeyId"], given["SecretAccessKey"], given["SessionToken"]),
            given["Expiration"].astimezone(UTC),
            f"the credentials of assumed role {arn}",
        )

    # GCP -----------------------------------------------------------------------------------
    def gcs(self, target: GcsTarget) -> Lease[Credential]:
        key = ("gcs", target.integration, target.service_account or "", target.hmac_access_id or "")
        return self._cached(key, self._lasts, lambda: self._gcs(target))

    def _gcs(self, target: GcsTarget) -> Lease[Credential]:
        own = f"{HMAC_SECRET}_{target.integration.upper().replace('-', '_')}"
        secret = self.settings.get(own) or self.settings.get(HMAC_SECRET)
        if target.hmac_access_id and secret:
            return Lease(HmacKey(target.hmac_access_id, secret), None, f"HMAC key {target.hmac_access_id}")
        path = self.settings.get("GOOGLE_APPLICATION_CREDENTIALS")
        info = _key_file(path) if path else None
        account = target.service_account
        if info is not None and info.get("type") == "service_account":
            email = _field(info, "client_email", path)
            if account in (None, email):
                try:
                    signer = ServiceAccountKey(email, _field(info, "private_key", path))
                except ValueError as error:
                    raise ReadError(f"GOOGLE_APPLICATION_CREDENTIALS: {path}: private_key: {error}") from None
                return Lease(signer, None, f"the key of service account {email}")
        if account is None:
            raise ReadError(
                f"{target.integration}: no service account to sign as (no record, no reader_account and no "
                "platform.gcp.service_account in the spec)"
            )
        # SignBlob is a frozen dataclass: it has Credential's attributes, read-only, which the Protocol does not say
        blob = SignBlob(account, self._sign_blob(path, info, account))
        return Lease(blob, None, f"service account {account}")

    def _sign_blob(self, path: str | None, info: dict[str, Any] | None, account: str) -> Callable[[bytes], bytes]:
        """IAM signBlob as ``account``, authenticated by the key file if one is set, else by Application Default
        Credentials (the caller needs roles/iam.serviceAccountTokenCreator on ``account``)."""
        import google.auth
        from google.auth import iam
        from google.auth.exceptions import GoogleAuthError
        from google.auth.transport.requests import Request

        try:
            if info is not None and info.get("type") == "service_account":
                from google.oauth2 import service_account

                credentials: Any = service_account.Credentials.from_service_account_info(info, scopes=[CLOUD_PLATFORM])
            elif path:
                credentials, _ = google.auth.load_credentials_from_file(path, scopes=[CLOUD_PLATFORM])
            else:
                credentials, _ = google.auth.default(scopes=[CLOUD_PLATFORM])
        except (GoogleAuthError, ValueError) as error:
            where = f"GOOGLE_APPLICATION_CREDENTIALS ({path})" if path else "Application Default Credentials"
            raise ReadError(
                f"no Google credentials to sign as {account}: {where}: {_first_line(error)} (or set {HMAC_SECRET} "
                "for the integration's HMAC key)"
            ) from None
        signer = iam.Signer(Request(), credentials, account)

        def sign(data: bytes) -> bytes:
            try:
                signed: bytes = signer.sign(data)
            except (GoogleAuthError, OSError) as error:
                raise ReadError(f"IAM signBlob as {account} failed: {_first_line(error)}") from None
            return signed

        return sign

    # Azure ---------------------------------------------------------------------------------
    def azure(self, target: AzureTarget, until: datetime) -> Lease[AzureKey]:
        account_key = self._account_key(target.account) if target.account_key else None
        if account_key is not None:
            return self._cached(
                ("azure-key", target.account),
                lambda _: True,
                lambda: Lease(AzureKey(account_key=account_key), None, f"the account key of {target.account}"),
            )
        # a fresh key lasts up to 7 days; one that falls short of ``until`` by REFRESH is replaced
        return self._cached(
            ("azure-delegation", target.account_url),
            lambda lease: lease.expires_at is not None and lease.expires_at >= until - REFRESH,
            lambda: self._delegation_key(target),
        )

    def _account_key(self, account: str) -> str | None:
        variable, key = "AZURE_STORAGE_KEY", self.settings.get("AZURE_STORAGE_KEY")
        if not key:
            variable, key = "AZURE_STORAGE_CONNECTION_STRING", connection_key(
                self.settings.get("AZURE_STORAGE_CONNECTION_STRING"), account
            )
        if not key:
            return None
        try:
            base64.b64decode(key, validate=True)
        except binascii.Error:
            raise ReadError(f"{variable}: the account key is not base64") from None
        return key

    def _delegation_key(self, target: AzureTarget) -> Lease[AzureKey]:
        from azure.core.exceptions import AzureError, ClientAuthenticationError
        from azure.identity import DefaultAzureCredential
        from azure.storage.blob import BlobServiceClient

        start = self._clock().replace(microsecond=0)
        client = BlobServiceClient(
            target.account_url,
            credential=DefaultAzureCredential(),
            retry_total=1,
            connection_timeout=self._timeout,
            read_timeout=self._timeout,
        )
        try:
            given = client.get_user_delegation_key(start, start + DELEGATION_KEY_LIFETIME)
        except ClientAuthenticationError as error:
            raise ReadError(
                f"no Azure credentials for {target.account}: set AZURE_STORAGE_KEY or AZURE_STORAGE_CONNECTION_STRING "
                f"(account-key SAS), or sign in for azure-identity (user delegation SAS): {_first_line(error)}"
            ) from None
        except AzureError as error:
            raise ReadError(f"cannot get a user delegation key for {target.account}: {_first_line(error)}") from None
        fields = ("signed_oid", "signed_tid", "signed_start", "signed_expiry", "signed_service", "signed_version")
        values = {name: getattr(given, name) for name in (*fields, "value")}
        if not all(isinstance(value, str) for value in values.values()):
            raise ReadError(f"the user delegation key {target.account} returned is incomplete")
        key = UserDelegationKey(**values)
        ends = datetime.fromisoformat(key.signed_expiry.replace("Z", "+00:00"))
        return Lease(AzureKey(delegation_key=key), ends, f"the user delegation key of {target.account}")


def _key_file(path: str) -> dict[str, Any]:
    """The JSON credentials file GOOGLE_APPLICATION_CREDENTIALS names."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise ReadError(f"GOOGLE_APPLICATION_CREDENTIALS: {path}: cannot read: {error.strerror or error}") from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ReadError(f"GOOGLE_APPLICATION_CREDENTIALS: {path}: not a JSON credentials file") from None
    if not isinstance(document, dict):
        raise ReadError(f"GOOGLE_APPLICATION_CREDENTIALS: {path}: not a JSON credentials file")
    return document


def _field(info: dict[str, Any], name: str, path: str | None) -> str:
    value = info.get(name)
    if not isinstance(value, str) or not value:
        raise ReadError(f"GOOGLE_APPLICATION_CREDENTIALS: {path}: {name}: missing from the service account key")
    return value


def connection_key(connection_string: str | None, account: str) -> str | None:
    """``AccountKey`` of a connection string for ``account`` (one naming another account does not apply)."""
    if not connection_string:
        return None
    parts = dict(part.partition("=")[::2] for part in connection_string.split(";") if part)
    if parts.get("AccountName", account) != account:
        return None
    return parts.get("AccountKey") or None

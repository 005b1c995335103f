"""SDK clients for each provider, built once per endpoint and shared by concurrent scans.

SDK retries are off (tether retries, see :mod:`tether.drift.calls`) and every call has the same
connect/read timeout. SDKs are imported on first use so the CLI starts fast.
"""

from __future__ import annotations

import copy
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from tether.desired import S3Desired
from tether.drift.model import Failure, NotChecked
from tether.settings import Settings

T = TypeVar("T")
AZURE_MANAGEMENT = "https://management.azure.com"


@dataclass(frozen=True)
class Management:
    """Azure Resource Manager clients for one subscription."""

    storage: Any
    authorization: Any
    subscription: str


def _load_paginators(client: Any) -> None:
    """Load the client's paginator model now, while the client is built under the cache's lock.

    botocore loads it on the first ``get_paginator`` and keeps it per client, with no lock: when a scan
    starts, every thread that reaches its first IAM listing at once loaded the model and walked botocore's
    400 model directories again (7 to 12 times per scan at concurrency 16, a tenth of the scan's CPU, in
    bench/drift.py).
    """
    operations = client.meta.method_to_api_mapping
    if operations:
        client.can_paginate(next(iter(operations)))


class Clients:
    """A cache of SDK clients keyed by what makes them differ (provider, region, endpoint, account)."""

    def __init__(self, settings: Settings, timeout: float = 10.0, pool: int = 10) -> None:
        self.settings = settings
        self.timeout = timeout
        self.pool = pool
        self._lock = threading.RLock()  # builders nest (a blob client needs the token)
        self._cache: dict[tuple[str, ...], Any] = {}

    def forked(self) -> Clients:
        """This cache's settings and options with no clients, for a forked worker: the connections pooled
        here are this process's to use, and so is the lock."""
        twin = copy.copy(self)
        twin._lock = threading.RLock()
        twin._cache = {}
        return twin

    def _cached(self, key: tuple[str, ...], build: Callable[[], T]) -> T:
        with self._lock:
            if key not in self._cache:
                self._cache[key] = build()
            built: T = self._cache[key]
            return built

    # S3 family -----------------------------------------------------------------------------
    def _session(self, provider: str) -> Any:
        """One boto3 session per provider, all sharing one botocore data loader: building a session and
        parsing the service models (S3's is about 1 MB of JSON) is most of a small scan's CPU, and the
        models do not differ between providers (see bench/drift.py's CPU table)."""

        def build() -> Any:
            from botocore.loaders import create_loader

            session = self.settings.boto_session(provider)
            loader = self._cached(("boto-loader",), create_loader)
            session._session.register_component("data_loader", loader)
            return session

        return self._cached(("boto-session", provider), build)

    def _boto(self, service: str, provider: str, region: str, endpoint: str | None, path_style: bool) -> Any:
        from botocore.config import Config

        config = Config(
            retries={"total_max_attempts": 1, "mode": "standard"},
            connect_timeout=self.timeout,
            read_timeout=self.timeout,
            max_pool_connections=self.pool,
            s3={"addressing_style": "path" if path_style else "auto"},
            # Stores other than AWS often reject the newer default checksums (see the Pulumi notes).
            request_checksum_calculation="when_supported" if provider == "aws" else "when_required",
            response_checksum_validation="when_supported" if provider == "aws" else "when_required",
        )
        client = self._session(provider).client(
            service,
            region_name=region,
            endpoint_url=endpoint,
            verify=self.settings.get("AWS_CA_BUNDLE"),
            config=config,
        )
        _load_paginators(client)
        return client

    def s3(self, desired: S3Desired) -> Any:
        """The S3 client for a bucket's provider, region and endpoint."""
        override = self.settings.endpoint(desired.provider)
        endpoint = override or desired.endpoint
        path_style = desired.path_style or override is not None
        key = ("s3", desired.provider, desired.region, endpoint or "", str(path_style))
        return self._cached(key, lambda: self._boto("s3", desired.provider, desired.region, endpoint, path_style))

    def iam(self, provider: str = "aws") -> Any:
        """The IAM client (global): at TETHER_ENDPOINT_AWS_IAM if set, else where the provider's S3 override is."""
        endpoint = self.settings.endpoint(f"{provider}-iam") or self.settings.endpoint(provider)
        return self._cached(("iam", provider), lambda: self._boto("iam", provider, "us-east-1", endpoint, False))

    # Azure ----------------------------------------------------------------------------------
    def _azure_token(self) -> Any:
        def build() -> Any:
            from azure.identity import DefaultAzureCredential

            return DefaultAzureCredential()

        return self._cached(("azure-token",), build)

    def _azure_options(self) -> dict[str, Any]:
        """Pipeline settings of every Azure client: no SDK retries (tether's own apply), tether's timeouts."""
        return {"retry_total": 0, "connection_timeout": self.timeout, "read_timeout": self.timeout}

    def blob_service(self, account: str) -> Any:
        """The blob service of a storage account: a shared key as signing finds one (AZURE_STORAGE_KEY, or the
        AccountKey of AZURE_STORAGE_CONNECTION_STRING for this account), else Entra ID."""

        def build() -> Any:
            from azure.core.credentials import AzureNamedKeyCredential
            from azure.storage.blob import BlobServiceClient

            from runtime.sign.credentials import connection_key

            override = self.settings.endpoint("azure")
            url = f"{override}/{account}" if override else f"https://{account}.blob.core.windows.net"
            key = self.settings.get("AZURE_STORAGE_KEY") or connection_key(
                self.settings.get("AZURE_STORAGE_CONNECTION_STRING"), account
            )
            credential = AzureNamedKeyCredential(account, key) if key else self._azure_token()
            return BlobServiceClient(
                url, credential=credential, connection_verify=self.settings.get("REQUESTS_CA_BUNDLE") or True,
                **self._azure_options(),
            )

        return self._cached(("blob", account), build)

    def management(self) -> Management | NotChecked | Failure:
        """Resource Manager clients, or why the management plane cannot be read here."""
        base = self.settings.endpoint("azure-management")
        if base is None and self.settings.endpoint("azure") is not None:
            return NotChecked("management", "the blob endpoint is an emulator, which has no management plane")
        subscription = self.settings.get("AZURE_SUBSCRIPTION_ID")
        if not subscription:
            return Failure("credentials", "AZURE_SUBSCRIPTION_ID is not set: the management plane needs it")

        def build() -> Management:
            from azure.mgmt.authorization import AuthorizationManagementClient
            from azure.mgmt.storage import StorageManagementClient

            token, url, options = self._azure_token(), base or AZURE_MANAGEMENT, self._azure_options()
            return Management(
                StorageManagementClient(token, subscription, base_url=url, **options),
                AuthorizationManagementClient(token, subscription, base_url=url, **options),
                subscription,
            )

        return self._cached(("arm", subscription), build)

    # GCP ------------------------------------------------------------------------------------
    def gcs(self, project: str) -> Any:
        """A Cloud Storage client; an endpoint override is an emulator, used without credentials."""

        def build() -> Any:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", FutureWarning)  # google.api_core's Python-version notice
                from google.auth.credentials import AnonymousCredentials
                from google.cloud import storage

            override = self.settings.endpoint("gcp")
            if override:
                return storage.Client(
                    project=project, credentials=AnonymousCredentials(), client_options={"api_endpoint": override}
                )
            return storage.Client(project=project)

        return self._cached(("gcs", project), build)

    def gcp_iam_endpoint(self) -> str:
        """Where the IAM API (service account policies) is: the emulator, or Google's."""
        return self.settings.endpoint("gcp") or "https://iam.googleapis.com"

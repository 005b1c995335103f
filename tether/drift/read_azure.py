"""Read an Azure storage account and container, read-only.

The blob service (azure-storage-blob) gives CORS and the container's public access; Resource
Manager (azure-mgmt-storage, azure-mgmt-authorization) gives the account's HTTPS/TLS/public-access
settings and the role assignments at the account and container scopes.
"""

from __future__ import annotations

from typing import Any

from tether.desired import AzureDesired
from tether.drift.calls import Caller, Classified, Reading, retry_after
from tether.drift.clients import Clients, Management
from tether.drift.model import Failure, NotChecked, Observed, Unreadable

_PUBLIC_ACCESS = {None: "None", "blob": "Blob", "container": "Container"}


def classify(error: BaseException) -> Classified | None:
    """What an azure-core exception means: 408, 429, 5xx and lost connections are transient."""
    from azure.core import exceptions as az

    if isinstance(error, az.HttpResponseError) and error.status_code:
        status = int(error.status_code)
        body = error.error  # Resource Manager's error body; the Blob service sets error_code instead
        code = str(getattr(error, "error_code", None) or (body and body.code) or type(error).__name__)
        said = (body and body.message) or error.reason or error.message
        detail = f"{status} {code}: {' '.join(str(said).split())[:200]}"
        wait = retry_after(getattr(error.response, "headers", None))
        if status == 429 or code in ("ServerBusy", "TooManyRequests"):
            return Classified("throttled", True, code, detail, wait)
        if status >= 500 or status == 408:
            return Classified("server_error" if status >= 500 else "timeout", True, code, detail, wait)
        if status == 401:
            return Classified("credentials", False, code, detail)
        if status == 403:
            return Classified("access_denied", False, code, detail)
        if status == 404:
            return Classified("not_found", False, code, detail)
        return Classified("error", False, code, detail)
    if isinstance(error, az.ClientAuthenticationError):
        return Classified(
            "credentials", False, "",
            "no Azure credentials: set AZURE_STORAGE_KEY (the account key) for the blob service, or sign in for "
            f"Entra ID (az login, a managed identity, or AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET) "
            f"[{str(error).splitlines()[0][:160]}]",
        )
    if isinstance(error, az.ServiceResponseTimeoutError | az.ServiceRequestTimeoutError):
        return Classified("timeout", True, "", str(error))
    if isinstance(error, az.ServiceRequestError) and _is_tls(error):
        return Classified(
            "tls", False, "",
            f"TLS handshake failed ({str(error)[-160:]}): for a private CA set REQUESTS_CA_BUNDLE (azure-core sends "
            "through requests)",
        )
    if isinstance(error, az.ServiceRequestError | az.ServiceResponseError):
        return Classified("unreachable", True, "", str(error))
    return None


def _is_tls(error: BaseException) -> bool:
    """Whether a connection error was the certificate check (azure-core wraps the requests/ssl error)."""
    import ssl

    import requests

    inner = getattr(error, "inner_exception", None)
    return isinstance(inner, ssl.SSLError | requests.exceptions.SSLError) or "CERTIFICATE_VERIFY_FAILED" in str(error)


def _cors(rules: list[Any] | None) -> list[dict[str, Any]]:
    """CorsRule objects (comma-joined strings) in the ARM shape the desired state uses; no <Cors> is no rules."""

    def split(value: str | None) -> list[str]:
        return [part.strip() for part in (value or "").split(",") if part.strip()]

    return [
        {
            "allowedOrigins": split(rule.allowed_origins),
            "allowedMethods": split(rule.allowed_methods),
            "allowedHeaders": split(rule.allowed_headers),
            "exposedHeaders": split(rule.exposed_headers),
            "maxAgeInSeconds": rule.max_age_in_seconds,
        }
        for rule in rules or []
    ]


def account_scope(management: Management, desired: AzureDesired) -> str:
    """The ARM id of the storage account."""
    return (
        f"/subscriptions/{management.subscription}/resourceGroups/{desired.resource_group}"
        f"/providers/Microsoft.Storage/storageAccounts/{desired.account}"
    )


def _account(call: Caller, management: Management, desired: AzureDesired) -> dict[str, Any]:
    account = call(management.storage.storage_accounts.get_properties, desired.resource_group, desired.account)
    return {
        "https_only": account.enable_https_traffic_only,
        # ARM leaves minimumTlsVersion out on accounts that never set it: they accept TLS 1.0.
        "minimum_tls_version": account.minimum_tls_version or "TLS1_0",
        # Older accounts have no allowBlobPublicAccess (the StorageAccountGetProperties example of
        # Microsoft.Storage 2024-01-01 has none); Azure Policy's built-in "Storage account public access
        # should be disallowed" treats anything but an explicit false as allowed. A missing
        # allowSharedKeyAccess means true.
        "allow_blob_public_access": account.allow_blob_public_access is not False,
        "allow_shared_key_access": account.allow_shared_key_access is not False,
    }


def _listed(call: Caller, management: Management, scope: str) -> list[Any]:
    """All pages of one listing; a retry builds a fresh pager, so it restarts from the first page."""
    operations = management.authorization.role_assignments
    return call(lambda: list(operations.list_for_scope(scope, filter="atScope()")))


def _assignments(call: Caller, management: Management, desired: AzureDesired) -> list[dict[str, Any]]:
    """Assignments at the account, at the container and inherited from above (atScope() lists all three)."""
    account = account_scope(management, desired)
    container = f"{account}/blobServices/default/containers/{desired.container}"
    kinds = {account.lower(): "account", container.lower(): "container"}
    found: dict[str, dict[str, Any]] = {}
    for scope in (account, container):
        for a in _listed(call, management, scope):
            found.setdefault(str(a.id).lower(), {
                "role_id": a.role_definition_id.rsplit("/", 1)[-1],
                "principal_id": a.principal_id,
                "scope": kinds.get(str(a.scope).lower(), str(a.scope)),
                "condition": a.condition or None,
            })
    return list(found.values())


def read_azure(desired: AzureDesired, clients: Clients, call: Caller) -> Observed:
    """The live state of one Azure integration, as far as it could be read."""
    reading = Reading(
        call, gone={"ContainerNotFound", "ResourceNotFound", "ResourceGroupNotFound", "StorageAccountNotFound"},
        what=f"container {desired.account}/{desired.container}",
    )

    def service() -> Any:
        return call(clients.blob_service, desired.account)

    reading.read("cors", lambda: _cors(call(service().get_service_properties).get("cors")))
    reading.read(
        "container_public_access",
        lambda: _PUBLIC_ACCESS[
            call(service().get_container_client(desired.container).get_container_access_policy)["public_access"]
        ],
    )
    management = clients.management()
    if isinstance(management, NotChecked):
        reading.skip("account settings", management.why)
        reading.skip("role assignments", management.why)
    elif isinstance(management, Failure):
        for name in ("account settings", "role assignments"):
            reading.observed.unreadable.append(Unreadable(name, management))
    else:
        arm = management
        reading.read("account", lambda: _account(call, arm, desired), endpoint="management")
        reading.read("role_assignments", lambda: _assignments(call, arm, desired), endpoint="management")
    return reading.observed

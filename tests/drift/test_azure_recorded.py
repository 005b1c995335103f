"""Azure readers against recorded Blob service and Resource Manager answers (real SDK clients, fake wire)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from azure.core.credentials import AccessToken, AzureNamedKeyCredential
from azure.core.pipeline.transport import RequestsTransport
from azure.mgmt.authorization import AuthorizationManagementClient
from azure.mgmt.storage import StorageManagementClient
from azure.storage.blob import BlobServiceClient
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from urllib3.response import HTTPResponse

from tether.drift import Clients, RetryPolicy, ScanOptions, report, scan
from tether.drift.clients import Management
from tether.settings import Settings
from tether.spec import LoadedSpec, load_spec

ROOT = Path(__file__).resolve().parents[2]
RECORDED = Path(__file__).parent / "recorded" / "azure"
SUBSCRIPTION = "6c1f7a2e-8d3b-4f9a-b5e0-2a7c9d1e4f33"
ACCOUNT = (
    f"/subscriptions/{SUBSCRIPTION}/resourceGroups/acme-vision-dev"
    "/providers/Microsoft.Storage/storageAccounts/acmevisiondevaudio"
)
CONTAINER = f"{ACCOUNT}/blobServices/default/containers/calls"
ASSIGNMENTS = "/providers/Microsoft.Authorization/roleAssignments"
Route = tuple[str, str]


class Recorded(BaseAdapter):
    """A requests adapter answering from recorded files, keyed by (path, comp) and editable per test."""

    def __init__(self) -> None:
        super().__init__()
        self.answers: dict[Route, tuple[int, dict[str, str], bytes]] = {
            ("/", "properties"): (200, {"Content-Type": "application/xml"}, self.file("blob-service-properties.xml")),
            ("/calls", "acl"): (200, {"Content-Type": "application/xml"}, self.file("container-acl.xml")),
            (ACCOUNT, ""): (200, {"Content-Type": "application/json"}, self.file("storage-account.json")),
            (ACCOUNT + ASSIGNMENTS, ""): (200, {}, self.file("account-role-assignments.json")),
            (CONTAINER + ASSIGNMENTS, ""): (200, {}, self.file("container-role-assignments.json")),
        }

    @staticmethod
    def file(name: str) -> bytes:
        return (RECORDED / name).read_bytes()

    def edit_json(self, route: Route, change: Callable[[Any], None]) -> None:
        status, headers, body = self.answers[route]
        document = json.loads(body)
        change(document)
        self.answers[route] = (status, headers, json.dumps(document).encode())

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        url = urlsplit(request.url or "")
        comp = dict(p.split("=", 1) for p in url.query.split("&") if "=" in p).get("comp", "")
        status, headers, body = self.answers.get((url.path, comp), (404, {}, b'{"error": {"code": "NotFound"}}'))
        all_headers = {"x-ms-request-id": "r", "Content-Length": str(len(body)), **headers}
        response = requests.Response()
        response.status_code, response.url, response.request = status, request.url or "", request
        response.headers = CaseInsensitiveDict(all_headers)
        response.raw = HTTPResponse(body=io.BytesIO(body), headers=all_headers, status=status, preload_content=False)
        return response

    def close(self) -> None:
        """Nothing to release."""


class Token:
    """A credential that hands out a fixed bearer token."""

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        return AccessToken("recorded", 4_102_444_800)


class RecordedClients(Clients):
    """Real SDK clients whose HTTP goes to the recorded adapter."""

    def __init__(self, adapter: Recorded) -> None:
        super().__init__(Settings())
        session = requests.Session()
        session.mount("https://", adapter)
        self.transport = RequestsTransport(session=session, session_owner=False)

    def blob_service(self, account: str) -> Any:
        key = AzureNamedKeyCredential(account, "a2V5")
        return BlobServiceClient(f"https://{account}.blob.core.windows.net", credential=key, transport=self.transport)

    def management(self) -> Management:
        options: dict[str, Any] = {"transport": self.transport}
        return Management(
            StorageManagementClient(Token(), SUBSCRIPTION, **options),  # type: ignore[arg-type]
            AuthorizationManagementClient(Token(), SUBSCRIPTION, **options),  # type: ignore[arg-type]
            SUBSCRIPTION,
        )


@pytest.fixture(scope="module")
def dev() -> LoadedSpec:
    return load_spec(str(ROOT / "stacks/dev/integrations.yaml"))


def drift(dev: LoadedSpec, adapter: Recorded) -> dict[str, Any]:
    options = ScanOptions(retry=RetryPolicy(attempts=2, sleep=lambda _: None))
    document = report.build(dev, scan(dev.spec, RecordedClients(adapter), ["call-audio"], options))
    return document["integrations"][0]  # type: ignore[no-any-return]


def test_recorded_desired_state_is_in_sync() -> None:
    adapter = Recorded()
    entry = drift(load_spec(str(ROOT / "stacks/dev/integrations.yaml")), adapter)
    assert (entry["status"], entry["differences"], entry["unreadable"], entry["not_checked"]) == ("in_sync", [], [], [])


def test_account_settings_loosened_in_the_portal(dev: LoadedSpec) -> None:
    adapter = Recorded()

    def loosen(account: Any) -> None:
        account["properties"].update(minimumTlsVersion="TLS1_0", supportsHttpsTrafficOnly=False)
        del account["properties"]["allowSharedKeyAccess"]  # absent means allowed

    adapter.edit_json((ACCOUNT, ""), loosen)
    entry = drift(dev, adapter)
    assert [(d["path"], d["expected"], d["actual"], d["severity"]) for d in entry["differences"]] == [
        ("account.minimumTlsVersion", "TLS1_2", "TLS1_0", "critical"),
        ("account.supportsHttpsTrafficOnly", True, False, "critical"),
        ("account.allowSharedKeyAccess", False, True, "high"),
    ]


def test_extra_and_deleted_role_assignments(dev: LoadedSpec) -> None:
    adapter = Recorded()

    def swap(listing: Any) -> None:
        contributor = json.loads(json.dumps(listing["value"][0]))
        contributor["properties"]["roleDefinitionId"] = contributor["properties"]["roleDefinitionId"].replace(
            "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1", "ba92f5b4-2d11-453d-a403-e96b0029c9fe"
        )
        contributor["properties"]["principalId"] = "11111111-2222-4333-8444-555555555555"
        listing["value"] = [contributor, listing["value"][1]]

    adapter.edit_json((CONTAINER + ASSIGNMENTS, ""), swap)
    entry = drift(dev, adapter)
    assert [(d["path"], d["kind"], d["severity"]) for d in entry["differences"]] == [
        ("role_assignments[ba92f5b4-2d11-453d-a403-e96b0029c9fe @ container]", "extra", "high"),
        ("role_assignments[Storage Blob Data Reader @ container]", "missing", "medium"),
    ]


def test_public_container_and_widened_cors_from_the_blob_service(dev: LoadedSpec) -> None:
    adapter = Recorded()
    status, headers, body = adapter.answers[("/", "properties")]
    adapter.answers[("/", "properties")] = (status, headers, body.replace(b"https://app.annotate.example.com", b"*"))
    status, headers, body = adapter.answers[("/calls", "acl")]
    adapter.answers[("/calls", "acl")] = (status, {**headers, "x-ms-blob-public-access": "blob"}, body)
    entry = drift(dev, adapter)
    assert [(d["path"], d["actual"], d["severity"]) for d in entry["differences"]] == [
        ("container.publicAccess", "Blob", "critical"), ("cors[0].allowedOrigins", ["*"], "critical")
    ]


def test_management_denied_is_unreadable_and_data_plane_still_read(dev: LoadedSpec) -> None:
    adapter = Recorded()
    denied = json.dumps({"error": {"code": "AuthorizationFailed", "message": "The client 'drift' does not have "
                                   "authorization to perform action 'Microsoft.Storage/storageAccounts/read'."}})
    adapter.answers[(ACCOUNT, "")] = (403, {"Content-Type": "application/json"}, denied.encode())
    entry = drift(dev, adapter)
    assert entry["status"] == "unreadable"
    [unreadable] = entry["unreadable"]
    assert (unreadable["resource"], unreadable["reason"], unreadable["attempts"]) == ("account", "access_denied", 1)
    assert unreadable["detail"].startswith("403 AuthorizationFailed: ")
    assert entry["differences"] == []

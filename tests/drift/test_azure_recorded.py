"""Azure readers against recorded Blob service and Resource Manager answers (real SDK clients, fake wire)."""

from __future__ import annotations

import io
import json
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from azure.core.credentials import AccessToken
from azure.core.pipeline.transport import RequestsTransport
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from urllib3.response import HTTPResponse

from tether.drift import Clients, RetryPolicy, ScanOptions, report, scan
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
    """A requests adapter answering from recorded files as the real services would.

    Routes are keyed by (path, comp or $skipToken) and editable per test; ``queued`` answers (a 429,
    a 503) are served first, once each. Like Blob storage and Resource Manager, it answers 405 to
    anything but GET and 400 to an ARM request without api-version.
    """

    def __init__(self) -> None:
        super().__init__()
        self.answers: dict[Route, tuple[int, dict[str, str], bytes]] = {
            ("/", "properties"): (200, {"Content-Type": "application/xml"}, self.file("blob-service-properties.xml")),
            ("/calls", "acl"): (200, {"Content-Type": "application/xml"}, self.file("container-acl.xml")),
            (ACCOUNT, ""): (200, {"Content-Type": "application/json"}, self.file("storage-account.json")),
            (ACCOUNT + ASSIGNMENTS, ""): (200, {}, self.file("account-role-assignments.json")),
            (CONTAINER + ASSIGNMENTS, ""): (200, {}, self.file("container-role-assignments.json")),
        }
        self.queued: dict[Route, list[tuple[int, dict[str, str], bytes]]] = defaultdict(list)
        self.seen: list[Route] = []

    @staticmethod
    def file(name: str) -> bytes:
        return (RECORDED / name).read_bytes()

    def edit_json(self, route: Route, change: Callable[[Any], None]) -> None:
        status, headers, body = self.answers[route]
        document = json.loads(body)
        change(document)
        self.answers[route] = (status, headers, json.dumps(document).encode())

    def answer(self, request: requests.PreparedRequest) -> tuple[int, dict[str, str], bytes]:
        url = urlsplit(request.url or "")
        query = parse_qs(url.query)
        if request.method != "GET":
            return 405, {}, b'{"error": {"code": "MethodNotAllowed"}}'
        if url.hostname == "management.azure.com" and "api-version" not in query:
            return 400, {}, b'{"error": {"code": "MissingApiVersionParameter"}}'
        route = (url.path, (query.get("comp") or query.get("$skipToken") or [""])[0])
        self.seen.append(route)
        if self.queued[route]:
            return self.queued[route].pop(0)
        return self.answers.get(route, (404, {}, b'{"error": {"code": "NotFound"}}'))

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        status, headers, body = self.answer(request)
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
    """The production clients (same builders, no SDK retries, same timeouts) whose HTTP goes to the adapter."""

    def __init__(self, adapter: Recorded) -> None:
        super().__init__(Settings(env={"AZURE_STORAGE_KEY": "a2V5", "AZURE_SUBSCRIPTION_ID": SUBSCRIPTION}), timeout=5)
        session = requests.Session()
        session.mount("https://", adapter)
        self.transport = RequestsTransport(session=session, session_owner=False)

    def _azure_options(self) -> dict[str, Any]:
        return {**super()._azure_options(), "transport": self.transport}

    def _azure_token(self) -> Any:
        return Token()


def throttled(retry_after: str = "0") -> tuple[int, dict[str, str], bytes]:
    """Resource Manager's 429 (its documented error shape, with Retry-After)."""
    body = {"error": {"code": "TooManyRequests", "message": "The request is being throttled."}}
    return 429, {"Content-Type": "application/json", "Retry-After": retry_after}, json.dumps(body).encode()


def unavailable() -> tuple[int, dict[str, str], bytes]:
    body = {"error": {"code": "ServiceUnavailable", "message": "The server is currently unable to handle the request."}}
    return 503, {"Content-Type": "application/json"}, json.dumps(body).encode()


def official(name: str) -> Any:
    """The 200 body of an azure-rest-api-specs example (see recorded/azure/official/README.md)."""
    return json.loads((RECORDED / "official" / name).read_text())["responses"]["200"]["body"]


@pytest.fixture(scope="module")
def dev() -> LoadedSpec:
    return load_spec(str(ROOT / "stacks/dev/integrations.yaml"))


def drift(dev: LoadedSpec, adapter: Recorded, attempts: int = 2) -> dict[str, Any]:
    options = ScanOptions(retry=RetryPolicy(attempts=attempts, sleep=lambda _: None))
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


def test_throttled_second_page_restarts_the_listing(dev: LoadedSpec) -> None:
    """A 429 on page 2 of a role-assignment listing (production client: no SDK retries) is retried from
    page 1; before, the retry re-iterated the exhausted pager and found no assignments at all."""
    adapter = Recorded()
    listing = json.loads(adapter.answers[(CONTAINER + ASSIGNMENTS, "")][2])
    first, second = listing["value"][:1], listing["value"][1:]
    next_link = f"https://management.azure.com{CONTAINER}{ASSIGNMENTS}?api-version=2022-04-01&$skipToken=page2"
    adapter.answers[(CONTAINER + ASSIGNMENTS, "")] = (200, {}, json.dumps({"value": first, "nextLink": next_link}).encode())
    adapter.answers[(CONTAINER + ASSIGNMENTS, "page2")] = (200, {}, json.dumps({"value": second}).encode())
    adapter.queued[(CONTAINER + ASSIGNMENTS, "page2")] = [throttled(), unavailable()]
    entry = drift(dev, adapter, attempts=3)
    assert (entry["status"], entry["differences"], entry["retries"]) == ("in_sync", [], 2)
    assert adapter.seen.count((CONTAINER + ASSIGNMENTS, "")) == 3


def test_data_owner_inherited_from_the_resource_group_is_extra(dev: LoadedSpec) -> None:
    """atScope() also lists what is granted above the account; a blob data role there reads this container."""
    adapter = Recorded()
    inherited = official("RoleAssignments_ListForScope.json")["value"][0]
    group = "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/acme-vision-dev"
    inherited["properties"].update(
        scope=group,
        roleDefinitionId="/providers/Microsoft.Authorization/roleDefinitions/b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
    )
    inherited["id"] = group + ASSIGNMENTS + "/" + inherited["name"]
    adapter.edit_json((CONTAINER + ASSIGNMENTS, ""), lambda listing: listing["value"].append(inherited))
    entry = drift(dev, adapter)
    assert entry["status"] == "drifted"
    [difference] = entry["differences"]
    assert (difference["kind"], difference["severity"], difference["actual"]["scope"]) == ("extra", "high", group)
    assert difference["meaning"].startswith("Storage Blob Data Owner for principal ce2ce14e-")


def test_reader_assignment_narrowed_by_a_condition(dev: LoadedSpec) -> None:
    adapter = Recorded()
    condition = ("((!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'})) OR "
                 "(@Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:path] "
                 "StringStartsWith 'nothing-here/'))")

    def narrow(listing: Any) -> None:
        listing["value"][0]["properties"].update(condition=condition, conditionVersion="2.0")

    adapter.edit_json((CONTAINER + ASSIGNMENTS, ""), narrow)
    entry = drift(dev, adapter)
    assert [(d["path"], d["kind"], d["actual"]["condition"]) for d in entry["differences"]] == [
        ("role_assignments[Storage Blob Data Reader @ container]", "changed", condition)
    ]


def test_official_account_without_public_access_and_tls_fields(dev: LoadedSpec) -> None:
    """The official StorageAccountGetProperties example (no allowBlobPublicAccess, no minimumTlsVersion):
    absent means allowed and TLS 1.0, as Azure Policy's built-ins read it."""
    adapter = Recorded()
    account = official("StorageAccountGetProperties.json")
    account["id"] = ACCOUNT
    adapter.answers[(ACCOUNT, "")] = (200, {"Content-Type": "application/json"}, json.dumps(account).encode())
    entry = drift(dev, adapter)
    assert [(d["path"], d["expected"], d["actual"], d["severity"]) for d in entry["differences"]] == [
        ("account.minimumTlsVersion", "TLS1_2", "TLS1_0", "critical"),
        ("account.supportsHttpsTrafficOnly", True, False, "critical"),
        ("account.allowBlobPublicAccess", False, True, "high"),
        ("account.allowSharedKeyAccess", False, True, "high"),
    ]


def test_blob_service_without_cors_element(dev: LoadedSpec) -> None:
    """Get Blob Service Properties leaves <Cors> out when no rule was ever set: no rules, not a crash."""
    adapter = Recorded()
    status, headers, body = adapter.answers[("/", "properties")]
    start, end = body.index(b"<Cors>"), body.index(b"</Cors>") + len(b"</Cors>")
    adapter.answers[("/", "properties")] = (status, headers, body[:start] + body[end:])
    entry = drift(dev, adapter)
    assert (entry["status"], [(d["path"], d["kind"]) for d in entry["differences"]]) == (
        "drifted", [("cors[0]", "missing")]
    )


def test_retry_after_of_a_throttled_listing_is_honoured(dev: LoadedSpec) -> None:
    """Resource Manager says how long to back off (Retry-After); a retry sooner would be throttled again."""
    adapter = Recorded()
    adapter.queued[(ACCOUNT + ASSIGNMENTS, "")] = [throttled(retry_after="3")]
    waits: list[float] = []
    options = ScanOptions(retry=RetryPolicy(attempts=2, base_delay=0.01, sleep=waits.append))
    document = report.build(dev, scan(dev.spec, RecordedClients(adapter), ["call-audio"], options))
    assert document["integrations"][0]["status"] == "in_sync"
    assert waits == [3.0]

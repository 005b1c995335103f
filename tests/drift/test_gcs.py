"""GCS readers against recorded JSON API answers served locally (the real client, an overridden endpoint)."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tether.drift import Clients, RetryPolicy, ScanOptions, report, scan
from tether.settings import load_settings
from tether.spec import LoadedSpec, load_spec

from .replay import Answer, Check, Replay, serve

ROOT = Path(__file__).resolve().parents[2]
RECORDED = Path(__file__).parent / "recorded" / "gcs"
BUCKET = "/storage/v1/b/acme-vision-dev-retail-images"
READER = "/v1/projects/acme-vision-dev/serviceAccounts/annotate-reader@acme-vision-dev.iam.gserviceaccount.com:getIamPolicy"


def recorded(name: str) -> Any:
    return json.loads((RECORDED / name).read_text())


def service_account_policy(policy: Any) -> Check:
    """``projects.serviceAccounts.getIamPolicy`` as the IAM API answers it. The IAM v1 discovery document
    (googleapis/google-api-go-client iam/v1/iam-api.json; the generated ``GetIamPolicy(resource)`` takes
    no request) defines a POST with no request body and ``options.requestedPolicyVersion`` as a query
    parameter. A body is rejected as unknown fields; without version 3, conditional bindings come back
    as version 1 with ``_withcond_`` roles."""

    def check(query: dict[str, list[str]], body: bytes) -> Answer:
        if body.strip():
            message = 'Invalid JSON payload received. Unknown name "options": Cannot find field.'
            return 400, {"error": {"code": 400, "message": message, "status": "INVALID_ARGUMENT"}}
        if query.get("options.requestedPolicyVersion") != ["3"] and any(b.get("condition") for b in policy["bindings"]):
            return 200, {"version": 1, "etag": policy["etag"], "bindings": [
                {"role": b["role"] + ("_withcond_2f1e0c" if b.get("condition") else ""), "members": b["members"]}
                for b in policy["bindings"]
            ]}
        return 200, policy

    return check


@pytest.fixture
def gcs() -> Iterator[Replay]:
    replay = Replay()
    replay.routes = {
        ("GET", BUCKET): (200, recorded("bucket.json")),
        ("GET", f"{BUCKET}/iam"): (200, recorded("bucket-iam.json")),
        ("POST", READER): service_account_policy(recorded("reader-iam.json")),
    }
    with serve(replay):
        yield replay


@pytest.fixture(scope="module")
def dev() -> LoadedSpec:
    return load_spec(str(ROOT / "stacks/dev/integrations.yaml"))


def drift(dev: LoadedSpec, replay: Replay) -> dict[str, Any]:
    settings = load_settings(environ={"TETHER_ENDPOINT_GCP": replay.url})
    results = scan(
        dev.spec, Clients(settings, timeout=5), ["retail-images"],
        ScanOptions(retry=RetryPolicy(attempts=3, sleep=lambda _: None)),
    )
    return report.build(dev, results)["integrations"][0]  # type: ignore[no-any-return]


def edit(replay: Replay, path: str, method: str = "GET") -> Any:
    """A copy of a recorded answer to change, installed in place of the original."""
    body = copy.deepcopy(replay.routes[(method, path)][1])
    replay.routes[(method, path)] = (200, body)
    return body


def test_recorded_desired_state_is_in_sync(dev: LoadedSpec, gcs: Replay) -> None:
    entry = drift(dev, gcs)
    assert (entry["status"], entry["differences"], entry["unreadable"]) == ("in_sync", [], [])
    assert sorted(set(gcs.seen)) == [("GET", BUCKET), ("GET", f"{BUCKET}/iam"), ("POST", READER)]


def test_widened_cors_and_public_access_prevention_off(dev: LoadedSpec, gcs: Replay) -> None:
    bucket = edit(gcs, BUCKET)
    bucket["cors"][0]["origin"] = ["*"]
    bucket["iamConfiguration"]["publicAccessPrevention"] = "inherited"
    entry = drift(dev, gcs)
    assert entry["status"] == "drifted"
    assert [(d["path"], d["kind"], d["expected"], d["actual"], d["severity"]) for d in entry["differences"]] == [
        ("cors[0].origin", "changed", ["https://app.annotate.example.com"], ["*"], "critical"),
        ("iamConfiguration.publicAccessPrevention", "changed", "enforced", "inherited", "high"),
    ]
    # "inherited" is safe only under an enforcing organization constraint, which the scan does not read: say so
    assert "organization policy" in entry["differences"][1]["meaning"]
    # retail-images writes no cors origins: the finding points where they are written, platform.origins
    assert entry["differences"][0]["spec"] == f"{dev.file}:{dev.source.locate(('platform', 'origins')).line}"


def test_extra_public_binding_and_extra_signer(dev: LoadedSpec, gcs: Replay) -> None:
    edit(gcs, f"{BUCKET}/iam")["bindings"].append({"role": "roles/storage.objectViewer", "members": ["allUsers"]})
    reader = recorded("reader-iam.json")
    reader["bindings"][0]["members"].append("user:mallory@example.net")
    gcs.routes[("POST", READER)] = service_account_policy(reader)
    entry = drift(dev, gcs)
    assert [(d["path"], d["kind"], d["actual"], d["severity"]) for d in entry["differences"]] == [
        ("iam.bindings[roles/storage.objectViewer][allUsers]", "extra",
         {"role": "roles/storage.objectViewer", "member": "allUsers"}, "critical"),
        ("reader_account.iam.bindings[roles/iam.serviceAccountTokenCreator][user:mallory@example.net]", "extra",
         {"role": "roles/iam.serviceAccountTokenCreator", "member": "user:mallory@example.net"}, "high"),
    ]


def test_deleted_cors_and_uniform_access_off(dev: LoadedSpec, gcs: Replay) -> None:
    bucket = edit(gcs, BUCKET)
    del bucket["cors"]
    bucket["iamConfiguration"]["uniformBucketLevelAccess"] = {"enabled": False}
    entry = drift(dev, gcs)
    assert [(d["path"], d["kind"], d["severity"]) for d in entry["differences"]] == [
        ("cors[0]", "missing", "high"), ("iamConfiguration.uniformBucketLevelAccess.enabled", "changed", "high")
    ]


def test_429_and_503_are_retried(dev: LoadedSpec, gcs: Replay) -> None:
    gcs.queued[("GET", BUCKET)].extend([(429, {"error": {"code": 429, "message": "rate"}}),
                                        (503, {"error": {"code": 503, "message": "backend"}})])
    entry = drift(dev, gcs)
    assert (entry["status"], entry["retries"]) == ("in_sync", 2)
    assert gcs.seen.count(("GET", BUCKET)) == 3


def test_denied_policy_is_unreadable_bucket_gone_is_missing(dev: LoadedSpec, gcs: Replay) -> None:
    gcs.routes[("GET", f"{BUCKET}/iam")] = (403, {"error": {"code": 403, "message": "drift@ does not have storage.buckets.getIamPolicy"}})
    entry = drift(dev, gcs)
    assert entry["status"] == "unreadable"
    assert entry["unreadable"] == [{"resource": "bindings", "reason": "access_denied", "attempts": 1,
                                    "detail": "403 GET " + gcs.url + BUCKET + "/iam?optionsRequestedPolicyVersion=3&prettyPrint=false: drift@ does not have storage.buckets.getIamPolicy"}]
    del gcs.routes[("GET", BUCKET)]
    entry = drift(dev, gcs)
    assert entry["status"] == "missing"
    assert [(d["path"], d["kind"]) for d in entry["differences"]] == [("bucket", "missing")]


def test_conditional_signer_grant_read_as_version_3(dev: LoadedSpec, gcs: Replay) -> None:
    """The request must carry options.requestedPolicyVersion=3 in the query and no body, or the IAM API
    rejects it (400) or answers version 1 with a ``_withcond_`` role (a false extra and missing)."""
    reader = recorded("reader-iam.json")
    reader["version"] = 3
    reader["bindings"][0]["condition"] = {"title": "office hours", "expression": "request.time < timestamp('2030-01-01T00:00:00Z')"}
    gcs.routes[("POST", READER)] = service_account_policy(reader)
    entry = drift(dev, gcs)
    assert [(d["path"], d["kind"], d["severity"]) for d in entry["differences"]] == [
        ("reader_account.iam.bindings[roles/iam.serviceAccountTokenCreator][serviceAccount:platform-signer@annotate-prod"
         ".iam.gserviceaccount.com]", "changed", "medium")
    ]


def test_iam_hiccups_are_retried_and_keep_bucket_findings(dev: LoadedSpec, gcs: Replay) -> None:
    """A 429 then a 503 from IAM are retried like every other call; the public grant found on the bucket stays."""
    edit(gcs, f"{BUCKET}/iam")["bindings"].append({"role": "roles/storage.objectViewer", "members": ["allUsers"]})
    gcs.queued[("POST", READER)].extend([(429, {"error": {"code": 429, "message": "Quota exceeded", "status": "RESOURCE_EXHAUSTED"}}),
                                         (503, {"error": {"code": 503, "message": "The service is currently unavailable.", "status": "UNAVAILABLE"}})])
    entry = drift(dev, gcs)
    assert (entry["status"], entry["retries"], entry["unreadable"]) == ("drifted", 2, [])
    assert [(d["path"], d["severity"]) for d in entry["differences"]] == [
        ("iam.bindings[roles/storage.objectViewer][allUsers]", "critical")
    ]


def test_iam_denied_keeps_bucket_findings_and_deleted_reader_is_missing(dev: LoadedSpec, gcs: Replay) -> None:
    edit(gcs, f"{BUCKET}/iam")["bindings"].append({"role": "roles/storage.objectViewer", "members": ["allUsers"]})
    gcs.routes[("POST", READER)] = (403, {"error": {"code": 403, "message": "Permission 'iam.serviceAccounts.getIamPolicy' denied", "status": "PERMISSION_DENIED"}})
    entry = drift(dev, gcs)
    assert entry["status"] == "unreadable"
    assert [(u["resource"], u["reason"]) for u in entry["unreadable"]] == [("signer_bindings", "access_denied")]
    assert [(d["path"], d["severity"]) for d in entry["differences"]] == [
        ("iam.bindings[roles/storage.objectViewer][allUsers]", "critical")
    ]
    gcs.routes[("POST", READER)] = (404, {"error": {"code": 404, "message": "Service account projects/acme-vision-dev/serviceAccounts/annotate-reader@acme-vision-dev.iam.gserviceaccount.com does not exist.", "status": "NOT_FOUND"}})
    entry = drift(dev, gcs)
    assert ("reader_account", "missing", "high") in [(d["path"], d["kind"], d["severity"]) for d in entry["differences"]]


def test_deleted_member_is_low_not_an_unmanaged_grant(dev: LoadedSpec, gcs: Replay) -> None:
    """After an account is deleted, IAM shows its bindings as ``deleted:serviceAccount:...?uid=``: they grant nothing."""
    member = "deleted:serviceAccount:old-tool@acme-vision-dev.iam.gserviceaccount.com?uid=123456789012345678901"
    edit(gcs, f"{BUCKET}/iam")["bindings"].append({"role": "roles/storage.objectViewer", "members": [member]})
    entry = drift(dev, gcs)
    assert [(d["kind"], d["severity"]) for d in entry["differences"]] == [("extra", "low")]

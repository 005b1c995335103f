"""Throttling, 5xx and dead endpoints: retried with backoff where it helps, always reported."""

from __future__ import annotations

import json
import socket
from typing import Any

import boto3
from botocore.config import Config
from botocore.stub import Stubber

from tether.desired import S3Desired, render
from tether.drift import Clients, RetryPolicy, ScanOptions, report, scan
from tether.drift.calls import Caller
from tether.drift.read_s3 import classify, read_s3
from tether.settings import Settings

from .conftest import SpecWriter, s3_compatible

Waits = list[float]


def policy(waits: Waits, attempts: int = 4) -> RetryPolicy:
    return RetryPolicy(attempts=attempts, base_delay=0.5, max_delay=4.0, sleep=waits.append)


def client(endpoint: str = "https://s3.example.test") -> Any:
    return boto3.client(
        "s3", region_name="us-east-1", endpoint_url=endpoint, aws_access_key_id="k", aws_secret_access_key="s",
        config=Config(retries={"total_max_attempts": 1}, connect_timeout=1, read_timeout=1),
    )


def desired_for(write_spec: SpecWriter) -> S3Desired:
    loaded = write_spec(s3_compatible("lab", "https://s3.example.test"))
    desired = render(loaded.spec.integrations[0], loaded.spec)
    assert isinstance(desired, S3Desired)
    return desired


def test_throttling_is_retried_with_growing_backoff_then_read(write_spec: SpecWriter) -> None:
    desired = desired_for(write_spec)
    s3, waits = client(), []
    with Stubber(s3) as stub:
        stub.add_client_error("get_bucket_cors", "SlowDown", "Please reduce your request rate.", 503)
        stub.add_client_error("get_bucket_cors", "Throttling", "Rate exceeded", 400)
        stub.add_response("get_bucket_cors", {"CORSRules": desired.cors_rules})
        stub.add_response("get_bucket_policy", {"Policy": json.dumps(desired.policy)})
        observed = read_s3(desired, s3, None, Caller(policy(waits), classify))
        stub.assert_no_pending_responses()
    assert observed.values["cors"] == desired.cors_rules
    assert observed.unreadable == [] and observed.retries == 2
    assert len(waits) == 2 and 0 <= waits[0] <= 0.5 and 0 <= waits[1] <= 1.0


def test_5xx_every_time_is_reported_with_attempts_and_others_still_read(write_spec: SpecWriter) -> None:
    desired = desired_for(write_spec)
    s3, waits = client(), []
    with Stubber(s3) as stub:
        for _ in range(3):
            stub.add_client_error("get_bucket_cors", "InternalError", "We encountered an internal error.", 500)
        stub.add_response("get_bucket_policy", {"Policy": '{"Statement": []}'})
        observed = read_s3(desired, s3, None, Caller(policy(waits, attempts=3), classify))
    [unreadable] = observed.unreadable
    assert unreadable.resource == "cors"
    assert (unreadable.failure.reason, unreadable.failure.attempts) == ("server_error", 3)
    assert unreadable.failure.detail == "InternalError: We encountered an internal error."
    assert observed.values == {"policy": {"Statement": []}} and observed.retries == 2


def test_access_denied_is_not_retried(write_spec: SpecWriter) -> None:
    desired = desired_for(write_spec)
    s3, waits = client(), []
    with Stubber(s3) as stub:
        stub.add_client_error("get_bucket_cors", "AccessDenied", "Access Denied", 403)
        stub.add_client_error("get_bucket_policy", "NoSuchBucketPolicy", "The bucket policy does not exist", 404)
        observed = read_s3(desired, s3, None, Caller(policy(waits), classify))
    [denied] = observed.unreadable
    assert (denied.resource, denied.failure.reason, denied.failure.attempts) == ("cors", "access_denied", 1)
    assert observed.values == {"policy": None} and waits == []


def test_missing_bucket_ends_the_reading(write_spec: SpecWriter) -> None:
    desired = desired_for(write_spec)
    s3 = client()
    with Stubber(s3) as stub:
        stub.add_client_error("get_bucket_cors", "NoSuchBucket", "The specified bucket does not exist", 404)
        observed = read_s3(desired, s3, None, Caller(policy([]), classify))
        stub.assert_no_pending_responses()
    assert observed.missing == "bucket lab-bucket" and observed.values == {}


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_unreachable_endpoint_is_retried_then_stops_reading(write_spec: SpecWriter) -> None:
    desired = desired_for(write_spec)
    waits: Waits = []
    observed = read_s3(desired, client(f"http://127.0.0.1:{closed_port()}"), None, Caller(policy(waits, 2), classify))
    assert [(u.resource, u.failure.reason, u.failure.attempts) for u in observed.unreadable] == [
        ("cors", "unreachable", 2), ("policy", "unreachable", 0)
    ]
    assert len(waits) == 1


class StubbedClients(Clients):
    """Clients whose S3 client for one bucket is a Stubber-driven one."""

    def __init__(self, stubbed: dict[str, Any]) -> None:
        super().__init__(Settings())
        self.stubbed = stubbed

    def s3(self, desired: S3Desired) -> Any:
        return self.stubbed[desired.bucket]


def test_scan_reports_throttled_after_retries_and_scans_the_rest(write_spec: SpecWriter) -> None:
    loaded = write_spec(s3_compatible("busy", "https://s3.example.test"), s3_compatible("calm", "https://s3.example.test"))
    desired = {d.integration: d for d in (render(i, loaded.spec) for i in loaded.spec.integrations)}
    busy, calm = client(), client()
    with Stubber(busy) as busy_stub, Stubber(calm) as calm_stub:
        for _ in range(4):
            busy_stub.add_client_error("get_bucket_cors", "SlowDown", "Please reduce your request rate.", 503)
        busy_stub.add_client_error("get_bucket_policy", "NoSuchBucketPolicy", "The bucket policy does not exist", 404)
        calm_stub.add_client_error("get_bucket_cors", "NoSuchCORSConfiguration", "The CORS configuration does not exist", 404)
        calm_stub.add_response("get_bucket_policy", {"Policy": json.dumps(desired["calm"].policy)})
        results = scan(
            loaded.spec, StubbedClients({"busy-bucket": busy, "calm-bucket": calm}),
            options=ScanOptions(concurrency=2, retry=policy([])),
        )
    document = report.build(loaded, results)
    assert report.exit_code(document) == 3
    busy_entry, calm_entry = document["integrations"]
    assert (busy_entry["status"], busy_entry["retries"]) == ("unreadable", 3)
    assert busy_entry["unreadable"] == [
        {"resource": "cors", "reason": "throttled", "attempts": 4,
         "detail": "SlowDown: Please reduce your request rate."}
    ]
    assert [d["path"] for d in busy_entry["differences"]] == ["policy.Statement[DenyInsecureTransport]",
                                                              "policy.Statement[PlatformReadObjects]"]
    assert calm_entry["status"] == "drifted"
    assert [(d["path"], d["kind"]) for d in calm_entry["differences"]] == [("cors[0]", "missing")]
    assert "could not read **cors**: throttled (after 4 attempts): SlowDown" in report.markdown(document)


def test_backoff_never_exceeds_its_cap() -> None:
    retry = RetryPolicy(base_delay=1.0, max_delay=2.0)
    assert all(0 <= retry.delay(attempt) <= 2.0 for attempt in range(1, 20))


class BrokenClients(StubbedClients):
    """One bucket's client cannot even be built (a bad profile, a missing SDK...)."""

    def s3(self, desired: S3Desired) -> Any:
        if desired.bucket == "broken-bucket":
            raise RuntimeError("profile 'otc' not found")
        return super().s3(desired)


def test_an_integration_that_blows_up_is_unreadable_and_the_rest_scanned(write_spec: SpecWriter) -> None:
    loaded = write_spec(s3_compatible("broken", "https://s3.example.test"), s3_compatible("calm", "https://s3.example.test"))
    calm = client()
    with Stubber(calm) as stub:
        stub.add_client_error("get_bucket_cors", "NoSuchCORSConfiguration", "The CORS configuration does not exist", 404)
        stub.add_client_error("get_bucket_policy", "NoSuchBucketPolicy", "The bucket policy does not exist", 404)
        broken, scanned = scan(loaded.spec, BrokenClients({"calm-bucket": calm}), options=ScanOptions(concurrency=2))
    assert (broken.status, scanned.status) == ("unreadable", "drifted")
    [failure] = broken.unreadable
    assert (failure.resource, failure.failure.reason) == ("integration", "error")
    assert failure.failure.detail == "RuntimeError: profile 'otc' not found"

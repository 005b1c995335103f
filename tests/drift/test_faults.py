"""Drift under faults: a missing bucket, an unreachable store, a silent or trickling server, odd answers.

Nothing readable is left uncompared, and no server can hold the scan beyond its deadlines.
"""

from __future__ import annotations

import copy
import datetime
import json
import socketserver
import threading
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import SSLError
from botocore.stub import Stubber

from tether.desired import S3Desired, render
from tether.drift import (
    Clients,
    RetryPolicy,
    ScanOptions,
    load_settings,
    policies,
    read_azure,
    read_s3,
    report,
    s3,
    scan,
)
from tether.drift.calls import Caller
from tether.drift.scan import result_of

from .conftest import SpecWriter, aws, s3_compatible
from .test_compare import s3_observed
from .test_retries import closed_port

NOW = datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)


def client(service: str, endpoint: str = "https://s3.example.test") -> Any:
    return boto3.client(
        service, region_name="us-east-1", endpoint_url=endpoint, aws_access_key_id="k", aws_secret_access_key="s",
        config=Config(retries={"total_max_attempts": 1}, connect_timeout=1, read_timeout=1),
    )


def aws_desired(write_spec: SpecWriter) -> S3Desired:
    loaded = write_spec(aws("videos"))
    desired = render(loaded.spec.integrations[0], loaded.spec)
    assert isinstance(desired, S3Desired) and desired.role is not None
    return desired


def stub_role(stub: Stubber, desired: S3Desired, trust: dict[str, Any]) -> None:
    """IAM answers for the platform role (GetRole, its inline policy, no attached ones)."""
    assert desired.role is not None
    name = desired.role.name
    stub.add_response("get_role", {"Role": {
        "Path": desired.role.path, "RoleName": name, "RoleId": "AROAEXAMPLEEXAMPLE01", "CreateDate": NOW,
        "Arn": f"arn:aws:iam::111122223333:role{desired.role.path}{name}", "AssumeRolePolicyDocument": json.dumps(trust),
        "MaxSessionDuration": desired.role.max_session_seconds,
    }}, {"RoleName": name})
    stub.add_response("list_role_policies", {"PolicyNames": ["read"]}, {"RoleName": name})
    stub.add_response("get_role_policy", {
        "RoleName": name, "PolicyName": "read", "PolicyDocument": json.dumps(desired.role.permissions_policy),
    }, {"RoleName": name, "PolicyName": "read"})
    stub.add_response("list_attached_role_policies", {"AttachedPolicies": []}, {"RoleName": name})


def widened(desired: S3Desired) -> dict[str, Any]:
    assert desired.role is not None
    trust = copy.deepcopy(desired.role.trust_policy)
    trust["Statement"].append(
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999999999999:root"}, "Action": "sts:AssumeRole"}
    )
    return trust


def test_missing_bucket_does_not_hide_a_widened_trust_policy(write_spec: SpecWriter) -> None:
    desired = aws_desired(write_spec)
    bucket, iam = client("s3"), client("iam")
    with Stubber(bucket) as s3_stub, Stubber(iam) as iam_stub:
        s3_stub.add_client_error("get_bucket_cors", "NoSuchBucket", "The specified bucket does not exist", 404)
        stub_role(iam_stub, desired, widened(desired))
        observed = read_s3.read_s3(desired, bucket, iam, Caller(RetryPolicy(), read_s3.classify))
        iam_stub.assert_no_pending_responses()
    result = result_of(0, desired, "aws", Clients(load_settings(environ={})), observed)
    assert result.status == "missing"
    assert [(d.path.split("[")[0], d.kind, d.severity) for d in result.differences] == [
        ("bucket", "missing", "high"), ("role.trust_policy.Statement", "extra", "critical"),
    ]


def test_unreachable_store_still_reads_the_role_on_its_own_endpoint(write_spec: SpecWriter) -> None:
    desired = aws_desired(write_spec)
    assert desired.role is not None
    iam = client("iam")
    with Stubber(iam) as iam_stub:
        stub_role(iam_stub, desired, desired.role.trust_policy)
        observed = read_s3.read_s3(
            desired, client("s3", f"http://127.0.0.1:{closed_port()}"), iam,
            Caller(RetryPolicy(attempts=2, sleep=lambda _: None), read_s3.classify),
        )
        iam_stub.assert_no_pending_responses()
    assert "role" in observed.values
    assert (observed.unreadable[0].resource, observed.unreadable[0].failure.reason) == ("cors", "unreachable")
    assert all(u.failure.attempts == 0 for u in observed.unreadable[1:])
    assert [d for d in s3.compare(desired, observed) if d.path.startswith("role")] == []


class Misbehaving(socketserver.ThreadingTCPServer):
    """A loopback server that either never answers (silent) or trickles a body one byte at a time."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, trickle: bool) -> None:
        self.trickle = trickle
        self.stop = threading.Event()
        server = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                self.request.recv(65536)
                if server.trickle:
                    self.request.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: 100000\r\n\r\n")
                while not server.stop.wait(0.05):
                    if server.trickle:
                        try:
                            self.request.sendall(b" ")
                        except OSError:
                            return

        super().__init__(("127.0.0.1", 0), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture(params=["silent", "trickling"])
def misbehaving(request: pytest.FixtureRequest) -> Iterator[Misbehaving]:
    server = Misbehaving(trickle=request.param == "trickling")
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stop.set()
        server.shutdown()
        server.server_close()


def test_a_silent_or_trickling_server_cannot_hold_the_scan(write_spec: SpecWriter, misbehaving: Misbehaving) -> None:
    """Each call times out once (not retried), each integration has a deadline, the scan has one too."""
    loaded = write_spec(*(s3_compatible(f"lab{i}", "https://s3.example.test") for i in range(3)))
    clients = Clients(
        load_settings(environ={"TETHER_ENDPOINT_S3_COMPATIBLE": misbehaving.url, "AWS_ACCESS_KEY_ID": "k",
                               "AWS_SECRET_ACCESS_KEY": "s"}),
        timeout=0.5,
    )
    # The integration deadline leaves room for building clients on a loaded machine (it counts from the start).
    options = ScanOptions(concurrency=2, retry=RetryPolicy(attempts=4, base_delay=0.01),
                          integration_deadline=2.5, deadline=3.5)
    started = time.monotonic()
    results = scan(loaded.spec, clients, options=options)
    elapsed = time.monotonic() - started
    assert elapsed < 6.0  # 4 attempts x 3 reads x 0.5 s would be 6 s per integration, 12 s in all; unbounded if trickling
    assert [r.status for r in results] == ["unreadable"] * 3
    first = results[0].unreadable
    if misbehaving.trickle:  # read timeouts never fire on a trickle: the integration's deadline ends it
        assert [(u.resource, u.failure.reason) for u in first] == [("integration", "timeout")]
    else:  # one timeout, not retried, and nothing else tried on that endpoint
        assert [(u.resource, u.failure.reason, u.failure.attempts) for u in first] == [
            ("cors", "timeout", 1), ("policy", "timeout", 0)
        ]
    assert results[2].unreadable[-1].failure.reason == "timeout"


def test_public_principal_among_accounts_is_critical() -> None:
    statement = {"Effect": "Allow", "Principal": {"AWS": ["*", "111122223333"]}, "Action": "s3:GetObject",
                 "Resource": "arn:aws:s3:::b/*"}
    assert policies.is_public(statement)
    assert s3.bucket_policy_judge("extra", None, statement)[0] == "critical"


class OddStore:
    """An S3 client whose bucket policy answer is not JSON (a proxy's HTML error page with a 200)."""

    def get_bucket_cors(self, **_: Any) -> dict[str, Any]:
        return {"CORSRules": [{"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]}]}

    def get_bucket_policy(self, **_: Any) -> dict[str, Any]:
        return {"Policy": "<html>gateway</html>"}


def test_one_odd_answer_voids_one_resource_not_the_integration(write_spec: SpecWriter) -> None:
    loaded = write_spec(s3_compatible("lab", "https://s3.example.test"))
    desired = render(loaded.spec.integrations[0], loaded.spec)
    assert isinstance(desired, S3Desired)
    observed = read_s3.read_s3(desired, OddStore(), None, Caller(RetryPolicy(), read_s3.classify))
    [odd] = observed.unreadable
    assert (odd.resource, odd.failure.reason) == ("policy", "error")
    assert odd.failure.detail.startswith("unexpected response shape")
    assert any(d.severity == "critical" for d in s3.compare(desired, observed))  # the CORS widening is still found


def test_tls_and_missing_azure_key_say_what_to_do() -> None:
    tls = read_s3.classify(SSLError(endpoint_url="https://s3.lab.test", error="CERTIFICATE_VERIFY_FAILED"))
    assert tls is not None and (tls.reason, tls.transient) == ("tls", False) and "AWS_CA_BUNDLE" in tls.detail
    import requests
    from azure.core.exceptions import ServiceRequestError
    from azure.identity import CredentialUnavailableError

    from tether.drift import read_gcs

    gcs = read_gcs.classify(requests.exceptions.SSLError("certificate verify failed: self-signed certificate"))
    assert gcs is not None and gcs.reason == "tls" and "REQUESTS_CA_BUNDLE" in gcs.detail
    blob = read_azure.classify(ServiceRequestError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"))
    assert blob is not None and blob.reason == "tls" and "REQUESTS_CA_BUNDLE" in blob.detail

    key = read_azure.classify(CredentialUnavailableError("DefaultAzureCredential failed to retrieve a token"))
    assert key is not None and key.reason == "credentials" and "AZURE_STORAGE_KEY" in key.detail


def test_headline_never_says_0_drifted_beside_a_difference(write_spec: SpecWriter) -> None:
    desired = aws_desired(write_spec)
    loaded = write_spec(aws("videos"))
    bucket, iam = client("s3"), client("iam")
    with Stubber(bucket) as s3_stub, Stubber(iam) as iam_stub:
        s3_stub.add_client_error("get_bucket_cors", "NoSuchBucket", "The specified bucket does not exist", 404)
        stub_role(iam_stub, desired, widened(desired))
        observed = read_s3.read_s3(desired, bucket, iam, Caller(RetryPolicy(), read_s3.classify))
    document = report.build(loaded, [result_of(0, desired, "aws", Clients(load_settings(environ={})), observed)])
    headline = report.text(document).splitlines()[0]
    assert "0 drifted" not in headline and "1 missing; 1 with differences (1 critical, 1 high)" in headline
    assert document["summary"]["with_differences"] == 1


def test_client_only_deny_points_at_strict_client_only(write_spec: SpecWriter) -> None:
    loaded = write_spec(aws("videos"))
    desired = render(loaded.spec.integrations[0], loaded.spec)
    assert isinstance(desired, S3Desired) and desired.policy is not None
    live = copy.deepcopy(desired.policy)
    live["Statement"] = [s for s in live["Statement"] if s.get("Sid") != "DenyPlatformServerReads"]
    [lost] = s3.compare(desired, s3_observed(desired, policy=live))
    result = result_of(0, desired, "aws", Clients(load_settings(environ={})), s3_observed(desired, policy=live))
    document = report.build(loaded, [result])
    assert lost.spec_path == ("strict_client_only",)
    line = loaded.source.locate(("integrations", 0, "strict_client_only")).line
    assert document["integrations"][0]["differences"][0]["spec"] == f"{loaded.file}:{line}"


def test_role_listings_are_read_to_the_last_page_and_restart_on_retry(write_spec: SpecWriter) -> None:
    """ListAttachedRolePolicies pages (IsTruncated/Marker): a policy on page 2 is found, and a throttled
    page 2 makes the listing start again from page 1."""
    desired = aws_desired(write_spec)
    assert desired.role is not None
    name, iam = desired.role.name, client("iam")
    page1 = {"AttachedPolicies": [], "IsTruncated": True, "Marker": "m1"}
    page2 = {"AttachedPolicies": [{"PolicyName": "Admin", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}],
             "IsTruncated": False}
    with Stubber(iam) as stub:
        stub.add_response("get_role", {"Role": {
            "Path": desired.role.path, "RoleName": name, "RoleId": "AROAEXAMPLEEXAMPLE01", "CreateDate": NOW,
            "Arn": f"arn:aws:iam::111122223333:role{desired.role.path}{name}",
            "AssumeRolePolicyDocument": json.dumps(desired.role.trust_policy),
            "MaxSessionDuration": desired.role.max_session_seconds,
        }})
        stub.add_response("list_role_policies", {"PolicyNames": ["read"]})
        stub.add_response("get_role_policy", {"RoleName": name, "PolicyName": "read",
                                              "PolicyDocument": json.dumps(desired.role.permissions_policy)})
        stub.add_response("list_attached_role_policies", page1)
        stub.add_client_error("list_attached_role_policies", "Throttling", "Rate exceeded", 400)
        stub.add_response("list_attached_role_policies", page1, {"RoleName": name})
        stub.add_response("list_attached_role_policies", page2, {"RoleName": name, "Marker": "m1"})
        role = read_s3._role(Caller(RetryPolicy(sleep=lambda _: None), read_s3.classify), iam, desired.role)
        stub.assert_no_pending_responses()
    assert role["attached_policies"] == ["arn:aws:iam::aws:policy/AdministratorAccess"]

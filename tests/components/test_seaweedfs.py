"""What the components would send to an S3 store, sent to a real one (SeaweedFS) with boto3.

The CORS rules and bucket policy are taken from the planned graph (the inputs `pulumi up` would pass
to the provider), turned back into S3 API shape, and applied with PutBucketCors / PutBucketPolicy.
The stand-in speaks plain HTTP, which the TLS-only statement refuses: one test shows exactly that,
and the client-only test applies the policy without that one statement.
"""

from __future__ import annotations

import http.client
import json
import urllib.parse
import uuid
from typing import Any

import pytest
from botocore.client import BaseClient
from botocore.config import Config
from botocore.exceptions import ClientError

from components.graph import build_graph
from tests.components.graphs import CORS, POLICY, Graph, spec_with
from tests.servers import seaweedfs_s3
from tether.standins.seaweedfs import SeaweedFSHandle

APP = "https://app.example.com"
PLATFORM = "arn:aws:iam::000000000000:user/admin"
"""SeaweedFS's ARN for the stand-in's one identity (named ``admin`` by tether.standins.seaweedfs)."""
PLATFORM_SERVERS = "127.0.0.2"
BROWSER = "127.0.0.1"
_S3_CORS = {
    "allowedOrigins": "AllowedOrigins",
    "allowedMethods": "AllowedMethods",
    "allowedHeaders": "AllowedHeaders",
    "exposeHeaders": "ExposeHeaders",
    "maxAgeSeconds": "MaxAgeSeconds",
}


def planned(endpoint: str, bucket: str, extra: str = "") -> Graph:
    """The graph for one S3-compatible integration at the stand-in, read by the stand-in's identity.

    The platform's servers are 127.0.0.2; browsers are 127.0.0.1.
    """
    integration = f"""\
  - name: store
    provider: s3-compatible
    endpoint: {endpoint}
    bucket: {{name: {bucket}}}
    principal: {PLATFORM}
    creator: ann@acme.ai
    cors: {{origins: [{APP}], headers: [Range]}}
{extra}"""
    return Graph(build_graph(spec_with(integration, egress=f"{PLATFORM_SERVERS}/32")))


def s3_cors(graph: Graph) -> dict[str, Any]:
    """The CORS resource's inputs back in PutBucketCors shape."""
    rules = graph.one("store", CORS).inputs["corsRules"]
    return {
        "CORSRules": [
            {_S3_CORS[k]: int(v) if k == "maxAgeSeconds" else v for k, v in rule.items()} for rule in rules
        ]
    }


def policy(graph: Graph) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(graph.one("store", POLICY).inputs["policy"])
    return document


@pytest.fixture
def s3(seaweedfs: SeaweedFSHandle) -> BaseClient:
    return seaweedfs_s3(seaweedfs, Config(s3={"addressing_style": "path"}, retries={"total_max_attempts": 1}))


def request(url: str, method: str, headers: dict[str, str], source: str = BROWSER) -> tuple[int, dict[str, str], bytes]:
    """One HTTP request from a chosen loopback address (the platform's servers or a browser)."""
    parts = urllib.parse.urlsplit(url)
    assert parts.hostname is not None
    connection = http.client.HTTPConnection(parts.hostname, parts.port, source_address=(source, 0), timeout=10)
    try:
        connection.request(method, parts.path + (f"?{parts.query}" if parts.query else ""), headers=headers)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def preflight(endpoint: str, bucket: str, origin: str, method: str, headers: str | None = None) -> tuple[int, dict[str, str]]:
    asked = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers:
        asked["Access-Control-Request-Headers"] = headers
    status, answer, _ = request(f"{endpoint}/{bucket}/videos/clip.mp4", "OPTIONS", asked)
    return status, answer


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def test_rendered_cors_lets_the_app_origin_preflight_and_refuses_another(
    seaweedfs: SeaweedFSHandle, s3: BaseClient
) -> None:
    bucket = unique("cors")
    graph = planned(seaweedfs.endpoint_url, bucket)
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration=s3_cors(graph))
    assert s3.get_bucket_cors(Bucket=bucket)["CORSRules"] == s3_cors(graph)["CORSRules"]

    status, allowed = preflight(seaweedfs.endpoint_url, bucket, APP, "GET", "range")
    assert status == 200
    assert allowed["access-control-allow-origin"] == APP
    assert "GET" in allowed["access-control-allow-methods"]
    assert allowed["access-control-allow-headers"].lower() == "range"

    status, refused = preflight(seaweedfs.endpoint_url, bucket, "https://evil.example.com", "GET")
    assert status == 403 and "access-control-allow-origin" not in refused

    # a method outside the spec is never allowed (the browser needs it in Allow-Methods)
    _, put = preflight(seaweedfs.endpoint_url, bucket, APP, "PUT")
    assert "PUT" not in put.get("access-control-allow-methods", "")


def test_rendered_tls_only_policy_is_accepted_and_refuses_plain_http(seaweedfs: SeaweedFSHandle, s3: BaseClient) -> None:
    bucket = unique("tls")
    graph = planned(seaweedfs.endpoint_url, bucket)
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration=s3_cors(graph))
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0  # plain HTTP works before the policy

    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy(graph)))
    with pytest.raises(ClientError) as denied:
        s3.list_objects_v2(Bucket=bucket)
    assert denied.value.response["Error"]["Code"] == "AccessDenied"
    # browsers' preflights are not requests for data: CORS still answers under the policy
    assert preflight(seaweedfs.endpoint_url, bucket, APP, "GET")[0] == 200


def test_client_only_policy_refuses_the_platforms_servers_but_not_browsers(
    seaweedfs: SeaweedFSHandle, s3: BaseClient
) -> None:
    bucket = unique("client-only")
    reads = planned(seaweedfs.endpoint_url, bucket)  # the control: same store, not client-only
    client_only = planned(seaweedfs.endpoint_url, bucket, "    strict_client_only: true\n")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="videos/clip.mp4", Body=b"frames")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "videos/clip.mp4"}, ExpiresIn=300)

    def without_tls(graph: Graph) -> str:
        statements = [s for s in policy(graph)["Statement"] if s["Sid"] != "DenyInsecureTransport"]
        return json.dumps({**policy(graph), "Statement": statements})

    s3.put_bucket_policy(Bucket=bucket, Policy=without_tls(reads))
    assert request(url, "GET", {}, source=PLATFORM_SERVERS)[0] == 200

    s3.put_bucket_policy(Bucket=bucket, Policy=without_tls(client_only))
    status, _, body = request(url, "GET", {"Origin": APP}, source=BROWSER)
    assert (status, body) == (200, b"frames")  # the URL the platform signed works in the browser...
    assert request(url, "GET", {}, source=PLATFORM_SERVERS)[0] == 403  # ...but not from the platform's servers

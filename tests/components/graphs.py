"""Helpers over a planned resource graph: who belongs to which integration, find one, read a policy."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from components.graph import PlannedResource
from tether.spec import parse_spec
from tether.spec.model import Spec

PLATFORM = """\
version: 1
organization:
  name: acme
  members: [ann@acme.ai]
platform:
  origins: [https://app.example.com]
  egress_cidrs: [{egress}]
  aws: {account_id: "111122223333"}
  gcp: {service_account: platform-signer@annotate-prod.iam.gserviceaccount.com}
  azure:
    tenant_id: 8f3c2a10-5b7e-4d2a-9c41-2e6f0b7d9a11
    principal_id: 4b1d9e22-7c3a-4f5e-8a6b-1c2d3e4f5a6b
integrations:
"""


def spec_with(integrations: str, egress: str = "203.0.113.0/24") -> Spec:
    """A valid spec with the given integrations block (YAML list items, indented two spaces)."""
    return parse_spec(PLATFORM.replace("{egress}", egress) + integrations, "test.yaml").spec


@dataclass(frozen=True)
class Graph:
    """A built graph, queried the way the tests read it."""

    resources: list[PlannedResource]

    def component(self, integration: str) -> PlannedResource:
        [found] = [r for r in self.resources if r.parent is None and r.name == integration]
        return found

    def of(self, integration: str) -> list[PlannedResource]:
        """The component and everything under it."""
        top = self.component(integration)
        by_urn = {r.urn: r for r in self.resources}
        members = []
        for resource in self.resources:
            node: PlannedResource | None = resource
            while node is not None and node.urn != top.urn:
                node = by_urn.get(node.parent) if node.parent else None
            if node is not None:
                members.append(resource)
        return members

    def shape(self, integration: str) -> set[tuple[str, str]]:
        """(type, logical name) of every resource of the integration."""
        return {(r.type, r.name) for r in self.of(integration)}

    def one(self, integration: str, type_: str) -> PlannedResource:
        [found] = [r for r in self.of(integration) if r.type == type_]
        return found

    def all(self, integration: str, type_: str) -> list[PlannedResource]:
        return [r for r in self.of(integration) if r.type == type_]


def document(resource: PlannedResource, key: str = "policy") -> Any:
    """A JSON policy input as data."""
    return json.loads(resource.inputs[key])


def statements(resource: PlannedResource, key: str = "policy") -> dict[str, dict[str, Any]]:
    """A policy's statements keyed by Sid."""
    return {s["Sid"]: s for s in document(resource, key)["Statement"]}


COMPONENT = {
    "aws": "tether:storage:AwsIntegration",
    "gcp": "tether:storage:GcpIntegration",
    "azure": "tether:storage:AzureIntegration",
    "s3": "tether:storage:S3CompatibleIntegration",
}
BUCKET = "aws:s3/bucket:Bucket"
STORE_BUCKET = "pulumi-python:dynamic/tether:StoreBucket"
CORS = "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration"
ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
OWNERSHIP = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
POLICY = "aws:s3/bucketPolicy:BucketPolicy"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
AWS_PROVIDER = "pulumi:providers:aws"
GCS_BUCKET = "gcp:storage/bucket:Bucket"
SERVICE_ACCOUNT = "gcp:serviceaccount/account:Account"
BUCKET_MEMBER = "gcp:storage/bucketIAMMember:BucketIAMMember"
SA_MEMBER = "gcp:serviceaccount/iAMMember:IAMMember"
HMAC = "gcp:storage/hmacKey:HmacKey"
ACCOUNT = "azure-native:storage:StorageAccount"
BLOB_SERVICE = "azure-native:storage:BlobServiceProperties"
CONTAINER = "azure-native:storage:BlobContainer"
ASSIGNMENT = "azure-native:authorization:RoleAssignment"

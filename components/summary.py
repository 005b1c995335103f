"""One short line per planned resource: the inputs a reviewer checks, in words.

The full inputs are in `tether preview --output json`; this line is for the table a pull-request
reviewer scans (who may read, from which origins, what is blocked, what is imported).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from components.diff import decoded
from components.graph import PlannedResource

Inputs = dict[str, Any]


def _list(values: Any) -> str:
    return ",".join(str(v) for v in values or []) or "-"


def _cors(rules: list[Inputs], origins: str, methods: str) -> str:
    return "; ".join(f"{_list(rule.get(methods))} from {_list(rule.get(origins))}" for rule in rules)


def _actions(statement: Inputs) -> str:
    action = statement.get("Action")
    return _list(action if isinstance(action, list) else [action])


def _statements(document: Any) -> str:
    """``Sid Effect Action`` per statement of an IAM/bucket policy document."""
    statements = document.get("Statement", []) if isinstance(document, dict) else []
    return "; ".join(f"{s.get('Sid', '-')} {s.get('Effect')} {_actions(s)}" for s in statements)


def _role(inputs: Inputs) -> str:
    trust = decoded(inputs.get("assumeRolePolicy"))
    ids = [
        s.get("Condition", {}).get("StringEquals", {}).get("sts:ExternalId")
        for s in (trust.get("Statement", []) if isinstance(trust, dict) else [])
    ]
    return f"{inputs.get('path', '')}{inputs.get('name')} external id {_list(ids)}"


def _read_policy(inputs: Inputs) -> str:
    document = decoded(inputs.get("policy"))
    statements = document.get("Statement", []) if isinstance(document, dict) else []
    return "; ".join(f"{_actions(s)} on {_list(s.get('Resource'))}" for s in statements)


def _access_block(inputs: Inputs) -> str:
    flags = ("blockPublicAcls", "ignorePublicAcls", "blockPublicPolicy", "restrictPublicBuckets")
    open_ = [flag for flag in flags if inputs.get(flag) is not True]
    return "all public access blocked" if not open_ else f"NOT blocked: {_list(open_)}"


def _iam_member(inputs: Inputs) -> str:
    condition = inputs.get("condition")
    return f"{inputs.get('role')} -> {inputs.get('member')}" + (" (prefixes only)" if condition else "")


_SUMMARIES: dict[str, Callable[[Inputs], str]] = {
    "aws:s3/bucket:Bucket": lambda i: f"{i.get('bucket')} {i.get('region') or ''}".strip(),
    "pulumi-python:dynamic/tether:StoreBucket": lambda i: f"{i.get('bucket')} "
    + ("(adopt: must exist, kept on destroy)" if i.get("adopt") else "(create with the S3 API, no S3 Control)"),
    "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration": lambda i: _cors(
        i.get("corsRules", []), "allowedOrigins", "allowedMethods"
    ),
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": _access_block,
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": lambda i: str(i.get("rule", {}).get("objectOwnership")),
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": lambda i: _list(
        r.get("applyServerSideEncryptionByDefault", {}).get("sseAlgorithm") for r in i.get("rules", [])
    ),
    "aws:s3/bucketPolicy:BucketPolicy": lambda i: _statements(decoded(i.get("policy"))),
    "aws:iam/role:Role": _role,
    "aws:iam/rolePolicy:RolePolicy": _read_policy,
    "pulumi:providers:aws": lambda i: f"endpoint {_list(e.get('s3') for e in decoded(i.get('endpoints')) or [])}"
    f" path-style {i.get('s3UsePathStyle')}",
    "gcp:storage/bucket:Bucket": lambda i: f"{i.get('name')} {i.get('location')} uniform-access "
    f"{i.get('uniformBucketLevelAccess')} public-access-prevention {i.get('publicAccessPrevention')}; CORS "
    + _cors(i.get("cors", []), "origins", "methods"),
    "gcp:serviceaccount/account:Account": lambda i: f"{i.get('accountId')} in {i.get('project')}",
    "gcp:storage/bucketIAMMember:BucketIAMMember": _iam_member,
    "gcp:serviceaccount/iAMMember:IAMMember": _iam_member,
    "gcp:storage/hmacKey:HmacKey": lambda i: f"for {i.get('serviceAccountEmail')} (secret kept in state)",
    "azure-native:storage:StorageAccount": lambda i: f"{i.get('accountName')} {i.get('location')} https-only "
    f"{i.get('enableHttpsTrafficOnly')} TLS {i.get('minimumTlsVersion')} public-blobs {i.get('allowBlobPublicAccess')}"
    f" shared-key {i.get('allowSharedKeyAccess')}",
    "azure-native:storage:BlobServiceProperties": lambda i: _cors(
        i.get("cors", {}).get("corsRules", []), "allowedOrigins", "allowedMethods"
    ),
    "azure-native:storage:BlobContainer": lambda i: f"{i.get('containerName')} public access {i.get('publicAccess')}",
    "azure-native:authorization:RoleAssignment": lambda i: f"{i.get('description', '').removeprefix('tether: ')} "
    f"-> {i.get('principalId')} on {'/'.join(str(i.get('scope', '')).split('/')[-2:])}",
}


def summarize(resource: PlannedResource) -> str:
    """The reviewer's line for ``resource``, with ``(import ID)`` for adopted resources."""
    line = _SUMMARIES.get(resource.type, lambda _: "")(resource.inputs)
    if "tags" in resource.ignore_changes:
        line = f"{line} (live tags kept)"
    if resource.import_id:
        line = f"{line} (import {resource.import_id})".strip()
    return line

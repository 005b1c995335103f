"""Read an S3-family bucket and, for AWS, the platform role, with boto3 (read-only calls only).

Only what the desired state manages is read, so a store that lacks an API the spec does not use
there (SeaweedFS has no public access block) is never asked; a managed API that answers
NotImplemented is noted as not checked.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    PartialCredentialsError,
    ReadTimeoutError,
    SSLError,
)

from tether.desired import RoleDesired, S3Desired
from tether.drift import policies
from tether.drift.calls import Caller, Classified, Reading, retry_after
from tether.drift.model import Observed

_THROTTLED = {
    "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException", "TooManyRequestsException",
    "RequestLimitExceeded", "SlowDown", "RequestThrottled", "ProvisionedThroughputExceededException",
}
_DENIED = {"AccessDenied", "AccessDeniedException", "AllAccessDisabled", "UnauthorizedOperation", "Forbidden"}
_CREDENTIALS = {"InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidClientTokenId", "ExpiredToken", "InvalidToken"}


def classify(error: BaseException) -> Classified | None:
    """What a botocore exception means: throttling, 5xx, timeouts and dropped connections are transient."""
    if isinstance(error, ClientError):
        body = error.response.get("Error", {})
        code = str(body.get("Code", ""))
        status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
        detail = f"{code or status}: {body.get('Message') or 'no message'}"
        wait = retry_after(error.response.get("ResponseMetadata", {}).get("HTTPHeaders"))
        if code in _THROTTLED or status == 429:
            return Classified("throttled", True, code, detail, wait)
        if code in _CREDENTIALS:
            return Classified("credentials", False, code, detail)
        if code in _DENIED or status == 403:
            return Classified("access_denied", False, code, detail)
        if status == 404:
            return Classified("not_found", False, code, detail)
        if status >= 500 and status != 501:
            return Classified("server_error", True, code, detail, wait)
        return Classified("error", False, code, detail)
    if isinstance(error, SSLError):
        return Classified(
            "tls", False, "",
            f"TLS handshake failed ({str(error)[-160:]}): if the store uses a private CA, set AWS_CA_BUNDLE to its "
            "certificate file",
        )
    if isinstance(error, ConnectTimeoutError | ReadTimeoutError):
        return Classified("timeout", True, "", str(error))
    if isinstance(error, EndpointConnectionError | ConnectionClosedError):
        return Classified("unreachable", True, "", str(error))
    if isinstance(error, NoCredentialsError | PartialCredentialsError):
        return Classified("credentials", False, "", str(error))
    if isinstance(error, BotoCoreError):
        return Classified("error", False, "", str(error))
    return None


def _listed(iam: Any, operation: str, key: str, role: str) -> list[Any]:
    """Every page of an IAM listing (IsTruncated/Marker); one call of the retry wrapper, so a retry
    starts again from the first page instead of resuming a half-read paginator."""
    pages = iam.get_paginator(operation).paginate(RoleName=role)
    return [item for page in pages for item in page[key]]


def _role(call: Caller, iam: Any, desired: RoleDesired) -> dict[str, Any]:
    name = desired.name
    role = call(iam.get_role, RoleName=name)["Role"]
    inline = {
        policy: policies.parse(call(iam.get_role_policy, RoleName=name, PolicyName=policy)["PolicyDocument"])
        for policy in call(_listed, iam, "list_role_policies", "PolicyNames", name)
    }
    attached = call(_listed, iam, "list_attached_role_policies", "AttachedPolicies", name)
    return {
        "path": role["Path"],
        "trust_policy": policies.parse(role["AssumeRolePolicyDocument"]),
        "inline_policies": inline,
        "attached_policies": sorted(p["PolicyArn"] for p in attached),
        "max_session_seconds": role.get("MaxSessionDuration"),
    }


def _encryption(answer: dict[str, Any]) -> str | None:
    rules = answer["ServerSideEncryptionConfiguration"].get("Rules") or []
    default = rules[0].get("ApplyServerSideEncryptionByDefault", {}) if rules else {}
    algorithm: str | None = default.get("SSEAlgorithm")
    return algorithm


def _ownership(answer: dict[str, Any]) -> str | None:
    rules = answer["OwnershipControls"].get("Rules", [])
    return rules[0].get("ObjectOwnership") if rules else None


def read_s3(desired: S3Desired, s3: Any, iam: Any | None, call: Caller) -> Observed:
    """The live state of one S3-family integration, as far as it could be read."""
    bucket = desired.bucket
    reading = Reading(call, gone={"NoSuchBucket"}, what=f"bucket {bucket}")
    reading.read(
        "cors", lambda: call(s3.get_bucket_cors, Bucket=bucket)["CORSRules"], absent={"NoSuchCORSConfiguration"}
    )
    if desired.public_access_block is not None:
        reading.read(
            "public_access_block",
            lambda: call(s3.get_public_access_block, Bucket=bucket)["PublicAccessBlockConfiguration"],
            absent={"NoSuchPublicAccessBlockConfiguration"},
        )
    if desired.ownership is not None:
        reading.read(
            "ownership",
            lambda: _ownership(call(s3.get_bucket_ownership_controls, Bucket=bucket)),
            absent={"OwnershipControlsNotFoundError"},
        )
    if desired.encryption is not None:
        reading.read(
            "encryption",
            lambda: _encryption(call(s3.get_bucket_encryption, Bucket=bucket)),
            absent={"ServerSideEncryptionConfigurationNotFoundError"},
        )
    reading.read(
        "policy",
        lambda: policies.parse(call(s3.get_bucket_policy, Bucket=bucket)["Policy"]),
        absent={"NoSuchBucketPolicy"},
    )
    if desired.role is not None and iam is not None:
        role = desired.role
        reading.read("role", lambda: _role(call, iam, role), absent={"NoSuchEntity"}, endpoint="iam")
    return reading.observed

"""Converge one S3-family bucket (and its AWS platform role) to the desired state."""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import ClientError

from tether.desired import RoleDesired, S3Desired
from tether.drift.calls import NOT_IMPLEMENTED

PERMISSIONS_POLICY_NAME = "tether-read"
"""The inline policy that holds the role's permissions (drift reads every inline policy)."""


def _create_bucket(s3: Any, desired: S3Desired) -> None:
    try:
        if desired.region == "us-east-1" or desired.provider != "aws":
            s3.create_bucket(Bucket=desired.bucket)
        else:
            s3.create_bucket(Bucket=desired.bucket, CreateBucketConfiguration={"LocationConstraint": desired.region})
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
            raise


def _role(iam: Any, role: RoleDesired) -> None:
    trust = json.dumps(role.trust_policy)
    try:
        iam.create_role(
            RoleName=role.name, Path=role.path, AssumeRolePolicyDocument=trust,
            MaxSessionDuration=role.max_session_seconds,
        )
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "EntityAlreadyExists":
            raise
        iam.update_assume_role_policy(RoleName=role.name, PolicyDocument=trust)
        iam.update_role(RoleName=role.name, MaxSessionDuration=role.max_session_seconds)
    for name in iam.list_role_policies(RoleName=role.name)["PolicyNames"]:
        if name != PERMISSIONS_POLICY_NAME:
            iam.delete_role_policy(RoleName=role.name, PolicyName=name)
    for attached in iam.list_attached_role_policies(RoleName=role.name)["AttachedPolicies"]:
        iam.detach_role_policy(RoleName=role.name, PolicyArn=attached["PolicyArn"])
    iam.put_role_policy(
        RoleName=role.name, PolicyName=PERMISSIONS_POLICY_NAME, PolicyDocument=json.dumps(role.permissions_policy)
    )


def apply_s3(desired: S3Desired, s3: Any, iam: Any | None = None) -> list[str]:
    """Create the bucket if needed and set every managed setting; the role too when ``iam`` is given.

    Returns the settings the store does not implement (SeaweedFS, standing in for AWS, has no public
    access block), which drift reports as not checked. The bucket policy goes last: its TLS-only deny
    would refuse the settings calls made over plain HTTP to a local stand-in.
    """
    bucket = desired.bucket
    unsupported = []
    _create_bucket(s3, desired)
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": desired.cors_rules})
    if desired.public_access_block is not None:
        try:
            s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=desired.public_access_block)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") not in NOT_IMPLEMENTED:
                raise
            unsupported.append("public access block")
    if desired.ownership is not None:
        s3.put_bucket_ownership_controls(
            Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": desired.ownership}]}
        )
    if desired.encryption is not None:
        s3.put_bucket_encryption(
            Bucket=bucket,
            ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": desired.encryption}]},
        )
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(desired.policy))
    if desired.role is not None and iam is not None:
        _role(iam, desired.role)
    return unsupported

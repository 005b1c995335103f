"""The bucket children every S3-family integration shares: bucket, CORS, access block, ownership, SSE, policy.

AWS, OTC OBS and other S3-compatible stores differ only in which of these the renderer asks for
(``None`` means the store has no such API) and in the provider that carries the calls.
"""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws

from components.translate import rename
from tether.desired import S3Desired

_CORS = {
    "ID": "id",
    "AllowedOrigins": "allowed_origins",
    "AllowedMethods": "allowed_methods",
    "AllowedHeaders": "allowed_headers",
    "ExposeHeaders": "expose_headers",
    "MaxAgeSeconds": "max_age_seconds",
}
_ACCESS_BLOCK = {
    "BlockPublicAcls": "block_public_acls",
    "IgnorePublicAcls": "ignore_public_acls",
    "BlockPublicPolicy": "block_public_policy",
    "RestrictPublicBuckets": "restrict_public_buckets",
}
_SSE = {"SSEAlgorithm": "sse_algorithm", "KMSMasterKeyID": "kms_master_key_id"}


def import_id(desired: S3Desired) -> str:
    """``<bucket>@<region>``: pulumi-aws 7 imports from the provider's region unless the ID names another
    (pulumi/pulumi-aws#5523 "new @<regionID> suffix", #5697; terraform-provider-aws "enhanced region
    support"), and an adopted bucket may sit outside the stack's ``aws:region``."""
    return f"{desired.bucket}@{desired.region}"


def aws_bucket(parent: pulumi.Resource, desired: S3Desired) -> aws.s3.Bucket:
    """The AWS bucket, created, or adopted: imported, kept on destroy, its live tags left as they are.

    Import fails when the given inputs differ from the live bucket (pulumi/resource.py, ``import_``:
    "inputs ... must align with the resource's current state"); the spec's tags would, so an adopted
    bucket ignores tag changes and `tether preflight` says which tags differ.
    """
    if desired.adopt:
        opts = pulumi.ResourceOptions(
            parent=parent, import_=import_id(desired), retain_on_delete=True, ignore_changes=["tags"]
        )
    else:
        opts = pulumi.ResourceOptions(parent=parent)
    return aws.s3.Bucket(
        f"{desired.integration}-bucket",
        bucket=desired.bucket,
        region=desired.region,
        tags=desired.tags or None,
        opts=opts,
    )


def bucket_children(
    parent: pulumi.Resource,
    desired: S3Desired,
    bucket: pulumi.Resource,
    bucket_name: pulumi.Input[str],
    *,
    provider: pulumi.ProviderResource | None = None,
    region: str | None = None,
) -> None:
    """One child per concern the renderer declared, on ``bucket_name`` once ``bucket`` exists.

    ``region`` is set on each resource for AWS (one provider, many regions); S3-compatible stores
    take theirs from the explicit provider. An adopted bucket's children are retained like the
    bucket: destroying the integration must not strip the TLS deny or access block from a bucket
    that stays.
    """
    name = desired.integration
    child = pulumi.ResourceOptions(
        parent=parent, provider=provider, depends_on=[bucket], retain_on_delete=desired.adopt or None
    )
    aws.s3.BucketCorsConfiguration(
        f"{name}-cors",
        bucket=bucket_name,
        region=region,
        cors_rules=[
            aws.s3.BucketCorsConfigurationCorsRuleArgs(**rename(rule, _CORS, "S3 CORS rule"))
            for rule in desired.cors_rules
        ],
        opts=child,
    )
    waits_for: list[pulumi.Resource] = [bucket]
    if desired.public_access_block is not None:
        waits_for.append(
            aws.s3.BucketPublicAccessBlock(
                f"{name}-public-access-block",
                bucket=bucket_name,
                region=region,
                **rename(desired.public_access_block, _ACCESS_BLOCK, "S3 public access block"),
                opts=child,
            )
        )
    if desired.ownership is not None:
        aws.s3.BucketOwnershipControls(
            f"{name}-ownership",
            bucket=bucket_name,
            region=region,
            rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership=desired.ownership),
            opts=child,
        )
    if desired.encryption is not None:
        default = aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
            **rename(desired.encryption, _SSE, "S3 default encryption")
        )
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-encryption",
            bucket=bucket_name,
            region=region,
            rules=[aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(apply_server_side_encryption_by_default=default)],
            opts=child,
        )
    # S3 rejects a policy written while the access block is changing ("conflicting conditional operation").
    aws.s3.BucketPolicy(
        f"{name}-policy",
        bucket=bucket_name,
        region=region,
        policy=json.dumps(desired.policy),
        opts=pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(depends_on=waits_for)),
    )

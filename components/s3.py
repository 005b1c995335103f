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


def bucket_options(
    parent: pulumi.Resource, desired: S3Desired, provider: pulumi.ProviderResource | None
) -> pulumi.ResourceOptions:
    """Adopted buckets are imported (never recreated) and survive `pulumi destroy`."""
    if desired.adopt:
        return pulumi.ResourceOptions(
            parent=parent, provider=provider, import_=desired.bucket, retain_on_delete=True
        )
    return pulumi.ResourceOptions(parent=parent, provider=provider)


def bucket_children(
    parent: pulumi.Resource,
    desired: S3Desired,
    *,
    provider: pulumi.ProviderResource | None = None,
    region: str | None = None,
) -> aws.s3.Bucket:
    """Create the bucket (or adopt it) and one child per concern the renderer declared.

    ``region`` is set on each resource for AWS (one provider, many regions); S3-compatible stores
    take theirs from the explicit provider.
    """
    name = desired.integration
    child = pulumi.ResourceOptions(parent=parent, provider=provider)
    bucket = aws.s3.Bucket(
        f"{name}-bucket",
        bucket=desired.bucket,
        region=region,
        tags=desired.tags or None,
        opts=bucket_options(parent, desired, provider),
    )
    aws.s3.BucketCorsConfiguration(
        f"{name}-cors",
        bucket=bucket.id,
        region=region,
        cors_rules=[
            aws.s3.BucketCorsConfigurationCorsRuleArgs(**rename(rule, _CORS, "S3 CORS rule"))
            for rule in desired.cors_rules
        ],
        opts=child,
    )
    waits_for: list[pulumi.Resource] = []
    if desired.public_access_block is not None:
        waits_for.append(
            aws.s3.BucketPublicAccessBlock(
                f"{name}-public-access-block",
                bucket=bucket.id,
                region=region,
                **rename(desired.public_access_block, _ACCESS_BLOCK, "S3 public access block"),
                opts=child,
            )
        )
    if desired.ownership is not None:
        aws.s3.BucketOwnershipControls(
            f"{name}-ownership",
            bucket=bucket.id,
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
            bucket=bucket.id,
            region=region,
            rules=[aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(apply_server_side_encryption_by_default=default)],
            opts=child,
        )
    # S3 rejects a policy written while the access block is changing ("conflicting conditional operation").
    aws.s3.BucketPolicy(
        f"{name}-policy",
        bucket=bucket.id,
        region=region,
        policy=json.dumps(desired.policy),
        opts=pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(depends_on=waits_for)),
    )
    return bucket

"""AWS: an S3 bucket and the IAM role the platform assumes to sign URLs for it."""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws

from components.s3 import aws_bucket, bucket_children
from tether.desired import S3Desired

TYPE = "tether:storage:AwsIntegration"


class AwsIntegration(pulumi.ComponentResource):
    """Bucket, CORS, public access block, ownership, SSE and policy; a role unless Direct Access.

    Outputs: ``bucket`` (name) and ``role_arn`` (None when the platform is granted nothing).
    """

    bucket: pulumi.Output[str]
    role_arn: pulumi.Output[str | None]

    def __init__(self, desired: S3Desired, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, desired.integration, None, opts)
        name = desired.integration
        bucket = aws_bucket(self, desired)
        bucket_children(self, desired, bucket, bucket.bucket, region=desired.region)
        self.bucket = bucket.bucket
        self.role_arn = pulumi.Output.from_input(None)
        if desired.role is not None:
            role = aws.iam.Role(
                f"{name}-role",
                name=desired.role.name,
                path=desired.role.path,
                assume_role_policy=json.dumps(desired.role.trust_policy),
                max_session_duration=desired.role.max_session_seconds,
                tags=desired.tags or None,
                opts=pulumi.ResourceOptions(parent=self),
            )
            aws.iam.RolePolicy(
                f"{name}-read",
                role=role.id,
                name="tether-read",
                policy=json.dumps(desired.role.permissions_policy),
                opts=pulumi.ResourceOptions(parent=self),
            )
            self.role_arn = role.arn
        self.register_outputs({"bucket": self.bucket, "role_arn": self.role_arn})

"""OTC OBS and other S3-compatible stores: the S3 bucket children through a provider aimed at the store.

Hazards of the AWS provider against non-AWS stores (see the project's Pulumi notes) shape this:
pulumi-aws 7's bucket resource reads tags through S3 Control, which these stores lack, so the bucket
itself is a ``StoreBucket`` (plain S3 calls; see components/store_bucket.py) and the renderer gives
no tags; requests are path-style where the store wants it, and every AWS-only start-up check
(credentials via STS, account id, region list, EC2 metadata) is skipped.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.s3 import bucket_children
from components.store_bucket import StoreBucket
from tether.desired import S3Desired

TYPE = "tether:storage:S3CompatibleIntegration"


class S3CompatibleIntegration(pulumi.ComponentResource):
    """Explicit AWS provider at the store's endpoint, then bucket, CORS, encryption (if any) and policy.

    The store's credentials are the deployer's: pass them, or the provider falls back to its
    usual lookup (environment, profile). Outputs: ``bucket``, ``endpoint``.
    """

    bucket: pulumi.Output[str]
    endpoint: pulumi.Output[str]

    def __init__(
        self,
        desired: S3Desired,
        *,
        access_key: pulumi.Input[str | None] = None,
        secret_key: pulumi.Input[str | None] = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(TYPE, desired.integration, None, opts)
        assert desired.endpoint is not None, "the renderer gives every non-AWS store its endpoint"
        secret: pulumi.Output[str | None] | None = None if secret_key is None else pulumi.Output.secret(secret_key)
        provider = aws.Provider(
            f"{desired.integration}-store",
            region=desired.region,
            endpoints=[aws.ProviderEndpointArgs(s3=desired.endpoint)],
            s3_use_path_style=desired.path_style,
            skip_credentials_validation=True,
            skip_requesting_account_id=True,
            skip_metadata_api_check=True,
            skip_region_validation=True,
            access_key=access_key,
            secret_key=secret,
            opts=pulumi.ResourceOptions(parent=self),
        )
        bucket = StoreBucket(
            f"{desired.integration}-bucket",
            bucket=desired.bucket,
            endpoint=desired.endpoint,
            region=desired.region,
            path_style=desired.path_style,
            adopt=desired.adopt,
            access_key=access_key,
            secret_key=secret,
            opts=pulumi.ResourceOptions(parent=self, retain_on_delete=desired.adopt or None),
        )
        bucket_children(self, desired, bucket, bucket.bucket, provider=provider)
        self.bucket = bucket.bucket
        self.endpoint = pulumi.Output.from_input(desired.endpoint)
        self.register_outputs({"bucket": self.bucket, "endpoint": self.endpoint})

"""An S3-compatible store's bucket, made with the plain S3 API only: never through S3 Control.

pulumi-aws 7's ``aws.s3.Bucket`` reads and writes bucket tags through the S3 Control API
(``ListTagsForResource``; the note in pulumi_aws/s3/bucket.py's class docstring). S3 Control needs the
account ID, which a store without STS cannot give: with ``skip_requesting_account_id`` the call fails
before it is sent ("failed to resolve service endpoint ... AccountId", hashicorp/terraform-provider-aws
#45520, #45292, #46202; moto PR 9504), after the bucket was created, and the next run then meets
BucketAlreadyOwnedByYou. OBS, MinIO, Ceph and SeaweedFS have no S3 Control, so their bucket is this
dynamic resource: CreateBucket, HeadBucket and (for a bucket tether made) DeleteBucket, at the store's
endpoint. The children (CORS, encryption, policy) stay pulumi-aws resources: they use the S3 API only.
"""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ReadResult, ResourceProvider, UpdateResult

TYPE = "pulumi-python:dynamic/tether:StoreBucket"
_SECRETS = ["access_key", "secret_key"]


class _StoreBuckets(ResourceProvider):
    """Create (or, when adopted, only find) a bucket; delete only one that tether created.

    Pulumi's provider process loads it from its dill pickle, which names this module (dill pickles a
    class of an importable module by reference; pulumi/pulumi#7453): the process runs
    ``python -m pulumi.dynamic`` in the project directory, which puts the project on its path.
    """

    REPLACE_ON = ("bucket", "endpoint", "region")

    @staticmethod
    def client(props: dict[str, Any]) -> Any:
        """An S3 client at the store; keys from the props, else boto3's usual lookup."""
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=props["endpoint"],
            region_name=props["region"],
            aws_access_key_id=props.get("access_key"),
            aws_secret_access_key=props.get("secret_key"),
            config=Config(s3={"addressing_style": "path" if props.get("path_style") else "auto"}),
        )

    def create(self, props: dict[str, Any]) -> CreateResult:
        s3 = self.client(props)
        if props.get("adopt"):
            s3.head_bucket(Bucket=props["bucket"])  # adopted: it must exist, and nothing about it changes
        else:
            location = {} if props["region"] == "us-east-1" else {
                "CreateBucketConfiguration": {"LocationConstraint": props["region"]}
            }
            s3.create_bucket(Bucket=props["bucket"], **location)
        return CreateResult(id_=props["bucket"], outs=props)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        from botocore.exceptions import ClientError

        try:
            self.client(props).head_bucket(Bucket=id_)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchBucket"):
                return ReadResult(None, {})  # gone: the next `up` creates it again
            raise
        return ReadResult(id_, props)

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = [key for key in news if olds.get(key) != news.get(key)]
        replaces = [key for key in changed if key in self.REPLACE_ON]
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=True)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Only credentials or ``adopt`` changed (anything else replaces): nothing to call."""
        return UpdateResult(outs=news)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        if not props.get("adopt"):
            self.client(props).delete_bucket(Bucket=id_)


class StoreBucket(pulumi.dynamic.Resource, module="tether", name="StoreBucket"):
    """The bucket at an S3-compatible store; ``bucket`` is its name once it exists."""

    bucket: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        *,
        bucket: str,
        endpoint: str,
        region: str,
        path_style: bool,
        adopt: bool,
        access_key: pulumi.Input[str | None] = None,
        secret_key: pulumi.Output[str | None] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {
            "bucket": bucket,
            "endpoint": endpoint,
            "region": region,
            "path_style": path_style,
            "adopt": adopt,
            "access_key": access_key,
            "secret_key": secret_key,  # already secret (S3CompatibleIntegration); kept so in state too
        }
        secret = pulumi.ResourceOptions(additional_secret_outputs=_SECRETS)
        super().__init__(_StoreBuckets(), name, props, pulumi.ResourceOptions.merge(opts, secret))

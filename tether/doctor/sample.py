"""The object doctor follows when none is given: the first one under the integration's first prefix.

Listed with the same credentials and endpoint signing uses (runtime.sign), so the sample is one the
platform could sign for. GCS listing needs an OAuth token signing does not have: give --key there.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from runtime import Runtime
from runtime.sign import CredentialSource, EnvironmentCredentials
from runtime.sign.targets import AzureTarget, S3Target, resolve
from tether.errors import ReadError
from tether.spec.model import AnyIntegration


def first_key(runtime: Runtime, integration: AnyIntegration, ca_file: str | None) -> str:
    """The first key under the first prefix; ReadError when none can be listed."""
    prefix = integration.prefixes[0] if integration.prefixes else ""
    target = resolve(runtime.spec, integration, runtime.records.get(integration.name), runtime.settings)
    credentials = runtime.credentials or EnvironmentCredentials(runtime.settings)
    try:
        if isinstance(target, S3Target):
            found = _first_s3(target, credentials, prefix, ca_file)
        elif isinstance(target, AzureTarget):
            found = _first_blob(target, credentials, prefix, ca_file)
        else:
            raise ReadError(f"{integration.name}: doctor cannot list a GCS bucket with signing credentials: give --key")
    except ReadError:
        raise
    except Exception as error:  # any SDK failure: the store could not be listed
        said = f"{integration.name}: cannot list the bucket to pick a sample object ({error}): give --key"
        raise ReadError(said) from None
    if found is None:
        raise ReadError(f"{integration.name}: no object under {prefix or 'the bucket'}: give --key")
    return found


def _first_s3(target: S3Target, credentials: CredentialSource, prefix: str, ca_file: str | None) -> str | None:
    import boto3
    from botocore.config import Config

    keys = credentials.aws(target).value
    client = boto3.client(
        "s3", endpoint_url=target.endpoint, region_name=target.region, verify=ca_file or True,
        aws_access_key_id=keys.access_key, aws_secret_access_key=keys.secret_key, aws_session_token=keys.session_token,
        config=Config(s3={"addressing_style": "path" if target.path_style else "virtual"}, retries={"max_attempts": 1}),
    )  # fmt: skip
    listed = client.list_objects_v2(Bucket=target.bucket, Prefix=prefix, MaxKeys=1)
    contents = listed.get("Contents") or []
    return str(contents[0]["Key"]) if contents else None


def _first_blob(target: AzureTarget, credentials: CredentialSource, prefix: str, ca_file: str | None) -> str | None:
    from azure.storage.blob import ContainerClient

    key = credentials.azure(target, datetime.now(UTC) + timedelta(hours=1)).value
    if key.account_key is None:
        raise ReadError(f"{target.integration}: doctor lists with an account key only: give --key")
    client = ContainerClient(
        target.account_url, target.container,
        credential={"account_name": target.account, "account_key": key.account_key},
        connection_verify=ca_file or True, retry_total=0,
    )  # fmt: skip
    for blob in client.list_blobs(name_starts_with=prefix or None):
        return str(blob.name)
    return None

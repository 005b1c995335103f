"""Every object under a prefix, streamed page by page: S3 ListObjectsV2 (AWS, OTC, S3-compatible), Azure
List Blobs and the Cloud Storage JSON API's objects.list.

Only one page is held at a time, so millions of keys list in flat memory. Credentials are the customer's,
from the same chains signing and drift use (``tether.settings``); endpoints from the signing targets.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from runtime.sign.targets import AzureTarget, GcsTarget, S3Target, Target
from tether.errors import ReadError
from tether.settings import Settings

PAGE = 1000
"""The most keys ListObjectsV2 and List Blobs return per page."""


@dataclass(frozen=True)
class Listed:
    """One object as the listing describes it: enough to tell whether it changed since a previous run."""

    key: str
    size: int
    etag: str
    modified: str
    content_type: str | None = None
    """Azure lists it; S3 does not (the extension decides)."""


def list_objects(
    target: Target, settings: Settings, prefix: str, project: str | None = None, page: int = PAGE
) -> Iterator[Listed]:
    """The objects under ``prefix``, in the store's key order; ReadError when the store refuses the listing.

    ``project`` is the GCP project a Cloud Storage client is made for; ``page`` how many objects each
    request asks for (1 when only the first object is wanted)."""
    if isinstance(target, S3Target):
        yield from _s3(target, settings, prefix, page)
    elif isinstance(target, AzureTarget):
        yield from _azure(target, settings, prefix, page)
    else:
        yield from _gcs(target, settings, prefix, project or "", page)


def s3_client(target: S3Target, settings: Settings, pool: int = 10) -> Any:
    """An S3 client for the target, retrying throttling and dropped connections as the SDK's standard mode does."""
    from botocore.config import Config

    config = Config(
        retries={"max_attempts": 5, "mode": "standard"},
        max_pool_connections=pool,
        s3={"addressing_style": "path" if target.path_style else "auto"},
        request_checksum_calculation="when_supported" if target.provider == "aws" else "when_required",
        response_checksum_validation="when_supported" if target.provider == "aws" else "when_required",
    )
    return settings.boto_session(target.provider).client(
        "s3", region_name=target.region, endpoint_url=target.endpoint, verify=settings.get("AWS_CA_BUNDLE"),
        config=config,
    )  # fmt: skip


def _s3(target: S3Target, settings: Settings, prefix: str, page_size: int) -> Iterator[Listed]:
    from botocore.exceptions import BotoCoreError, ClientError

    pages = (
        s3_client(target, settings)
        .get_paginator("list_objects_v2")
        .paginate(Bucket=target.bucket, Prefix=prefix, PaginationConfig={"PageSize": page_size})
    )
    try:
        for page in pages:
            for entry in page.get("Contents", []):
                yield Listed(
                    key=entry["Key"], size=int(entry["Size"]), etag=str(entry.get("ETag", "")).strip('"'),
                    modified=entry["LastModified"].isoformat(),
                )  # fmt: skip
    except ClientError as error:
        said = error.response.get("Error", {})
        raise ReadError(f"listing s3 bucket {target.bucket}: {said.get('Code')}: {said.get('Message')}") from None
    except BotoCoreError as error:
        raise ReadError(f"listing s3 bucket {target.bucket}: {error}") from None


def _azure(target: AzureTarget, settings: Settings, prefix: str, page: int) -> Iterator[Listed]:
    from azure.core.exceptions import AzureError

    from tether.drift.clients import Clients

    service = Clients(settings, timeout=60).blob_service(target.account)
    container = service.get_container_client(target.container)
    try:
        for blob in container.list_blobs(name_starts_with=prefix, results_per_page=page):
            settings_ = blob.content_settings
            yield Listed(
                key=blob.name, size=int(blob.size), etag=str(blob.etag).strip('"'),
                modified=blob.last_modified.isoformat(), content_type=settings_.content_type if settings_ else None,
            )  # fmt: skip
    except AzureError as error:
        said = " ".join(str(error).split())[:200]
        raise ReadError(f"listing azure container {target.container}: {said}") from None


def _gcs(target: GcsTarget, settings: Settings, prefix: str, project: str, page: int) -> Iterator[Listed]:
    from google.api_core.exceptions import GoogleAPIError
    from google.auth.exceptions import GoogleAuthError

    from tether.drift.clients import Clients

    client = Clients(settings, timeout=60).gcs(project)
    try:
        for blob in client.list_blobs(target.bucket, prefix=prefix, page_size=page):
            yield Listed(
                key=blob.name, size=int(blob.size), etag=str(blob.etag), modified=blob.updated.isoformat(),
                content_type=blob.content_type,
            )  # fmt: skip
    except (GoogleAPIError, GoogleAuthError) as error:
        said = " ".join(str(error).split())[:200]
        raise ReadError(f"listing gcs bucket {target.bucket}: {said}") from None

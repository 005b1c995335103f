"""Session fixtures for the real stand-in servers, registered by the root conftest (``pytest_plugins``).

Each server starts the first time a test asks for it and stops when the session ends; a session that needs
none of them starts none. With pytest-xdist every worker gets its own servers on its own ports.
SeaweedFS takes 15 s or more to exit on SIGTERM (it drains gRPC streams), so tests give it one second
before SIGKILL. ``seaweedfs`` speaks plain HTTP; ``seaweedfs_https`` is for tests that put the desired bucket
policy on a bucket, whose TLS-only deny SeaweedFS enforces.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config

from tether.standins.azurite import Azurite, AzuriteHandle
from tether.standins.moto_server import MotoHandle, MotoServer
from tether.standins.seaweedfs import SeaweedFS, SeaweedFSHandle

SEAWEEDFS_ACCESS_KEY = "AKIDTETHERSTANDIN001"


def seaweedfs_s3(handle: SeaweedFSHandle, config: Config | None = None) -> Any:
    """A boto3 S3 client with SeaweedFS's identity, trusting its certificate when it speaks HTTPS."""
    return boto3.client(
        "s3", endpoint_url=handle.endpoint_url, region_name=handle.region, aws_access_key_id=handle.access_key,
        aws_secret_access_key=handle.secret_key, verify=str(handle.ca_bundle) if handle.ca_bundle else None,
        config=config,
    )


@pytest.fixture(scope="session")
def seaweedfs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeaweedFSHandle]:
    """SeaweedFS's S3 API (real SigV4 checks); the identity is ``handle.access_key``/``handle.secret_key``."""
    server = SeaweedFS(
        tmp_path_factory.mktemp("seaweedfs"),
        access_key=SEAWEEDFS_ACCESS_KEY,
        secret_key=secrets.token_urlsafe(30),
        stop_timeout=1.0,
    )
    with server as handle:
        yield handle


@pytest.fixture(scope="session")
def seaweedfs_https(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeaweedFSHandle]:
    """SeaweedFS's S3 API over HTTPS: trust ``handle.ca_bundle`` (a self-signed certificate for 127.0.0.1)."""
    server = SeaweedFS(
        tmp_path_factory.mktemp("seaweedfs-https"),
        access_key=SEAWEEDFS_ACCESS_KEY,
        secret_key=secrets.token_urlsafe(30),
        tls=True,
        stop_timeout=1.0,
    )
    with server as handle:
        yield handle


@pytest.fixture(scope="session")
def azurite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AzuriteHandle]:
    """Azurite's blob service (real SAS checks) with the well-known development account."""
    with Azurite(tmp_path_factory.mktemp("azurite")) as handle:
        yield handle


@pytest.fixture(scope="session")
def moto_server() -> Iterator[MotoHandle]:
    """moto's server for the AWS control plane; it does not check signatures, so never use it to prove a URL."""
    with MotoServer() as handle:
        yield handle

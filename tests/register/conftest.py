"""A SeaweedFS bucket and an Azurite container holding real media made by ffmpeg, and specs to register from."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from azure.storage.blob import BlobServiceClient

from tests.servers import seaweedfs_s3
from tether.demo.samples import make_samples
from tether.settings import Settings, load_settings
from tether.spec import LoadedSpec, parse_spec
from tether.standins.azurite import AzuriteHandle
from tether.standins.seaweedfs import SeaweedFSHandle

HEAD = """\
version: 1
organization:
  name: acme
  members: [ann@acme.ai, ben@acme.ai, nia@acme.ai]
platform:
  origins: [https://app.example.com]
integrations:
"""
OBJECTS = {
    "media/cam1/clip.mp4": "clip.mp4",
    "media/cam1/frame.png": "frame.png",
    "media/shelf one/shelf+1.jpg": "shelf.jpg",
    "media/calls/call.wav": "call.wav",
}
"""Key -> sample file (tether.demo.samples: clip 320x240 25 fps 2 s, frame 640x480, shelf 800x600, call 16 kHz)."""
EXTRA = {"media/notes.txt": b"a note\n", "media/broken.mp4": b"\x00not a video" * 20, "media/blob.bin": b"\x01\x02",
         "elsewhere/clip.png": b"outside the prefixes"}  # fmt: skip


@pytest.fixture(scope="session")
def samples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("samples")
    made = {path.name: path.read_bytes() for path in make_samples(folder)}
    return {key: made[name] for key, name in OBJECTS.items()} | EXTRA


def s3_spec(endpoint: str, bucket: str) -> LoadedSpec:
    return parse_spec(HEAD + f"""\
  - name: lab
    provider: s3-compatible
    endpoint: {endpoint}
    bucket: {{name: {bucket}}}
    creator: ann@acme.ai
    members: [{{email: ben@acme.ai, role: user}}]
    prefixes: [media/]
    strict_client_only: true
""", "lab.yaml")  # fmt: skip


def azure_spec(account: str, container: str) -> LoadedSpec:
    return parse_spec(HEAD + f"""\
  - name: calls
    provider: azure
    region: westeurope
    resource_group: acme-rg
    bucket: {{account: {account}, container: {container}}}
    sas: {{mode: account-key, rotation: 30m}}  # shorter than the hour register asks for: it must ask less
    creator: ann@acme.ai
    members: [{{email: ben@acme.ai, role: user}}]
    prefixes: [media/]
    strict_client_only: true
""", "calls.yaml")  # fmt: skip


def s3_settings(seaweedfs: SeaweedFSHandle) -> Settings:
    return load_settings(environ={"AWS_ACCESS_KEY_ID": seaweedfs.access_key,
                                  "AWS_SECRET_ACCESS_KEY": seaweedfs.secret_key})  # fmt: skip


@pytest.fixture
def bucket(seaweedfs: SeaweedFSHandle, samples: dict[str, bytes]) -> str:
    """A fresh bucket per test (tests change objects)."""
    name = f"reg-{uuid.uuid4().hex[:12]}"
    client = seaweedfs_s3(seaweedfs)
    client.create_bucket(Bucket=name)
    for key, body in samples.items():
        client.put_object(Bucket=name, Key=key, Body=body)
    return name


@pytest.fixture
def container(azurite: AzuriteHandle, samples: dict[str, bytes]) -> str:
    name = f"reg-{uuid.uuid4().hex[:12]}"
    service = BlobServiceClient.from_connection_string(azurite.connection_string)
    service.create_container(name)
    for key, body in samples.items():
        service.get_blob_client(name, key).upload_blob(body)
    return name


def azure_settings(azurite: AzuriteHandle) -> Settings:
    base = azurite.endpoint_url.removesuffix("/" + azurite.account_name)
    return load_settings(environ={"TETHER_ENDPOINT_AZURE": base, "AZURE_STORAGE_KEY": azurite.account_key})


def env_file(tmp_path: Path, seaweedfs: SeaweedFSHandle) -> Path:
    path = tmp_path / "stand-in.env"
    path.write_text(f"AWS_ACCESS_KEY_ID={seaweedfs.access_key}\nAWS_SECRET_ACCESS_KEY='{seaweedfs.secret_key}'\n")
    return path

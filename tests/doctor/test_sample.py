"""The sample object doctor picks when no --key is given: listed as `tether register` lists, one object asked.

Cloud Storage against a loopback answer in objects.list's shape (no stand-in keeps objects: see
tests/gcs_objects.py); Azure on Azurite with only a connection string, as signing accepts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from azure.storage.blob import BlobServiceClient

from runtime import Runtime
from tests.drift.conftest import HEAD, azure, gcp, unique
from tests.gcs_objects import ObjectsList
from tether.doctor.sample import first_key
from tether.errors import ReadError
from tether.settings import load_settings
from tether.spec import load_spec


def _runtime(tmp_path: Path, integration: str, environ: dict[str, str]) -> Runtime:
    path = tmp_path / "integrations.yaml"
    path.write_text(HEAD + integration, encoding="utf-8")
    return Runtime(load_spec(str(path)), {}, load_settings(environ=environ))


def test_a_gcs_sample_is_the_first_object_under_the_prefix_in_one_request(tmp_path: Path, gcs_objects: str) -> None:
    runtime = _runtime(tmp_path, gcp("pics", "bkt").replace("prefixes: [shelves/]", "prefixes: [media/]"),
                       {"TETHER_ENDPOINT_GCP": gcs_objects})  # fmt: skip
    assert first_key(runtime, runtime.spec.integration("pics")) == "media/0000.jpg"
    assert ObjectsList.pages == [""]  # one page asked for, not the 2,500 keys under media/


def test_a_gcs_bucket_that_cannot_be_listed_says_give_key(tmp_path: Path, gcs_objects: str) -> None:
    runtime = _runtime(tmp_path, gcp("pics", "missing"), {"TETHER_ENDPOINT_GCP": gcs_objects})
    with pytest.raises(ReadError, match=r"^pics: cannot list the bucket .*listing gcs bucket missing.*: give --key$"):
        first_key(runtime, runtime.spec.integration("pics"))


def test_an_azure_sample_is_listed_with_the_connection_strings_key(tmp_path: Path, azurite: Any) -> None:
    base = azurite.endpoint_url.removesuffix(f"/{azurite.account_name}")
    container = unique("calls")
    service = BlobServiceClient(azurite.endpoint_url, credential=azurite.account_key)
    service.create_container(container).upload_blob("audio/0001.wav", b"RIFF")
    connection = (
        f"DefaultEndpointsProtocol=http;AccountName={azurite.account_name};AccountKey={azurite.account_key};"
        f"BlobEndpoint={azurite.endpoint_url};"
    )
    integration = azure("audio", container, account=azurite.account_name) + "    prefixes: [audio/]\n"
    runtime = _runtime(tmp_path, integration, {"TETHER_ENDPOINT_AZURE": base,
                                               "AZURE_STORAGE_CONNECTION_STRING": connection})  # fmt: skip
    assert first_key(runtime, runtime.spec.integration("audio")) == "audio/0001.wav"

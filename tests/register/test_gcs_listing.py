"""Cloud Storage listing through google-cloud-storage, paged, against a loopback answer in the JSON API's shape
(tests/gcs_objects.py says what that proves)."""

from __future__ import annotations

import pytest

from runtime.sign.targets import GcsTarget
from tests.gcs_objects import NAMES, ObjectsList
from tether.errors import ReadError
from tether.register.listing import list_objects
from tether.settings import load_settings


def test_gcs_listing_follows_every_page_under_the_prefix(gcs_objects: str) -> None:
    target = GcsTarget("pics", "bkt", gcs_objects, None, None)
    listed = list(list_objects(target, load_settings(environ={"TETHER_ENDPOINT_GCP": gcs_objects}), "media/", "acme-prj"))
    assert [o.key for o in listed] == NAMES[:-1]
    assert ObjectsList.pages == ["", "1000", "2000"]
    assert (listed[7].size, listed[7].etag, listed[7].content_type) == (123, "e7", "image/jpeg")
    assert listed[7].modified.startswith("2026-12-01T10:00:00")


def test_gcs_listing_refused_is_a_read_error(gcs_objects: str) -> None:
    target = GcsTarget("pics", "missing", gcs_objects, None, None)
    with pytest.raises(ReadError, match="listing gcs bucket missing"):
        list(list_objects(target, load_settings(environ={"TETHER_ENDPOINT_GCP": gcs_objects}), "", "acme-prj"))

"""Cloud Storage listing through google-cloud-storage, paged, against a loopback answer in the JSON API's shape.

No real Cloud Storage stand-in checks anything here (see /work/shared/notes/real-servers.md: fake-gcs-server
keeps little), so this proves the wiring only: the endpoint override, the prefix, following nextPageToken.
The shape is objects.list's (https://cloud.google.com/storage/docs/json_api/v1/objects/list): ``items``
with ``name``, ``size`` (a string: int64 is a string in the JSON API), ``etag``, ``updated``,
``contentType``; and ``nextPageToken`` while more remain.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

import pytest

from runtime.sign.targets import GcsTarget
from tether.errors import ReadError
from tether.register.listing import list_objects
from tether.settings import load_settings

NAMES = [f"media/{i:04d}.jpg" for i in range(2500)] + ["other/x.jpg"]


class _ObjectsList(BaseHTTPRequestHandler):
    pages: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path != "/storage/v1/b/bkt/o":
            self.send_response(404)
            self.end_headers()
            return
        self.pages.append(query.get("pageToken", ""))
        names = [n for n in NAMES if n.startswith(query.get("prefix", ""))]
        start = int(query.get("pageToken") or 0)
        size = int(query.get("maxResults", 1000))
        page = names[start : start + size]
        body: dict[str, object] = {"kind": "storage#objects", "items": [
            {"name": n, "bucket": "bkt", "size": "123", "etag": f"e{i}", "updated": "2026-12-01T10:00:00.000Z",
             "contentType": "image/jpeg"} for i, n in enumerate(page, start)
        ]}  # fmt: skip
        if start + size < len(names):
            body["nextPageToken"] = str(start + size)
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture
def endpoint() -> Iterator[str]:
    _ObjectsList.pages = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ObjectsList)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_gcs_listing_follows_every_page_under_the_prefix(endpoint: str) -> None:
    target = GcsTarget("pics", "bkt", endpoint, None, None)
    listed = list(list_objects(target, load_settings(environ={"TETHER_ENDPOINT_GCP": endpoint}), "media/", "acme-prj"))
    assert [o.key for o in listed] == NAMES[:-1]
    assert _ObjectsList.pages == ["", "1000", "2000"]
    assert (listed[7].size, listed[7].etag, listed[7].content_type) == (123, "e7", "image/jpeg")
    assert listed[7].modified.startswith("2026-12-01T10:00:00")


def test_gcs_listing_refused_is_a_read_error(endpoint: str) -> None:
    target = GcsTarget("pics", "missing", endpoint, None, None)
    with pytest.raises(ReadError, match="listing gcs bucket missing"):
        list(list_objects(target, load_settings(environ={"TETHER_ENDPOINT_GCP": endpoint}), "", "acme-prj"))

"""A loopback answer in the shape of Cloud Storage's objects.list, paged, for listing tests.

No real Cloud Storage stand-in checks anything here (see /work/shared/notes/real-servers.md: fake-gcs-server
keeps little), so this proves the wiring only: the endpoint override, the prefix, following nextPageToken.
The shape is objects.list's (https://cloud.google.com/storage/docs/json_api/v1/objects/list): ``items``
with ``name``, ``size`` (a string: int64 is a string in the JSON API), ``etag``, ``updated``,
``contentType``; and ``nextPageToken`` while more remain. Bucket ``bkt`` exists; any other is a 404. Registered by the root conftest (``pytest_plugins``).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

import pytest

NAMES = [f"media/{i:04d}.jpg" for i in range(2500)] + ["other/x.jpg"]


class ObjectsList(BaseHTTPRequestHandler):
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
def gcs_objects() -> Iterator[str]:
    """The server's endpoint (TETHER_ENDPOINT_GCP); ``ObjectsList.pages`` records each request's page token."""
    ObjectsList.pages = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), ObjectsList)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()

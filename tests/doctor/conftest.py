"""A label editor's page at a declared origin, a headless Chromium that opens it, and HTTPS Azurite.

The page is served over HTTPS on a free loopback port; Chromium's ``--host-resolver-rules`` sends the
declared origin's host (port 443) there, so the page's origin is exactly the declared one. Chromium trusts
the page's and the stores' self-signed certificates by their SPKI hashes, and nothing else.
"""

from __future__ import annotations

import ssl
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.doctor.browser import Browser, chromium
from tether.standins import certs
from tether.standins.azurite import Azurite, AzuriteHandle
from tether.standins.seaweedfs import SeaweedFSHandle

ORIGIN = "https://app.annotate.example.com"
PAGE = b"<!doctype html><html><head><title>label editor</title></head><body></body></html>"


class _Page(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: tests read outcomes, not access logs."""


@pytest.fixture(scope="session")
def page_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path]]:
    """The page's HTTPS server: its port and certificate."""
    cert, key = certs.self_signed(tmp_path_factory.mktemp("page"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], cert
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def azurite_https(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AzuriteHandle]:
    """Azurite over HTTPS, as real Azure is: SAS URLs signed for it carry spr=https."""
    with Azurite(tmp_path_factory.mktemp("azurite-https"), tls=True) as handle:
        yield handle


@pytest.fixture(scope="session")
def browser(
    page_server: tuple[int, Path], seaweedfs_https: SeaweedFSHandle, azurite_https: AzuriteHandle
) -> Iterator[Browser]:
    """One headless Chromium for the session (Debian's, installed by scripts/install-system-packages)."""
    binary = chromium()
    if binary is None:
        pytest.fail("chromium is not installed: run ./scripts/install-system-packages (make setup does)")
    port, cert = page_server
    assert seaweedfs_https.ca_bundle is not None and azurite_https.ca_bundle is not None
    host = ORIGIN.removeprefix("https://")
    opened = Browser(binary, f"MAP {host}:443 127.0.0.1:{port}", [cert, seaweedfs_https.ca_bundle,
                                                                  azurite_https.ca_bundle])  # fmt: skip
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two seconds of H.264 at 25 fps, a keyframe every 10 frames."""
    path = tmp_path_factory.mktemp("video") / "clip.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25", "-c:v", "libx264",
         "-pix_fmt", "yuv420p", "-g", "10", "-frames:v", "50", "-movflags", "+faststart", str(path)],
        check=True,
    )  # fmt: skip
    return path

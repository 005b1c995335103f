"""A video behind a signed URL is measured from its header and two windows of packets, not read whole.

The bytes are counted by a loopback proxy between ffprobe (and the ranged GET) and SeaweedFS: what the store
served is what a bucket of large videos would cost. The blocks are still `tether metadata`'s for the same
file on disk, and a variable rate is still refused, inside a window or between them.
"""

from __future__ import annotations

import http.client
import socket
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from runtime.media.metadata import read_metadata
from tests.servers import seaweedfs_s3
from tether.errors import InputError
from tether.register.measure import Unmeasurable, measure
from tether.standins.seaweedfs import SeaweedFSHandle

NOISY = ["-f", "lavfi", "-i", "testsrc=size=320x180:rate=25,noise=alls=30:allf=t", "-f", "lavfi", "-i",
         "sine=sample_rate=44100", "-t", "60", "-g", "50", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
         "-c:a", "aac", "-movflags", "+faststart"]  # fmt: skip
SMALL = ["-f", "lavfi", "-i", "testsrc=size=160x120:rate=25", "-t", "20", "-c:v", "libx264", "-pix_fmt", "yuv420p"]
SLOWER_AFTER = "setpts='if(lt(N,{n}),N,{n}+(N-{n})*2)/25/TB'"
"""Frames 1/25 s apart up to frame n, then 2/25 s: a variable rate starting at frame n."""


class Counting:
    """A loopback proxy in front of the store counting the body bytes it passes on (Range headers kept)."""

    def __init__(self, upstream: str) -> None:
        self.served = 0
        self.requests = 0
        lock = threading.Lock()
        outer = self
        target = urlsplit(upstream)

        class Handler(BaseHTTPRequestHandler):
            def setup(self) -> None:
                # a small send buffer: the kernel would otherwise take megabytes ffprobe never reads
                self.request.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 64 * 1024)
                super().setup()

            def do_GET(self) -> None:
                connection = http.client.HTTPConnection(target.hostname or "", target.port, timeout=30)
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                # the signature covers the store's host, so the proxy sends it on unchanged
                connection.request("GET", self.path, headers={**headers, "Host": target.netloc})
                answer = connection.getresponse()
                self.send_response(answer.status)
                for key, value in answer.getheaders():
                    if key.lower() not in ("connection", "transfer-encoding"):
                        self.send_header(key, value)
                self.send_header("Connection", "close")
                self.end_headers()
                with lock:
                    outer.requests += 1
                try:
                    while chunk := answer.read(16 * 1024):
                        self.wfile.write(chunk)
                        with lock:
                            outer.served += len(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # ffprobe read what it needed and hung up
                finally:
                    connection.close()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.upstream = f"{target.scheme}://{target.netloc}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, signed: str) -> str:
        return signed.replace(self.upstream, self.base, 1)


@pytest.fixture
def proxy(seaweedfs: SeaweedFSHandle) -> Iterator[Counting]:
    counting = Counting(seaweedfs.endpoint_url)
    yield counting
    counting.server.shutdown()
    counting.server.server_close()


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args], check=True)


def served(seaweedfs: SeaweedFSHandle, bucket: str, path: Path, proxy: Counting) -> str:
    """Put ``path`` in ``bucket`` and sign it through ``proxy``."""
    client = seaweedfs_s3(seaweedfs)
    client.put_object(Bucket=bucket, Key=path.name, Body=path.read_bytes())
    signed = client.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": path.name})
    return proxy.url(signed)


def test_a_large_video_is_measured_from_a_small_part_of_it(
    seaweedfs: SeaweedFSHandle, bucket: str, proxy: Counting, tmp_path: Path
) -> None:
    path = tmp_path / "large.mp4"
    ffmpeg(*NOISY, str(path))
    size = path.stat().st_size
    assert size > 5_000_000
    remote = measure(served(seaweedfs, bucket, path, proxy), path.name, size, None)
    assert remote.block == read_metadata(str(path)).block
    assert remote.block["duration"] == 60.0 and remote.block["fps"] == 25.0
    print(f"served {proxy.served} of {size} bytes in {proxy.requests} requests")
    # the header, two windows of 60 frames and the key frame interval of 50 before the second, of 1,500 frames
    assert proxy.served < size / 5, (proxy.served, size)


@pytest.mark.parametrize(
    ("name", "changed"),
    [("within-first-window.mp4", 20), ("between-windows.mp4", 250)],
)
def test_a_variable_rate_is_refused_through_a_url(
    seaweedfs: SeaweedFSHandle, bucket: str, proxy: Counting, tmp_path: Path, name: str, changed: int
) -> None:
    """Inside the first window the packets show it; between the windows the header's duration is not the
    frame count at the windows' rate, so every packet is read, as `tether metadata` reads them."""
    path = tmp_path / name
    ffmpeg(*SMALL, "-vf", SLOWER_AFTER.format(n=changed), "-fps_mode", "vfr", str(path))
    with pytest.raises(InputError, match="variable frame rate"):
        read_metadata(str(path))
    with pytest.raises(Unmeasurable, match=r"^variable frame rate"):
        measure(served(seaweedfs, bucket, path, proxy), name, path.stat().st_size, None)


def test_frames_an_edit_list_drops_are_counted_as_on_disk(
    seaweedfs: SeaweedFSHandle, bucket: str, proxy: Counting, tmp_path: Path
) -> None:
    """Cut without re-encoding, an MP4's header still counts the frames before the cut (ffprobe's nb_frames
    250 where 217 are shown): its duration gives that away, and the packets are read."""
    whole, cut = tmp_path / "whole.mp4", tmp_path / "cut.mp4"
    ffmpeg(*SMALL, "-g", "50", str(whole))
    ffmpeg("-ss", "1.3", "-i", str(whole), "-c", "copy", str(cut))
    remote = measure(served(seaweedfs, bucket, cut, proxy), cut.name, cut.stat().st_size, None)
    assert remote.block == read_metadata(str(cut)).block

"""Headless Debian Chromium driven over its DevTools pipe: what a real browser does with a signed URL.

The DevTools protocol over ``--remote-debugging-pipe`` (file descriptors 3 and 4, messages ended by NUL)
needs no port and no client library. A page is opened at the declared origin (``--host-resolver-rules``
maps the origin's host to the local page server) and a script in it does what the label editor does:
a ranged ``fetch`` of the signed URL reading ``Content-Range`` and ``ETag``, with the app's headers, and a
``<video crossorigin>`` that must play. Certificates are trusted by their SPKI hashes, nothing wider.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
    "--remote-debugging-pipe",
)
"""The machine notes' flags: without the background-networking ones Chromium's own connections are refused."""
TIMEOUT = 20.0
"""Seconds any one DevTools call may take; the page's own fetch and video give up after 8 s each."""

SCRIPT = """
async (url, headers) => {
  const out = {fetch: null, status: 0, contentRange: null, etag: null, video: null};
  try {
    const answer = await fetch(url, {headers: Object.assign({Range: "bytes=0-1023"}, headers), mode: "cors",
                                     signal: AbortSignal.timeout(8000)});
    out.status = answer.status;
    out.contentRange = answer.headers.get("Content-Range");
    out.etag = answer.headers.get("ETag");
    await answer.arrayBuffer();
    out.fetch = "ok";
  } catch (error) { out.fetch = String(error); }
  out.video = await new Promise((resolve) => {
    const video = document.createElement("video");
    video.crossOrigin = "anonymous";
    video.muted = true;
    const timer = setTimeout(() => resolve("timeout"), 8000);
    video.onloadeddata = () => { clearTimeout(timer); resolve("loaded"); };
    video.onerror = () => { clearTimeout(timer); resolve("error " + (video.error && video.error.code)); };
    video.src = url;
    document.body.appendChild(video);
  });
  return JSON.stringify(out);
}
"""


@dataclass(frozen=True)
class Outcome:
    """What the page saw: the ranged fetch, the headers it could read, and the video element."""

    fetch: str
    status: int
    content_range: str | None
    etag: str | None
    video: str

    @property
    def loads(self) -> bool:
        """The label editor works: 206 with Content-Range and ETag readable, and the video plays."""
        return (
            self.fetch == "ok" and self.status == 206 and bool(self.content_range) and bool(self.etag)
            and self.video == "loaded"
        )  # fmt: skip


def spki_hash(cert_pem: Path) -> str:
    """The base64 SHA-256 of a certificate's public key, as --ignore-certificate-errors-spki-list takes it."""
    cert = x509.load_pem_x509_certificate(cert_pem.read_bytes())
    der = cert.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(hashlib.sha256(der).digest()).decode()


def chromium() -> str | None:
    """Debian's chromium, as scripts/install-system-packages installs it."""
    return shutil.which("chromium")


class Browser:
    """One headless Chromium; ``check(page, url, headers)`` opens a tab at ``page`` and runs SCRIPT there."""

    def __init__(self, binary: str, resolver_rules: str, trusted: Iterable[Path]) -> None:
        self._profile = tempfile.mkdtemp(prefix="tether-chromium-")
        to_chromium, self._out = os.pipe()
        self._in, from_chromium = os.pipe()

        def wire() -> None:  # in the child, before exec: the pipe ends become fds 3 and 4
            os.dup2(to_chromium, 3)
            os.dup2(from_chromium, 4)

        spki = ",".join(spki_hash(path) for path in trusted)
        self._proc = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={self._profile}", f"--host-resolver-rules={resolver_rules}",
             f"--ignore-certificate-errors-spki-list={spki}", "about:blank"],
            preexec_fn=wire, pass_fds=(3, 4), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,  # its renderer and GPU processes share the group, so close() stops them all
        )  # fmt: skip
        os.close(to_chromium)
        os.close(from_chromium)
        self._buffer = b""
        self._next = 0

    def _call(self, method: str, params: Mapping[str, Any] | None = None, session: str | None = None) -> Any:
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": dict(params or {})}
        if session:
            message["sessionId"] = session
        os.write(self._out, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + TIMEOUT
        while True:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                answer = json.loads(raw)
                if answer.get("id") == self._next:
                    if "error" in answer:
                        raise RuntimeError(f"{method}: {answer['error']}")
                    return answer["result"]
            if time.monotonic() > deadline:
                raise TimeoutError(f"Chromium did not answer {method} within {TIMEOUT:g}s")
            chunk = os.read(self._in, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed its DevTools pipe")
            self._buffer += chunk

    def check(self, page: str, url: str, headers: Mapping[str, str] | None = None) -> Outcome:
        """Open ``page`` in a fresh tab, let it fetch and play ``url``, close the tab."""
        target = self._call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self._call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        try:
            self._call("Page.enable", session=session)
            self._call("Network.enable", session=session)
            self._call("Network.setCacheDisabled", {"cacheDisabled": True}, session=session)  # each case afresh
            self._call("Page.navigate", {"url": page}, session=session)
            for _ in range(100):  # the navigation commits asynchronously: poll for the origin's document
                with contextlib.suppress(RuntimeError):  # the old document's context may vanish mid-call
                    found = self._call("Runtime.evaluate", {"expression": "location.origin + document.readyState"},
                                       session=session)  # fmt: skip
                    if found["result"].get("value") == page.rstrip("/") + "complete":
                        break
                time.sleep(0.05)
            call = f"({SCRIPT})({json.dumps(url)}, {json.dumps(dict(headers or {}))})"
            result = self._call(
                "Runtime.evaluate", {"expression": call, "awaitPromise": True, "returnByValue": True}, session=session
            )
            seen = json.loads(result["result"]["value"])
        finally:
            self._call("Target.closeTarget", {"targetId": target})
        return Outcome(seen["fetch"], seen["status"], seen["contentRange"], seen["etag"], seen["video"])

    def close(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self._proc.pid, signal.SIGKILL)
        self._proc.wait(timeout=10)
        os.close(self._out)
        os.close(self._in)
        shutil.rmtree(self._profile, ignore_errors=True)

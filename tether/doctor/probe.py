"""One HTTP request exactly as given (the signed URL is never re-encoded), with what TLS was negotiated.

``http.client`` rather than a higher-level client: the path and query go out byte for byte, headers such as
``Origin`` are sent as set, and the TLS version of the connection can be read.
"""

from __future__ import annotations

import http.client
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

TIMEOUT = 15.0
BODY_LIMIT = 4096
"""Bytes of a body kept: enough for an XML error's code, never a whole object."""


@dataclass(frozen=True)
class Answer:
    """A response (``status`` 0 when none came, with ``error`` saying why)."""

    status: int
    headers: Mapping[str, Sequence[str]] = field(default_factory=dict)
    body: bytes = b""
    tls: str | None = None
    error: str | None = None
    certificate: bool = True
    """False when the TLS certificate was not trusted."""

    def error_code(self) -> str:
        """The ``<Code>`` of an S3 or Azure XML error body ('' when there is none)."""
        text = self.body.decode("utf-8", "replace")
        start = text.find("<Code>")
        return "" if start < 0 else text[start + 6 : text.find("</Code>", start)]


def tls_context(ca_file: str | None) -> ssl.SSLContext:
    """The system's trust store, or ``ca_file`` alone (a sandbox's own certificate)."""
    return ssl.create_default_context(cafile=ca_file) if ca_file else ssl.create_default_context()


def request(url: str, method: str = "GET", headers: Mapping[str, str] | None = None,
            ca_file: str | None = None) -> Answer:  # fmt: skip
    """Send one request; network and TLS failures come back as an Answer with ``error`` set."""
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        connection = http.client.HTTPSConnection(
            parts.hostname or "", parts.port, timeout=TIMEOUT, context=tls_context(ca_file)
        )
    else:
        connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=TIMEOUT)
    try:
        connection.request(method, target, headers=dict(headers or {}))
        response = connection.getresponse()
        body = response.read(BODY_LIMIT)
        tls = connection.sock.version() if isinstance(connection.sock, ssl.SSLSocket) else None
        found: dict[str, list[str]] = {}
        for name, value in response.getheaders():
            found.setdefault(name.lower(), []).append(value)
        return Answer(response.status, found, body, tls)
    except ssl.SSLCertVerificationError as error:
        return Answer(0, error=f"the TLS certificate is not trusted ({error.verify_message})", certificate=False)
    except (OSError, http.client.HTTPException) as error:
        return Answer(0, error=str(error) or type(error).__name__)
    finally:
        connection.close()

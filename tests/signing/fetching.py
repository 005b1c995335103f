"""A plain HTTP client for the real-server tests: sends a signed URL exactly as given, never re-encoding it."""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes

    def error_code(self) -> str:
        """The ``<Code>`` of an S3 or Azure XML error body ('' when there is none)."""
        text = self.body.decode("utf-8", "replace")
        start = text.find("<Code>")
        return "" if start < 0 else text[start + 6 : text.find("</Code>", start)]


def fetch(url: str, method: str = "GET", data: bytes | None = None, headers: dict[str, str] | None = None) -> Answer:
    request = urllib.request.Request(url, method=method, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return Answer(response.status, response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.read())


def with_signature_char_changed(url: str, field: str) -> str:
    """The same URL with the first character of query field ``field`` (the signature) replaced by another."""
    start = url.index(f"{field}=") + len(field) + 1
    replacement = "A" if url[start] != "A" else "B"
    if url[start].isdigit() or url[start] in "abcdef":  # hex signatures stay hex
        replacement = "0" if url[start] != "0" else "1"
    return url[:start] + replacement + url[start + 1 :]

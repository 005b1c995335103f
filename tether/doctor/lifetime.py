"""When a signed URL really stops working, read from the URL itself (what the store will check).

SigV4 (AWS, OTC, S3-compatible): ``X-Amz-Date`` + ``X-Amz-Expires``; SigV2: ``Expires`` (epoch seconds);
GCS V4: ``X-Goog-Date`` + ``X-Goog-Expires``; Azure SAS: ``se`` (ISO 8601, UTC).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit


def expires_at(url: str) -> datetime | None:
    """The moment the URL's signature expires, or None when the URL does not say."""
    query = {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}
    for date, seconds in (("X-Amz-Date", "X-Amz-Expires"), ("X-Goog-Date", "X-Goog-Expires")):
        if date in query and seconds in query:
            start = datetime.strptime(query[date], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            return start + timedelta(seconds=int(query[seconds]))
    if "se" in query:
        return datetime.fromisoformat(query["se"].replace("Z", "+00:00"))
    if "Expires" in query and query["Expires"].isdigit():
        return datetime.fromtimestamp(int(query["Expires"]), UTC)
    return None


def protocols(url: str) -> str | None:
    """An Azure SAS's ``spr`` (the schemes it may be used over), or None for other URLs."""
    values = parse_qs(urlsplit(url).query).get("spr")
    return values[0] if values else None

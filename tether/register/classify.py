"""Which list of a registration file an object belongs in, from its name and, failing that, its content type.

The extension decides first (Python's own table, the same on every machine), because stores often hold
``application/octet-stream`` for everything; a listed content type decides for names without a known one,
and the content itself when neither says anything (datasets often name objects by a hash).
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass

from runtime.manifest.build import PLAIN_LISTS
from runtime.manifest.fields import MEDIA_KINDS

_TABLE = mimetypes.MimeTypes()
_GENERIC = {"application/octet-stream", "binary/octet-stream", ""}


@dataclass(frozen=True)
class Class:
    """The list an object goes in, its MIME type, and whether it needs measuring (media does)."""

    list_key: str
    mime: str
    media: str | None
    """``video``, ``image`` or ``audio``; None for lists without a metadata block (text, pdfs)."""


BY_CONTENT = Class("", "", "unknown")
"""An object whose name and listed type claim nothing (``0a1b2c``, ``frame.bin``, octet-stream): measured, so that
its content decides its list, and skipped when it is no video, image or sound."""


def classify(key: str, content_type: str | None = None) -> Class | None:
    """The object's list, BY_CONTENT when nothing but its content can tell, or None when no list takes it."""
    guessed = _TABLE.guess_type(key, strict=False)[0]
    listed = (content_type or "").split(";")[0].strip().lower()
    mime = next((m for m in (guessed, listed) if m and m not in _GENERIC), None)
    if mime is None:
        return BY_CONTENT
    top = mime.partition("/")[0]
    if top in MEDIA_KINDS:
        return Class(MEDIA_KINDS[top].key, mime, top)
    plain = PLAIN_LISTS.get(mime) or PLAIN_LISTS.get(top)
    return Class(plain, mime, None) if plain else None

"""What a registration file may hold (R12): its lists, their items, and each media metadata field with its sane range.

The product documentation lists metadata keys in snake_case but writes image metadata in camelCase, so both
spellings are accepted; snake_case is canonical and is what problems and generated manifests use. The fast
decoder (``structs``) and the reference validator (``validate``) both take their limits from here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

MAX_URL_LENGTH = 16 * 1024
"""The platform accepts object URLs up to 16 KB."""
MAX_FPS = 1000.0
"""High-speed cameras aside, nothing plays back faster; 0 or 25000 is a typo."""
MAX_DURATION = 31 * 24 * 3600.0
"""A month in seconds: longer single files are a unit mistake (milliseconds given as seconds)."""
MAX_VIDEO_SIDE = 32_768
"""Twice 16K: codecs and browsers stop well before this."""
MAX_IMAGE_SIDE = 1_000_000
"""Whole-slide and satellite scans reach a few hundred thousand pixels a side."""
MAX_FILE_SIZE = 200 * 2**40
"""No supported store holds a larger object (Azure block blobs stop near 190.7 TiB)."""
MIN_SAMPLE_RATE, MAX_SAMPLE_RATE = 1_000, 768_000
"""From below telephony (8 kHz) to the fastest audio converters (768 kHz)."""
MAX_BIT_DEPTH = 64
"""1-bit DSD up to 64-bit float samples."""
MAX_CHANNELS = 256
"""Beyond surround and ambisonics; catches a sample rate typed into the channel count."""

MIME_SUBTYPE = r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}"
"""RFC 6838 restricted-name characters."""
CODEC = r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}"

Check = Callable[[object], str | None]


def _shown(value: object) -> str:
    if isinstance(value, int) and value.bit_length() > 200:
        return f"an integer of about {int(value.bit_length() * 0.30103) + 1:,} digits"  # repr() refuses past 4,300
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def number(limit: float, low: float = 0.0) -> Check:
    """A JSON number above ``low`` and at most ``limit``."""

    def check(value: object) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"must be a number, got {_shown(value)}"
        if not low < value <= limit:  # also refuses NaN and infinities, which compare false
            return f"must be greater than {low:,g} and at most {limit:,.0f}, got {_shown(value)}"
        return None

    return check


def integer(low: int, high: int) -> Check:
    """A JSON integer from ``low`` to ``high``."""

    def check(value: object) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int):
            return f"must be a whole number, got {_shown(value)}"
        if not low <= value <= high:
            return f"must be from {low:,} to {high:,}, got {_shown(value)}"
        return None

    return check


def mime(media: str, list_key: str) -> Check:
    """A MIME type whose top-level type is the list's (``video/...`` in ``videos``)."""
    pattern = re.compile(rf"{MIME_SUBTYPE}/{MIME_SUBTYPE}")

    def check(value: object) -> str | None:
        if not isinstance(value, str) or not pattern.fullmatch(value):
            return f"must be a MIME type such as {media}/{_EXAMPLE_SUBTYPE[media]}, got {_shown(value)}"
        if value.partition("/")[0].lower() != media:
            return f"{value!r} does not fit the {list_key} list: expected {media}/..."
        return None

    return check


def codec(value: object) -> str | None:
    """A codec name as ffprobe prints it (mp3, aac, pcm_s16le...)."""
    if not isinstance(value, str) or not re.fullmatch(CODEC, value):
        return f"must be a codec name such as mp3 or pcm_s16le, got {_shown(value)}"
    return None


_EXAMPLE_SUBTYPE = {"video": "mp4", "image": "jpeg", "audio": "mpeg"}


@dataclass(frozen=True)
class Field:
    """One metadata key: its canonical name, the other spelling accepted, and its check."""

    name: str
    spelling: str | None
    check: Check
    required: bool = True


@dataclass(frozen=True)
class Kind:
    """One top-level list of a registration file and what its items carry."""

    key: str
    metadata: str | None = None
    """The media metadata block its items may carry (required for strict client-only)."""
    fields: tuple[Field, ...] = ()
    grouped: bool = False
    """Items list several objects as objectUrl_0, objectUrl_1, ... instead of one objectUrl."""

    @property
    def item_keys(self) -> tuple[str, ...]:
        """The keys an item of this list may have (besides objectUrl_N for grouped lists)."""
        own = ("title", "clientMetadata") if self.grouped else ("objectUrl", "title", "clientMetadata")
        extra = (self.metadata,) if self.metadata else ("createVideo",) if self.key == "image_groups" else ()
        return own + extra

    @cached_property
    def by_key(self) -> dict[str, Field]:
        """Metadata fields by either spelling."""
        return {f.name: f for f in self.fields} | {f.spelling: f for f in self.fields if f.spelling}


def _size(side: int) -> tuple[Field, Field]:
    return Field("width", None, integer(1, side)), Field("height", None, integer(1, side))


_FILE_SIZE = Field("file_size", "fileSize", integer(1, MAX_FILE_SIZE))
_DURATION = Field("duration", None, number(MAX_DURATION))

VIDEOS = Kind(
    "videos",
    "videoMetadata",
    (
        Field("fps", None, number(MAX_FPS)),
        _DURATION,
        *_size(MAX_VIDEO_SIDE),
        _FILE_SIZE,
        Field("mime_type", "mimeType", mime("video", "videos")),
    ),
)
IMAGES = Kind(
    "images",
    "imageMetadata",
    (*_size(MAX_IMAGE_SIDE), _FILE_SIZE, Field("mime_type", "mimeType", mime("image", "images"))),
)
AUDIO = Kind(
    "audio",
    "audioMetadata",
    (
        _DURATION,
        _FILE_SIZE,
        Field("mime_type", "mimeType", mime("audio", "audio")),
        Field("sample_rate", "sampleRate", integer(MIN_SAMPLE_RATE, MAX_SAMPLE_RATE)),
        # Lossy codecs (mp3, aac, opus, vorbis) keep no bit depth: a number there would be the decoder's float
        # format, not the file's, so the field is left out for them (torchaudio's info says 0 for the same reason).
        Field("bit_depth", "bitDepth", integer(1, MAX_BIT_DEPTH), required=False),
        Field("codec", None, codec),
        Field("num_channels", "numChannels", integer(1, MAX_CHANNELS)),
    ),
)

KINDS: dict[str, Kind] = {
    kind.key: kind
    for kind in (
        VIDEOS,
        IMAGES,
        AUDIO,
        Kind("image_groups", grouped=True),
        Kind("dicom_series", grouped=True),
        Kind("text"),
        Kind("pdfs"),
    )
}
"""Every list a registration file may hold, by its key."""

SKIP_DUPLICATES = "skip_duplicate_urls"
"""The one top-level key that is not a list: a boolean."""

MEDIA_KINDS = {"video": VIDEOS, "image": IMAGES, "audio": AUDIO}
"""The list each kind of media file goes in, by MIME top-level type."""

"""The metadata block a registration file needs for a local media file, measured with ffprobe (R8, R12).

Strict client-only integrations take metadata as given, so it is measured here, on the owner's machine,
rather than guessed: fps, duration and size as ffprobe reads them, the size in bytes as ``ls -l`` shows.
"""

from __future__ import annotations

import mimetypes
import os
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from runtime.manifest.fields import MEDIA_KINDS, Kind
from runtime.media.probe import probe
from tether.errors import InputError

_MIME = mimetypes.MimeTypes()
"""Python's own table only: the same answer on every machine, whatever /etc/mime.types says."""
_SAMPLE_BITS = {"u8": 8, "s16": 16, "s32": 32, "s64": 64, "flt": 32, "dbl": 64}
"""Bits per decoded sample, for compressed audio whose stream has no bit depth of its own."""


def mime_type(path: str) -> str | None:
    """The MIME type a file's extension stands for, if known."""
    return _MIME.guess_type(path, strict=False)[0]


@dataclass(frozen=True)
class MediaMetadata:
    """One file's metadata block, keys canonical (snake_case) and in the order the documentation lists them."""

    kind: Kind
    block: dict[str, int | float | str]

    def as_item(self, object_url: str, title: str) -> dict[str, object]:
        """A manifest item for this file."""
        assert self.kind.metadata
        return {"objectUrl": object_url, "title": title, self.kind.metadata: self.block}


def read_metadata(path: str) -> MediaMetadata:
    """Measure ``path``; InputError when it is not a video, image or audio file ffprobe can read."""
    media_type(path)
    return describe(path, probe(path))


def media_type(path: str) -> str:
    """The file's MIME type, from its extension; InputError unless it is a video, image or audio type."""
    mime = mime_type(path)
    if mime is None or mime.partition("/")[0] not in MEDIA_KINDS:
        what = f"its extension means {mime}" if mime else "its extension is not a known media type"
        raise InputError(f"{path}: not a video, image or audio file ({what})")
    return mime


def pictures(found: dict[str, Any]) -> list[dict[str, Any]]:
    """The picture streams of ffprobe's answer (cover art attached to audio is not one)."""
    return [
        s
        for s in found.get("streams", [])
        if s.get("codec_type") == "video" and not s.get("disposition", {}).get("attached_pic")
    ]


def describe(path: str, found: dict[str, Any]) -> MediaMetadata:
    """The metadata block of ``path`` from ffprobe's answer ``found`` about it."""
    mime = media_type(path)
    media = mime.partition("/")[0]
    streams: list[dict[str, Any]] = found.get("streams", [])
    pictures_ = pictures(found)
    sounds = [s for s in streams if s.get("codec_type") == "audio"]
    size = os.stat(path).st_size
    if media == "image" or (media == "video" and pictures_):
        if not pictures_:
            raise InputError(f"{path}: ffprobe finds no picture in it")
        stream = pictures_[0]
        sides = {"width": int(stream["width"]), "height": int(stream["height"])}
        if media == "image":
            block: dict[str, int | float | str] = {**sides, "file_size": size, "mime_type": mime}
        else:
            block = {
                "fps": _fps(stream, path),
                "duration": _duration(found, path),
                **sides,
                "file_size": size,
                "mime_type": mime,
            }
    else:
        if not sounds:
            raise InputError(f"{path}: ffprobe finds neither pictures nor sound in it")
        media = "audio"  # audio in a video container (an .mp4 of speech) is registered as audio/mp4
        stream = sounds[0]
        block = {
            "duration": _duration(found, path),
            "file_size": size,
            "mime_type": "audio/" + mime.partition("/")[2],
            "sample_rate": int(stream["sample_rate"]),
            "bit_depth": _bit_depth(stream, path),
            "codec": str(stream["codec_name"]),
            "num_channels": int(stream["channels"]),
        }
    kind = MEDIA_KINDS[media]
    for field in kind.fields:
        problem = field.check(block[field.name])
        if problem:
            raise InputError(f"{path}: {field.name} {problem} as ffprobe measures it: a manifest would refuse it")
    return MediaMetadata(kind, block)


def _duration(found: dict[str, Any], path: str) -> float:
    """Seconds, from the container or else the first stream that knows."""
    for source in (found.get("format", {}), *found.get("streams", [])):
        if source.get("duration") not in (None, "N/A"):
            return float(source["duration"])
    raise InputError(f"{path}: ffprobe reports no duration")


def _fps(stream: dict[str, Any], path: str) -> float:
    for key in ("avg_frame_rate", "r_frame_rate"):
        text = stream.get(key, "0/0")
        numerator, _, denominator = text.partition("/")
        if int(numerator or 0) and int(denominator or 1):
            return float(Fraction(int(numerator), int(denominator or 1)))
    raise InputError(f"{path}: ffprobe reports no frame rate")


def _bit_depth(stream: dict[str, Any], path: str) -> int:
    for key in ("bits_per_raw_sample", "bits_per_sample"):
        bits = int(stream.get(key) or 0)
        if bits:
            return bits
    sample_format = str(stream.get("sample_fmt", "")).removesuffix("p")
    if sample_format in _SAMPLE_BITS:
        return _SAMPLE_BITS[sample_format]
    raise InputError(f"{path}: ffprobe reports no bit depth")

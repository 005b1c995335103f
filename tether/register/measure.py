"""An object's metadata block measured through a signed URL, never by downloading it whole.

Video and audio: ffprobe reads the container header with HTTP range requests. Images: one ranged GET of
the first bytes, from which Pillow reads the dimensions as displayed (EXIF orientation; it parses headers
lazily); a larger range only
when the header runs past the first one (big EXIF blocks). The size is the listing's, as ``ls -l`` would say.
Every value is checked against the registration file's own limits before it is written.
"""

from __future__ import annotations

import io
import json
import re
import ssl
import subprocess
import urllib.error
import urllib.request
from fractions import Fraction
from typing import Any

from PIL import ExifTags, Image, UnidentifiedImageError

from runtime.manifest.fields import MEDIA_KINDS
from runtime.media.probe import ffprobe_path
from tether.register.classify import Class

HEAD_BYTES = (64 * 1024, 1024 * 1024)
"""Ranges tried for an image's header: nearly all fit the first; a few JPEGs carry a large EXIF block."""
TIMEOUT = 60
_QUERY = re.compile(r"((?:https?|s3|gs)://[^\s?'\"]*)\?[^\s'\"]*")
_TURNED = {5, 6, 7, 8}
"""EXIF orientations that turn a JPEG a quarter: browsers show it turned (CSS image-orientation: from-image),
so the label editor's width is the stored height."""
_SAMPLE_BITS = {"u8": 8, "s16": 16, "s32": 32, "s64": 64, "flt": 32, "dbl": 64}


class Unmeasurable(Exception):
    """Why one object could not be measured; the run reports it and goes on."""


def measure(url: str, found: Class, size: int, ca_file: str | None) -> dict[str, int | float | str]:
    """The metadata block of the object behind ``url`` (Unmeasurable with the reason)."""
    assert found.media is not None
    if found.media == "image":
        width, height = _image_size(url, ca_file)
        block: dict[str, int | float | str] = {"width": width, "height": height, "file_size": size}
        block["mime_type"] = found.mime
    else:
        block = _av_block(_ffprobe(url, ca_file), found, size)
    media = str(block["mime_type"]).partition("/")[0]  # audio in a video container is registered as audio
    for field in MEDIA_KINDS[media].fields:
        problem = field.check(block[field.name])
        if problem:
            raise Unmeasurable(f"{field.name} {problem} as measured: a registration file would refuse it")
    return block


def _image_size(url: str, ca_file: str | None) -> tuple[int, int]:
    context = ssl.create_default_context(cafile=ca_file) if url.startswith("https:") else None
    for length in HEAD_BYTES:
        request = urllib.request.Request(url, headers={"Range": f"bytes=0-{length - 1}"})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT, context=context) as answer:
                head = answer.read(length)
        except urllib.error.HTTPError as error:
            raise Unmeasurable(f"the store answered {error.code} {error.reason} to a ranged GET") from None
        except (urllib.error.URLError, OSError) as error:
            raise Unmeasurable(f"cannot read the object: {getattr(error, 'reason', error)}") from None
        try:
            with Image.open(io.BytesIO(head)) as image:
                width, height = image.size
                turned = image.format == "JPEG" and image.getexif().get(ExifTags.Base.Orientation, 1) in _TURNED
                return (height, width) if turned else (width, height)
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
            if len(head) < length:  # the whole object was read: it is not an image Pillow knows
                raise Unmeasurable(f"not an image Pillow can read ({error})") from None
    raise Unmeasurable(f"no image header in the first {HEAD_BYTES[-1]:,} bytes")


def unsigned(text: str) -> str:
    """``text`` with the query of every URL in it dropped: a signed URL is a bearer credential, never repeated."""
    return _QUERY.sub(r"\1?<signature removed>", text)


def _ffprobe(url: str, ca_file: str | None) -> dict[str, Any]:
    tls = ["-tls_verify", "1", "-ca_file", ca_file] if ca_file and url.startswith("https:") else []
    command = [ffprobe_path(), "-v", "error", *tls, "-print_format", "json", "-show_format", "-show_streams", url]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise Unmeasurable(f"ffprobe took longer than {TIMEOUT} s") from None
    if done.returncode != 0:
        said = (done.stderr.strip().splitlines() or ["no reason given"])[-1]
        raise Unmeasurable(f"not media ffprobe can read ({unsigned(said)})")
    found: dict[str, Any] = json.loads(done.stdout)
    return found


def _av_block(found: dict[str, Any], kind: Class, size: int) -> dict[str, int | float | str]:
    streams: list[dict[str, Any]] = found.get("streams", [])
    pictures = [
        s for s in streams if s.get("codec_type") == "video" and not s.get("disposition", {}).get("attached_pic")
    ]
    sounds = [s for s in streams if s.get("codec_type") == "audio"]
    try:
        if kind.media == "video" and pictures:
            picture = pictures[0]
            return {
                "fps": _fps(picture), "duration": _duration(found), "width": int(picture["width"]),
                "height": int(picture["height"]), "file_size": size, "mime_type": kind.mime,
            }  # fmt: skip
        if not sounds:
            raise Unmeasurable("ffprobe finds neither pictures nor sound in it")
        sound = sounds[0]
        return {
            "duration": _duration(found), "file_size": size, "mime_type": "audio/" + kind.mime.partition("/")[2],
            "sample_rate": int(sound["sample_rate"]), "bit_depth": _bit_depth(sound),
            "codec": str(sound["codec_name"]), "num_channels": int(sound["channels"]),
        }  # fmt: skip
    except (KeyError, ValueError, ZeroDivisionError) as error:
        raise Unmeasurable(f"ffprobe's answer lacks {error}") from None


def _duration(found: dict[str, Any]) -> float:
    for source in (found.get("format", {}), *found.get("streams", [])):
        if source.get("duration") not in (None, "N/A"):
            return float(source["duration"])
    raise Unmeasurable("ffprobe reports no duration")


def _fps(stream: dict[str, Any]) -> float:
    for key in ("avg_frame_rate", "r_frame_rate"):
        rate = Fraction(stream.get(key) or "0/1") if stream.get(key) != "0/0" else Fraction(0)
        if rate:
            return float(rate)
    raise Unmeasurable("ffprobe reports no frame rate")


def _bit_depth(stream: dict[str, Any]) -> int:
    for key in ("bits_per_raw_sample", "bits_per_sample"):
        bits = int(stream.get(key) or 0)
        if bits:
            return bits
    sample_format = str(stream.get("sample_fmt", "")).removesuffix("p")
    if sample_format in _SAMPLE_BITS:
        return _SAMPLE_BITS[sample_format]
    raise Unmeasurable("ffprobe reports no bit depth")

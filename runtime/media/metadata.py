"""The metadata block a registration file needs for a media file, as the label editor will see it (R8, R12).

One measurer for both ways a file is seen: a local path (`tether metadata`, `media check`) and an object
behind a signed URL (`tether register`), so the same bytes give the same block whichever way they are read.

Strict client-only integrations take metadata as given, so it is measured here, on the owner's machine, and
measured as a browser displays the file rather than as it is coded: rotation (a video's display matrix, a
JPEG's EXIF orientation) and non-square pixels change the width and height; a video's duration and frame
rate are its picture stream's, whatever the sound track lasts; the type comes from the content, not the name.
"""

from __future__ import annotations

import itertools
import mimetypes
import shlex
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from PIL import ExifTags, Image

from runtime.manifest.fields import MEDIA_KINDS, Kind
from runtime.media.content import (
    LOSSLESS_AUDIO,
    Content,
    NotMedia,
    Unplayable,
    av_content,
    heif_brand,
    name_mismatch,
    sniff_image,
)
from runtime.media.probe import FfprobeMissing, Packet, packets, packets_within, probe
from runtime.media.source import Source, as_source
from tether.errors import InputError

WINDOW = 60
"""Packets of a video's picture stream read at its start and near its end through a URL (see _bounded_timing)."""
REORDER = 16
"""Frames a decoder may hold back for reordering (H.264 and HEVC allow at most 16): the last this many of a
window, in display order, may have neighbours just after the window, so they are not timed."""
_ROTATED = {5, 6, 7, 8}
"""EXIF orientations that turn the picture a quarter: browsers apply them (CSS image-orientation: from-image)."""


@dataclass(frozen=True)
class MediaMetadata:
    """One file's metadata block, keys canonical (snake_case) and in the order the documentation lists them."""

    kind: Kind
    block: dict[str, int | float | str]
    notes: tuple[str, ...] = ()
    """What the owner should know about the file (a misleading name, browsers that do not show it)."""

    def as_item(self, object_url: str, title: str) -> dict[str, object]:
        """A manifest item for this file."""
        assert self.kind.metadata
        return {"objectUrl": object_url, "title": title, self.kind.metadata: self.block}


@dataclass(frozen=True)
class Timing:
    """A video stream's frames as the editor steps through them."""

    frames: int
    fps: Fraction
    duration: float
    shortest: Fraction
    longest: Fraction
    """The shortest and longest time a frame stays on screen, in seconds."""
    variable: bool


def read_metadata(source: Source | str) -> MediaMetadata:
    """Measure ``source`` (a local path, or a :class:`Source` through a URL); InputError when it is not a video,
    image or audio file a browser shows, ReadError when it cannot be read."""
    source = as_source(source)
    path = source.name
    if heif_brand(source):
        raise Unplayable(
            f"{path}: HEIC/HEIF image: only Safari displays it (Chrome, Edge and Firefox do not); "
            f"convert it to JPEG, e.g. heif-convert {shlex.join([path, str(Path(path).with_suffix('.jpg'))])}"
        )
    sniffed = sniff_image(source)
    if sniffed is not None:
        return _image(source, *sniffed)
    try:
        found = probe(source)
    except FfprobeMissing:
        raise
    except InputError as error:
        named = mimetypes.guess_type(path, strict=False)[0] or ""
        if named.partition("/")[0] in ("video", "image", "audio"):
            raise  # named as media but unreadable: broken, not merely something else
        said = f"its extension means {named}" if named else str(error).removeprefix(f"{path}: ")
        raise NotMedia(f"{path}: not a video, image or audio file ({said})") from None
    return describe(source, found)


def pictures(found: dict[str, Any]) -> list[dict[str, Any]]:
    """The picture streams of ffprobe's answer (cover art attached to audio is not one)."""
    return [
        s
        for s in found.get("streams", [])
        if s.get("codec_type") == "video" and not s.get("disposition", {}).get("attached_pic")
    ]


def _image(source: Source, image: Image.Image, mime: str) -> MediaMetadata:
    with image:
        width, height = image.size
        orientation = image.getexif().get(ExifTags.Base.Orientation, 1) if mime == "image/jpeg" else 1
        frames = int(getattr(image, "n_frames", 1))
        what = f"{image.format} image"
    if orientation in _ROTATED:
        width, height = height, width
    content = Content("image", mime, what)
    notes = [n for n in (name_mismatch(source.name, content),) if n]
    if frames > 1:
        notes.append(
            f"animated ({frames} frames): the editor labels it as one {width}x{height} image; "
            "register it as a video if labels must follow the frames"
        )
    block: dict[str, int | float | str] = {
        "width": width,
        "height": height,
        "file_size": source.size,
        "mime_type": mime,
    }
    return _checked(source.name, "image", block, notes)


def describe(source: Source, found: dict[str, Any], playable: bool = True) -> MediaMetadata:
    """The metadata block of a sound or video file ``source`` from ffprobe's answer ``found`` about it.

    Unplayable unless some browser plays it; with ``playable=False`` it is measured all the same (for
    `media check`, whose fix converts it).
    """
    path = source.name
    pictures_ = pictures(found)
    content = av_content(source, found, pictures_)
    if content.refused and playable:
        raise Unplayable(content.refused)
    notes = [*content.notes, *(n for n in (name_mismatch(path, content),) if n)]
    size = source.size
    if content.kind == "video":
        stream = pictures_[0]
        try:
            timing = _bounded_timing(source, found, stream) or video_timing(
                stream, [p for p in packets(source, found) if p.stream == int(stream["index"])]
            )
        except InputError as error:
            raise InputError(f"{path}: {error}") from None
        if timing.variable:
            raise InputError(_variable(path, timing))
        width, height = displayed_size(stream)
        block: dict[str, int | float | str] = {
            "fps": float(timing.fps),
            "duration": round(timing.duration, 6),
            "width": width,
            "height": height,
            "file_size": size,
            "mime_type": content.mime,
        }
        return _checked(path, "video", block, notes)
    stream = next(s for s in found["streams"] if s.get("codec_type") == "audio")
    codec = str(stream["codec_name"])
    block = {
        "duration": _audio_duration(source, found, stream),
        "file_size": size,
        "mime_type": content.mime,
        "sample_rate": int(stream["sample_rate"]),
    }
    if codec.startswith(LOSSLESS_AUDIO):  # lossy codecs keep no bit depth: ffprobe's would be the decoder's floats
        block["bit_depth"] = _bit_depth(stream, path)
    block |= {"codec": codec, "num_channels": int(stream["channels"])}
    return _checked(path, "audio", block, notes)


def _checked(path: str, media: str, block: dict[str, int | float | str], notes: list[str]) -> MediaMetadata:
    kind = MEDIA_KINDS[media]
    for field in kind.fields:
        if field.name not in block or (field.name == "mime_type" and not block[field.name]):
            continue  # no registered type for a format no browser plays: `media check` measures it anyway
        problem = field.check(block[field.name])
        if problem:
            raise InputError(f"{path}: {field.name} {problem} as measured: a manifest would refuse it")
    return MediaMetadata(kind, block, tuple(notes))


def displayed_size(stream: dict[str, Any]) -> tuple[int, int]:
    """Width and height as browsers display the stream: non-square pixels stretched, quarter turns applied.

    Pixels are stretched as Chromium does (media/base/video_aspect_ratio.cc, GetNaturalSize): wide pixels
    grow the width, narrow pixels grow the height, never shrinking either.
    """
    width, height = int(stream["width"]), int(stream["height"])
    num, _, den = str(stream.get("sample_aspect_ratio", "1:1")).partition(":")
    if num.isdigit() and den.isdigit() and int(num) and int(den):
        aspect = Fraction(int(num), int(den))
        if aspect >= 1:
            width = round(width * aspect)
        else:
            height = round(height / aspect)
    if _rotation(stream) % 180 == 90:
        width, height = height, width
    return width, height


def _rotation(stream: dict[str, Any]) -> int:
    """The display matrix's rotation in degrees (0 when none), as ffprobe reports it."""
    for side in stream.get("side_data_list", []):
        if "rotation" in side:
            return round(float(side["rotation"]))
    return round(float(stream.get("tags", {}).get("rotate", 0) or 0))


def video_timing(stream: dict[str, Any], frames: list[Packet]) -> Timing:
    """Frame count, rate and duration of a video stream from its packets, in display order.

    Constant when every frame lasts 1/fps within a tick of the time base or 1% (containers round
    timestamps: 30000/1001 fps in Matroska's milliseconds alternates 33 and 34 ms).
    """
    times = sorted(p.time for p in frames)
    rates = [_rate(stream.get(key)) for key in ("r_frame_rate", "avg_frame_rate")]
    intervals = [b - a for a, b in itertools.pairwise(times)]
    if not intervals:
        fps = next((r for r in rates if r), Fraction(0))
        duration = float(stream.get("duration") or 0) or (1 / float(fps) if fps else 0.0)
        return Timing(len(times), fps, duration, Fraction(0), Fraction(0), False)
    middle = sorted(intervals)[len(intervals) // 2]
    candidates = [r for r in rates if r] or ([1 / middle] if middle > 0 else [])
    if not candidates:
        raise InputError("its frames share timestamps and ffprobe reports no frame rate")
    fps = min(candidates, key=lambda r: abs(1 / r - middle))
    step = 1 / fps
    tick = Fraction(str(stream.get("time_base", "1/1000")))
    slack = max(tick, step / 100)
    variable = any(abs(d - step) > slack for d in intervals)
    if variable:
        last = max(frames, key=lambda p: p.time)
        duration = float(times[-1] + (last.duration or middle) - times[0])
    else:
        duration = float(len(times) / fps)
    shortest = min((d for d in intervals if d > 0), default=step)  # a repeated timestamp is no frame rate
    return Timing(len(times), fps, duration, shortest, max(intervals), variable)


def _bounded_timing(source: Source, found: dict[str, Any], stream: dict[str, Any]) -> Timing | None:
    """A video's timing through a URL from its header and two windows of packets; None: read every packet.

    Reading every packet through a URL streams the whole object. Where the container's index counts the
    frames exactly (MP4/MOV's sample table: ffprobe's nb_frames, the stream's duration_ts), the rate is taken
    from the first WINDOW packets and WINDOW packets from the key frame before the last WINDOW frames, and the
    count from the header, trusted only if count / rate is the header's duration within a tick (an edit list
    that drops frames, or a rate varying between the windows, breaks that, and then every packet is read).
    Not seen: a rate varying only between the windows in a way that keeps that sum. Local files are read whole.
    """
    frames, ticks = int(stream.get("nb_frames") or 0), str(stream.get("duration_ts", ""))
    if source.url is None or found.get("estimated") or frames < 4 * WINDOW or not ticks.isdigit():
        return None
    if not str(found.get("format", {}).get("format_name", "")).startswith("mov,"):
        return None
    tick = Fraction(str(stream.get("time_base", "1/1")))
    length, rate = int(ticks) * tick, _rate(stream.get("r_frame_rate")) or _rate(stream.get("avg_frame_rate"))
    if not rate:
        return None
    first = str(stream.get("start_time", "0"))
    start = (float(first) if first != "N/A" else 0.0) + float(length - WINDOW / rate)
    index = int(stream["index"])
    windows = [
        video_timing(stream, sorted(packets_within(source, found, index, read), key=lambda p: p.time)[:-REORDER])
        for read in (f"%+#{WINDOW}", f"{start:.6f}%+#{WINDOW}")
    ]
    if min(w.frames for w in windows) < WINDOW // 2:
        return None  # a window ffprobe could not fill is no evidence of the rate
    shortest, longest = min(w.shortest for w in windows), max(w.longest for w in windows)
    if any(w.variable for w in windows):
        return Timing(frames, windows[0].fps, float(length), shortest, longest, True)
    fps = windows[0].fps
    if windows[1].fps != fps or abs(frames / fps - length) > tick:
        return None
    return Timing(frames, fps, float(frames / fps), shortest, longest, False)


def _rate(text: object) -> Fraction | None:
    num, _, den = str(text or "0/0").partition("/")
    if num.isdigit() and den.isdigit() and int(num) and int(den):
        return Fraction(int(num), int(den))
    return None


def _variable(path: str, timing: Timing) -> str:
    """Why a variable frame rate cannot be registered, and the command that makes it constant."""
    fastest = Fraction(1 / timing.shortest).limit_denominator(1001)
    target = Path(path).with_name(f"{Path(path).stem}-cfr.mp4")
    fix = shlex.join([
        "ffmpeg", "-i", path, "-fps_mode", "cfr", "-r", str(fastest), "-c:v", "libx264", "-pix_fmt", "yuv420p",
        "-c:a", "aac", str(target),
    ])  # fmt: skip
    return (
        f"{path}: variable frame rate (frames last {float(timing.shortest) * 1000:.4g} to "
        f"{float(timing.longest) * 1000:.4g} ms): the label editor steps through a video at one fixed fps, "
        f"so labels would drift from their frames; make the rate constant: {fix}"
    )


def _audio_duration(source: Source, found: dict[str, Any], stream: dict[str, Any]) -> float:
    """Seconds of sound: as the container records it, or counted from the packets when ffprobe only estimated."""
    if found.get("estimated"):
        own = [p for p in packets(source, found) if p.stream == int(stream["index"])]
        if own:
            last = max(own, key=lambda p: p.time)
            return round(float(last.time + last.duration - min(p.time for p in own)), 6)
    for said in (stream, found.get("format", {})):
        if said.get("duration") not in (None, "N/A"):
            skipped = _opus_pre_skip(source) if found.get("format", {}).get("format_name") == "ogg" else 0
            return round(float(said["duration"]) - skipped / 48_000, 6)
    raise InputError(f"{source.name}: ffprobe reports no duration")


def _opus_pre_skip(source: Source) -> int:
    """Samples at 48 kHz a decoder drops from the start of Ogg Opus (RFC 7845 5.1: OpusHead bytes 10-11).

    ffprobe's duration counts them (its duration_ts is the last granule position); decoders and players
    drop them, so 3 s of sound encoded is 3 s played, not 3.0065.
    """
    head = source.head(512)
    found = head.find(b"OpusHead")
    return int.from_bytes(head[found + 10 : found + 12], "little") if found >= 0 and len(head) >= found + 12 else 0


def _bit_depth(stream: dict[str, Any], path: str) -> int:
    for key in ("bits_per_raw_sample", "bits_per_sample"):
        bits = int(stream.get(key) or 0)
        if bits:
            return bits
    raise InputError(f"{path}: ffprobe reports no bit depth for this lossless stream")

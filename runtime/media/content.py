"""What a media file is, decided from its bytes: its list, its registered MIME type, which browsers show it.

The extension is only a name: an MP4 saved as ``.jpg`` is a video to the label editor, a PNG saved as ``.jpg``
is ``image/png``. Images are identified by Pillow, sound and video by ffprobe's container and streams; a
name that says something else is reported. Browser support is the tables below, as the browsers stood in
2026 (Theora's removal from Chrome cited where it stands); a file no mainstream browser shows is refused
with the ffmpeg command that converts it, a file only some browsers show is measured with a note naming
those that do not.
"""

from __future__ import annotations

import mimetypes
import shlex
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, UnidentifiedImageError

from runtime.media.source import HEAD_BYTES, Source
from tether.errors import InputError, ReadError

BROWSERS = frozenset({"Chrome", "Edge", "Firefox", "Safari"})
"""The browsers the label editor runs in."""
_ALL = BROWSERS
_CHROMIUM_FIREFOX = frozenset({"Chrome", "Edge", "Firefox"})

IMAGE_TYPES = {
    "JPEG": "image/jpeg",
    "MPO": "image/jpeg",  # a camera's JPEG with extra pictures after the first: browsers show the first
    "PNG": "image/png",
    "GIF": "image/gif",
    "WEBP": "image/webp",
    "BMP": "image/bmp",
    "ICO": "image/vnd.microsoft.icon",
    "AVIF": "image/avif",
}
"""Pillow's formats that every browser displays, and their registered MIME types."""
warnings.filterwarnings("ignore", category=UserWarning, module=r"PIL\.TiffImagePlugin")
"""Damaged EXIF makes Pillow warn (Corrupt EXIF data, Truncated File Read) on stderr from whichever thread
reads it; what is readable is used (orientation 1 when the tag is lost), and the CLI prints no stack."""
Image.MAX_IMAGE_PIXELS = None
"""Pillow's decompression-bomb guard protects decoding; only headers are read here, and whole-slide scans
of 100,000 pixels a side are real images, not bombs."""
_REFUSED_IMAGES = {
    "TIFF": "TIFF images are displayed by Safari only",
}
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
"""ISO-BMFF brands of HEIC/HEIF stills: Safari alone displays them (Chrome, Edge and Firefox do not)."""

VIDEO_CODECS: dict[str, frozenset[str]] = {
    "h264": _ALL,
    "vp8": _ALL,
    "vp9": _ALL,
    "av1": _ALL,
    "hevc": frozenset({"Chrome", "Edge", "Safari"}),  # with hardware decoding; Firefox does not
    # Chrome removed Theora in M123 (blink-dev "Intent to Ship: Deprecate and remove Theora support",
    # 2023-10-23); Safari never shipped it.
    "theora": frozenset({"Firefox"}),
}
"""Video codecs browsers decode in a <video> element; any other (mpeg4, h263, mpeg2video...) none does."""
AUDIO_CODECS: dict[str, frozenset[str]] = {
    "aac": _ALL,
    "mp3": _ALL,
    "opus": _ALL,
    "vorbis": _ALL,
    "flac": _ALL,
    **{f"pcm_{f}": _ALL for f in ("u8", "s16le", "s24le", "s32le", "f32le")},
}
"""Audio codecs browsers decode (PCM in WAV files only: see ``_PCM_CONTAINERS``)."""
_PCM_CONTAINERS = {"wav"}

LOSSLESS_AUDIO = ("pcm_", "flac", "alac", "wavpack", "ape", "tta", "truehd", "mlp")
"""Codecs whose samples keep a bit depth; lossy codecs (mp3, aac, opus, vorbis) have none, only the decoder's."""


@dataclass(frozen=True)
class Content:
    """What a file holds, as the label editor will treat it."""

    kind: str
    """``video``, ``image`` or ``audio``: the registration list it goes in."""
    mime: str
    what: str
    """A person's description: ``MP4 (h264, aac)``."""
    notes: tuple[str, ...] = ()
    """Things the user should know but that do not stop registration (a misleading name, some browsers)."""
    refused: str | None = None
    """Why no browser shows it, with the command that converts it; None when some browser does."""


class NotMedia(InputError):
    """Neither picture nor sound: a file a registration lists elsewhere, or not at all."""


class Unplayable(InputError):
    """Media that no browser the editor runs in shows: registering it would give an item nobody can label."""


def sniff_image(source: Source) -> tuple[Image.Image, str] | None:
    """The image Pillow identifies in ``source`` (header only, nothing decoded) and its MIME type, or None.

    Through a URL the header comes from the first bytes; a larger range is read only when an image format
    claims those bytes but its header runs past them (a JPEG's large EXIF block)."""
    Image.init()
    formats = [f for f in (*IMAGE_TYPES, *_REFUSED_IMAGES) if f in Image.ID]
    for read, whole in source.image_reads():
        try:
            image = Image.open(read, formats=formats)
        except UnidentifiedImageError:
            if whole or not _claimed(source.head(16), formats):
                return None
            continue
        except OSError as error:
            if whole:
                raise ReadError(f"{source.name}: cannot read: {error}") from None
            continue  # the header runs past these bytes (Pillow: Truncated File Read)
        if image.format in _REFUSED_IMAGES:
            reason = _REFUSED_IMAGES[image.format]
            image.close()
            raise Unplayable(
                f"{source.name}: {reason}: convert it, e.g. ffmpeg -i {_quoted(source.name)} {_png(source.name)}"
            )
        return image, IMAGE_TYPES[str(image.format)]
    raise InputError(f"{source.name}: no image header in the first {HEAD_BYTES[-1]:,} bytes")


def _claimed(prefix: bytes, formats: list[str]) -> bool:
    """Whether one of Pillow's ``formats`` recognises ``prefix`` as the start of its files."""
    return any(accept is None or accept(prefix) for accept in (Image.OPEN[f][1] for f in formats))


def heif_brand(source: Source) -> bool:
    """Whether the file is a HEIC/HEIF still, from its ``ftyp`` box."""
    head = source.head(12)
    return head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS


def av_content(source: Source, found: dict[str, Any], pictures: list[dict[str, Any]]) -> Content:
    """Kind and MIME type of a sound or video file from ffprobe's answer ``found``, and whether any browser plays it."""
    path = source.name
    form = found.get("format", {})
    sounds = [s for s in found.get("streams", []) if s.get("codec_type") == "audio"]
    if not pictures and not sounds:
        raise NotMedia(f"{path}: not a video, image or audio file (ffprobe finds neither pictures nor sound in it)")
    kind = "video" if pictures else "audio"
    name = str(form.get("format_name", ""))
    if name in _TEXT_ART:
        raise NotMedia(f"{path}: not a video, image or audio file (ffprobe reads it only as {name} text art)")
    if name == "image2" or name.endswith("_pipe"):
        codec = str((pictures or [{}])[0].get("codec_name", name))
        raise Unplayable(
            f"{path}: a {codec} image, which browsers do not display: convert it, "
            f"e.g. ffmpeg -i {_quoted(path)} {_png(path)}"
        )
    container, mime, browsers = _container(source, name, str(form.get("tags", {}).get("major_brand", "")), kind)
    codecs = [str(s.get("codec_name", "unknown")) for s in (pictures[:1] + sounds[:1])]
    what = f"{container} ({', '.join(codecs)})"
    if browsers is None:
        refused = f"{path}: {what}: no browser plays {container} files; {_convert(path, kind)}"
        return Content(kind, mime, what, refused=refused)
    for stream, table in ((pictures[:1], VIDEO_CODECS), (sounds[:1], AUDIO_CODECS)):
        for s in stream:
            codec = str(s.get("codec_name", "unknown"))
            plays = table.get(codec, frozenset())
            if codec.startswith("pcm_") and name not in _PCM_CONTAINERS:
                plays = frozenset()
            if not plays:
                refused = f"{path}: {what}: browsers do not decode {codec} here; {_convert(path, kind)}"
                return Content(kind, mime, what, refused=refused)
            browsers &= plays
    if not browsers:
        refused = f"{path}: {what}: no single browser plays this combination; {_convert(path, kind)}"
        return Content(kind, mime, what, refused=refused)
    notes = []
    if browsers != BROWSERS:
        missing = ", ".join(sorted(BROWSERS - browsers))
        notes.append(f"{what} plays in {', '.join(sorted(browsers))} only, not in {missing}")
    return Content(kind, mime, what, tuple(notes))


def _container(source: Source, name: str, brand: str, kind: str) -> tuple[str, str, frozenset[str] | None]:
    """The container's name, its registered MIME type for ``kind``, and the browsers that open it (None: none)."""
    brand = brand.strip()
    if name.startswith("mov,mp4"):
        if brand.startswith("3gp"):
            return "3GPP", f"{kind}/3gpp", _ALL
        if brand.startswith("3g2"):
            return "3GPP2", f"{kind}/3gpp2", _ALL
        if brand == "qt":  # audio-only QuickTime has no audio/ type of its own: it is ISO media, audio/mp4
            return "QuickTime", "video/quicktime" if kind == "video" else "audio/mp4", _ALL
        return "MP4", f"{kind}/mp4", _ALL
    if name == "matroska,webm":
        if _webm_doctype(source):
            return "WebM", f"{kind}/webm", _ALL
        # RFC 9559 (2024) registered video/matroska and audio/matroska; Safari does not open Matroska.
        return "Matroska", f"{kind}/matroska", _CHROMIUM_FIREFOX
    simple = {
        "ogg": ("Ogg", f"{kind}/ogg"),  # RFC 5334: audio/ogg for Vorbis, Opus (RFC 7845) and FLAC in Ogg
        "mp3": ("MP3", "audio/mpeg"),  # RFC 3003
        "aac": ("ADTS AAC", "audio/aac"),
        "flac": ("FLAC", "audio/flac"),  # RFC 9639
        "wav": ("WAV", "audio/wav"),
    }
    if name in simple:
        return (*simple[name], _ALL)
    return _UNPLAYED.get(name, name), "", None


_TEXT_ART = {"tty", "bin", "xbin", "adf", "idf"}
"""ffmpeg's demuxers for ANSI and other text art: they read any .txt, .nfo or .asc file as "video"."""
_UNPLAYED = {
    "mpegts": "MPEG-TS",
    "avi": "AVI",
    "asf": "ASF/WMV",
    "flv": "FLV",
    "mpeg": "MPEG-PS",
}
"""Containers ffprobe reads that browsers do not open from a file URL (Safari plays MPEG-TS only inside HLS)."""


def _webm_doctype(source: Source) -> bool:
    """Whether a Matroska file's EBML header declares DocType ``webm`` (it comes within the first bytes)."""
    return b"\x42\x82\x84webm" in source.head(64)


def _convert(path: str, kind: str) -> str:
    """The ffmpeg command that makes a file every browser plays."""
    if kind == "video":
        target = f"{_stem(path)}.mp4"
        codecs = "-c:v libx264 -pix_fmt yuv420p -c:a aac -movflags +faststart"
    else:
        target = f"{_stem(path)}.m4a"
        codecs = "-vn -c:a aac"
    return f"convert it: ffmpeg -i {_quoted(path)} {codecs} {_quoted(target)}"


def name_mismatch(path: str, content: Content) -> str | None:
    """A note when the file's extension stands for another type than its content."""
    named = mimetypes.guess_type(path, strict=False)[0]
    if named in (None, "application/octet-stream"):  # .bin, .dat: the name claims nothing
        return None
    same = {named, named.replace("x-", "")} & {content.mime, content.mime.replace("/mpeg", "/mp3")}
    if same or _equivalent(named, content.mime):
        return None
    return f"named like {named} ({Path(path).suffix}) but holds {content.what}: registered as {content.mime}"


_ALIASES = {
    frozenset({"audio/x-wav", "audio/wav"}),
    frozenset({"video/x-m4v", "video/mp4"}),
    frozenset({"audio/mp4", "audio/x-m4a"}),
    frozenset({"video/x-matroska", "video/matroska"}),
    frozenset({"audio/x-matroska", "audio/matroska"}),
    frozenset({"audio/x-aac", "audio/aac"}),
    frozenset({"audio/x-flac", "audio/flac"}),
    frozenset({"audio/ogg", "audio/opus"}),
    frozenset({"video/ogg", "audio/ogg"}),
    frozenset({"video/mp4", "audio/mp4"}),
    frozenset({"video/webm", "audio/webm"}),
    frozenset({"video/3gpp", "audio/3gpp"}),
    frozenset({"video/quicktime", "audio/mp4"}),  # a .mov of sound alone
}
"""Names that mean the same file type: no mismatch (an ``.mp4`` of speech is audio/mp4, an ``.m4v`` is MP4)."""


def _equivalent(named: str, measured: str) -> bool:
    return frozenset({named, measured}) in _ALIASES


def _png(path: str) -> str:
    """Where a converted image goes: beside the original, never over it."""
    target = Path(path).with_suffix(".png")
    return _quoted(str(target.with_name(f"{target.stem}-converted.png") if str(target) == path else target))


def _stem(path: str) -> str:
    return str(Path(path).with_suffix(""))


def _quoted(path: str) -> str:
    return shlex.quote(path)

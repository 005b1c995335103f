"""msgspec types for the fast path: items that decode into these, with plain URLs, need no further reading.

The constraints here are those of ``fields`` restated for msgspec, never looser: an item these accept is
one the reference validator accepts (tests hold the two together). Anything they refuse, or an item that
is not ``complete``, goes to the reference validator, which says exactly what is wrong.
"""

from __future__ import annotations

from typing import Annotated

import msgspec
from msgspec import UNSET, Meta, UnsetType

from runtime.manifest import fields

Fps = Annotated[float, Meta(gt=0, le=fields.MAX_FPS)]
Duration = Annotated[float, Meta(gt=0, le=fields.MAX_DURATION)]
VideoSide = Annotated[int, Meta(ge=1, le=fields.MAX_VIDEO_SIDE)]
ImageSide = Annotated[int, Meta(ge=1, le=fields.MAX_IMAGE_SIDE)]
FileSize = Annotated[int, Meta(ge=1, le=fields.MAX_FILE_SIZE)]
SampleRate = Annotated[int, Meta(ge=fields.MIN_SAMPLE_RATE, le=fields.MAX_SAMPLE_RATE)]
BitDepth = Annotated[int, Meta(ge=1, le=fields.MAX_BIT_DEPTH)]
Channels = Annotated[int, Meta(ge=1, le=fields.MAX_CHANNELS)]
Codec = Annotated[str, Meta(pattern=rf"^{fields.CODEC}\Z")]
VideoMime = Annotated[str, Meta(pattern=rf"^video/{fields.MIME_SUBTYPE}\Z")]
ImageMime = Annotated[str, Meta(pattern=rf"^image/{fields.MIME_SUBTYPE}\Z")]
AudioMime = Annotated[str, Meta(pattern=rf"^audio/{fields.MIME_SUBTYPE}\Z")]


class _Strict(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    """Unknown keys refuse the fast path; gc=False because these never form cycles (and decode faster)."""


class VideoMetadata(_Strict):
    fps: Fps | UnsetType = UNSET
    duration: Duration | UnsetType = UNSET
    width: VideoSide | UnsetType = UNSET
    height: VideoSide | UnsetType = UNSET
    file_size: FileSize | UnsetType = UNSET
    fileSize: FileSize | UnsetType = UNSET
    mime_type: VideoMime | UnsetType = UNSET
    mimeType: VideoMime | UnsetType = UNSET

    def complete(self) -> bool:
        """Every field given, each in exactly one spelling."""
        return (
            self.fps is not UNSET
            and self.duration is not UNSET
            and self.width is not UNSET
            and self.height is not UNSET
            and (self.file_size is UNSET) != (self.fileSize is UNSET)
            and (self.mime_type is UNSET) != (self.mimeType is UNSET)
        )


class ImageMetadata(_Strict):
    width: ImageSide | UnsetType = UNSET
    height: ImageSide | UnsetType = UNSET
    file_size: FileSize | UnsetType = UNSET
    fileSize: FileSize | UnsetType = UNSET
    mime_type: ImageMime | UnsetType = UNSET
    mimeType: ImageMime | UnsetType = UNSET

    def complete(self) -> bool:
        """Every field given, each in exactly one spelling."""
        return (
            self.width is not UNSET
            and self.height is not UNSET
            and (self.file_size is UNSET) != (self.fileSize is UNSET)
            and (self.mime_type is UNSET) != (self.mimeType is UNSET)
        )


class AudioMetadata(_Strict):
    duration: Duration | UnsetType = UNSET
    file_size: FileSize | UnsetType = UNSET
    fileSize: FileSize | UnsetType = UNSET
    mime_type: AudioMime | UnsetType = UNSET
    mimeType: AudioMime | UnsetType = UNSET
    sample_rate: SampleRate | UnsetType = UNSET
    sampleRate: SampleRate | UnsetType = UNSET
    bit_depth: BitDepth | UnsetType = UNSET
    bitDepth: BitDepth | UnsetType = UNSET
    codec: Codec | UnsetType = UNSET
    num_channels: Channels | UnsetType = UNSET
    numChannels: Channels | UnsetType = UNSET

    def complete(self) -> bool:
        """Every field given, each in exactly one spelling."""
        return (
            self.duration is not UNSET
            and self.codec is not UNSET
            and (self.file_size is UNSET) != (self.fileSize is UNSET)
            and (self.mime_type is UNSET) != (self.mimeType is UNSET)
            and (self.sample_rate is UNSET) != (self.sampleRate is UNSET)
            and not (self.bit_depth is not UNSET and self.bitDepth is not UNSET)  # optional: lossy audio has none
            and (self.num_channels is UNSET) != (self.numChannels is UNSET)
        )


class Item(_Strict):
    """An item of a plain list (text, pdfs): one object, no media metadata."""

    objectUrl: str
    title: str | UnsetType = UNSET
    clientMetadata: msgspec.Raw | UnsetType = UNSET
    """Kept undecoded: only its being an object matters here."""


class Video(Item):
    metadata: VideoMetadata | UnsetType = msgspec.field(default=UNSET, name="videoMetadata")


class Image(Item):
    metadata: ImageMetadata | UnsetType = msgspec.field(default=UNSET, name="imageMetadata")


class Audio(Item):
    metadata: AudioMetadata | UnsetType = msgspec.field(default=UNSET, name="audioMetadata")


ITEM_TYPES: dict[str, type[Item]] = {"videos": Video, "images": Image, "audio": Audio, "text": Item, "pdfs": Item}
"""The lists with a fast path; grouped lists (objectUrl_N keys) always take the reference validator."""

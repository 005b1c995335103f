"""An object's metadata block measured through a signed URL by the one measurer, `tether metadata`'s.

runtime.media reads the object as a :class:`~runtime.media.source.Source` behind the URL: ffprobe with HTTP
range requests for video and audio, one ranged GET of the first bytes for an image's header (a larger one
only when a big EXIF block pushes the header past it). The size is the listing's, as ``ls -l`` would say.
So the block is the one `tether metadata` gives for the same bytes on disk: displayed size (rotation,
non-square pixels, EXIF orientation), the picture stream's duration, variable frame rates refused, exact
durations where ffprobe estimates, no bit depth for lossy codecs, type and list from the content.
"""

from __future__ import annotations

import re

from runtime.media.content import NotMedia
from runtime.media.metadata import MediaMetadata, read_metadata
from runtime.media.probe import FfprobeMissing
from runtime.media.source import Source
from tether.errors import TetherError

_QUERY = re.compile(r"((?:https?|s3|gs)://[^\s?'\"]*)\?[^\s'\"]*")


class Unmeasurable(Exception):
    """Why one object could not be measured; the run reports it and goes on."""


class NotMediaContent(Unmeasurable):
    """The object holds no video, image or sound (a failure when its name said it would, else a skip)."""


def measure(url: str, key: str, size: int, ca_file: str | None) -> MediaMetadata:
    """The metadata of the object ``key`` behind ``url``, ``size`` bytes as listed (Unmeasurable with the reason).

    A missing ffprobe stops the run (FfprobeMissing): it is no single object's fault.
    """
    try:
        return read_metadata(Source.remote(url, key, size, ca_file))
    except FfprobeMissing:
        raise
    except NotMedia as error:
        raise NotMediaContent(unsigned(str(error).removeprefix(f"{key}: "))) from None
    except TetherError as error:
        raise Unmeasurable(unsigned(str(error).removeprefix(f"{key}: "))) from None


def unsigned(text: str) -> str:
    """``text`` with the query of every URL in it dropped: a signed URL is a bearer credential, never repeated."""
    return _QUERY.sub(r"\1?<signature removed>", text)

"""Where a media file is read from: a local path, or a URL of an object in a bucket (a signed one).

`tether metadata` measures local files and `tether register` objects through signed URLs; both go through
the one measurer (runtime.media.metadata) with a Source, so both report the same block for the same bytes.
A URL is read by ranges only: ffprobe reads what it needs with HTTP range requests, and an image's header,
a HEIF brand or an Ogg Opus pre-skip come from one ranged GET of the first bytes. The object's size is the
listing's, never a download's. A URL is never named in a message (a signed URL is a bearer credential):
messages name the object's key.
"""

from __future__ import annotations

import io
import os
import ssl
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from tether.errors import ReadError
from tether.userfile import open_binary

HEAD_BYTES = (64 * 1024, 1024 * 1024)
"""Ranges tried for an image's header through a URL: nearly all fit the first; a few JPEGs carry a large EXIF
block before the frame header."""
TIMEOUT = 300
"""Seconds a ranged GET or one ffprobe run through a URL may take (a video's packets are read through)."""


@dataclass(frozen=True)
class Source:
    """A media file to measure; build it with :meth:`local` or :meth:`remote`."""

    name: str
    """What messages say and whose extension is compared with the content: the path, or the object's key."""
    size: int
    path: str | None = None
    url: str | None = None
    ca_file: str | None = None
    """The certificates an HTTPS URL is verified against (a sandbox's own); None: the system's."""
    _heads: dict[int, bytes] = field(default_factory=dict, compare=False, repr=False)
    ffprobe_runs: dict[tuple[str, ...], str] = field(default_factory=dict, compare=False, repr=False)
    """ffprobe's output by its arguments: a measurement and a playback check of one source ask for the
    same packet list, which for a video means reading the whole file (probe.run_ffprobe fills it)."""

    @classmethod
    def local(cls, path: str) -> Source:
        """The file at ``path``; the CLI's errors when it cannot be read."""
        readable(path)
        return cls(path, os.stat(path).st_size, path=path)

    @classmethod
    def remote(cls, url: str, name: str, size: int, ca_file: str | None = None) -> Source:
        """The object ``name`` behind ``url``, ``size`` bytes long as listed."""
        return cls(name, size, url=url, ca_file=ca_file)

    def ffprobe_input(self) -> list[str]:
        """ffprobe's arguments that open this source.

        HTTPS is verified: ffmpeg's tls_verify defaults to 0, and a signed URL is a bearer credential. Without
        a CA file, FFmpeg's libavformat/tls_gnutls.c (Debian builds with GnuTLS) loads the system trust.
        """
        if self.url is None:
            assert self.path is not None
            return ["-i", "file:" + os.path.abspath(self.path)]
        tls = ["-tls_verify", "1", *(["-ca_file", self.ca_file] if self.ca_file else [])]
        return [*(tls if self.url.startswith("https:") else []), "-i", self.url]

    def hidden(self, text: str) -> str:
        """``text`` with this source's URL replaced by its name (ffprobe repeats its input in messages)."""
        return text.replace(self.url, self.name) if self.url else text

    def head(self, length: int) -> bytes:
        """The first ``length`` bytes (fewer when the file is shorter)."""
        if self.url is None:
            assert self.path is not None
            with open(self.path, "rb") as file:
                return file.read(length)
        for asked, got in self._heads.items():
            if asked >= length or len(got) < asked:  # asked for as much, or got the whole object
                return got[:length]
        asked = max(length, HEAD_BYTES[0])
        self._heads[asked] = self._get(asked)
        return self._heads[asked][:length]

    def image_reads(self) -> Iterator[tuple[str | BinaryIO, bool]]:
        """What Pillow may open for the image's header, smallest first, each with whether it is the whole file."""
        if self.url is None:
            assert self.path is not None
            yield self.path, True
            return
        for length in HEAD_BYTES:
            head = self.head(length)
            yield io.BytesIO(head), len(head) < length

    def _get(self, length: int) -> bytes:
        assert self.url is not None
        context = ssl.create_default_context(cafile=self.ca_file) if self.url.startswith("https:") else None
        request = urllib.request.Request(self.url, headers={"Range": f"bytes=0-{length - 1}"})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT, context=context) as answer:
                return bytes(answer.read(length))
        except urllib.error.HTTPError as error:
            raise ReadError(f"{self.name}: the store answered {error.code} {error.reason} to a ranged GET") from None
        except (urllib.error.URLError, OSError) as error:
            raise ReadError(f"{self.name}: cannot read: {getattr(error, 'reason', error)}") from None


def readable(path: str) -> None:
    """Fail with the CLI's errors before ffprobe would say something vaguer."""
    with open_binary(path, "a media file"):
        pass


def as_source(source: Source | str) -> Source:
    """``source``, or the local file at that path."""
    return source if isinstance(source, Source) else Source.local(source)

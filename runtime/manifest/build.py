"""Write the registration file for a local folder that mirrors what is (or will be) in an integration's bucket.

Each file's key is the prefix plus its path under the folder; its objectUrl is the provider's canonical
https form; media files carry their measured metadata, so the file also suits strict client-only
integrations. Files that could not be registered are reported, none silently dropped: what a file is comes
from its content (an MP4 named ``.bin`` is measured as a video), and a file left out says why.
"""

from __future__ import annotations

import mimetypes
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from runtime.manifest.urls import ObjectUrls
from runtime.manifest.validate import ManifestProblem
from runtime.media.content import NotMedia
from runtime.media.metadata import MediaMetadata, read_metadata
from runtime.media.probe import ffprobe_path
from tether.errors import InputError, TetherError

PLAIN_LISTS = {"text": "text", "application/pdf": "pdfs"}
"""Non-media files that still belong in a registration file: by MIME type (or top-level type)."""
_SURELY_PLAIN = {"text/plain", "application/pdf"}
"""Extensions (.txt, .pdf) that no media file borrows: listed without asking ffprobe."""


@dataclass
class Built:
    """A registration file for a folder, and what could not go into it."""

    manifest: dict[str, list[dict[str, object]]] = field(default_factory=dict)
    problems: list[ManifestProblem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    """Files that hold neither picture nor sound (relative paths), left out on purpose."""
    reasons: dict[str, str] = field(default_factory=dict)
    """Why each skipped file was left out."""
    notes: list[ManifestProblem] = field(default_factory=list)
    """What the owner should know about files that were registered (a misleading name, some browsers)."""


def build_manifest(urls: ObjectUrls, folder: str, prefix: str, progress: Callable[[int], None] | None = None) -> Built:
    """The registration file for every file under ``folder``, keyed ``prefix + relative path``.

    ``progress`` is told how many files have been measured so far.
    """
    root = Path(folder)
    if not root.is_dir():
        raise InputError(f"{folder}: not a directory")
    ffprobe_path()  # fail once, up front, when ffprobe is missing
    built = Built()
    media: list[tuple[str, Path, str | None]] = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        relative = path.relative_to(root).as_posix()
        if not _utf8(relative):
            built.problems.append(ManifestProblem(relative, "cannot be registered: its name is not UTF-8, so no "
                                                            "object key can be written for it (rename it)"))
            continue
        mime = mimetypes.guess_type(path.name, strict=False)[0] or ""
        plain = PLAIN_LISTS.get(mime) or PLAIN_LISTS.get(mime.partition("/")[0])
        if plain and mime in _SURELY_PLAIN:
            _add(built, urls, plain, relative, prefix, None)
        else:
            media.append((relative, path, plain))  # .ts is a Qt translation to Python's table, and an MPEG-TS video
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        measured = pool.map(_measure, [path for _, path, _ in media])
        for done, ((relative, _, plain), result) in enumerate(zip(media, measured, strict=True), start=1):
            if isinstance(result, MediaMetadata):
                _add(built, urls, result.kind.key, relative, prefix, result)
                built.notes += [ManifestProblem(relative, note) for note in result.notes]
            elif isinstance(result, NotMedia) and plain:
                _add(built, urls, plain, relative, prefix, None)
            elif isinstance(result, NotMedia):
                built.skipped.append(relative)
                built.reasons[relative] = str(result).removeprefix(f"{root / relative}: ")
            else:
                built.problems.append(ManifestProblem(relative, str(result).removeprefix(f"{root / relative}: ")))
            if progress:
                progress(done)
    return built


def _utf8(name: str) -> bool:
    """False for a name holding bytes that are not UTF-8 (Python keeps them as lone surrogates)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _measure(path: Path) -> MediaMetadata | TetherError:
    """The file's metadata, or why it could not be measured (ffprobe runs in parallel threads)."""
    try:
        return read_metadata(str(path))
    except TetherError as error:
        return error


def _add(
    built: Built, urls: ObjectUrls, list_key: str, relative: str, prefix: str, metadata: MediaMetadata | None
) -> None:
    url = urls.url(prefix + relative)
    problem = urls.problem(url)
    if problem:
        built.problems.append(ManifestProblem(relative, f"cannot be registered: its URL {url!r} {problem}"))
        return
    item: dict[str, object] = metadata.as_item(url, relative) if metadata else {"objectUrl": url, "title": relative}
    built.manifest.setdefault(list_key, []).append(item)

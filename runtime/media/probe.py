"""Ask ffprobe (from Debian's ffmpeg package) about a local media file."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from typing import Any

from tether.errors import InputError, ReadError


class FfprobeMissing(ReadError):
    """ffprobe is not installed: nothing can be measured (exit 3)."""

    def __init__(self) -> None:
        super().__init__(
            "ffprobe not found on PATH: install the Debian package ffmpeg "
            "(./scripts/install-system-packages does it, as `make setup` runs it)"
        )


def ffprobe_path() -> str:
    """Where ffprobe is; FfprobeMissing if it is not on PATH."""
    found = shutil.which("ffprobe")
    if found is None:
        raise FfprobeMissing()
    return found


def readable(path: str) -> None:
    """Fail with the CLI's errors before ffprobe would say something vaguer."""
    try:
        with open(path, "rb"):
            pass
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, expected a media file") from None
    except OSError as error:
        raise ReadError(f"{path}: cannot read: {error.strerror}") from None


def run_ffprobe(path: str, *args: str) -> str:
    """ffprobe's standard output for ``path``; InputError when it cannot read the file as media."""
    readable(path)
    command = [ffprobe_path(), "-v", "error", *args, "-i", "file:" + os.path.abspath(path)]
    # errors="replace": ffprobe echoes the file name, which need not be UTF-8
    result = subprocess.run(command, capture_output=True, text=True, errors="replace", check=False)
    if result.returncode != 0:
        said = (result.stderr.strip().splitlines() or ["no reason given"])[-1]
        raise InputError(f"{path}: not a media file ffprobe can read ({said})")
    return result.stdout


def probe(path: str) -> dict[str, Any]:
    """The container and every stream of ``path``, as ffprobe's JSON."""
    found: dict[str, Any] = json.loads(run_ffprobe(path, "-print_format", "json", "-show_format", "-show_streams"))
    return found

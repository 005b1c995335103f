"""Open a file a user names (spec, env file, saved outputs, manifest, media) with one set of CLI errors.

A missing file, a directory, a text file over its size limit and text that is not UTF-8 are bad input
(exit 2); a file that exists but cannot be read is exit 3. Text is read bounded, so a huge or endless file
(``/dev/zero``) fails at once instead of exhausting memory.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from tether.errors import InputError, ReadError


def open_binary(path: str | Path, expected: str = "a file") -> BinaryIO:
    """``path`` opened for reading; ``expected`` names what a directory is not ("a JSON file")."""
    try:
        return open(path, "rb")  # the caller closes it
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, expected {expected}") from None
    except OSError as error:
        raise ReadError(f"{path}: cannot read: {error.strerror}") from None


def read_text(path: str | Path, limit: int, what: str) -> str:
    """The file's text; ``what`` names the kind of file in the size error ("a spec", "an env file")."""
    with open_binary(path) as stream:
        try:
            data = stream.read(limit + 1)
        except OSError as error:
            raise ReadError(f"{path}: cannot read: {error.strerror}") from None
    if len(data) > limit:
        raise InputError(f"{path}: larger than the {limit >> 20} MiB {what} may be")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(f"{path}: not UTF-8 text (byte {error.start})") from None

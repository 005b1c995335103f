"""Read a user's text file (spec, env file, saved outputs) with one set of CLI errors and a size bound.

At most ``limit`` bytes are ever read into memory, so a huge or endless file (``/dev/zero``) fails at
once instead of exhausting memory. A missing file, a directory, a file over the limit and bytes that
are not UTF-8 are bad input (exit 2); a file that exists but cannot be read is exit 3.
"""

from __future__ import annotations

from pathlib import Path

from tether.errors import InputError, ReadError


def read_text(path: str | Path, limit: int, what: str) -> str:
    """The file's text; ``what`` names the kind of file in the size error ("a spec", "an env file")."""
    try:
        with open(path, "rb") as stream:
            data = stream.read(limit + 1)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, expected a file") from None
    except OSError as error:
        raise ReadError(f"{path}: cannot read: {error.strerror}") from None
    if len(data) > limit:
        raise InputError(f"{path}: larger than the {limit >> 20} MiB {what} may be")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(f"{path}: not UTF-8 text (byte {error.start})") from None

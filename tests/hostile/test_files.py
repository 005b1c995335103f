"""Every file a user hands the CLI (spec, env file, saved outputs) fails the same way on the same bad file.

The three readers once had their own copies of the bounded read and disagreed: an unreadable env file
was exit 2 where an unreadable spec was exit 3, and a directory given as outputs file was exit 3.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tether import userfile
from tether.errors import InputError, ReadError
from tether.records import load_records
from tether.settings import read_env_file
from tether.spec import load_spec

READERS: dict[str, Callable[[str], Any]] = {
    "spec": load_spec,
    "env file": read_env_file,
    "outputs file": load_records,
}


@pytest.mark.parametrize("reader", READERS.values(), ids=READERS.keys())
@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda folder: folder / "missing", "no such file"),
        (lambda folder: folder, "is a directory, expected a file"),
        (lambda folder: Path("/dev/zero"), "larger than the"),
        (lambda folder: _written(folder / "latin1", b"caf\xe9: 1\n"), "not UTF-8 text (byte 3)"),
    ],
    ids=["missing", "directory", "endless", "not-utf8"],
)
def test_bad_files_are_input_errors_naming_the_file(
    tmp_path: Path, reader: Callable[[str], Any], make: Callable[[Path], Path], message: str
) -> None:
    path = make(tmp_path)
    with pytest.raises(InputError) as caught:
        reader(str(path))
    assert str(caught.value).startswith(f"{path}: {message}")


@pytest.mark.parametrize("reader", READERS.values(), ids=READERS.keys())
def test_a_file_that_cannot_be_read_is_a_read_error(
    tmp_path: Path, reader: Callable[[str], Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Exit 3 (could not read), whichever file it is; tests run as root here, so the denial is simulated."""
    path = _written(tmp_path / "locked", b"x: 1\n")

    def denied(*_: Any, **__: Any) -> Any:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(userfile, "open", denied, raising=False)
    with pytest.raises(ReadError, match=f"^{path}: cannot read: Permission denied$"):
        reader(str(path))


def _written(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path

"""Read a registration file as top-level entries and batches of whole list items, in bounded memory.

msgspec is fast but has no incremental parser, so the file is read in blocks and the items of each list
are cut into batches at the last ``}`` of the buffer that is followed by ``,{`` or ``]``. A cut is used only
once msgspec parses the batch as a JSON array: a cut inside a string leaves it unterminated and a cut
inside an item leaves a bracket open, so a batch that parses is exactly a run of whole items. Where no cut
parses (items holding ``},{`` in their strings or nested lists, or a syntax error), a bracket-counting
scanner finds each item's end exactly and msgspec then locates any syntax error.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

import msgspec

from tether.errors import InputError

BLOCK = 1 << 20
"""Bytes read at a time, and about the size of a batch: large enough to amortize, small enough to stay in cache."""
MAX_VALUE = 64 << 20
"""A single item, string or top-level value larger than this is refused: memory stays bounded whatever the file."""
_CUT_TRIES = 16
_TOO_DEEP = "nested too deeply to read"

_WS = re.compile(rb"[ \t\r\n]*")
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*(?P<q>")?', re.DOTALL)
_TOKEN = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*(?P<q>")?|[{}\[\]]', re.DOTALL)
_SCALAR = re.compile(rb"[^ \t\r\n,\]}]*")
_BYTE = re.compile(r"\s*\(byte (\d+)\)")
_RAW_LIST = msgspec.json.Decoder(list[msgspec.Raw])
_JSON = msgspec.json.Decoder(float_hook=float)
"""Plain JSON as ``json.load`` gives it (huge numbers become infinities rather than errors)."""


def _span(pattern: re.Pattern[bytes], buf: bytes, at: int) -> int:
    """Where a pattern that also matches the empty string stops, from ``at``."""
    match = pattern.match(buf, at)
    return match.end() if match else at


class ManifestUnreadable(InputError):
    """The file is not JSON, or not a JSON object: nothing in it can be checked past this point (exit 2)."""


@dataclass(frozen=True, slots=True)
class Entry:
    """A top-level key whose value is not a list, with that value."""

    key: str
    value: object


@dataclass(frozen=True, slots=True)
class ListStart:
    """A top-level key whose value is a list; its items follow as batches."""

    key: str


@dataclass(frozen=True, slots=True)
class Batch:
    """Whole items of one list: ``data`` is a JSON array of ``count`` items, the first at index ``first``."""

    key: str
    first: int
    data: bytes
    count: int


Event = Entry | ListStart | Batch


class ManifestReader:
    """One pass over a registration file, yielding its events in file order."""

    def __init__(self, stream: BinaryIO, name: str, *, block: int = BLOCK) -> None:
        self._stream = stream
        self._name = name
        self._block = block
        self._buf = b""
        self._pos = 0
        self._base = 0
        """File offset of ``_buf[0]``."""
        self._lines = 0
        """Newlines before ``_buf[0]`` (for error positions)."""
        self._line_start = 0
        """File offset just after the last newline before ``_buf[0]``."""
        self._eof = False

    @property
    def offset(self) -> int:
        """Bytes of the file consumed so far."""
        return self._base + self._pos

    def events(self) -> Iterator[Event]:
        """Entries, list starts and batches, in file order; ManifestUnreadable at the first syntax error."""
        first = self._peek()
        if first is None:
            raise self._error(self._pos, 'the file is empty: expected a JSON object such as {"videos": [...]}')
        if first != ord("{"):
            raise self._error(self._pos, 'expected a JSON object such as {"videos": [...]} at the top')
        self._pos += 1
        if self._peek() == ord("}"):
            self._pos += 1
        else:
            while True:
                key = self._key()
                if self._peek() == ord("["):
                    self._pos += 1
                    yield ListStart(key)
                    yield from self._items(key)
                else:
                    yield Entry(key, self._value())
                after = self._peek()
                self._pos += 1
                if after == ord("}"):
                    break
                if after != ord(","):
                    raise self._error(self._pos - 1, "expected ',' or '}' after a top-level value")
        if self._peek() is not None:
            raise self._error(self._pos, "unexpected data after the top-level object")

    # --- buffer -----------------------------------------------------------------------------------------

    def _more(self) -> bool:
        """Append a block to the buffer (indices stay valid); False at end of file."""
        if self._eof:
            return False
        if len(self._buf) - self._pos > MAX_VALUE:
            raise self._error(self._pos, f"a single value over {MAX_VALUE >> 20} MB: refused, to keep memory bounded")
        chunk = self._stream.read(self._block)
        if not chunk:
            self._eof = True
            return False
        self._buf += chunk
        return True

    def _compact(self) -> None:
        """Drop what was consumed; only between values, where no index is held."""
        if self._pos:
            dropped = self._buf[: self._pos]
            newline = dropped.rfind(b"\n")
            if newline >= 0:
                self._lines += dropped.count(b"\n")
                self._line_start = self._base + newline + 1
            self._base += self._pos
            self._buf = self._buf[self._pos :]
            self._pos = 0

    def _ws(self, at: int) -> int:
        """The index of the first non-blank byte from ``at``, reading more as needed (len(buf) at end of file)."""
        while True:
            end = _span(_WS, self._buf, at)
            if end < len(self._buf) or not self._more():
                return end
            at = end

    def _peek(self) -> int | None:
        """The next non-blank byte at the top level (consuming the blanks), or None at end of file."""
        self._compact()
        self._pos = self._ws(self._pos)
        return self._buf[self._pos] if self._pos < len(self._buf) else None

    # --- top level --------------------------------------------------------------------------------------

    def _key(self) -> str:
        if self._peek() != ord('"'):
            raise self._error(self._pos, "expected a key in double quotes")
        end = self._string_end(self._pos)
        try:
            key = msgspec.json.decode(self._buf[self._pos : end], type=str)
        except msgspec.DecodeError as error:
            raise self._decode_error(error, self._pos) from None
        self._pos = end
        if self._peek() != ord(":"):
            raise self._error(self._pos, f"expected ':' after the key {key!r}")
        self._pos += 1
        self._peek()
        return key

    def _value(self) -> object:
        end = self._value_end(self._pos)
        try:
            value = _JSON.decode(self._buf[self._pos : end])
        except msgspec.DecodeError as error:
            raise self._decode_error(error, self._pos) from None
        except RecursionError:
            raise self._error(self._pos, _TOO_DEEP) from None
        self._pos = end
        return value

    # --- lists ------------------------------------------------------------------------------------------

    def _items(self, key: str) -> Iterator[Batch]:
        if self._peek() == ord("]"):
            self._pos += 1
            return
        index = 0
        while True:
            self._compact()
            while len(self._buf) < self._block and self._more():
                pass
            batch = self._cut_batch(key, index) or self._exact_batch(key, index)
            yield batch
            index += batch.count
            after = self._ws(len(batch.data) - 2)  # the batch is the buffer up to there, in brackets
            if after >= len(self._buf):
                raise self._error(after, "unexpected end of file inside a list")
            self._pos = after + 1
            if self._buf[after] == ord("]"):
                return
            if self._buf[after] != ord(","):
                raise self._error(after, "expected ',' between items or ']' after the last one")
            if self._peek() == ord("]"):
                raise self._error(self._pos, "expected a value")

    def _cut_batch(self, key: str, index: int) -> Batch | None:
        """The items before the best cut, if msgspec confirms they are whole items."""
        cut = self._cut()
        if cut <= 0:
            return None
        data = b"[" + self._buf[:cut] + b"]"
        try:
            return Batch(key, index, data, len(_RAW_LIST.decode(data)))
        except (msgspec.DecodeError, RecursionError):
            return None

    def _cut(self) -> int:
        """Just after the last ``}`` that seems to end an item (followed by ``,{`` or ``]``), or -1."""
        buf = self._buf
        end = len(buf)
        for _ in range(_CUT_TRIES):
            brace = buf.rfind(b"}", 0, end)
            if brace < 0:
                return -1
            after = _span(_WS, buf, brace + 1)
            if after < len(buf):
                if buf[after] == ord("]"):
                    return brace + 1
                if buf[after] == ord(","):
                    start = _span(_WS, buf, after + 1)
                    if start < len(buf) and buf[start] == ord("{"):
                        return brace + 1
            end = brace
        return -1

    def _exact_batch(self, key: str, index: int) -> Batch:
        """About a block of whole items from the start of the buffer, each end found by counting brackets."""
        count = 0
        at = 0
        while True:
            start = self._ws(at)
            if start >= len(self._buf):
                raise self._error(start, "unexpected end of file inside a list")
            end = self._value_end(start)
            count += 1
            after = self._ws(end)
            if after >= len(self._buf) or self._buf[after] != ord(",") or end >= self._block:
                break
            at = after + 1
        data = b"[" + self._buf[:end] + b"]"
        try:
            _RAW_LIST.decode(data)
        except msgspec.DecodeError as error:
            raise self._decode_error(error, -1) from None
        except RecursionError:
            raise self._error(0, _TOO_DEEP) from None
        return Batch(key, index, data, count)

    # --- exact value ends -------------------------------------------------------------------------------

    def _value_end(self, start: int) -> int:
        """Where the JSON value starting at ``start`` ends; syntax beyond brackets is left to msgspec."""
        first = self._buf[start]
        if first == ord('"'):
            return self._string_end(start)
        if first not in b"{[":
            while True:
                end = _span(_SCALAR, self._buf, start)
                if end < len(self._buf) or not self._more():
                    if end == start:
                        raise self._error(start, "expected a value")
                    return end
        depth = 0
        at = start
        while True:
            token = _TOKEN.search(self._buf, at)
            if token is None or (token["q"] is None and token[0][:1] == b'"'):
                if not self._more():
                    raise self._error(start, "unexpected end of file inside this value")
                continue
            at = token.end()
            if token[0] in (b"{", b"["):
                depth += 1
            elif token[0] in (b"}", b"]"):
                depth -= 1
                if depth == 0:
                    return at

    def _string_end(self, start: int) -> int:
        while True:
            match = _STRING.match(self._buf, start)
            if match is not None and match["q"] is not None:
                return match.end()
            if not self._more():
                raise self._error(start, "unterminated string")

    # --- errors -----------------------------------------------------------------------------------------

    def _decode_error(self, error: msgspec.DecodeError, start: int) -> ManifestUnreadable:
        """msgspec's message at its position; ``start`` is where the decoded bytes began in the buffer."""
        message = str(error).removeprefix("JSON is malformed: ")
        found = _BYTE.search(message)
        at = start + int(found[1]) if found else len(self._buf)
        return self._error(at, _BYTE.sub("", message))

    def _error(self, at: int, message: str) -> ManifestUnreadable:
        at = max(0, min(at, len(self._buf)))
        line = self._lines + self._buf.count(b"\n", 0, at) + 1
        newline = self._buf.rfind(b"\n", 0, at)
        column = at - newline if newline >= 0 else self._base + at - self._line_start + 1
        return ManifestUnreadable(f"{self._name}:{line}:{column}: JSON syntax error: {message}")

"""YAML with positions: every value and key remembers its line and column, duplicates are caught.

libyaml's C parser composes the node tree (with each node's start mark); one walk over that tree then
builds the data, records positions and refuses what a reviewed spec must not contain: duplicate keys
(PyYAML keeps the last without a word, hiding a change), anchors whose aliases expand past a budget
(a 429-byte alias bomb grows without bound), recursive aliases, nesting past a depth, and tags other
than YAML's plain types. Plain scalars resolve by YAML 1.2's core schema, so ``yes``, ``on`` and
``2027-02-30`` stay text for the model to judge instead of turning into booleans and dates.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from typing import Any

import yaml

from tether.problems import Location, Path, Problem, dotted

MAX_CHARS = 16 * 1024 * 1024
"""Largest spec accepted; a 5,000-integration spec is about 1.5 MB."""
MAX_VALUES = 2_000_000
"""Values in the document once every alias is expanded: what the model will have to validate."""
MAX_DEPTH = 64
"""Deepest nesting accepted; a spec needs six levels."""

_TAG = "tag:yaml.org,2002:"
_MAX_DIGITS = sys.get_int_max_str_digits() or 4300
_NON_PRINTABLE = yaml.reader.Reader.NON_PRINTABLE
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")


@dataclass
class SourceMap:
    """Positions of the values and keys of one YAML document, by field path."""

    file: str
    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def locate(self, path: Path, *, key: bool = False) -> Location:
        """The position of ``path``, or of its nearest ancestor that exists in the file."""
        if key and path in self.keys:
            return self._location(self.keys[path])
        for end in range(len(path), -1, -1):
            prefix = path[:end]
            if prefix in self.values:
                return self._location(self.values[prefix])
        return Location(self.file, 1, 1)

    def problem(self, path: Path, message: str, *, key: bool = False) -> Problem:
        """A problem at ``path`` with its location filled in."""
        return Problem(self.locate(path, key=key), dotted(path), message)

    def _location(self, mark: tuple[int, int]) -> Location:
        return Location(self.file, mark[0] + 1, mark[1] + 1)


class _Refused(Exception):
    """A document the walk will not build; carries the one problem that says why."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


_NO_KEY = object()
_MERGE = object()


class _Frame:
    """An open mapping or sequence: what it holds so far and where it is."""

    __slots__ = ("anchor", "is_map", "key", "key_mark", "mark", "merged", "path", "seen", "size", "value")

    def __init__(self, is_map: bool, path: Path, mark: Any, anchor: str | None) -> None:
        self.is_map = is_map
        self.value: Any = {} if is_map else []
        self.path = path
        self.mark = mark
        self.anchor = anchor
        self.size = 1
        self.key: Any = _NO_KEY
        self.key_mark: Any = None
        self.seen: dict[Any, int] = {}
        self.merged: list[dict[Any, Any]] = []


class _Builder:
    """Builds plain data from libyaml's events in one pass, with positions, sharing what aliases repeat.

    Working from events rather than a composed node tree skips a Python object per node (the node
    tree cost more than everything else together); an iterative stack needs no recursion.
    """

    def __init__(self, source: SourceMap) -> None:
        self.source = source
        self.file = source.file
        self.problems: list[Problem] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.open_anchors: set[str] = set()
        self.stack: list[_Frame] = []

    def refuse(self, mark: Any, path: Path, message: str) -> _Refused:
        return _Refused(Problem(Location(self.file, mark.line + 1, mark.column + 1), dotted(path), message))

    def run(self, loader: Any) -> tuple[Any, bool]:
        """The document's data, and whether there was a document at all."""
        result: Any = None
        documents = 0
        next_event = loader.get_event
        while True:
            event: Any = next_event()
            kind = type(event)
            if kind is yaml.ScalarEvent:
                path = self.child_path(event, collection=False)
                value = self.scalar(event, path)
                if event.anchor is not None:
                    self.anchors[event.anchor] = (value, 1)
                result = self.add(value, 1, event)
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                is_map = kind is yaml.MappingStartEvent
                path = self.child_path(event, collection=True)
                if event.tag not in (None, "!", _TAG + ("map" if is_map else "seq")):
                    raise self.refuse(event.start_mark, path, f"tag {_shown(event.tag)} is not supported here")
                if len(self.stack) >= MAX_DEPTH:
                    raise self.refuse(event.start_mark, path, f"nested deeper than {MAX_DEPTH} levels")
                if event.anchor is not None:
                    self.open_anchors.add(event.anchor)
                self.stack.append(_Frame(is_map, path, event.start_mark, event.anchor))
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                frame = self.stack.pop()
                value = frame.value
                if frame.merged:
                    value = {}
                    for merged in reversed(frame.merged):  # the first merged mapping wins over later ones
                        value.update(merged)
                    value.update(frame.value)  # keys written beside `<<:` override merged ones
                if frame.size > MAX_VALUES:
                    raise self.refuse(frame.mark, frame.path, _TOO_MANY)
                if frame.anchor is not None:
                    self.open_anchors.discard(frame.anchor)
                    self.anchors[frame.anchor] = (value, frame.size)
                result = self.add(value, frame.size, event)
            elif kind is yaml.AliasEvent:
                path = self.child_path(event, collection=True)
                if event.anchor in self.open_anchors:
                    raise self.refuse(event.start_mark, path, "an alias refers to the collection that contains it")
                if event.anchor not in self.anchors:
                    raise self.refuse(event.start_mark, path, f"alias *{event.anchor} has no anchor &{event.anchor}")
                value, size = self.anchors[event.anchor]
                result = self.add(value, size, event)
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise self.refuse(event.start_mark, (), "expected a single document, found a second one")
            elif kind is yaml.StreamEndEvent or event is None:
                return result, documents > 0

    def child_path(self, event: Any, *, collection: bool) -> Path:
        """Where the value starting at ``event`` sits, recording its position (a block's is its key's)."""
        if not self.stack:
            self.source.values.setdefault((), (event.start_mark.line, event.start_mark.column))
            return ()
        frame = self.stack[-1]
        if not frame.is_map:
            path = (*frame.path, len(frame.value))
        elif frame.key is _NO_KEY:
            if collection:
                raise self.refuse(event.start_mark, frame.path, "a key must be text or a number, not a list or mapping")
            return frame.path
        elif frame.key is _MERGE:
            return frame.path
        else:
            path = (*frame.path, frame.key) if isinstance(frame.key, _PATH_KEYS) else frame.path
            if collection and frame.key_mark is not None:
                self.source.values[path] = frame.key_mark
        self.source.values.setdefault(path, (event.start_mark.line, event.start_mark.column))
        return path

    def add(self, value: Any, size: int, event: Any) -> Any:
        """Put a finished value into the open collection; the document's value when none is open."""
        if not self.stack:
            return value
        frame = self.stack[-1]
        frame.size += size
        if frame.size > MAX_VALUES:
            raise self.refuse(frame.mark, frame.path, _TOO_MANY)
        if not frame.is_map:
            frame.value.append(value)
        elif frame.key is _NO_KEY:
            self.key(frame, value, event)
        elif frame.key is _MERGE:
            merged = value if isinstance(value, list) else [value]
            if not all(isinstance(item, dict) for item in merged):
                raise self.refuse(event.start_mark, frame.path, "'<<' merges a mapping or a list of mappings")
            frame.merged.extend(merged)
            frame.key = _NO_KEY
        else:
            frame.value[frame.key] = value  # a duplicate keeps the last, as YAML does (and is reported)
            frame.key = _NO_KEY
        return None

    def key(self, frame: _Frame, key: Any, event: Any) -> None:
        mark = event.start_mark
        if key == "<<" and event.implicit[0]:
            frame.key, frame.key_mark = _MERGE, None
            return
        path = (*frame.path, key) if isinstance(key, _PATH_KEYS) else frame.path
        frame.key = key
        if key in frame.seen:
            message = f"duplicate key {key!r} (first at line {frame.seen[key] + 1}); YAML would keep only the last"
            self.problems.append(Problem(Location(self.file, mark.line + 1, mark.column + 1), dotted(path), message))
            frame.key_mark = None
            return
        frame.seen[key] = mark.line
        frame.key_mark = (mark.line, mark.column)
        if path is not frame.path:
            self.source.keys[path] = frame.key_mark

    def scalar(self, event: Any, path: Path) -> Any:
        text, tag, plain = event.value, event.tag, event.implicit[0]
        if tag is None and plain and text[:1] not in _SPECIAL_FIRST:
            return text  # most of a spec: plain text that no core-schema type starts with
        if (tag in (None, "!") and not plain) or tag == _TAG + "str":
            return text
        try:
            value = _resolve(text)
        except ValueError as error:  # an integer past Python's digit limit
            raise self.refuse(event.start_mark, path, str(error)) from None
        if tag in (None, "!"):
            return value
        wanted = _TAGGED.get(tag)
        if wanted is None:
            raise self.refuse(event.start_mark, path, f"tag {_shown(tag)} is not supported: write the value plainly")
        if type(value) not in wanted:
            raise self.refuse(event.start_mark, path, f"{text[:40]!r} is not a valid {_shown(tag)}")
        return float(value) if tag == _TAG + "float" else value


_TAGGED = {
    _TAG + "null": (type(None),), _TAG + "bool": (bool,), _TAG + "int": (int,), _TAG + "float": (int, float),
}
"""The tags a spec may write, and the plain values each accepts (``!!float 1`` is 1.0, ``!!int abc`` refused)."""
_PATH_KEYS = (str, int)
_SPECIAL_FIRST = frozenset(["", *"-+.0123456789~nNtTfF"])
_TOO_MANY = f"holds more than {MAX_VALUES:,} values once its aliases are expanded"
_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_WORDS: dict[str, Any] = {
    "": None, "~": None, "null": None, "Null": None, "NULL": None,
    "true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False,
    ".inf": float("inf"), ".Inf": float("inf"), ".INF": float("inf"), "+.inf": float("inf"), "+.Inf": float("inf"),
    "+.INF": float("inf"), "-.inf": float("-inf"), "-.Inf": float("-inf"), "-.INF": float("-inf"),
    ".nan": float("nan"), ".NaN": float("nan"), ".NAN": float("nan"),
}


def _resolve(text: str) -> Any:
    """A plain scalar by YAML 1.2's core schema: ``yes``, ``on`` and dates stay text."""
    if text in _WORDS:
        return _WORDS[text]
    if text[0] not in "-+.0123456789":
        return text
    if _INT.fullmatch(text):
        if len(text) > _MAX_DIGITS:
            raise ValueError(f"an integer of more than {_MAX_DIGITS} digits")
        if text.startswith(("0o", "0x")):
            return int(text[2:], 8 if text[1] == "o" else 16)
        return int(text)
    if _FLOAT.fullmatch(text):
        return float(text)
    return text


def load_yaml(text: str, file: str) -> tuple[Any, SourceMap, list[Problem]]:
    """Parse one YAML document; syntax errors, limits and duplicate keys come back as problems."""
    source = SourceMap(file)
    if len(text) > MAX_CHARS:
        message = f"the file is larger than the {MAX_CHARS // (1024 * 1024)} MiB a spec may be"
        return None, source, [Problem(Location(file, 1, 1), "(document)", message)]
    bad = _NON_PRINTABLE.search(text)
    if bad:
        return None, source, [_character_problem(text, bad.start(), file)]
    loader = yaml.CBaseLoader(text)
    builder = _Builder(source)
    try:
        data, found = builder.run(loader)
        if not found:
            return None, source, [Problem(Location(file, 1, 1), "(document)", "the file is empty")]
        return data, source, builder.problems
    except _Refused as refused:
        return None, source, [refused.problem]
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file, 1, 1)
        what = " ".join(part for part in (error.context, error.problem) if part)
        return None, source, [Problem(where, "(document)", f"YAML syntax error: {what}")]
    except yaml.YAMLError as error:
        return None, source, [Problem(Location(file, 1, 1), "(document)", f"YAML error: {error}")]
    finally:
        loader.dispose()


def _shown(tag: str) -> str:
    """``!!timestamp`` as it was written, not its expanded form."""
    return "!!" + tag.removeprefix(_TAG) if tag.startswith(_TAG) else tag


def _character_problem(text: str, position: int, file: str) -> Problem:
    """A character YAML refuses (NUL, control bytes), at its line and column."""
    before = text[:position]
    line = before.count("\n") + 1
    column = position - (before.rfind("\n") + 1) + 1
    message = f"character U+{ord(text[position]):04X} is not allowed in YAML"
    return Problem(Location(file, line, column), "(document)", message)

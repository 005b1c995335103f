"""Check a registration file for one user and integration: every problem, in file order, in bounded memory.

A file is streamed (``reader``) and each batch of items decoded into msgspec structs (``structs``); an
item whose types, URL and metadata the fast path can vouch for needs nothing more, and every other item is
decoded as plain JSON and given to the reference validator (``validate``), which writes all messages. A
document already in memory goes to the reference validator item by item: both paths report the same.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import msgspec
from msgspec import UNSET

from runtime.access import Action, decide
from runtime.manifest import fields, structs
from runtime.manifest.reader import Batch, Entry, ListStart, ManifestReader
from runtime.manifest.urls import MAX_KEY_BYTES
from runtime.manifest.validate import DOCUMENT, ManifestProblem, Rules, child
from tether.errors import InputError, ReadError
from tether.spec.model import AnyIntegration, Spec
from tether.userfile import open_binary

Source = str | os.PathLike[str] | Mapping[str, Any]
"""A registration file's path, or its document already decoded."""

_RAW_LIST = msgspec.json.Decoder(list[msgspec.Raw])
_JSON = msgspec.json.Decoder(float_hook=float)
"""Plain JSON as ``json.load`` gives it (huge numbers become infinities, for the validator to refuse)."""
_DECODERS = {
    key: (msgspec.json.Decoder(list[item_type]), msgspec.json.Decoder(item_type))  # type: ignore[valid-type]
    for key, item_type in structs.ITEM_TYPES.items()
}


@dataclass(frozen=True)
class Report:
    """The outcome of checking one registration file: every problem, and how many items each list had."""

    integration: str
    user: str
    problems: list[ManifestProblem]
    items: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when the file can be registered as it is."""
        return not self.problems


class ManifestCheck:
    """Checks registration files for one user against one integration; ``items`` counts what was read."""

    def __init__(self, spec: Spec, integration: AnyIntegration | str, user: str) -> None:
        self.spec = spec
        self.integration = spec.integration(integration) if isinstance(integration, str) else integration
        self.user = user
        self.rules = Rules(self.integration)
        self.items: dict[str, int] = {}

    def run(self, source: Source, progress: Callable[[int], None] | None = None) -> Iterator[ManifestProblem]:
        """Every problem: may the user register here, then the file's, in file order.

        ``progress`` is told how many bytes of a file have been read, after each batch.
        """
        yield from self._access()
        if isinstance(source, Mapping):
            yield from self._document(source)
        else:
            yield from self._file(os.fspath(source), progress or (lambda _: None))

    def _access(self) -> Iterator[ManifestProblem]:
        decision = decide(self.spec, self.user, Action.REGISTER, self.integration)
        if not decision.allowed:
            yield ManifestProblem(DOCUMENT, f"registering is not allowed: {decision.reason} ({decision.rule})")

    def _document(self, document: Mapping[str, Any]) -> Iterator[ManifestProblem]:
        for key, value in document.items():
            if not isinstance(value, list):
                yield from self.rules.entry(key, value)
                continue
            yield from self.rules.list_key(key)
            kind = fields.KINDS.get(key)
            if kind:
                self.items[key] = self.items.get(key, 0) + len(value)
                for index, item in enumerate(value):
                    yield from self.rules.item(kind, index, item)

    def _file(self, path: str, progress: Callable[[int], None]) -> Iterator[ManifestProblem]:
        with open_binary(path, "a JSON file") as stream:
            reader = ManifestReader(stream, path)
            self._path = path
            seen: set[str] = set()
            try:
                for event in reader.events():
                    if isinstance(event, Batch):
                        yield from self._batch(event)
                        progress(reader.offset)
                        continue
                    if event.key in seen:
                        message = "given twice: JSON readers keep only the last, so the first would be lost"
                        yield ManifestProblem(child("", event.key), message)
                    seen.add(event.key)
                    if isinstance(event, ListStart):
                        if event.key in fields.KINDS:
                            self.items.setdefault(event.key, 0)
                        yield from self.rules.list_key(event.key)
                    elif isinstance(event, Entry):
                        yield from self.rules.entry(event.key, event.value)
            except OSError as error:
                raise ReadError(f"{path}: cannot read: {error.strerror}") from None

    def _batch(self, batch: Batch) -> Iterator[ManifestProblem]:
        kind = fields.KINDS.get(batch.key)
        if kind is None:
            return  # an unknown list: reported once, at its start
        self.items[kind.key] += batch.count
        raws = _RAW_LIST.decode(batch.data) if _may_repeat_keys(batch) else None
        if raws is not None:
            for index, raw in enumerate(raws):
                for where in duplicate_keys(raw, f"{kind.key}[{batch.first + index}]"):
                    yield ManifestProblem(where, _GIVEN_TWICE)
        if kind.key not in _DECODERS:
            raws = raws or _RAW_LIST.decode(batch.data)
            for index, raw in enumerate(raws):
                yield from self.rules.item(kind, batch.first + index, self._plain(raw, kind.key, batch.first + index))
            return
        many, one = _DECODERS[kind.key]
        items: list[structs.Item | None]
        try:
            items = list(many.decode(batch.data))
        except (msgspec.DecodeError, RecursionError):  # a wrong type, bad UTF-8 or deep nesting: item by item
            raws = raws or _RAW_LIST.decode(batch.data)
            items = [_decoded(one, raw) for raw in raws]
        for index in self._suspects(items, needs_metadata=kind.metadata is not None):
            raws = raws or _RAW_LIST.decode(batch.data)
            item = self._plain(raws[index], kind.key, batch.first + index)
            yield from self.rules.item(kind, batch.first + index, item)

    def _plain(self, raw: msgspec.Raw, key: str, index: int) -> object:
        """An item as plain JSON; one msgspec cannot decode makes the file unreadable, at its JSON path."""
        try:
            return _JSON.decode(raw)
        except (msgspec.DecodeError, RecursionError) as error:
            reason = "nested too deeply" if isinstance(error, RecursionError) else str(error).split(" - at ")[0]
            raise InputError(f"{self._path}: {key}[{index}]: not readable JSON: {reason}") from None

    def _suspects(self, items: list[structs.Item | None], *, needs_metadata: bool) -> list[int]:
        """Indexes of the items the fast path cannot vouch for (the hot loop: kept flat on purpose)."""
        plain, longest = self.rules.urls.plain, MAX_KEY_BYTES  # ObjectUrls.fast, inlined
        metadata_required = needs_metadata and self.integration.strict_client_only
        suspects = []
        for index, item in enumerate(items):
            if item is None:
                suspects.append(index)
                continue
            url = item.objectUrl
            if len(url) > longest or plain(url) is None:
                suspects.append(index)
                continue
            extra = item.clientMetadata
            if extra is not UNSET and memoryview(extra)[0] != 0x7B:  # "{": an object
                suspects.append(index)
                continue
            metadata = getattr(item, "metadata", UNSET)
            if not metadata.complete() if metadata is not UNSET else metadata_required:
                suspects.append(index)
        return suspects


def _decoded(decoder: msgspec.json.Decoder[structs.Item], raw: msgspec.Raw) -> structs.Item | None:
    try:
        return decoder.decode(raw)
    except (msgspec.DecodeError, RecursionError):
        return None


_GIVEN_TWICE = "given twice in one object: JSON readers differ on which one counts, so one would be lost or wrong"
_FIELD_NAMES = tuple(
    f'"{name}"'.encode()
    for name in sorted({name for struct in vars(structs).values() if isinstance(struct, type)
                        and issubclass(struct, msgspec.Struct) for name in struct.__struct_fields__})
)
"""Every key the item structs know, quoted as it appears in a file."""


def _may_repeat_keys(batch: Batch) -> bool:
    """True when some known key occurs more often than there are items: then each item is checked exactly.

    Each key may appear once per item (metadata objects are one per item too), so in a clean batch no
    count exceeds the item count; ``bytes.count`` over a batch costs far less than decoding it.
    """
    return any(batch.data.count(name) > batch.count for name in _FIELD_NAMES)


def duplicate_keys(raw: bytes, path: str) -> list[str]:
    """The JSON path of every key given twice in one object, anywhere inside ``raw``."""
    found: list[str] = []

    def walk(value: object, where: str) -> None:
        if isinstance(value, _Pairs):
            seen: set[str] = set()
            for key, inner in value:
                if key in seen:
                    found.append(child(where, key))
                seen.add(key)
                walk(inner, child(where, key))
        elif isinstance(value, list):
            for index, inner in enumerate(value):
                walk(inner, f"{where}[{index}]")

    with contextlib.suppress(ValueError, RecursionError):  # bad UTF-8, nesting: the item's decoding reports it
        walk(json.loads(bytes(raw), object_pairs_hook=_Pairs), path)
    return found


class _Pairs(list[tuple[str, object]]):
    """A JSON object as the pairs written, duplicates kept."""


def check_manifest(spec: Spec, integration: AnyIntegration | str, user: str, source: Source) -> Report:
    """Check a registration file (a path, streamed) or document (a mapping) for ``user`` and ``integration``.

    Raises KeyError for an unknown integration name, InputError when the file is missing or not a JSON
    object (syntax errors carry FILE:LINE:COLUMN), ReadError when it cannot be read.
    """
    check = ManifestCheck(spec, integration, user)
    problems = list(check.run(source))
    return Report(check.integration.name, user, problems, dict(check.items))

"""The reference check of a registration file's parts against one integration: every problem, with its JSON path.

It works on decoded JSON (dicts, lists, scalars) and is the only place messages are written: the fast path
only decides that an item needs no message, and hands everything else here.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from runtime.guard import ServerFeature, ServerSideRefused, require_server_side
from runtime.manifest import fields
from runtime.manifest.fields import Kind
from runtime.manifest.urls import ObjectUrls
from tether.spec.model import AnyIntegration

_NUMBERED_URL = re.compile(r"objectUrl_(0|[1-9][0-9]{0,5})")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
DOCUMENT = "(document)"
"""The path of problems about the whole file (as tether.problems names it)."""


@dataclass(frozen=True, slots=True)
class ManifestProblem:
    """Something wrong at one JSON path of a registration file, said so a person can fix it."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"

    def as_dict(self) -> dict[str, str]:
        """The JSON shape of a problem (stable for machines)."""
        return {"path": self.path, "message": self.message}


def child(path: str, key: str) -> str:
    """``videos[3].title`` (``videos`` at the top), or ``videos[3]["odd key"]`` when the key is not a plain name."""
    if not _IDENTIFIER.fullmatch(key):
        return f"{path}[{_quoted(key)}]"
    return f"{path}.{key}" if path else key


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _shown(url: str) -> str:
    return repr(url) if len(url) <= 160 else repr(url[:150] + "...")


def unknown_key(key: str, known: Iterable[str]) -> str:
    """'unknown key' with the closest known key, matching case and underscores loosely first."""
    known = list(known)
    loose = {k.replace("_", "").lower(): k for k in known}
    close = loose.get(key.replace("_", "").lower()) or next(iter(difflib.get_close_matches(key, known, n=1)), None)
    hint = f"; did you mean {close!r}?" if close else f" (expected one of {', '.join(known)})"
    return f"unknown key {key!r}{hint}"


def _unknown_item_key(kind: Kind, key: str) -> str:
    """An unknown key of an item; another list's metadata block is named as such."""
    owner = next((k.key for k in fields.KINDS.values() if k.metadata == key), None)
    return f"{key} belongs to items of {owner}, not {kind.key}" if owner else unknown_key(key, kind.item_keys)


class Rules:
    """One integration's rules for registration files: URL forms and prefixes, strict client-only."""

    def __init__(self, integration: AnyIntegration) -> None:
        self.integration = integration
        self.urls = ObjectUrls(integration)

    def list_key(self, key: str) -> list[ManifestProblem]:
        """Problems of a top-level key whose value is a list (its items are checked one by one)."""
        if key in fields.KINDS:
            return []
        if key == fields.SKIP_DUPLICATES:
            return [ManifestProblem(child("", key), "must be true or false, got a list")]
        return [ManifestProblem(child("", key), self._unknown_top(key))]

    def entry(self, key: str, value: object) -> list[ManifestProblem]:
        """Problems of a top-level key whose value is not a list."""
        path = child("", key)
        if key in fields.KINDS:
            return [ManifestProblem(path, f"must be a list of items, got {type(value).__name__}")]
        if key == fields.SKIP_DUPLICATES:
            return [] if isinstance(value, bool) else [ManifestProblem(path, f"must be true or false, got {value!r}")]
        return [ManifestProblem(path, self._unknown_top(key))]

    @staticmethod
    def _unknown_top(key: str) -> str:
        return unknown_key(key, [*fields.KINDS, fields.SKIP_DUPLICATES])

    def item(self, kind: Kind, index: int, item: object) -> list[ManifestProblem]:
        """Every problem of one item of ``kind``'s list, in the item's key order, then what is missing."""
        path = f"{kind.key}[{index}]"
        if not isinstance(item, dict):
            what = "objectUrl_0, objectUrl_1, ..." if kind.grouped else "objectUrl"
            return [ManifestProblem(path, f"must be an object with {what}, got {type(item).__name__}")]
        problems: list[ManifestProblem] = []
        numbered: list[int] = []
        for key, value in item.items():
            at = child(path, key)
            numbered_url = _NUMBERED_URL.fullmatch(key) if kind.grouped else None
            if numbered_url:
                numbered.append(int(numbered_url[1]))
                problems += self._url(at, value)
            elif key not in kind.item_keys:
                problems.append(ManifestProblem(at, _unknown_item_key(kind, key)))
            elif key == "objectUrl":
                problems += self._url(at, value)
            elif key == "title":
                if not isinstance(value, str):
                    problems.append(ManifestProblem(at, f"must be a string, got {type(value).__name__}"))
            elif key == "clientMetadata":
                if not isinstance(value, dict):
                    problems.append(ManifestProblem(at, f"must be a JSON object, got {type(value).__name__}"))
            elif key == "createVideo":
                problems += self._create_video(at, value)
            else:
                problems += self._metadata(kind, at, value)
        problems += self._missing(kind, path, item, numbered)
        return problems

    def _url(self, path: str, url: object) -> list[ManifestProblem]:
        if not isinstance(url, str):
            return [ManifestProblem(path, f"must be a URL string, got {type(url).__name__}")]
        if len(url) > fields.MAX_URL_LENGTH:
            return [ManifestProblem(path, f"is longer than the {fields.MAX_URL_LENGTH // 1024} KB a URL may have")]
        problem = self.urls.problem(url)
        return [ManifestProblem(path, f"{_shown(url)} {problem}")] if problem else []

    def _create_video(self, path: str, value: object) -> list[ManifestProblem]:
        if not isinstance(value, bool):
            return [ManifestProblem(path, f"must be true or false, got {value!r}")]
        if value:
            try:
                require_server_side(self.integration, ServerFeature.IMAGE_SEQUENCE_VIDEO)
            except ServerSideRefused as refused:
                return [ManifestProblem(path, str(refused))]
        return []

    def _metadata(self, kind: Kind, path: str, block: object) -> list[ManifestProblem]:
        names = [f.name for f in kind.fields]
        if not isinstance(block, dict):
            return [ManifestProblem(path, f"must be an object with {', '.join(names)}, got {type(block).__name__}")]
        problems: list[ManifestProblem] = []
        written: dict[str, str] = {}
        for key, value in block.items():
            field = kind.by_key.get(key)
            if field is None:
                problems.append(ManifestProblem(child(path, key), unknown_key(key, names)))
                continue
            at = child(path, field.name)
            if field.name in written:
                problems.append(ManifestProblem(at, f"given twice, as {written[field.name]} and {key}: keep one"))
                continue
            written[field.name] = key
            message = field.check(value)
            if message:
                problems.append(ManifestProblem(at, message + ("" if key == field.name else f" (written as {key})")))
        problems += [
            ManifestProblem(child(path, f.name), "required field is missing")
            for f in kind.fields
            if f.required and f.name not in written
        ]
        return problems

    def _missing(self, kind: Kind, path: str, item: dict[str, object], numbered: list[int]) -> list[ManifestProblem]:
        problems = []
        if kind.grouped:
            if not numbered:
                problems.append(ManifestProblem(path, "needs its objects as objectUrl_0, objectUrl_1, ..."))
            elif sorted(numbered) != list(range(len(numbered))):
                gap = min(set(range(len(numbered) + 1)) - set(numbered))
                message = f"objectUrl_N must count up from 0 without gaps: no objectUrl_{gap}"
                problems.append(ManifestProblem(path, message))
            if "title" not in item:
                problems.append(ManifestProblem(path, "needs a title: it names the group on the platform"))
        elif "objectUrl" not in item:
            problems.append(ManifestProblem(path, "objectUrl is required"))
        if kind.metadata and kind.metadata not in item:
            try:
                require_server_side(self.integration, ServerFeature.METADATA_EXTRACTION)
            except ServerSideRefused as refused:
                url = item.get("objectUrl")
                named = f" for {_shown(url)}" if isinstance(url, str) else ""
                problems.append(ManifestProblem(path, f"{kind.metadata} is required{named}: {refused}"))
        return problems

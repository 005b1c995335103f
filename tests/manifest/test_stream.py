"""Streaming: the reader cuts any JSON into whole items, and a large file streams to the in-memory result."""

from __future__ import annotations

import io
import json
import tracemalloc
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import runtime.manifest.reader as reader_module
from runtime.manifest.check import ManifestCheck, check_manifest
from runtime.manifest.reader import Batch, Entry, ListStart, ManifestReader, ManifestUnreadable
from tether.spec.model import Spec

from .conftest import CREATORS, TRAFFIC, VIDEO

TRICKY = st.sampled_from(["a", "}", "{", ",", "]", "[", '"', "\\", "é", " ", "\n", "},{", "}]", "\u2028", "\x00"])
STRINGS = st.lists(TRICKY, max_size=6).map("".join)
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | STRINGS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(STRINGS, inner, max_size=4),
    max_leaves=12,
)
DOCUMENTS = st.dictionaries(
    st.sampled_from(["videos", "images", "audio", "text", "x", "y}"]),
    st.lists(VALUES, max_size=12) | VALUES,
    max_size=4,
)


def rebuild(data: bytes, block: int) -> dict[str, Any]:
    """The document as the reader's events describe it."""
    out: dict[str, Any] = {}
    for event in ManifestReader(io.BytesIO(data), "m.json", block=block).events():
        if isinstance(event, Entry):
            out[event.key] = event.value
        elif isinstance(event, ListStart):
            out[event.key] = []
        else:
            assert isinstance(event, Batch)
            items = msgspec.json.decode(event.data)
            assert len(items) == event.count
            assert event.first == len(out[event.key])
            out[event.key].extend(items)
    return out


@settings(max_examples=300, deadline=None)
@given(
    document=DOCUMENTS,
    indent=st.sampled_from([None, 0, 1, 4]),
    ascii_only=st.booleans(),
    block=st.sampled_from([1, 2, 3, 7, 64, 1 << 20]),
)
def test_reader_yields_exactly_the_document(
    document: dict[str, Any], indent: int | None, ascii_only: bool, block: int
) -> None:
    data = json.dumps(document, indent=indent, ensure_ascii=ascii_only).encode()
    assert rebuild(data, block) == json.loads(data)


SYNTAX = [
    (b"", "m.json:1:1: JSON syntax error: the file is empty"),
    (b"[]", "m.json:1:1: JSON syntax error: expected a JSON object"),
    (b'{"videos": [1, 2', "m.json:1:17: JSON syntax error: unexpected end of file inside a list"),
    (b'{"videos": [1,, 2]}', "m.json:1:15: JSON syntax error: expected a value"),
    (b'{"videos": [1, ]}', "m.json:1:16: JSON syntax error: expected a value"),
    (b'{"videos" []}', "m.json:1:11: JSON syntax error: expected ':' after the key 'videos'"),
    (b'{"videos": [{"a": 1}}]}', "m.json:1:21: JSON syntax error: expected ',' between items or ']'"),
    (b'{"videos": []} []', "m.json:1:16: JSON syntax error: unexpected data after the top-level object"),
    (b'{"videos": [{"a": "\\q"}]}', "m.json:1:21: JSON syntax error: invalid escaped character"),
    (b'{\n  "videos": [\n    {"objectUrl": tru}\n  ]\n}', "m.json:3:20: JSON syntax error: invalid character"),
    (
        b'{"videos": [{"objectUrl": "unterminated}]}',
        "m.json:1:13: JSON syntax error: unexpected end of file inside this value",
    ),
]


@pytest.mark.parametrize(("data", "said"), SYNTAX)
@pytest.mark.parametrize("block", [1, 5, 1 << 20])
def test_syntax_errors_name_line_and_column(data: bytes, said: str, block: int) -> None:
    with pytest.raises(ManifestUnreadable) as error:
        rebuild(data, block)
    assert str(error.value).startswith(said)


def test_error_position_counts_lines_already_streamed_past() -> None:
    items = ",\n".join(json.dumps({"objectUrl": f"s3://b/{i}"}) for i in range(5000))
    data = ('{"videos": [\n' + items + ",\n{oops}\n]}").encode()
    with pytest.raises(ManifestUnreadable) as error:
        rebuild(data, 4096)
    assert str(error.value).startswith("m.json:5002:2: JSON syntax error")


def large_document(count: int) -> dict[str, Any]:
    """Mostly valid items; some bad in each way, some whose strings and nested lists defeat the fast cut."""
    videos: list[dict[str, Any]] = []
    for i in range(count):
        item: dict[str, Any] = {"objectUrl": f"{TRAFFIC}cam{i % 7}/{i:06d}.mp4", "videoMetadata": dict(VIDEO)}
        if i % 997 == 1:
            item["videoMetadata"]["fps"] = 0
        if i % 1499 == 2:
            item["objectUrl"] = f"{TRAFFIC}../{i}.mp4"
        if i % 401 == 3:
            item["clientMetadata"] = {"note": "},{", "boxes": [{"x": 1}, {"y": [2]}]}
        if i % 2003 == 4:
            del item["videoMetadata"]["mime_type"]
            item["videoMetadata"]["mimeType"] = "video/mp4"
        videos.append(item)
    return {"videos": videos, "text": [{"objectUrl": TRAFFIC + "t.txt", "clientMetadata": {"a": "}]"}}]}


def test_large_file_streams_to_the_same_problems_as_the_document(spec: Spec, tmp_path: Path) -> None:
    document = large_document(20_000)
    file = tmp_path / "large.json"
    file.write_text(json.dumps(document, indent=1))
    assert file.stat().st_size > 3 << 20  # several batches
    user = CREATORS["traffic-video"]
    streamed = check_manifest(spec, "traffic-video", user, str(file))
    whole = check_manifest(spec, "traffic-video", user, document)
    assert streamed.problems == whole.problems
    assert streamed.items == whole.items == {"videos": 20_000, "text": 1}
    assert len(whole.problems) == len(range(1, 20_000, 997)) + len(range(2, 20_000, 1499))
    assert whole.problems[0].path == "videos[1].videoMetadata.fps"


def streaming_peak(spec: Spec, file: Path) -> int:
    """Peak bytes Python allocates while streaming ``file`` through a check."""
    check = ManifestCheck(spec, "traffic-video", CREATORS["traffic-video"])
    tracemalloc.start()
    try:
        assert sum(1 for _ in check.run(str(file))) > 0
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_streaming_memory_does_not_grow_with_the_file(spec: Spec, tmp_path: Path) -> None:
    small, large = tmp_path / "small.json", tmp_path / "large.json"
    small.write_text(json.dumps(large_document(15_000)))
    large.write_text(json.dumps(large_document(75_000)))
    assert large.stat().st_size > 15 << 20
    assert streaming_peak(spec, large) < 1.3 * streaming_peak(spec, small)


def test_duplicate_top_level_keys_are_reported(spec: Spec, tmp_path: Path) -> None:
    """JSON readers keep the last of two equal keys; streaming sees both and says so."""
    file = tmp_path / "dup.json"
    file.write_text('{"videos": [{"objectUrl": "' + TRAFFIC + 'a"}], "videos": []}')
    report = check_manifest(spec, "traffic-video", CREATORS["traffic-video"], str(file))
    assert [str(p) for p in report.problems] == [
        "videos: given twice: JSON readers keep only the last, so the first would be lost"
    ]


def test_one_huge_value_is_refused_rather_than_held(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader_module, "MAX_VALUE", 1000)
    huge = json.dumps({"videos": [{"objectUrl": "s3://b/a"}, {"clientMetadata": {"x": "y" * 5000}}]}).encode()
    with pytest.raises(ManifestUnreadable, match="a single value over 0 MB: refused, to keep memory bounded"):
        rebuild(huge, 64)

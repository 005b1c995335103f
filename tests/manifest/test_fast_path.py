"""The msgspec fast path vouches only for items the reference validator finds nothing wrong with."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runtime.manifest import fields
from runtime.manifest.check import check_manifest
from runtime.manifest.validate import Rules
from tether.spec.model import Spec

from .conftest import AUDIO, CREATORS, IMAGE, SCANS, TRAFFIC, VIDEO

NUMBERS = st.sampled_from([0, -1, 1, 25, 29.97, 1000, 1000.5, 2**40, 1e300, 1.5, True, "25", None])
VALUES = {
    "fps": NUMBERS,
    "duration": NUMBERS,
    "width": NUMBERS | st.sampled_from([32_768, 32_769, 1_000_000, 1_000_001]),
    "height": NUMBERS,
    "file_size": NUMBERS | st.just(fields.MAX_FILE_SIZE + 1),
    "mime_type": st.sampled_from(["video/mp4", "image/png", "audio/mpeg", "VIDEO/mp4", "mp4", "video/mp4\n", 4]),
    "sample_rate": NUMBERS | st.sampled_from([8000, 768_000, 768_001, 999]),
    "bit_depth": NUMBERS | st.sampled_from([16, 64, 65]),
    "codec": st.sampled_from(["mp3", "pcm_s16le", "", "a b", 3]),
    "num_channels": NUMBERS | st.sampled_from([2, 256, 257]),
}
URLS = st.sampled_from(
    [TRAFFIC + "a.mp4", TRAFFIC + "a+b.mp4", TRAFFIC + "%2e%2e/a", TRAFFIC.upper() + "a", "s3://x/y", SCANS + "a", 7]
)


VALID = {**VIDEO, **IMAGE, **AUDIO}


@st.composite
def blocks(draw: st.DrawFn, kind: fields.Kind) -> dict[str, Any]:
    """A valid block in mixed spellings with at most one field bent: missing, doubled, or given an odd value."""
    bent = draw(st.sampled_from([None, *kind.fields]))
    block: dict[str, Any] = {}
    for field in kind.fields:
        names = [field.name, field.spelling or field.name]
        how = draw(st.sampled_from(["canonical", "spelling", "both", "missing"])) if field is bent else "valid"
        if how == "valid":
            block[draw(st.sampled_from(names))] = VALID[field.name]
        elif how != "missing":
            for name in {"canonical": names[:1], "spelling": names[1:], "both": names}[how]:
                block[name] = draw(VALUES[field.name])
    if draw(st.integers(0, 5)) == 0:
        block[draw(st.sampled_from(["extra", "fps", "codec"]))] = 1
    return block


@st.composite
def items(draw: st.DrawFn, kind: fields.Kind, inside: str) -> Any:
    item: dict[str, Any] = {"objectUrl": draw(URLS) if draw(st.integers(0, 3)) == 0 else inside + "ok.mp4"}
    if draw(st.integers(0, 5)):
        assert kind.metadata
        item[kind.metadata] = draw(blocks(kind))
    if draw(st.integers(0, 4)) == 0:
        item["clientMetadata"] = draw(st.sampled_from([{}, {"a": [1]}, [], "x", None]))
    if draw(st.integers(0, 4)) == 0:
        item["title"] = draw(st.sampled_from(["t", 1]))
    return item if draw(st.integers(0, 20)) else draw(st.sampled_from(["s3://x", None, []]))


MEDIA = [fields.VIDEOS, fields.IMAGES, fields.AUDIO]


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), integration=st.sampled_from(["traffic-video", "medical-scans"]))
def test_streamed_and_reference_checks_agree(spec: Spec, tmp_path: Path, data: st.DataObject, integration: str) -> None:
    inside = TRAFFIC if integration == "traffic-video" else SCANS
    document = data.draw(st.fixed_dictionaries({k.key: st.lists(items(k, inside), max_size=6) for k in MEDIA}))
    user = CREATORS[integration]
    file = tmp_path / "m.json"
    file.write_text(json.dumps(document))
    streamed = check_manifest(spec, integration, user, str(file))
    whole = check_manifest(spec, integration, user, document)
    assert streamed.problems == whole.problems
    assert streamed.items == whole.items


def test_valid_items_never_reach_the_reference_validator(
    spec: Spec, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fast path is the path: a valid file is vouched for without per-item validation."""
    calls: list[int] = []
    monkeypatch.setattr(Rules, "item", lambda self, kind, index, item: calls.append(index) or [])
    document = {
        "videos": [
            {"objectUrl": SCANS + f"{i}.mp4", "title": "t", "clientMetadata": {}, "videoMetadata": VIDEO}
            for i in range(50)
        ],
        "images": [
            {
                "objectUrl": SCANS + "a.png",
                "imageMetadata": {"mimeType": "image/png", "fileSize": 1, "width": 1, "height": 1},
            }
        ],
        "audio": [{"objectUrl": SCANS + "a.mp3", "audioMetadata": AUDIO}],
        "text": [{"objectUrl": SCANS + "a.txt"}],
    }
    file = tmp_path / "m.json"
    file.write_text(json.dumps(document))
    assert check_manifest(spec, "medical-scans", CREATORS["medical-scans"], str(file)).ok
    assert calls == []

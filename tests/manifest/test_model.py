"""Every list and metadata kind: what a valid registration file looks like, and each way to get one wrong."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from runtime.manifest.check import check_manifest
from tether.spec.model import Spec

from .conftest import AUDIO, CREATORS, IMAGE, SCANS, TRAFFIC, VIDEO, Check

FRAMES = TRAFFIC.replace("/videos/", "/frames/")


def full_manifest() -> dict[str, Any]:
    return {
        "videos": [
            {"objectUrl": TRAFFIC + "a.mp4", "title": "a", "clientMetadata": {"k": [1]}, "videoMetadata": VIDEO}
        ],
        "images": [{"objectUrl": FRAMES + "a.png", "imageMetadata": IMAGE}],
        "audio": [{"objectUrl": TRAFFIC + "a.mp3", "audioMetadata": AUDIO}],
        "image_groups": [
            {"title": "g", "createVideo": True, "objectUrl_0": FRAMES + "1.png", "objectUrl_1": FRAMES + "2.png"}
        ],
        "dicom_series": [{"title": "ct", "objectUrl_0": FRAMES + "1.dcm"}],
        "text": [{"objectUrl": TRAFFIC + "notes.txt"}],
        "pdfs": [{"objectUrl": TRAFFIC + "report.pdf", "clientMetadata": {}}],
        "skip_duplicate_urls": True,
    }


def test_every_list_valid(check: Check) -> None:
    assert check(full_manifest()) == []


def test_empty_manifest_is_valid(check: Check) -> None:
    assert check({}) == []


def test_metadata_is_optional_outside_client_only(check: Check) -> None:
    document = {key: [{"objectUrl": TRAFFIC + "x"}] for key in ("videos", "images", "audio", "text", "pdfs")}
    assert check(document) == []


def test_documented_image_example_in_camel_case(check: Check) -> None:
    """The documentation's own example (camelCase keys, image/jpg) is accepted as written."""
    block = {"mimeType": "image/jpg", "fileSize": 124, "width": 640, "height": 480}
    assert check({"images": [{"objectUrl": FRAMES + "my_image.jpg", "imageMetadata": block}]}) == []


def test_camel_case_for_every_multiword_field(check: Check) -> None:
    audio = {
        "duration": 1.5, "fileSize": 10, "mimeType": "audio/wav", "sampleRate": 22050,
        "bitDepth": 16, "codec": "pcm_s16le", "numChannels": 2,
    }  # fmt: skip
    video = {"fps": 29.97, "duration": 1, "width": 1, "height": 1, "fileSize": 1, "mimeType": "video/webm"}
    document = {
        "audio": [{"objectUrl": TRAFFIC + "a.wav", "audioMetadata": audio}],
        "videos": [{"objectUrl": TRAFFIC + "a.webm", "videoMetadata": video}],
    }
    assert check(document) == []


BAD_VALUES = [
    ("videos", "videoMetadata", VIDEO, "fps", 0, "must be greater than 0 and at most 1,000, got 0"),
    ("videos", "videoMetadata", VIDEO, "fps", -25, "must be greater than 0 and at most 1,000, got -25"),
    ("videos", "videoMetadata", VIDEO, "fps", 25000, "must be greater than 0 and at most 1,000, got 25000"),
    ("videos", "videoMetadata", VIDEO, "fps", "25", "must be a number, got '25'"),
    ("videos", "videoMetadata", VIDEO, "fps", True, "must be a number, got True"),
    ("videos", "videoMetadata", VIDEO, "duration", 0.0, "must be greater than 0 and at most 2,678,400, got 0.0"),
    ("videos", "videoMetadata", VIDEO, "width", 0, "must be from 1 to 32,768, got 0"),
    ("videos", "videoMetadata", VIDEO, "height", 240.5, "must be a whole number, got 240.5"),
    ("videos", "videoMetadata", VIDEO, "file_size", 0, "must be from 1 to 219,902,325,555,200, got 0"),
    (
        "videos",
        "videoMetadata",
        VIDEO,
        "mime_type",
        "audio/mp4",
        "'audio/mp4' does not fit the videos list: expected video/...",
    ),
    ("videos", "videoMetadata", VIDEO, "mime_type", "mp4", "must be a MIME type such as video/mp4, got 'mp4'"),
    ("images", "imageMetadata", IMAGE, "width", -1, "must be from 1 to 1,000,000, got -1"),
    ("images", "imageMetadata", IMAGE, "height", None, "must be a whole number, got None"),
    (
        "images",
        "imageMetadata",
        IMAGE,
        "mime_type",
        "video/png",
        "'video/png' does not fit the images list: expected image/...",
    ),
    ("images", "imageMetadata", IMAGE, "file_size", -5, "must be from 1 to 219,902,325,555,200, got -5"),
    ("audio", "audioMetadata", AUDIO, "duration", -1, "must be greater than 0 and at most 2,678,400, got -1"),
    ("audio", "audioMetadata", AUDIO, "sample_rate", 100, "must be from 1,000 to 768,000, got 100"),
    ("audio", "audioMetadata", AUDIO, "sample_rate", 44100.0, "must be a whole number, got 44100.0"),
    ("audio", "audioMetadata", AUDIO, "bit_depth", 0, "must be from 1 to 64, got 0"),
    ("audio", "audioMetadata", AUDIO, "bit_depth", 128, "must be from 1 to 64, got 128"),
    ("audio", "audioMetadata", AUDIO, "num_channels", 44100, "must be from 1 to 256, got 44100"),
    ("audio", "audioMetadata", AUDIO, "codec", "", "must be a codec name such as mp3 or pcm_s16le, got ''"),
    ("audio", "audioMetadata", AUDIO, "codec", 3, "must be a codec name such as mp3 or pcm_s16le, got 3"),
    (
        "audio",
        "audioMetadata",
        AUDIO,
        "mime_type",
        "video/mp3",
        "'video/mp3' does not fit the audio list: expected audio/...",
    ),
]


@pytest.mark.parametrize(("key", "block_key", "block", "field", "value", "message"), BAD_VALUES)
def test_bad_value_is_reported_at_its_path(
    check: Check, key: str, block_key: str, block: dict[str, Any], field: str, value: object, message: str
) -> None:
    items = [{"objectUrl": TRAFFIC + "ok"}] * 3 + [{"objectUrl": TRAFFIC + "x", block_key: {**block, field: value}}]
    assert check({key: items}) == [f"{key}[3].{block_key}.{field}: {message}"]


def test_camel_case_problem_names_the_canonical_key_and_the_spelling(check: Check) -> None:
    block = {"mimeType": "audio/png", "fileSize": 0, "width": 640, "height": 480}
    assert check({"images": [{"objectUrl": FRAMES + "a.png", "imageMetadata": block}]}) == [
        "images[0].imageMetadata.mime_type: 'audio/png' does not fit the images list: expected image/... "
        "(written as mimeType)",
        "images[0].imageMetadata.file_size: must be from 1 to 219,902,325,555,200, got 0 (written as fileSize)",
    ]


def test_both_spellings_of_one_field(check: Check) -> None:
    block = {**IMAGE, "fileSize": 124}
    assert check({"images": [{"objectUrl": FRAMES + "a.png", "imageMetadata": block}]}) == [
        "images[0].imageMetadata.file_size: given twice, as file_size and fileSize: keep one"
    ]


@pytest.mark.parametrize(
    ("key", "block_key", "block"),
    [("videos", "videoMetadata", VIDEO), ("images", "imageMetadata", IMAGE), ("audio", "audioMetadata", AUDIO)],
)
def test_every_missing_field_is_reported(check: Check, key: str, block_key: str, block: dict[str, Any]) -> None:
    assert check({key: [{"objectUrl": TRAFFIC + "x", block_key: {}}]}) == [
        f"{key}[0].{block_key}.{field}: required field is missing" for field in block if field != "bit_depth"
    ]  # bit_depth is optional: lossy audio has none


def test_unknown_keys_get_a_suggestion(check: Check) -> None:
    document = {
        "vidoes": [],
        "videos": [
            {"objectUrl": TRAFFIC + "a", "video_metadata": VIDEO},
            {"objectUrl": TRAFFIC + "b", "videoMetadata": {**VIDEO, "frame_rate": 25}},
            {"object_url": TRAFFIC + "c", "title": "c"},
        ],
        "text": [{"objectUrl": TRAFFIC + "t", "imageMetadata": IMAGE}],
    }
    assert check(document) == [
        "vidoes: unknown key 'vidoes'; did you mean 'videos'?",
        "videos[0].video_metadata: unknown key 'video_metadata'; did you mean 'videoMetadata'?",
        "videos[1].videoMetadata.frame_rate: unknown key 'frame_rate' "
        "(expected one of fps, duration, width, height, file_size, mime_type)",
        "videos[2].object_url: unknown key 'object_url'; did you mean 'objectUrl'?",
        "videos[2]: objectUrl is required",
        "text[0].imageMetadata: imageMetadata belongs to items of images, not text",
    ]


def test_wrong_shapes(check: Check) -> None:
    document = {
        "videos": [TRAFFIC + "a.mp4", {"objectUrl": 7, "title": ["t"], "clientMetadata": "x", "videoMetadata": [25]}],
        "images": {"objectUrl": FRAMES + "a.png"},
        "skip_duplicate_urls": "yes",
    }
    assert check(document) == [
        "videos[0]: must be an object with objectUrl, got str",
        "videos[1].objectUrl: must be a URL string, got int",
        "videos[1].title: must be a string, got list",
        "videos[1].clientMetadata: must be a JSON object, got str",
        "videos[1].videoMetadata: must be an object with fps, duration, width, height, file_size, mime_type, got list",
        "images: must be a list of items, got dict",
        "skip_duplicate_urls: must be true or false, got 'yes'",
    ]


def test_groups_number_their_objects_from_zero(check: Check) -> None:
    document = {
        "image_groups": [
            {"title": "gap", "objectUrl_0": FRAMES + "0.png", "objectUrl_2": FRAMES + "2.png"},
            {"title": "none", "createVideo": "yes"},
            {"objectUrl_0": FRAMES + "0.png", "objectUrl_x": FRAMES + "x.png"},
        ],
        "dicom_series": [{"title": "ct", "objectUrl_1": FRAMES + "1.dcm"}],
    }
    assert check(document) == [
        "image_groups[0]: objectUrl_N must count up from 0 without gaps: no objectUrl_1",
        "image_groups[1].createVideo: must be true or false, got 'yes'",
        "image_groups[1]: needs its objects as objectUrl_0, objectUrl_1, ...",
        "image_groups[2].objectUrl_x: unknown key 'objectUrl_x' (expected one of title, clientMetadata, createVideo)",
        "image_groups[2]: needs a title: it names the group on the platform",
        "dicom_series[0]: objectUrl_N must count up from 0 without gaps: no objectUrl_0",
    ]


def test_odd_keys_are_quoted_in_paths(check: Check) -> None:
    assert check({"videos": [{"objectUrl": TRAFFIC + "a", "my key": 1}]}) == [
        "videos[0][\"my key\"]: unknown key 'my key' (expected one of objectUrl, title, clientMetadata, videoMetadata)"
    ]


def test_huge_numbers_are_refused_not_crashed_on(spec: Spec, tmp_path: Path) -> None:
    """1e400 is valid JSON; json.load makes it infinity, and both paths refuse it the same way."""
    text = '{"videos": [{"objectUrl": "' + TRAFFIC + 'a", "videoMetadata": {"fps": 1e400}}]}'
    file = tmp_path / "huge.json"
    file.write_text(text)
    streamed = check_manifest(spec, "traffic-video", CREATORS["traffic-video"], str(file)).problems
    whole = check_manifest(spec, "traffic-video", CREATORS["traffic-video"], json.loads(text)).problems
    assert streamed == whole
    assert str(whole[0]) == "videos[0].videoMetadata.fps: must be greater than 0 and at most 1,000, got inf"


def test_other_integrations_check_their_own_buckets(check: Check) -> None:
    assert check({"videos": [{"objectUrl": SCANS + "ct/1.mp4", "videoMetadata": VIDEO}]}, "medical-scans") == []

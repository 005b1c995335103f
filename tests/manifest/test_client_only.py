"""Strict client-only (R8): every media item carries its metadata, and no server-side feature runs."""

from __future__ import annotations

import pytest

from runtime.guard import ServerFeature, ServerSideRefused, require_server_side
from tether.errors import EXIT_FINDINGS
from tether.spec.model import Spec

from .conftest import AUDIO, IMAGE, SCANS, VIDEO, Check

REFUSED = (
    "integration 'medical-scans' is strict client-only: the platform's servers may not read its data, "
    "so metadata extraction is not available (R8)"
)


def test_missing_metadata_names_each_item(check: Check) -> None:
    document = {
        "videos": [
            {"objectUrl": SCANS + "a.mp4", "videoMetadata": VIDEO},
            {"objectUrl": SCANS + "b.mp4", "title": "b"},
        ],
        "images": [{"objectUrl": SCANS + "c.png"}, {"objectUrl": SCANS + "d.png", "imageMetadata": IMAGE}],
        "audio": [{"objectUrl": SCANS + "e.mp3"}],
    }
    assert check(document, "medical-scans") == [
        f"videos[1]: videoMetadata is required for '{SCANS}b.mp4': {REFUSED}",
        f"images[0]: imageMetadata is required for '{SCANS}c.png': {REFUSED}",
        f"audio[0]: audioMetadata is required for '{SCANS}e.mp3': {REFUSED}",
    ]


def test_complete_client_only_manifest_passes(check: Check) -> None:
    document = {
        "videos": [{"objectUrl": SCANS + "a.mp4", "videoMetadata": VIDEO}],
        "images": [{"objectUrl": SCANS + "c.png", "imageMetadata": IMAGE}],
        "audio": [{"objectUrl": SCANS + "e.mp3", "audioMetadata": AUDIO}],
        "text": [{"objectUrl": SCANS + "notes.txt"}],
        "image_groups": [{"title": "g", "objectUrl_0": SCANS + "1.png", "createVideo": False}],
    }
    assert check(document, "medical-scans") == []


def test_item_without_url_is_still_named_by_its_path(check: Check) -> None:
    assert check({"videos": [{"title": "x"}]}, "medical-scans") == [
        "videos[0]: objectUrl is required",
        f"videos[0]: videoMetadata is required: {REFUSED}",
    ]


def test_image_sequence_video_is_a_server_side_feature(check: Check) -> None:
    document = {"image_groups": [{"title": "seq", "objectUrl_0": SCANS + "1.png", "createVideo": True}]}
    assert check(document, "medical-scans") == [
        "image_groups[0].createVideo: integration 'medical-scans' is strict client-only: the platform's servers "
        "may not read its data, so building a video from an image sequence is not available (R8)"
    ]


@pytest.mark.parametrize("feature", list(ServerFeature))
def test_guard_refuses_every_server_side_feature_for_client_only(spec: Spec, feature: ServerFeature) -> None:
    with pytest.raises(ServerSideRefused) as refused:
        require_server_side(spec.integration("medical-scans"), feature)
    assert refused.value.feature is feature
    assert refused.value.integration == "medical-scans"
    assert str(refused.value).endswith(f"so {feature} is not available (R8)")
    assert refused.value.exit_code == EXIT_FINDINGS


def test_guard_allows_server_side_features_elsewhere(spec: Spec) -> None:
    for name in ("traffic-video", "retail-images", "call-audio", "lab-archive"):
        require_server_side(spec.integration(name), ServerFeature.THUMBNAILS)


def test_guard_refuses_direct_access_client_only_too(spec: Spec) -> None:
    """drone-survey is Direct Access and client-only: the tightest mode (R9)."""
    with pytest.raises(ServerSideRefused):
        require_server_side(spec.integration("drone-survey"), ServerFeature.TRANSCODING)

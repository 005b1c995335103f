"""The dev stack's integrations, and a check that runs every manifest through both paths and demands they agree."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from runtime.manifest.check import check_manifest
from runtime.manifest.validate import ManifestProblem
from tether.spec import load_spec
from tether.spec.model import Spec

ROOT = Path(__file__).resolve().parents[2]
DEV = str(ROOT / "stacks/dev/integrations.yaml")

CREATORS = {
    "traffic-video": "alice@acme-vision.ai",
    "medical-scans": "bob@acme-vision.ai",
    "retail-images": "alice@acme-vision.ai",
    "call-audio": "carol@acme-vision.ai",
    "drone-survey": "alice@acme-vision.ai",
    "lab-archive": "dan@acme-vision.ai",
}
"""Each dev integration's creator: its Admin, who may register data (R1, R2)."""

TRAFFIC = "https://acme-vision-dev-traffic-video.s3.eu-west-2.amazonaws.com/videos/"
"""Inside traffic-video (AWS, prefixes videos/ and frames/)."""
SCANS = "s3://acme-vision-dev-medical-scans/"
"""Inside medical-scans (AWS, strict client-only, whole bucket)."""

VIDEO = {"fps": 25, "duration": 4.0, "width": 320, "height": 240, "file_size": 84575, "mime_type": "video/mp4"}
IMAGE = {"width": 640, "height": 480, "file_size": 124, "mime_type": "image/png"}
AUDIO = {
    "duration": 23.02,
    "file_size": 2900000,
    "mime_type": "audio/mp3",
    "sample_rate": 44100,
    "bit_depth": 24,
    "codec": "mp3",
    "num_channels": 2,
}

Check = Callable[..., list[str]]


@pytest.fixture(scope="session")
def spec() -> Spec:
    return load_spec(DEV).spec


@pytest.fixture
def check(spec: Spec, tmp_path: Path) -> Check:
    """Problems of a document, as 'path: message' lines; streamed from a file and checked in memory, equal."""

    def run(document: Any, integration: str = "traffic-video", user: str | None = None) -> list[str]:
        who = user or CREATORS[integration]
        whole = check_manifest(spec, integration, who, document)
        file = tmp_path / "manifest.json"
        file.write_text(json.dumps(document), encoding="utf-8")
        streamed = check_manifest(spec, integration, who, str(file))
        assert (streamed.problems, streamed.items) == (whole.problems, whole.items)
        return [str(p) for p in whole.problems]

    return run


def problem(path: str, message: str) -> str:
    return str(ManifestProblem(path, message))

"""The Runtime as the platform holds it: loaded once with records and an env file, then asked to sign and to
check registration files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runtime import Runtime
from tether.errors import InputError

DEV = Path(__file__).resolve().parents[2] / "stacks" / "dev" / "integrations.yaml"
VIDEO = {"fps": 25, "duration": 4.0, "width": 320, "height": 240, "file_size": 84575, "mime_type": "video/mp4"}
TRAFFIC = "https://acme-vision-dev-traffic-video.s3.eu-west-2.amazonaws.com/videos/"


def test_load_reads_the_env_file_into_settings(tmp_path: Path) -> None:
    env = tmp_path / "sandbox.env"
    env.write_text("TETHER_ENDPOINT_S3_COMPATIBLE=https://127.0.0.1:8443\nAWS_ACCESS_KEY_ID=AKIDSANDBOX\n")
    rt = Runtime.load(DEV, env_file=env)
    assert rt.settings.endpoint("s3-compatible") == "https://127.0.0.1:8443"
    assert rt.settings.get("AWS_ACCESS_KEY_ID") == "AKIDSANDBOX"
    with pytest.raises(InputError, match=r"missing\.env: no such file"):
        Runtime.load(DEV, env_file=tmp_path / "missing.env")


def test_check_manifest_delegates_to_the_manifest_check(tmp_path: Path) -> None:
    rt = Runtime.load(DEV)
    good = {"videos": [{"objectUrl": TRAFFIC + "a.mp4", "videoMetadata": VIDEO}]}
    report = rt.check_manifest("carol@acme-vision.ai", "traffic-video", good)
    assert (report.ok, report.integration, report.items) == (True, "traffic-video", {"videos": 1})
    file = tmp_path / "items.json"
    file.write_text(json.dumps(good))
    refused = rt.check_manifest("erin@acme-vision.ai", "traffic-video", file)
    assert [str(problem) for problem in refused.problems] == [
        "(document): registering is not allowed: erin@acme-vision.ai is not a member of traffic-video, directly or through "
        "a group: an Admin of it must add them (R4)"
    ]
    with pytest.raises(InputError, match=r"^no integration named 'nope'"):
        rt.check_manifest("carol@acme-vision.ai", "nope", good)

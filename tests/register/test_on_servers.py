"""tether register end to end on SeaweedFS and Azurite, with real media: what is measured, written and checked."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path

from PIL import Image

from runtime import Runtime
from tests.register.conftest import azure_settings, azure_spec, s3_settings, s3_spec
from tests.servers import seaweedfs_s3
from tether.register.run import FAILURES, Request, register
from tether.standins.azurite import AzuriteHandle
from tether.standins.seaweedfs import SeaweedFSHandle


def items(out: Path) -> dict[str, dict[str, object]]:
    """Every item of every registration file in ``out``, by title, with the list it is in."""
    found: dict[str, dict[str, object]] = {}
    for path in sorted(out.glob("register-*.json")):
        for list_key, entries in json.loads(path.read_text()).items():
            for entry in entries:
                assert entry["title"] not in found, f"{entry['title']} registered twice"
                found[entry["title"]] = {"list": list_key, **entry}
    return found


EXPECTED = {
    "media/cam1/clip.mp4": ("videos", "videoMetadata", {"fps": 25.0, "duration": 2.0, "width": 320, "height": 240,
                                                        "mime_type": "video/mp4"}),
    "media/cam1/frame.png": ("images", "imageMetadata", {"width": 640, "height": 480, "mime_type": "image/png"}),
    "media/shelf one/shelf+1.jpg": ("images", "imageMetadata", {"width": 800, "height": 600,
                                                                "mime_type": "image/jpeg"}),
    "media/calls/call.wav": ("audio", "audioMetadata", {"duration": 2.0, "sample_rate": 16000, "num_channels": 1,
                                                        "bit_depth": 16, "codec": "pcm_s16le",
                                                        "mime_type": "audio/wav"}),
}  # fmt: skip


def assert_measured(found: dict[str, dict[str, object]], samples: dict[str, bytes]) -> None:
    for key, (list_key, block_key, expected) in EXPECTED.items():
        item = found[key]
        assert item["list"] == list_key
        block = item[block_key]
        assert isinstance(block, dict)
        assert block["file_size"] == len(samples[key])
        for name, value in expected.items():
            assert block[name] == value, (key, name, block)
    assert found["media/notes.txt"]["list"] == "text"


def test_s3_bucket_registers_measured_media_that_passes_check_manifest(
    seaweedfs: SeaweedFSHandle, bucket: str, samples: dict[str, bytes], tmp_path: Path
) -> None:
    runtime = Runtime(s3_spec(seaweedfs.endpoint_url, bucket), {}, s3_settings(seaweedfs))
    outcome = register(runtime, Request("lab", "ben@acme.ai", None, tmp_path / "out"))
    found = items(tmp_path / "out")
    assert_measured(found, samples)
    assert found["media/shelf one/shelf+1.jpg"]["objectUrl"] == (
        f"{seaweedfs.endpoint_url.replace('127.0.0.1', '127.0.0.1')}/{bucket}/media/shelf%20one/shelf%2B1.jpg"
    )
    assert "elsewhere/clip.png" not in found and "media/blob.bin" not in found
    assert outcome.problems == []  # every file passed check-manifest for this strict client-only integration
    for path in outcome.files:
        assert runtime.check_manifest("ben@acme.ai", "lab", path).ok
    assert outcome.failures == 1
    key, reason = (tmp_path / "out" / FAILURES).read_text().rstrip("\n").split("\t")
    assert key == "media/broken.mp4" and "ffprobe" in reason and "X-Amz-Signature" not in reason


def test_azure_container_registers_the_same(
    azurite: AzuriteHandle, container: str, samples: dict[str, bytes], tmp_path: Path
) -> None:
    runtime = Runtime(azure_spec(azurite.account_name, container), {}, azure_settings(azurite))
    outcome = register(runtime, Request("calls", "ben@acme.ai", "media/cam1/", tmp_path / "out", concurrency=4))
    found = items(tmp_path / "out")
    assert set(found) == {"media/cam1/clip.mp4", "media/cam1/frame.png"}
    assert found["media/cam1/clip.mp4"]["objectUrl"] == (
        f"https://{azurite.account_name}.blob.core.windows.net/{container}/media/cam1/clip.mp4"
    )
    assert outcome.problems == [] and outcome.failures == 0
    runtime_all = register(runtime, Request("calls", "ben@acme.ai", None, tmp_path / "all"))
    assert_measured(items(tmp_path / "all"), samples)
    assert runtime_all.problems == []


def test_images_are_measured_as_displayed_from_their_first_bytes(
    seaweedfs: SeaweedFSHandle, bucket: str, tmp_path: Path
) -> None:
    """A phone photo stored 800x600 with EXIF orientation 6 shows 600x800 in browsers; its header comes from a
    ranged GET, and a JPEG whose EXIF block pushes the size past the first range is read with a larger one."""

    def jpeg(orientation: int, padding: int) -> bytes:
        exif = Image.Exif()
        exif[0x0112] = orientation
        exif[0x010E] = "x" * padding  # ImageDescription: a large EXIF block before the frame header
        out = io.BytesIO()
        Image.new("RGB", (800, 600)).save(out, "JPEG", exif=exif.tobytes())
        return out.getvalue()

    client = seaweedfs_s3(seaweedfs)
    client.put_object(Bucket=bucket, Key="media/turned.jpg", Body=jpeg(6, 0))
    client.put_object(Bucket=bucket, Key="media/big-exif.jpg", Body=jpeg(1, 65000))
    runtime = Runtime(s3_spec(seaweedfs.endpoint_url, bucket), {}, s3_settings(seaweedfs))
    register(runtime, Request("lab", "ben@acme.ai", "media/", tmp_path / "out"))
    found = items(tmp_path / "out")
    turned, big = found["media/turned.jpg"]["imageMetadata"], found["media/big-exif.jpg"]["imageMetadata"]
    assert (turned["width"], turned["height"]) == (600, 800)  # type: ignore[index]
    assert (big["width"], big["height"]) == (800, 600)  # type: ignore[index]


def test_sound_alone_in_a_video_container_is_registered_as_audio(
    seaweedfs: SeaweedFSHandle, bucket: str, tmp_path: Path
) -> None:
    speech = tmp_path / "speech.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=300:sample_rate=48000",
                    "-t", "1", "-c:a", "aac", str(speech)], check=True)  # fmt: skip
    seaweedfs_s3(seaweedfs).put_object(Bucket=bucket, Key="media/speech.mp4", Body=speech.read_bytes())
    runtime = Runtime(s3_spec(seaweedfs.endpoint_url, bucket), {}, s3_settings(seaweedfs))
    outcome = register(runtime, Request("lab", "ben@acme.ai", "media/speech", tmp_path / "out"))
    item = items(tmp_path / "out")["media/speech.mp4"]
    assert item["list"] == "audio" and outcome.problems == []
    block = item["audioMetadata"]
    assert (block["mime_type"], block["sample_rate"], block["codec"]) == ("audio/mp4", 48000, "aac")  # type: ignore[index]

"""`tether register` through signed URLs gives the block `tether metadata` gives for the same bytes on disk.

Each file is one way the two measurers used to disagree (issue 21's fixes, which register's own ffprobe and
Pillow code did not have): a display matrix of 90 degrees, non-square pixels, sound longer than the
pictures, a variable frame rate, an MP3 whose duration ffprobe only estimates, lossy sound (no bit depth),
an Opus pre-skip and a WebM doctype read from the first bytes, and names that lie about the content.
"""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import boto3
import pytest
from PIL import Image

from runtime import Runtime
from runtime.media.metadata import read_metadata
from runtime.media.probe import probe
from runtime.media.source import Source
from tests.register.conftest import s3_settings, s3_spec
from tests.register.test_on_servers import items
from tests.servers import seaweedfs_s3
from tether.errors import InputError
from tether.register.run import FAILURES, NOTES, Request, register
from tether.standins.seaweedfs import SeaweedFSHandle

PICTURE = ["-f", "lavfi", "-i", "testsrc=size=320x240:rate=25"]
SOUND = ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100"]
H264 = ["-c:v", "libx264", "-pix_fmt", "yuv420p"]
MADE = {
    "plain.mp4": ["-f", "lavfi", "-i", "testsrc=size=640x360:rate=25", "-t", "2", *H264],
    "anamorphic.mp4": ["-f", "lavfi", "-i", "testsrc=size=1440x1080:rate=25", "-t", "1", *H264, "-vf", "setsar=4/3"],
    "long-sound.mp4": ["-f", "lavfi", "-i", "testsrc=size=320x240:rate=30", "-f", "lavfi", "-i",
                       "sine=sample_rate=44100:duration=5", "-frames:v", "90", *H264, "-c:a", "aac"],
    "vfr.mp4": [*PICTURE, "-t", "4", "-vf", "setpts='if(lt(N,50),N,50+(N-50)*2)/25/TB'", "-fps_mode", "vfr", *H264],
    "vbr-no-header.mp3": [*SOUND, "-t", "10", "-c:a", "libmp3lame", "-q:a", "6", "-write_xing", "0"],
    "tone.opus": [*SOUND, "-t", "3", "-c:a", "libopus"],
    "video.webm": [*PICTURE, *SOUND, "-t", "2", "-c:v", "libvpx-vp9", "-c:a", "libopus"],
}  # fmt: skip


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args], check=True)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Key under media/same/ -> the local file with the same bytes."""
    folder = tmp_path_factory.mktemp("same")
    for name, args in MADE.items():
        ffmpeg(*args, str(folder / name))
    # ffmpeg 5.1 writes a display matrix when copying a stream, not when encoding one
    ffmpeg("-i", str(folder / "plain.mp4"), "-c", "copy", "-metadata:s:v", "rotate=90", str(folder / "rotate90.mp4"))
    (folder / "clip-named.jpg").write_bytes((folder / "plain.mp4").read_bytes())
    png = io.BytesIO()
    Image.new("RGB", (64, 48)).save(png, "PNG")
    (folder / "png-named.jpg").write_bytes(png.getvalue())
    return {f"media/same/{path.name}": path for path in folder.iterdir()}


def test_register_measures_each_object_as_tether_metadata_measures_the_file(
    seaweedfs: SeaweedFSHandle, bucket: str, files: dict[str, Path], tmp_path: Path
) -> None:
    client = seaweedfs_s3(seaweedfs)
    for key, path in files.items():
        client.put_object(Bucket=bucket, Key=key, Body=path.read_bytes())  # type: ignore[attr-defined]
    runtime = Runtime(s3_spec(seaweedfs.endpoint_url, bucket), {}, s3_settings(seaweedfs))
    outcome = register(runtime, Request("lab", "ben@acme.ai", "media/same/", tmp_path / "out"))
    found = items(tmp_path / "out")
    failed = dict(line.split("\t") for line in (tmp_path / "out" / FAILURES).read_text().splitlines())
    for key, path in files.items():
        if key.endswith("vfr.mp4"):
            with pytest.raises(Exception, match="variable frame rate"):
                read_metadata(str(path))
            assert key not in found and failed[key].startswith("variable frame rate"), failed
            continue
        local = read_metadata(str(path))
        assert local.kind.metadata is not None
        assert found[key]["list"] == local.kind.key, key
        assert found[key][local.kind.metadata] == local.block, key
    rotated = found["media/same/rotate90.mp4"]["videoMetadata"]
    assert (rotated["width"], rotated["height"]) == (360, 640)  # type: ignore[index]
    assert found["media/same/anamorphic.mp4"]["videoMetadata"]["width"] == 1920  # type: ignore[index]
    assert found["media/same/long-sound.mp4"]["videoMetadata"]["duration"] == 3.0  # type: ignore[index]
    assert "bit_depth" not in found["media/same/tone.opus"]["audioMetadata"]  # type: ignore[operator]
    assert found["media/same/clip-named.jpg"]["list"] == "videos"
    assert found["media/same/png-named.jpg"]["imageMetadata"]["mime_type"] == "image/png"  # type: ignore[index]
    assert outcome.failures == 1 and outcome.problems == []
    noted = dict(line.split("\t") for line in (tmp_path / "out" / NOTES).read_text().splitlines())
    expected = {key: "; ".join(read_metadata(str(path)).notes) for key, path in files.items() if "vfr" not in key}
    assert noted == {key: notes for key, notes in expected.items() if notes}
    assert set(noted) >= {"media/same/clip-named.jpg", "media/same/png-named.jpg"}  # the names that lie
    assert outcome.notes == len(noted)


def test_ffprobe_verifies_the_store_certificate_through_https(
    seaweedfs_https: SeaweedFSHandle, files: dict[str, Path]
) -> None:
    """ffmpeg does not verify TLS unless told (tls_verify defaults to 0), and a signed URL is a bearer
    credential: without the sandbox's CA file its self-signed certificate must be refused, with it read.
    FFmpeg's libavformat/tls_gnutls.c (Debian's build is --enable-gnutls): no ca_file loads the system trust."""
    assert seaweedfs_https.ca_bundle is not None
    client = boto3.client(
        "s3", endpoint_url=seaweedfs_https.endpoint_url, aws_access_key_id=seaweedfs_https.access_key,
        aws_secret_access_key=seaweedfs_https.secret_key, region_name=seaweedfs_https.region,
        verify=str(seaweedfs_https.ca_bundle),
    )  # fmt: skip
    client.create_bucket(Bucket="reg-tls")
    body = files["media/same/rotate90.mp4"].read_bytes()
    client.put_object(Bucket="reg-tls", Key="clip.mp4", Body=body)
    url = client.generate_presigned_url("get_object", Params={"Bucket": "reg-tls", "Key": "clip.mp4"})
    with pytest.raises(InputError) as refused:
        probe(Source.remote(url, "clip.mp4", len(body)))
    assert "X-Amz-Signature" not in str(refused.value) and str(refused.value).startswith("clip.mp4: ")
    trusted = Source.remote(url, "clip.mp4", len(body), str(seaweedfs_https.ca_bundle))
    assert probe(trusted)["streams"][0]["width"] == 640

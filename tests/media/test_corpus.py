"""Ground truth: files made here with ffmpeg and Pillow, each measured field by field against what a browser shows.

Every expected value follows from how the file was made, not from what the code measures: a 640x360 video
with a display matrix of 90 degrees plays as 360x640; a JPEG with EXIF Orientation 5-8 shows turned a
quarter (EXIF 2.32, tag 0x0112; CSS image-orientation: from-image is every browser's default); pixels of
aspect 4:3 stretch a 1440-wide picture to 1920 (Chromium media/base/video_aspect_ratio.cc, GetNaturalSize:
wide pixels grow the width, narrow ones the height); a video's fps and duration are its picture stream's.
"""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from runtime.media.content import NotMedia, Unplayable
from runtime.media.metadata import read_metadata, video_timing
from runtime.media.probe import Packet, packets, probe
from tether.cli.main import main
from tether.errors import InputError

from .conftest import DEV, ffmpeg

Capture = pytest.CaptureFixture[str]

PICTURE = ["-f", "lavfi", "-i", "testsrc=size=320x240:rate=25"]
SOUND = ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100"]
H264 = ["-c:v", "libx264", "-pix_fmt", "yuv420p"]

MAKERS: dict[str, Callable[[Path], None]] = {
    "rotate90.mp4": lambda p: _rotated(p, 90),
    "rotate270.mp4": lambda p: _rotated(p, 270),
    "rotate180.mp4": lambda p: _rotated(p, 180),
    "anamorphic.mp4": lambda p: ffmpeg(
        "-f", "lavfi", "-i", "testsrc=size=1440x1080:rate=25", "-t", "1", *H264, "-vf", "setsar=4/3", str(p)
    ),
    "narrow-pixels.mp4": lambda p: ffmpeg(
        "-f", "lavfi", "-i", "testsrc=size=640x480:rate=25", "-t", "1", *H264, "-vf", "setsar=3/4", str(p)
    ),
    "phone.3gp": lambda p: ffmpeg(*PICTURE, *SOUND, "-t", "2", *H264, "-c:a", "aac", "-ar", "16000", str(p)),
    "old-phone.3gp": lambda p: ffmpeg(
        "-f", "lavfi", "-i", "testsrc=size=176x144:rate=15", "-t", "1", "-c:v", "h263", str(p)
    ),
    "video.mkv": lambda p: ffmpeg(*PICTURE, *SOUND, "-t", "3", *H264, "-c:a", "aac", str(p)),
    "ntsc.mkv": lambda p: ffmpeg(
        "-f", "lavfi", "-i", "testsrc=size=320x240:rate=30000/1001", "-frames:v", "90", *H264, str(p)
    ),
    "video.m4v": lambda p: ffmpeg(*PICTURE, *SOUND, "-t", "3", *H264, "-c:a", "aac", str(p)),
    "video.webm": lambda p: ffmpeg(*PICTURE, *SOUND, "-t", "3", "-c:v", "libvpx-vp9", "-c:a", "libopus", str(p)),
    "video.ogv": lambda p: ffmpeg(*PICTURE, *SOUND, "-t", "3", "-c:v", "libtheora", "-c:a", "libvorbis", str(p)),
    "video.ts": lambda p: ffmpeg(*PICTURE, *SOUND, "-t", "3", *H264, "-c:a", "aac", str(p)),
    "video.avi": lambda p: ffmpeg(*PICTURE, "-t", "1", "-c:v", "mpeg4", str(p)),
    "pcm.mov": lambda p: ffmpeg(*PICTURE, *SOUND, "-t", "3", *H264, "-g", "75", "-c:a", "pcm_s16le", str(p)),
    "long-sound.mp4": lambda p: ffmpeg(
        "-f", "lavfi", "-i", "testsrc=size=320x240:rate=30", "-f", "lavfi", "-i", "sine=sample_rate=44100:duration=5",
        "-frames:v", "90", *H264, "-c:a", "aac", str(p),
    ),
    "vfr.mp4": lambda p: ffmpeg(
        *PICTURE, "-t", "4", "-vf", "setpts='if(lt(N,50),N,50+(N-50)*2)/25/TB'", "-fps_mode", "vfr", *H264, str(p)
    ),
    "speech.mp4": lambda p: ffmpeg(*SOUND, "-t", "2", "-c:a", "aac", str(p)),
    "speech.mov": lambda p: ffmpeg(*SOUND, "-t", "3", "-c:a", "aac", str(p)),
    "tone.flac": lambda p: ffmpeg(*SOUND, "-t", "3", "-c:a", "flac", str(p)),
    "tone.m4a": lambda p: ffmpeg(*SOUND, "-t", "3", "-c:a", "aac", str(p)),
    "tone.ogg": lambda p: ffmpeg(*SOUND, "-t", "3", "-c:a", "libvorbis", str(p)),
    "tone.opus": lambda p: ffmpeg(*SOUND, "-t", "3", "-c:a", "libopus", str(p)),
    "tone.mp3": lambda p: ffmpeg(*SOUND, "-t", "3", "-c:a", "libmp3lame", str(p)),
    "vbr-no-header.mp3": lambda p: ffmpeg(*SOUND, "-t", "10", "-c:a", "libmp3lame", "-q:a", "6", "-write_xing", "0", str(p)),
    "tone.aac": lambda p: ffmpeg(*SOUND, "-t", "10", "-c:a", "aac", str(p)),
    "tone24.wav": lambda p: ffmpeg(*SOUND, "-t", "1", "-ac", "2", "-c:a", "pcm_s24le", str(p)),
    "animated.webp": lambda p: ffmpeg(
        "-f", "lavfi", "-i", "testsrc=size=64x48:rate=5", "-t", "1", "-c:v", "libwebp_anim", "-loop", "0", str(p)
    ),
}  # fmt: skip
"""File name -> how ffmpeg makes it."""


def _rotated(path: Path, degrees: int) -> None:
    """A 640x360 video whose display matrix turns it (ffmpeg 5.1 writes one when copying, not when encoding)."""
    plain = path.with_suffix(".plain.mp4")
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=640x360:rate=25", "-t", "2", *H264, str(plain))
    ffmpeg("-i", str(plain), "-c", "copy", "-metadata:s:v", f"rotate={degrees}", str(path))
    plain.unlink()


def _jpeg(path: Path, orientation: int, size: tuple[int, int] = (640, 480)) -> None:
    exif = Image.Exif()
    exif[0x0112] = orientation
    Image.new("RGB", size, "teal").save(path, "JPEG", exif=exif)


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory, media: dict[str, Path]) -> Path:
    """Every file of MAKERS, JPEGs of each EXIF orientation, and files whose names lie about their content."""
    folder = tmp_path_factory.mktemp("corpus")
    for name, make in MAKERS.items():
        make(folder / name)
    for orientation in range(1, 9):
        _jpeg(folder / f"orientation{orientation}.jpg", orientation)
    shutil.copy(folder / "video.m4v", folder / "clip-named.jpg")
    shutil.copy(media["pic.png"], folder / "png-named.jpg")
    Image.new("RGB", (32, 16)).save(folder / "scan.tiff")
    (folder / "photo.heic").write_bytes(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(64))
    return folder


VIDEOS = {
    # name: (fps, duration, width, height, mime_type)
    "rotate90.mp4": (25.0, 2.0, 360, 640, "video/mp4"),
    "rotate270.mp4": (25.0, 2.0, 360, 640, "video/mp4"),
    "rotate180.mp4": (25.0, 2.0, 640, 360, "video/mp4"),
    "anamorphic.mp4": (25.0, 1.0, 1920, 1080, "video/mp4"),
    "narrow-pixels.mp4": (25.0, 1.0, 640, 640, "video/mp4"),
    "phone.3gp": (25.0, 2.0, 320, 240, "video/3gpp"),
    "video.mkv": (25.0, 3.0, 320, 240, "video/matroska"),
    "ntsc.mkv": (30000 / 1001, 90 * 1001 / 30000, 320, 240, "video/matroska"),
    "video.m4v": (25.0, 3.0, 320, 240, "video/mp4"),
    "video.webm": (25.0, 3.0, 320, 240, "video/webm"),
    "video.ogv": (25.0, 3.0, 320, 240, "video/ogg"),
    "long-sound.mp4": (30.0, 3.0, 320, 240, "video/mp4"),  # 90 frames; the sound lasts 5 s
    "clip-named.jpg": (25.0, 3.0, 320, 240, "video/mp4"),
}


@pytest.mark.parametrize("name", VIDEOS)
def test_video_fields_are_what_the_browser_shows(corpus: Path, name: str) -> None:
    fps, duration, width, height, mime = VIDEOS[name]
    found = read_metadata(str(corpus / name))
    assert found.kind.key == "videos"
    assert found.block == {
        "fps": pytest.approx(fps, rel=1e-9),
        "duration": pytest.approx(duration, abs=1e-6),
        "width": width,
        "height": height,
        "file_size": (corpus / name).stat().st_size,
        "mime_type": mime,
    }


@pytest.mark.parametrize("orientation", range(1, 9))
def test_jpeg_exif_orientation_turns_the_displayed_size(corpus: Path, orientation: int) -> None:
    found = read_metadata(str(corpus / f"orientation{orientation}.jpg"))
    shown = (480, 640) if orientation >= 5 else (640, 480)  # 5-8 transpose or rotate a quarter turn
    assert (found.block["width"], found.block["height"], found.block["mime_type"]) == (*shown, "image/jpeg")


AUDIO = {
    # name: (mime_type, codec, sample_rate, channels, bit_depth or None for lossy)
    "tone.flac": ("audio/flac", "flac", 44100, 1, 16),
    "tone.m4a": ("audio/mp4", "aac", 44100, 1, None),
    "speech.mp4": ("audio/mp4", "aac", 44100, 1, None),
    "speech.mov": ("audio/mp4", "aac", 44100, 1, None),  # QuickTime sound: there is no audio/quicktime
    "tone.ogg": ("audio/ogg", "vorbis", 44100, 1, None),
    "tone.opus": ("audio/ogg", "opus", 48000, 1, None),  # RFC 7845: Opus in Ogg is audio/ogg
    "tone.mp3": ("audio/mpeg", "mp3", 44100, 1, None),
    "tone.aac": ("audio/aac", "aac", 44100, 1, None),
    "tone24.wav": ("audio/wav", "pcm_s24le", 44100, 2, 24),
}


SECONDS = {name: 3.0 for name in AUDIO} | {"speech.mp4": 2.0, "tone24.wav": 1.0}
"""Sound made, in seconds: what a player plays once it drops the encoder's priming (MP4 edit lists, the
pre-skip of Ogg Opus, RFC 7845 4.2). MP3 and ADTS AAC are counted in whole frames (see ``_frame_seconds``)."""


def _frame_seconds(path: Path) -> float:
    """Frames x samples per frame (1152 for MP3, 1024 for AAC) / sample rate: the length the issue's truth uses."""
    [stream] = probe(str(path))["streams"]
    counted = subprocess.run(
        ["ffprobe", "-v", "error", "-count_packets", "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0",
         str(path)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    samples = {"mp3": 1152, "aac": 1024}[stream["codec_name"]]
    return int(counted) * samples / int(stream["sample_rate"])


@pytest.mark.parametrize("name", AUDIO)
def test_audio_fields_and_no_bit_depth_for_lossy_codecs(corpus: Path, name: str) -> None:
    mime, codec, rate, channels, bits = AUDIO[name]
    found = read_metadata(str(corpus / name))
    assert found.kind.key == "audio"
    block = dict(found.block)
    truth = _frame_seconds(corpus / name) if name.endswith((".mp3", ".aac")) else SECONDS[name]
    assert block.pop("duration") == pytest.approx(truth, abs=1e-3)
    assert block == {
        "file_size": (corpus / name).stat().st_size,
        "mime_type": mime,
        "sample_rate": rate,
        **({"bit_depth": bits} if bits else {}),
        "codec": codec,
        "num_channels": channels,
    }
    assert list(found.block)[-2:] == ["codec", "num_channels"]


@pytest.mark.parametrize("name", ["vbr-no-header.mp3", "tone.aac"])
def test_estimated_durations_are_counted_from_the_packets(corpus: Path, name: str) -> None:
    path = str(corpus / name)
    found = probe(path)
    assert found["estimated"]  # ffprobe's own warning: it guessed from the bitrate
    truth = _frame_seconds(corpus / name)
    assert read_metadata(path).block["duration"] == pytest.approx(truth, abs=1e-3)
    if name.endswith(".mp3"):
        assert abs(float(found["format"]["duration"]) - truth) > 0.5  # the estimate was really off


def test_a_file_named_like_another_type_is_measured_by_its_content(corpus: Path) -> None:
    video = read_metadata(str(corpus / "clip-named.jpg"))
    assert video.kind.key == "videos"
    assert video.notes == ("named like image/jpeg (.jpg) but holds MP4 (h264, aac): registered as video/mp4",)
    png = read_metadata(str(corpus / "png-named.jpg"))
    assert (png.kind.key, png.block["mime_type"], png.block["width"], png.block["height"]) == (
        "images", "image/png", 64, 48,
    )  # fmt: skip
    assert png.notes == ("named like image/jpeg (.jpg) but holds PNG image: registered as image/png",)


def test_formats_only_some_browsers_play_are_measured_with_a_note(corpus: Path) -> None:
    assert read_metadata(str(corpus / "video.mkv")).notes == (
        "Matroska (h264, aac) plays in Chrome, Edge, Firefox only, not in Safari",
    )
    assert read_metadata(str(corpus / "video.ogv")).notes == (
        "Ogg (theora, vorbis) plays in Firefox only, not in Chrome, Edge, Safari",
    )
    assert read_metadata(str(corpus / "video.webm")).notes == ()


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("video.ts", "MPEG-TS (h264, aac): no browser plays MPEG-TS files; convert it: ffmpeg -i"),
        ("video.avi", "AVI (mpeg4): no browser plays AVI files; convert it"),
        ("old-phone.3gp", "3GPP (h263): browsers do not decode h263 here; convert it"),
        ("scan.tiff", "TIFF images are displayed by Safari only: convert it"),
        ("photo.heic", "HEIC/HEIF image: only Safari displays it (Chrome, Edge and Firefox do not)"),
    ],
)
def test_what_no_browser_shows_is_refused_with_the_reason(corpus: Path, name: str, said: str) -> None:
    with pytest.raises(Unplayable, match=f"^{corpus / name}: " + said.replace("(", r"\(").replace(")", r"\)")):
        read_metadata(str(corpus / name))


def test_the_suggested_conversion_makes_a_file_that_is_measured(corpus: Path, tmp_path: Path) -> None:
    source = tmp_path / "video.ts"
    shutil.copy(corpus / "video.ts", source)
    with pytest.raises(Unplayable) as refused:
        read_metadata(str(source))
    program, *args = shlex.split(str(refused.value).split("convert it: ")[1])
    subprocess.run([program, "-v", "error", *args], check=True)
    fixed = read_metadata(str(tmp_path / "video.mp4"))
    assert (fixed.block["mime_type"], fixed.block["fps"], fixed.block["width"]) == ("video/mp4", 25.0, 320)


def test_variable_frame_rate_is_refused_and_the_fix_makes_it_constant(corpus: Path, tmp_path: Path) -> None:
    source = tmp_path / "vfr.mp4"
    shutil.copy(corpus / "vfr.mp4", source)
    with pytest.raises(InputError, match=r"variable frame rate \(frames last 40 to \d+ ms\)") as refused:
        read_metadata(str(source))
    program, *args = shlex.split(str(refused.value).split("make the rate constant: ")[1])
    subprocess.run([program, "-v", "error", *args], check=True)
    fixed = read_metadata(str(tmp_path / "vfr-cfr.mp4"))
    assert fixed.block["fps"] == 25.0  # every frame kept: slow stretches repeat frames at the fastest rate


def test_animated_webp_is_measured_with_a_note(corpus: Path) -> None:
    found = read_metadata(str(corpus / "animated.webp"))
    assert (found.block["width"], found.block["height"], found.block["mime_type"]) == (64, 48, "image/webp")
    assert found.notes == (
        "animated (5 frames): the editor labels it as one 64x48 image; "
        "register it as a video if labels must follow the frames",
    )


def test_not_media_is_said_to_be_not_media(tmp_path: Path) -> None:
    for name, body in (("notes.nfo", b"plain words\n"), ("data.bin", b"\x01\x02")):
        (tmp_path / name).write_bytes(body)
        with pytest.raises(NotMedia, match="not a video, image or audio file"):
            read_metadata(str(tmp_path / name))


def _packets_in_decode_order(path: Path) -> list[str]:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "packet=flags", "-of", "csv=p=0", str(path)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return out.split()


@pytest.fixture(scope="session")
def manifest_folder(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every playable corpus file, the non-media a folder also holds, and a file name with a backslash."""
    root = tmp_path_factory.mktemp("upload")
    for name in (*VIDEOS, *AUDIO, "animated.webp", "orientation6.jpg", "png-named.jpg"):
        shutil.copy(corpus / name, root / name)
    shutil.copy(corpus / "tone.flac", root / "sound.bin")  # playable whatever its name
    shutil.copy(corpus / "orientation1.jpg", root / "a\\b.jpg")  # a Linux name with a backslash in it
    (root / "readme.md").write_text("# what is here\n")
    (root / "archive.zip").write_bytes(b"PK\x05\x06" + bytes(18))  # an empty zip: neither media nor text
    return root


def test_manifest_registers_every_playable_file_and_says_why_others_are_left_out(
    manifest_folder: Path, tmp_path: Path, capsys: Capture
) -> None:
    out = tmp_path / "items.json"
    args = ["metadata", "--manifest", str(out), "--spec", DEV, "--integration", "medical-scans", str(manifest_folder)]
    assert main(args) == 0
    captured = capsys.readouterr()
    manifest: dict[str, list[dict[str, Any]]] = json.loads(out.read_text())
    titles = {key: sorted(item["title"] for item in items) for key, items in manifest.items()}
    assert titles["videos"] == sorted(VIDEOS)
    assert titles["audio"] == sorted([*AUDIO, "sound.bin"])
    assert titles["images"] == sorted(["animated.webp", "orientation6.jpg", "png-named.jpg", "a\\b.jpg"])
    for item in manifest["videos"]:
        assert item["videoMetadata"] == read_metadata(str(manifest_folder / item["title"])).block
    urls = [item["objectUrl"] for item in manifest["images"]]
    assert any(url.endswith("/a%5Cb.jpg") for url in urls)  # a backslash in a key, percent-encoded
    assert titles["text"] == ["readme.md"]
    assert f"tether: skipped {manifest_folder / 'archive.zip'}: not a video, image or audio file" in captured.err
    assert "skipped 1 files that are not media: archive.zip" in captured.out
    assert f"tether: note: {manifest_folder / 'sound.bin'}: " not in captured.err  # no claim, so no mismatch
    check = ["check-manifest", DEV, "--integration", "medical-scans", "--user", "bob@acme-vision.ai", str(out)]
    assert main(check) == 0, capsys.readouterr()


def test_manifest_refuses_a_folder_with_a_file_no_browser_plays(corpus: Path, tmp_path: Path, capsys: Capture) -> None:
    root = tmp_path / "upload"
    root.mkdir()
    shutil.copy(corpus / "video.ts", root / "camera.ts")
    shutil.copy(corpus / "video.ts", root / "camera.dat")  # named as nothing in particular: still a video
    out = tmp_path / "items.json"
    args = ["metadata", "--manifest", str(out), "--spec", DEV, "--integration", "medical-scans", str(root)]
    assert main(args) == 1
    err = capsys.readouterr().err.splitlines()
    assert [line.split(": ")[1] for line in err[:2]] == ["MPEG-TS (h264, aac)", "MPEG-TS (h264, aac)"]
    assert err[-1] == f"tether: 2 files cannot be registered; {out} not written"
    assert not out.exists()


def test_cli_prints_notes_on_stderr(corpus: Path, capsys: Capture) -> None:
    assert main(["metadata", str(corpus / "png-named.jpg")]) == 0
    captured = capsys.readouterr()
    assert captured.err == (
        f"tether: note: {corpus / 'png-named.jpg'}: named like image/jpeg (.jpg) but holds PNG image: "
        "registered as image/png\n"
    )
    assert '"mime_type": "image/png"' in captured.out


def test_open_gop_keyframes_are_counted_in_display_order(tmp_path: Path) -> None:
    from runtime.media.playback import check_playback

    path = tmp_path / "open-gop.mp4"
    ffmpeg(*PICTURE, "-t", "4", *H264, "-g", "50", "-bf", "3", "-x264-params", "open-gop=1:scenecut=0", str(path))
    flags = _packets_in_decode_order(path)
    keys = [i for i, f in enumerate(flags) if "K" in f]
    assert keys[1] - keys[0] != 50  # in decode order the second keyframe comes before its leading B-frames
    found = check_playback(str(path))
    assert (found.frames, found.keyframes, found.keyframe_interval) == (100, 2, 50)
    assert found.keyframes_ok
    assert len(packets(str(path), probe(str(path)))) == 100


def _png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` x ``height``: enough for a reader that decodes nothing."""
    import struct
    import zlib

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    end = struct.pack(">I", 0) + b"IEND" + struct.pack(">I", zlib.crc32(b"IEND"))
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(ihdr)) + chunk + struct.pack(">I", zlib.crc32(chunk)) + end


def test_a_huge_scan_is_measured_from_its_header_not_refused_as_a_bomb(tmp_path: Path) -> None:
    # Whole-slide scans reach 100,000 pixels a side: Pillow's decompression-bomb guard (an exception that
    # escaped as a traceback before) is for decoding, and nothing is decoded here.
    path = tmp_path / "slide.png"
    path.write_bytes(_png_header(100_000, 80_000))
    found = read_metadata(str(path))
    assert (found.block["width"], found.block["height"], found.block["mime_type"]) == (100_000, 80_000, "image/png")


@pytest.mark.parametrize("name", ["video.m4v", "orientation6.jpg", "animated.webp", "tone.mp3", "video.webm"])
def test_mutated_media_never_crashes(corpus: Path, tmp_path: Path, name: str) -> None:
    """Seeded fuzzer, fixed budget: flipped bytes give a measurement or a clear error, never a traceback."""
    import random

    from runtime.manifest.fields import MEDIA_KINDS
    from tether.errors import TetherError

    original = (corpus / name).read_bytes()
    chance = random.Random(f"media-fuzz-{name}")
    for case in range(12):
        body = bytearray(original)
        for _ in range(chance.choice([1, 4, 32])):
            spot = chance.randrange(min(len(body), 4096))  # headers live near the start
            body[spot] = chance.randrange(256)
        path = tmp_path / f"{case}-{name}"
        path.write_bytes(bytes(body))
        try:
            found = read_metadata(str(path))
        except TetherError:
            continue
        kind = MEDIA_KINDS[found.block["mime_type"].partition("/")[0]]  # type: ignore[union-attr]
        assert all(field.check(found.block[field.name]) is None for field in kind.fields if field.name in found.block)


def test_manifest_json_says_why_each_file_was_skipped(corpus: Path, tmp_path: Path, capsys: Capture) -> None:
    root = tmp_path / "upload"
    root.mkdir()
    shutil.copy(corpus / "png-named.jpg", root / "png-named.jpg")
    (root / "archive.zip").write_bytes(b"PK\x05\x06" + bytes(18))
    out = tmp_path / "items.json"
    args = ["metadata", "-o", "json", "--manifest", str(out), "--spec", DEV, "--integration", "medical-scans"]
    assert main([*args, str(root)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["skipped"] == ["archive.zip"]
    assert report["reasons"]["archive.zip"].startswith("not a video, image or audio file")
    assert report["notes"] == [
        {"file": "png-named.jpg", "note": "named like image/jpeg (.jpg) but holds PNG image: registered as image/png"}
    ]


@pytest.mark.parametrize(
    "name", [n for n in (*VIDEOS, *AUDIO) if n not in ("video.mkv", "ntsc.mkv", "video.ogv", "clip-named.jpg")]
)
def test_a_name_that_fits_its_content_gets_no_note(corpus: Path, name: str) -> None:
    assert read_metadata(str(corpus / name)).notes == ()


def _frames(*times: str) -> list[Packet]:
    return [Packet(0, Fraction(t), Fraction(0), 100, i == 0) for i, t in enumerate(times)]


def test_frames_sharing_timestamps_are_refused_not_divided_by_zero() -> None:
    with pytest.raises(InputError, match="its frames share timestamps and ffprobe reports no frame rate"):
        video_timing({"time_base": "1/1000"}, _frames("0", "0", "0"))
    repeated = video_timing({"r_frame_rate": "25/1", "time_base": "1/1000"}, _frames("0", "0", "0.04", "0.08"))
    assert repeated.variable and repeated.shortest == Fraction(1, 25)
    steady = video_timing({"r_frame_rate": "25/1", "time_base": "1/1000"}, _frames("0", "0.04", "0.08", "0.12"))
    assert (steady.variable, steady.frames, steady.duration, steady.fps) == (False, 4, 0.16, 25)


def test_damaged_exif_prints_no_warning_stack(corpus: Path, tmp_path: Path) -> None:
    body = bytearray((corpus / "orientation6.jpg").read_bytes())
    at = body.find(b"Exif\x00\x00") + 6 + 8  # the first IFD's entry count, after the TIFF header
    body[at : at + 2] = b"\x00\x40"  # 64 entries claimed, one present
    path = tmp_path / "damaged.jpg"
    path.write_bytes(bytes(body))
    # In a process of its own: pytest resets warning filters around every test, the console script does not.
    tether = Path(sys.executable).with_name("tether")
    done = subprocess.run([str(tether), "metadata", str(path)], capture_output=True, text=True, check=False)
    assert (done.returncode, done.stderr) == (0, "")
    assert '"mime_type": "image/jpeg"' in done.stdout

"""`tether metadata`: ffprobe's measurements of real files, pasteable blocks, and whole manifests for a folder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from runtime.media.metadata import read_metadata
from runtime.media.probe import FfprobeMissing
from tether.cli.main import main
from tether.errors import InputError

from .conftest import DEV

Capture = pytest.CaptureFixture[str]


def test_video_is_measured_as_generated(media: dict[str, Path]) -> None:
    found = read_metadata(str(media["clip.mp4"]))
    assert found.kind.key == "videos"
    assert found.block == {
        "fps": 25.0,
        "duration": pytest.approx(4.0, abs=0.05),
        "width": 320,
        "height": 240,
        "file_size": media["clip.mp4"].stat().st_size,
        "mime_type": "video/mp4",
    }
    assert list(found.block) == ["fps", "duration", "width", "height", "file_size", "mime_type"]


def test_image_is_measured_as_generated(media: dict[str, Path]) -> None:
    found = read_metadata(str(media["pic.png"]))
    assert found.kind.key == "images"
    assert found.block == {
        "width": 64,
        "height": 48,
        "file_size": media["pic.png"].stat().st_size,
        "mime_type": "image/png",
    }


def test_audio_is_measured_as_generated(media: dict[str, Path]) -> None:
    found = read_metadata(str(media["tone.wav"]))
    assert found.kind.key == "audio"
    assert found.block == {
        "duration": 1.5,
        "file_size": media["tone.wav"].stat().st_size,
        "mime_type": "audio/wav",
        "sample_rate": 22050,
        "bit_depth": 16,
        "codec": "pcm_s16le",
        "num_channels": 2,
    }


def test_not_media_by_extension(media: dict[str, Path]) -> None:
    with pytest.raises(
        InputError, match=r"notes\.txt: not a video, image or audio file \(its extension means text/plain\)"
    ):
        read_metadata(str(media["notes.txt"]))


def test_unreadable_media(media: dict[str, Path]) -> None:
    with pytest.raises(InputError, match=r"bad\.mp4: not a media file ffprobe can read"):
        read_metadata(str(media["bad.mp4"]))


def test_cli_prints_blocks_ready_to_paste(media: dict[str, Path], capsys: Capture) -> None:
    files = [str(media[name]) for name in ("clip.mp4", "pic.png", "tone.wav")]
    assert main(["metadata", *files]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0::2] == [f"{files[0]} (videos):", f"{files[1]} (images):", f"{files[2]} (audio):"]
    for file, pasted in zip(files, lines[1::2], strict=True):
        found = read_metadata(file)
        assert json.loads("{" + pasted + "}") == {found.kind.metadata: found.block}


def test_cli_json(media: dict[str, Path], capsys: Capture) -> None:
    assert main(["metadata", "-o", "json", str(media["pic.png"])]) == 0
    [entry] = json.loads(capsys.readouterr().out)
    assert entry["list"] == "images" and entry["imageMetadata"]["width"] == 64


def test_cli_reports_bad_files_and_goes_on(media: dict[str, Path], capsys: Capture) -> None:
    assert main(["metadata", str(media["bad.mp4"]), str(media["pic.png"]), str(media["notes.txt"])]) == 2
    captured = capsys.readouterr()
    assert captured.out.startswith(f"{media['pic.png']} (images):")
    assert [line.split(": ")[2] for line in captured.err.splitlines()] == [
        str(media["bad.mp4"]),
        str(media["notes.txt"]),
    ]


def test_missing_ffprobe_is_a_clear_error(
    media: dict[str, Path], capsys: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(FfprobeMissing):
        read_metadata(str(media["clip.mp4"]))
    assert main(["metadata", str(media["pic.png"])]) == 3
    assert capsys.readouterr().err == (
        "tether: error: ffprobe not found on PATH: install the Debian package ffmpeg "
        "(./scripts/install-system-packages does it, as `make setup` runs it)\n"
    )


@pytest.fixture
def folder(media: dict[str, Path], tmp_path: Path) -> Path:
    """clip.mp4, scans/pic.png, tone.wav, notes.txt, data.bin."""
    root = tmp_path / "upload"
    (root / "scans").mkdir(parents=True)
    shutil.copy(media["clip.mp4"], root / "clip.mp4")
    shutil.copy(media["pic.png"], root / "scans" / "pic.png")
    shutil.copy(media["tone.wav"], root / "tone.wav")
    shutil.copy(media["notes.txt"], root / "notes.txt")
    (root / "data.bin").write_bytes(b"\x01\x02")
    return root


def test_manifest_for_a_folder_passes_the_client_only_check(folder: Path, tmp_path: Path, capsys: Capture) -> None:
    out = tmp_path / "items.json"
    args = ["metadata", "--manifest", str(out), "--spec", DEV, "--integration", "medical-scans", str(folder)]
    assert main(args) == 0
    assert capsys.readouterr().out == (
        f"wrote {out}: 1 text, 1 videos, 1 images, 1 audio for integration 'medical-scans'; "
        "skipped 1 files that are not media: data.bin\n"
    )
    manifest = json.loads(out.read_text())
    assert manifest["images"] == [
        {
            "objectUrl": "https://acme-vision-dev-medical-scans.s3.eu-central-1.amazonaws.com/scans/pic.png",
            "title": "scans/pic.png",
            "imageMetadata": read_metadata(str(folder / "scans" / "pic.png")).block,
        }
    ]
    check = ["check-manifest", DEV, "--integration", "medical-scans", "--user", "bob@acme-vision.ai", str(out)]
    assert main(check) == 0


def test_manifest_keys_start_with_the_chosen_prefix(folder: Path, tmp_path: Path, capsys: Capture) -> None:
    out = tmp_path / "items.json"
    base = ["metadata", "--manifest", str(out), "--spec", DEV, "--integration", "traffic-video"]
    assert main([*base, str(folder)]) == 2
    assert "has several prefixes (videos/, frames/): choose one with --prefix" in capsys.readouterr().err
    assert main([*base, "--prefix", "secret/", str(folder)]) == 2
    assert "--prefix 'secret/' is outside integration 'traffic-video''s prefixes" in capsys.readouterr().err
    assert main([*base, "--prefix", "videos/2024/", str(folder)]) == 0
    urls = [item["objectUrl"] for items in json.loads(out.read_text()).values() for item in items]
    assert all(
        u.startswith("https://acme-vision-dev-traffic-video.s3.eu-west-2.amazonaws.com/videos/2024/") for u in urls
    )


def test_nothing_is_written_when_a_file_cannot_be_registered(
    folder: Path, media: dict[str, Path], tmp_path: Path, capsys: Capture
) -> None:
    shutil.copy(media["bad.mp4"], folder / "bad.mp4")
    shutil.copy(media["pic.png"], folder / "odd%41.png")
    out = tmp_path / "items.json"
    assert main(["metadata", "--manifest", str(out), "--spec", DEV, "--integration", "medical-scans", str(folder)]) == 1
    err = [line for line in capsys.readouterr().err.splitlines() if not line.startswith("tether: skipped")]
    assert err[0].startswith(f"{folder / 'bad.mp4'}: not a media file ffprobe can read")
    assert err[1].startswith(f"{folder / 'odd%41.png'}: cannot be registered: its URL")
    assert "percent-encoded twice" in err[1]
    assert err[2] == f"tether: 2 files cannot be registered; {out} not written"
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--spec", DEV, "x.mp4"], "--spec only go with --manifest"),
        (["--manifest", "o.json", "dir"], "--manifest needs --spec and --integration"),
        (["--manifest", "o.json", "--spec", DEV, "--integration", "x", "a", "b"], "exactly one folder"),
    ],
)
def test_usage_errors(args: list[str], said: str, capsys: Capture) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["metadata", *args])
    assert exit_.value.code == 2
    assert said in capsys.readouterr().err


def test_help_has_examples(capsys: Capture) -> None:
    with pytest.raises(SystemExit):
        main(["metadata", "--help"])
    out = capsys.readouterr().out
    assert "tether metadata clip.mp4 scan.png call.wav" in out
    assert "tether metadata --manifest items.json --spec stacks/dev/integrations.yaml" in out

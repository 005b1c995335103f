"""Real media made once per session with ffmpeg, with known frame rate, size, keyframes and samples."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEV = str(ROOT / "stacks/dev/integrations.yaml")


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args], check=True)


@pytest.fixture(scope="session")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """clip.mp4: 320x240, 25 fps, 4 s (100 frames), a keyframe every 10, AAC sound;
    long-gop.mp4: 120 frames, a keyframe every 60; pic.png: 64x48; tone.wav: 1.5 s, 22050 Hz, 16-bit stereo."""
    folder = tmp_path_factory.mktemp("media")
    files = {
        name: folder / name for name in ("clip.mp4", "long-gop.mp4", "pic.png", "tone.wav", "notes.txt", "bad.mp4")
    }
    pictures = ["-f", "lavfi", "-i", "testsrc=size=320x240:rate=25"]
    sound = ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100"]
    h264 = ["-c:v", "libx264", "-pix_fmt", "yuv420p", "-sc_threshold", "0"]  # no extra keyframes at scene cuts
    ffmpeg(*pictures, *sound, *h264, "-g", "10", "-frames:v", "100", "-t", "4", "-c:a", "aac", str(files["clip.mp4"]))
    ffmpeg(*pictures, *h264, "-g", "60", "-frames:v", "120", str(files["long-gop.mp4"]))
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=64x48", "-frames:v", "1", str(files["pic.png"]))
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=22050", "-t", "1.5", "-ac", "2", "-c:a", "pcm_s16le",
           str(files["tone.wav"]))  # fmt: skip
    files["notes.txt"].write_text("not media\n")
    files["bad.mp4"].write_bytes(b"\x00garbage, not a video" * 10)
    return files

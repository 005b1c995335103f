"""Sample media for the demo, made with ffmpeg so every machine gets the same small, valid files.

A two-second video, two images and a two-second tone: enough for `tether metadata` to measure, for
the sandbox to serve and for a signed URL to download, in well under a second of encoding.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tether.errors import ReadError

SAMPLES = {
    "clip.mp4": ["-f", "lavfi", "-i", "testsrc=duration=2:size=320x240:rate=25", "-pix_fmt", "yuv420p"],
    "frame.png": ["-f", "lavfi", "-i", "testsrc=size=640x480", "-frames:v", "1"],
    "shelf.jpg": ["-f", "lavfi", "-i", "smptebars=size=800x600", "-frames:v", "1"],
    "call.wav": ["-f", "lavfi", "-i", "sine=frequency=440:duration=2:sample_rate=16000"],
}
"""File name -> ffmpeg input arguments; the extension picks the container."""


def make_samples(folder: Path) -> list[Path]:
    """Write the sample files into ``folder`` (made if missing); ReadError when ffmpeg is not installed."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise ReadError("ffmpeg is not installed: ./scripts/install-system-packages installs it (Debian ffmpeg)")
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for name, source in SAMPLES.items():
        target = folder / name
        command = [ffmpeg, "-nostdin", "-loglevel", "error", "-y", *source, str(target)]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            said = " ".join(done.stderr.split())[:200]
            raise ReadError(f"ffmpeg could not make {target}: {said or f'exit {done.returncode}'}")
        made.append(target)
    return made

"""Will a video play smoothly in the label editor (R13), and if not, the ffmpeg command that fixes it.

The product's advice: download speed at least 3-4 times the video's bitrate, and a keyframe about every
50 frames so that frame-by-frame navigation does not decode long runs. Both are measured here: the
bitrate of the whole file (what has to be downloaded), and the longest run of frames between keyframes
(from the packet flags, without decoding a frame).
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

from runtime.media.metadata import describe, media_type, pictures
from runtime.media.probe import probe, run_ffprobe
from tether.errors import InputError

SPEED_FACTORS = (3, 4)
"""Download speed needed, as multiples of the bitrate."""
KEYFRAME_INTERVAL = 50
"""Frames between keyframes the editor navigates smoothly."""
_MIN_VIDEO_BITRATE = 50_000
"""The floor of a suggested video bitrate: below it nothing is left to label."""
_RATE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([kmg]?)(?:bps|bit/s)\s*", re.IGNORECASE)
_SCALE = {"": 1, "k": 10**3, "m": 10**6, "g": 10**9}


def parse_rate(text: str) -> float:
    """Bits per second from ``40Mbps``, ``500 kbps``, ``1.5Gbit/s`` (decimal units, as ISPs sell them)."""
    match = _RATE.fullmatch(text)
    if not match or float(match[1]) <= 0:
        raise InputError(f"bandwidth {text!r}: expected a rate such as 40Mbps, 500kbps or 1.5Gbps")
    return float(match[1]) * _SCALE[match[2].lower()]


def rate(bits_per_second: float) -> str:
    """A rate as a person reads it: 1.2 Mbps."""
    for unit, scale in (("Gbps", 10**9), ("Mbps", 10**6), ("kbps", 10**3)):
        if bits_per_second >= scale:
            return f"{bits_per_second / scale:.3g} {unit}"
    return f"{bits_per_second:.0f} bps"


@dataclass(frozen=True)
class Playback:
    """What decides smooth playback of one video, measured, against an optional bandwidth."""

    file: str
    codec: str
    width: int
    height: int
    fps: float
    duration: float
    bitrate: float
    """Bits per second of the whole file: everything a viewer downloads."""
    audio_bitrate: float
    frames: int
    keyframes: int
    keyframe_interval: int
    """The longest run of frames from one keyframe to the next (or to the end)."""
    bandwidth: float | None

    @property
    def speed_needed(self) -> tuple[float, float]:
        """The download speed range the product's advice asks for (3-4x the bitrate)."""
        low, high = SPEED_FACTORS
        return self.bitrate * low, self.bitrate * high

    @property
    def bandwidth_ok(self) -> bool | None:
        """Whether the given bandwidth reaches 3x the bitrate; None when no bandwidth was given."""
        return None if self.bandwidth is None else self.bandwidth >= self.speed_needed[0]

    @property
    def keyframes_ok(self) -> bool:
        """Whether keyframes come at least every KEYFRAME_INTERVAL frames."""
        return self.keyframe_interval <= KEYFRAME_INTERVAL

    @property
    def smooth(self) -> bool:
        """Neither the bitrate nor the keyframes fall short."""
        return self.keyframes_ok and self.bandwidth_ok is not False

    def fix(self) -> str | None:
        """The ffmpeg command that re-encodes the video to play smoothly, or None when it already does."""
        if self.smooth:
            return None
        if self.bandwidth_ok is False and self.bandwidth is not None:
            video = max(self.bandwidth / SPEED_FACTORS[1] - self.audio_bitrate, _MIN_VIDEO_BITRATE)
            budget = f"{video / 1000:.0f}k"
            bitrate = ["-b:v", budget, "-maxrate", budget, "-bufsize", f"{2 * video / 1000:.0f}k"]
        else:
            bitrate = ["-b:v", f"{max(self.bitrate - self.audio_bitrate, _MIN_VIDEO_BITRATE) / 1000:.0f}k"]
        source = Path(self.file)
        target = source.with_name(f"{source.stem}-smooth.mp4")
        command = [
            "ffmpeg", "-i", str(source), "-c:v", "libx264", *bitrate, "-g", str(KEYFRAME_INTERVAL),
            "-pix_fmt", "yuv420p", "-c:a", "copy", "-movflags", "+faststart", str(target),
        ]  # fmt: skip
        return shlex.join(command)

    def as_dict(self) -> dict[str, object]:
        """The JSON shape of the check (rates in bits per second)."""
        return {
            "file": self.file,
            "codec": self.codec,
            "width": self.width,
            "height": self.height,
            "fps": self.fps,
            "duration": self.duration,
            "bitrate": round(self.bitrate),
            "speed_needed": [round(s) for s in self.speed_needed],
            "bandwidth": self.bandwidth,
            "bandwidth_ok": self.bandwidth_ok,
            "frames": self.frames,
            "keyframes": self.keyframes,
            "keyframe_interval": self.keyframe_interval,
            "keyframes_ok": self.keyframes_ok,
            "smooth": self.smooth,
            "fix": self.fix(),
        }


def check_playback(path: str, bandwidth: float | None = None) -> Playback:
    """Measure ``path`` for smooth playback; InputError when it is not a video."""
    media_type(path)
    found = probe(path)
    metadata = describe(path, found)
    if metadata.kind.key != "videos":
        raise InputError(f"{path}: not a video (it would be registered in {metadata.kind.key})")
    video = pictures(found)[0]
    audio = [int(s.get("bit_rate") or 0) for s in found.get("streams", []) if s.get("codec_type") == "audio"]
    duration = float(metadata.block["duration"])
    bitrate = float(found.get("format", {}).get("bit_rate") or 0) or int(metadata.block["file_size"]) * 8 / duration
    flags = run_ffprobe(path, "-select_streams", "v:0", "-show_entries", "packet=flags", "-of", "csv=p=0").split()
    starts = [index for index, flag in enumerate(flags) if "K" in flag]
    runs = [b - a for a, b in zip(starts, [*starts[1:], len(flags)], strict=True)]
    return Playback(
        file=path,
        codec=str(video.get("codec_name", "unknown")),
        width=int(metadata.block["width"]),
        height=int(metadata.block["height"]),
        fps=float(metadata.block["fps"]),
        duration=duration,
        bitrate=bitrate,
        audio_bitrate=float(sum(audio)),
        frames=len(flags),
        keyframes=len(starts),
        keyframe_interval=max(runs, default=len(flags)),
        bandwidth=bandwidth,
    )

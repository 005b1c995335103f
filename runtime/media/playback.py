"""Will a video play smoothly in the label editor (R13), and if not, the ffmpeg command that fixes it.

The product's advice: download speed at least 3-4 times the video's bitrate, and a keyframe about every
50 frames so that frame-by-frame navigation does not decode long runs. Both are measured here from the
packets, without decoding a frame: the bitrate at its peak over any one-second window (a burst is what
empties the player's buffer, not the average), and the longest run of frames between keyframes in display
order (the order the editor steps through; B-frames of an open GOP come before their keyframe in decode
order). 3x is the low edge of the advice, where any dip in the connection stalls playback, so a bandwidth
passes at 4x the peak.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from runtime.media.content import av_content, sniff_image
from runtime.media.metadata import describe, pictures, video_timing
from runtime.media.probe import Packet, packets, probe
from runtime.media.source import Source
from tether.errors import InputError

SPEED_FACTORS = (3, 4)
"""Download speed the documentation asks for, as multiples of the bitrate; the check asks for the upper one."""
KEYFRAME_INTERVAL = 50
"""Frames between keyframes the editor navigates smoothly."""
WINDOW = Fraction(1)
"""Seconds over which the peak bitrate is taken: about what a player buffers ahead before it stalls."""
MIN_VIDEO_BITRATE = 50_000
"""The floor of a suggested video bitrate: below it nothing is left to label."""
_COPIED_AUDIO = {"aac", "mp3"}
"""Audio codecs an MP4 takes as they are; anything else (PCM from a .mov or .avi...) is re-encoded to AAC."""
_AUDIO_BITRATES = (128_000, 64_000, 32_000)
"""AAC bitrates a fix tries, highest first, to leave the video enough of a small budget."""
_VBV_SHARE = Fraction(1, 2)
"""x264 keeps any window of t seconds under bufsize + maxrate * t: half the budget each keeps a second under it."""

_RATE = re.compile(
    r"(?P<number>\d+(?:\.\d+)?)\s*(?P<prefix>[kKmMgGtT]i?)?\s*"
    r"(?P<unit>bits?|bytes?|b|B)?\s*(?P<per>ps|PS|Ps|/\s*s|/\s*sec|per\s+second)?",
    re.ASCII,  # digits are 0-9: "٤٠Mbps" is refused, not read as 40
)
_PREFIXES = {"": 1, "k": 10**3, "m": 10**6, "g": 10**9, "t": 10**12}
_WORDS = {"": "", "k": "kilo", "m": "mega", "g": "giga", "t": "tera"}
_BINARY_WORDS = {"k": "kibi", "m": "mebi", "g": "gibi", "t": "tebi"}


@dataclass(frozen=True)
class Bandwidth:
    """A download speed as given, and how it was read."""

    bits_per_second: float
    understood: str
    """``40 megabytes per second (320 Mbps)``: said back, so a misread unit shows."""


def parse_rate(text: str) -> Bandwidth:
    """A download speed: ``40Mbps``, ``40 Mb/s``, ``40M`` (bits), ``40MBps``, ``40 MB/s`` (bytes), ``5MiB/s``.

    A capital B is bytes, a small b or ``bit`` is bits; a bare prefix (``40M``) is bits, as connections
    are sold. Prefixes are decimal; ``Ki``/``Mi``/``Gi`` binary. A bare number has no unit and is refused.
    """
    match = _RATE.fullmatch(text.strip())
    if not match or not (match["prefix"] or match["unit"]) or float(match["number"]) <= 0:
        raise InputError(
            f"bandwidth {text!r}: expected a rate with its unit, such as 40Mbps or 40Mb/s (megabits), "
            "40MBps or 40MB/s (megabytes), or 40M (read as megabits)"
        )
    prefix = match["prefix"] or ""
    letter = prefix[:1].lower()
    binary = prefix.endswith("i")
    scale = 1024 ** "kmgt".index(letter) * 1024 if binary and letter else _PREFIXES[letter]
    unit = match["unit"] or ""
    is_bytes = unit.startswith("byte") or unit == "B"
    number = float(match["number"])
    bits = number * scale * (8 if is_bytes else 1)
    word = (_BINARY_WORDS[letter] if binary else _WORDS[letter]) + ("bytes" if is_bytes else "bits")
    guessed = "" if unit else ", a bare prefix read as bits"
    shown = f"{match['number']} {word} per second"
    return Bandwidth(bits, f"{shown} ({rate(bits)}{guessed})" if is_bytes or binary or guessed else shown)


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
    """Average bits per second of the whole file: everything a viewer downloads."""
    peak_bitrate: float
    """The most bits any one-second window of the file holds (all streams, and the container's share of
    overhead: MPEG-TS headers add a tenth and more): what the download must keep up with."""
    audio_codec: str | None
    audio_bitrate: float
    frames: int
    keyframes: int
    keyframe_interval: int
    """The longest run of frames, in display order, from one keyframe to the next (or to the end)."""
    bandwidth: Bandwidth | None
    unplayable: str | None = None
    """Why no browser plays the file as it is (the fix converts it), or None."""

    @property
    def speed_needed(self) -> tuple[float, float]:
        """The download speed range the product's advice asks for (3-4x the peak bitrate)."""
        low, high = SPEED_FACTORS
        return self.peak_bitrate * low, self.peak_bitrate * high

    @property
    def bandwidth_ok(self) -> bool | None:
        """Whether the given bandwidth reaches 4x the peak bitrate; None when no bandwidth was given."""
        return None if self.bandwidth is None else self.bandwidth.bits_per_second >= self.speed_needed[1]

    @property
    def keyframes_ok(self) -> bool:
        """Whether keyframes come at least every KEYFRAME_INTERVAL frames."""
        return self.keyframe_interval <= KEYFRAME_INTERVAL

    @property
    def smooth(self) -> bool:
        """Some browser plays it, and neither the bitrate nor the keyframes fall short."""
        return self.unplayable is None and self.keyframes_ok and self.bandwidth_ok is not False

    def fix(self) -> str | None:
        """The ffmpeg command that re-encodes the video to play smoothly; None when it already does."""
        if self.smooth:
            return None
        return self._command()[0]

    def no_fix(self) -> str | None:
        """Why no re-encoding can reach the given bandwidth, when none can."""
        return None if self.smooth else self._command()[1]

    def _command(self) -> tuple[str | None, str | None]:
        """The fix, capped so that its peak fits the bandwidth (or, without one, stays under this file's peak)."""
        budget = self.peak_bitrate if self.bandwidth is None else self.bandwidth.bits_per_second / SPEED_FACTORS[1]
        for audio_rate in _AUDIO_BITRATES if self.audio_codec else (0,):
            kept = self.audio_codec in _COPIED_AUDIO and audio_rate == _AUDIO_BITRATES[0]
            spent = (self.audio_bitrate if kept else audio_rate) * 1.05  # container overhead
            if budget - spent >= MIN_VIDEO_BITRATE:
                break
        else:
            sound = _AUDIO_BITRATES[-1] if self.audio_codec else 0
            least = (MIN_VIDEO_BITRATE + sound) * SPEED_FACTORS[1]
            return None, (
                f"no re-encoding fits: at 4x, {self.bandwidth.understood if self.bandwidth else 'this file'} carries "
                f"{rate(budget)} of picture and sound, less than the {rate(MIN_VIDEO_BITRATE + sound)} a labelable "
                f"video needs (annotators need at least {rate(least)})"
            )
        audio = self._audio_args(None if kept else audio_rate)
        cap = f"{float((budget - spent) * _VBV_SHARE) / 1000:.0f}k"
        video = ["-crf", "23", "-maxrate", cap, "-bufsize", cap]
        source = Path(self.file)
        target = source.with_name(f"{source.stem}-smooth.mp4")
        command = [
            "ffmpeg", "-i", str(source), "-c:v", "libx264", *video, "-g", str(KEYFRAME_INTERVAL),
            "-pix_fmt", "yuv420p", *audio, "-movflags", "+faststart", str(target),
        ]  # fmt: skip
        return shlex.join(command), None

    def _audio_args(self, bitrate: int | None) -> list[str]:
        """Keep MP4-ready sound as it is; re-encode anything else (PCM, Vorbis...) to AAC."""
        if self.audio_codec is None:
            return []
        if bitrate is None and self.audio_codec in _COPIED_AUDIO:
            return ["-c:a", "copy"]
        return ["-c:a", "aac", "-b:a", f"{(bitrate or _AUDIO_BITRATES[0]) // 1000}k"]

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
            "peak_bitrate": round(self.peak_bitrate),
            "peak_window_seconds": float(WINDOW),
            "speed_needed": [round(s) for s in self.speed_needed],
            "bandwidth": None if self.bandwidth is None else self.bandwidth.bits_per_second,
            "bandwidth_understood": None if self.bandwidth is None else self.bandwidth.understood,
            "bandwidth_ok": self.bandwidth_ok,
            "frames": self.frames,
            "keyframes": self.keyframes,
            "keyframe_interval": self.keyframe_interval,
            "keyframes_ok": self.keyframes_ok,
            "unplayable": self.unplayable,
            "smooth": self.smooth,
            "fix": self.fix(),
            "no_fix": self.no_fix(),
        }


def peak_bitrate(read: list[Packet], window: Fraction = WINDOW) -> float:
    """The most bits per second in any ``window`` of the packets' presentation times (a sliding window)."""
    timed = sorted((p.time, p.size) for p in read)
    best = held = start = 0
    for time, size in timed:
        held += size
        while timed[start][0] <= time - window:
            held -= timed[start][1]
            start += 1
        best = max(best, held)
    return best * 8 / float(window)


def keyframe_runs(video: list[Packet]) -> tuple[int, int]:
    """How many keyframes, and the longest run of frames from one to the next, in display order."""
    order = sorted(video, key=lambda p: p.time)
    starts = [index for index, packet in enumerate(order) if packet.key]
    runs = [b - a for a, b in zip(starts, [*starts[1:], len(order)], strict=True)]
    return len(starts), max(runs, default=len(order))


def check_playback(path: str, bandwidth: Bandwidth | None = None) -> Playback:
    """Measure ``path`` for smooth playback; InputError when it is not a video."""
    source = Source.local(path)
    image = sniff_image(source)
    if image is not None:
        image[0].close()
        raise InputError(f"{path}: not a video (it would be registered in images)")
    found = probe(source)
    metadata = describe(source, found, playable=False)
    if metadata.kind.key != "videos":
        raise InputError(f"{path}: not a video (it would be registered in {metadata.kind.key})")
    unplayable = av_content(source, found, pictures(found)).refused
    stream = pictures(found)[0]
    sounds = [s for s in found.get("streams", []) if s.get("codec_type") == "audio"]
    read = packets(source, found)
    video = [p for p in read if p.stream == int(stream["index"])]
    timing = video_timing(stream, video)
    duration = float(metadata.block["duration"])
    keyframes, interval = keyframe_runs(video)
    audio = [p for p in read if sounds and p.stream == int(sounds[0]["index"])]
    ends = [p.time + p.duration for p in audio]
    audio_seconds = float(max(ends) - min(p.time for p in audio)) if audio else 0.0
    return Playback(
        file=path,
        codec=str(stream.get("codec_name", "unknown")),
        width=int(metadata.block["width"]),
        height=int(metadata.block["height"]),
        fps=float(metadata.block["fps"]),
        duration=duration,
        bitrate=int(metadata.block["file_size"]) * 8 / duration,
        peak_bitrate=peak_bitrate(read) * max(1.0, int(metadata.block["file_size"]) / (sum(p.size for p in read) or 1)),
        audio_codec=str(sounds[0].get("codec_name")) if sounds else None,
        audio_bitrate=sum(p.size for p in audio) * 8 / audio_seconds if audio_seconds else 0.0,
        frames=timing.frames,
        keyframes=keyframes,
        keyframe_interval=interval,
        bandwidth=bandwidth,
        unplayable=unplayable,
    )

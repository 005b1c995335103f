"""Playback through the signed URL: bitrate and keyframe interval measured by ffprobe reading ranges.

ffprobe reads the container header and the first packets with range requests (``-read_intervals``), so a
long video is not downloaded; the judgement is the media check's own (runtime.media.playback).
"""

from __future__ import annotations

import json
import mimetypes
import subprocess
from fractions import Fraction
from typing import Any

from runtime.media.playback import KEYFRAME_INTERVAL, Playback, keyframe_runs, peak_bitrate, rate
from runtime.media.probe import PACKET_ENTRIES, ffprobe_path, parse_packets
from runtime.media.source import Source
from tether.doctor.findings import Finding

PACKETS = 600
"""Packets read (of every stream) for the peak bitrate and the keyframe interval: several runs of the
recommended 50 frames, without downloading a long video."""
TIMEOUT = 60


def is_video(key: str) -> bool:
    """Judged by the key's name: doctor reads only a few ranges of the object, never its whole content."""
    return (mimetypes.guess_type(key, strict=False)[0] or "").startswith("video/")


def _ffprobe(url: str, ca_file: str | None, *args: str) -> str:
    """ffprobe on the signed URL, HTTPS verified as the media measurer opens it (runtime.media.source)."""
    source = Source.remote(url, "<signed URL>", 0, ca_file)
    command = [ffprobe_path(), "-v", "error", *args, *source.ffprobe_input()]
    done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    if done.returncode != 0:
        said = (done.stderr.strip().splitlines() or ["no reason given"])[-1]
        # the URL is a bearer credential: ffprobe's message may quote it, so only its last words are kept
        raise OSError(source.hidden(said))
    return done.stdout


def measure(key: str, url: str, ca_file: str | None) -> Playback:
    """Measure the video behind ``url`` (OSError when ffprobe cannot read it)."""
    found: dict[str, Any] = json.loads(_ffprobe(url, ca_file, "-print_format", "json", "-show_format", "-show_streams"))
    streams = found.get("streams", [])
    video = next(s for s in streams if s.get("codec_type") == "video")
    sounds = [s for s in streams if s.get("codec_type") == "audio"]
    read = parse_packets(_ffprobe(url, ca_file, "-read_intervals", f"%+#{PACKETS}", *PACKET_ENTRIES), found)
    frames = [p for p in read if p.stream == int(video["index"])]
    keyframes, interval = keyframe_runs(frames)
    fmt = found.get("format", {})
    return Playback(
        file=key,
        codec=str(video.get("codec_name", "unknown")),
        width=int(video.get("width") or 0),
        height=int(video.get("height") or 0),
        fps=float(Fraction(video.get("avg_frame_rate") or "0/1")) if video.get("avg_frame_rate") != "0/0" else 0.0,
        duration=float(fmt.get("duration") or 0),
        bitrate=float(fmt.get("bit_rate") or 0),
        peak_bitrate=peak_bitrate(read),
        audio_codec=str(sounds[0].get("codec_name")) if sounds else None,
        audio_bitrate=float(sum(int(s.get("bit_rate") or 0) for s in sounds)),
        frames=len(frames),
        keyframes=keyframes,
        keyframe_interval=interval,
        bandwidth=None,
    )


def check_media(integration: str, key: str, url: str, ca_file: str | None) -> Finding:
    """Bitrate, the download speed it needs, and keyframes, for a video; not run for other files."""
    try:
        found = measure(key, url, ca_file)
    except (OSError, subprocess.TimeoutExpired, StopIteration, ValueError) as error:
        return Finding(integration, "playback", "problem", f"the video cannot be read through the URL: {error}",
                       "check the object is a video the browser can decode (H.264 MP4 or WebM)")  # fmt: skip
    low, high = found.speed_needed
    said = (
        f"{found.codec} {found.width}x{found.height}, {rate(found.bitrate)}: annotators need {rate(low)} to "
        f"{rate(high)} to play without buffering"
    )
    if not found.keyframes_ok:
        return Finding(integration, "playback", "advisory",
                       f"{said}; a keyframe only every {found.keyframe_interval} frames makes frame-by-frame "
                       "navigation stall", f"re-encode with a keyframe every {KEYFRAME_INTERVAL} frames "
                       f"(`tether media check FILE` prints the ffmpeg command)")  # fmt: skip
    return Finding(integration, "playback", "ok", f"{said}; keyframes every {found.keyframe_interval} frames at most")

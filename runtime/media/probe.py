"""Ask ffprobe (from Debian's ffmpeg package) about a media file, local or behind a URL."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from runtime.media.source import TIMEOUT, Source, as_source
from tether.errors import InputError, ReadError

ESTIMATED = "Estimating duration from bitrate"
"""ffprobe's warning when it guesses a duration from the first frames' bitrate (MP3 without a Xing header,
ADTS AAC): the guess is off by whatever the bitrate varies, so such files are measured by their packets."""


class FfprobeMissing(ReadError):
    """ffprobe is not installed: nothing can be measured (exit 3)."""

    def __init__(self) -> None:
        super().__init__(
            "ffprobe not found on PATH: install the Debian package ffmpeg "
            "(./scripts/install-system-packages does it, as `make setup` runs it)"
        )


def ffprobe_path() -> str:
    """Where ffprobe is; FfprobeMissing if it is not on PATH."""
    found = shutil.which("ffprobe")
    if found is None:
        raise FfprobeMissing()
    return found


def _run(source: Source, *args: str) -> subprocess.CompletedProcess[str]:
    command = [ffprobe_path(), *args, *source.ffprobe_input()]
    # errors="replace": ffprobe echoes the file name, which need not be UTF-8
    remote = source.url is not None  # a local file has no network to wait for
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, errors="replace", check=False, timeout=TIMEOUT if remote else None
        )
    except subprocess.TimeoutExpired:
        raise ReadError(f"{source.name}: ffprobe took longer than {TIMEOUT} s") from None
    if result.returncode != 0:
        said = source.hidden((result.stderr.strip().splitlines() or ["no reason given"])[-1])
        raise InputError(f"{source.name}: not a media file ffprobe can read ({said})")
    return result


def run_ffprobe(source: Source | str, *args: str) -> str:
    """ffprobe's standard output for ``source`` (run once per source and arguments); InputError when it
    cannot read it as media."""
    source = as_source(source)
    if args not in source.ffprobe_runs:
        source.ffprobe_runs[args] = _run(source, "-v", "error", *args).stdout
    return source.ffprobe_runs[args]


def probe(source: Source | str) -> dict[str, Any]:
    """The container and every stream of ``source``, as ffprobe's JSON; ``estimated`` is set when ffprobe
    only guessed the duration (its warning, which ``-v error`` would hide)."""
    result = _run(as_source(source), "-v", "warning", "-print_format", "json", "-show_format", "-show_streams")
    found: dict[str, Any] = json.loads(result.stdout)
    found["estimated"] = ESTIMATED in result.stderr
    return found


@dataclass(frozen=True)
class Packet:
    """One packet of one stream, times in seconds (exact fractions of the stream's time base)."""

    stream: int
    time: Fraction
    """Presentation time, or decode time where the container gives none."""
    duration: Fraction
    size: int
    key: bool


PACKET_ENTRIES = ("-show_entries", "packet=stream_index,pts,dts,duration,size,flags", "-of", "csv=p=0")
"""ffprobe's arguments for the packet list that :func:`parse_packets` reads."""


def packets(source: Source | str, found: dict[str, Any]) -> list[Packet]:
    """Every packet ffprobe reads from ``source`` (without decoding), except those the container discards.

    Through a URL this streams the packets' bytes (for most containers the whole object), storing none."""
    return parse_packets(run_ffprobe(source, *PACKET_ENTRIES), found)


def packets_within(source: Source, found: dict[str, Any], stream: int, intervals: str) -> list[Packet]:
    """The packets of stream ``stream`` within ffprobe's ``-read_intervals`` ``intervals`` (``START%+#COUNT``
    reads COUNT packets of the stream from the key frame at or before START seconds): only those are read."""
    selected = ("-select_streams", str(stream), "-read_intervals", intervals)
    return [p for p in parse_packets(run_ffprobe(source, *selected, *PACKET_ENTRIES), found) if p.stream == stream]


def parse_packets(out: str, found: dict[str, Any]) -> list[Packet]:
    """The packets of ffprobe's :data:`PACKET_ENTRIES` output, timed in each stream's time base of ``found``."""
    bases = {int(s["index"]): Fraction(str(s.get("time_base", "1/1"))) for s in found.get("streams", [])}
    read = []
    for line in out.splitlines():
        fields = line.split(",")
        if len(fields) < 6:
            continue
        index, pts, dts, duration, size, flags = fields[:6]
        when = pts if pts != "N/A" else dts
        if when == "N/A" or "D" in flags or not index.isdigit():
            continue
        base = bases.get(int(index), Fraction(1))
        length = int(duration) if duration.lstrip("-").isdigit() else 0
        read.append(Packet(int(index), int(when) * base, length * base, int(size), "K" in flags))
    return read

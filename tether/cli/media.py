"""`tether media check`: will a video play without buffering in the label editor (R13), and how to fix it."""

from __future__ import annotations

import argparse

from tether.cli.formatting import add_output, print_json
from tether.errors import EXIT_FINDINGS, EXIT_OK

HELP = """Tools for media files before they are registered.

example:
  tether media check clip.mp4 --bandwidth 40Mbps
"""

CHECK_HELP = """Measure a video for smooth playback in the label editor, as the product documentation advises:
a download speed of 3-4 times the video's bitrate, and a keyframe about every 50 frames for
frame-by-frame navigation. The bitrate is the peak over any one second (a burst empties the buffer,
not the average), and the bandwidth passes at 4x it (3x, the low edge, stalls at any dip); keyframe
intervals are counted in display order. When something falls short, prints the ffmpeg command that
re-encodes the video (capped for the given bandwidth, a keyframe every 50 frames, sound MP4 cannot
hold re-encoded to AAC), or says why no re-encoding can fit. Without --bandwidth only the keyframes
can fall short.

--bandwidth takes the usual spellings and says back how it read them: 40Mbps, 40Mb/s, 40Mbit/s and
40M are megabits per second; 40MBps and 40MB/s megabytes (8x more); 5MiB/s mebibytes.

example:
  tether media check clip.mp4 --bandwidth 40Mbps

exit status: 0 plays smoothly, 1 falls short, 2 bad input (not a video), 3 unreadable or no ffprobe.
"""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``media`` command and its ``check`` subcommand."""
    parser = sub.add_parser(
        "media", help="check media files (playback)", description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=type(parser))
    commands.required = True
    check = commands.add_parser(
        "check", help="will a video play smoothly", description=CHECK_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    check.add_argument("file", metavar="FILE", help="the video")
    check.add_argument("--bandwidth", metavar="RATE", help="the annotators' download speed, such as 40Mbps")
    add_output(check, ["text", "json"])
    check.set_defaults(run=run_check)


def run_check(args: argparse.Namespace) -> int:
    """Measure the video and say what falls short."""
    from runtime.media.playback import KEYFRAME_INTERVAL, check_playback, parse_rate, rate

    bandwidth = parse_rate(args.bandwidth) if args.bandwidth is not None else None
    found = check_playback(args.file, bandwidth)
    if args.output == "json":
        print_json(found.as_dict())
        return EXIT_OK if found.smooth else EXIT_FINDINGS
    low, high = found.speed_needed
    print(
        f"{found.file}: {found.codec} {found.width}x{found.height}, {found.fps:g} fps, {found.duration:g} s, "
        f"{found.frames} frames"
    )
    print(f"  bitrate: {rate(found.bitrate)} on average")
    print(f"  peak bitrate: {rate(found.peak_bitrate)} (the most in any one second)")
    print(f"  download speed needed: {rate(low)} to {rate(high)} (3-4x the peak; this check asks for 4x)")
    if found.bandwidth is not None:
        verdict = "enough" if found.bandwidth_ok else "too slow: lower the bitrate"
        print(f"  bandwidth {found.bandwidth.understood}: {verdict}")
    if found.unplayable:
        print(f"  browsers: {found.unplayable.removeprefix(found.file + ': ').partition('; convert it')[0]}")
    verdict = "ok" if found.keyframes_ok else f"too long: aim for {KEYFRAME_INTERVAL} or fewer"
    keyframes = f"{found.keyframes} keyframe{'' if found.keyframes == 1 else 's'}"
    print(f"  keyframe interval: {found.keyframe_interval} frames at most ({keyframes}, display order): {verdict}")
    fix = found.fix()
    if fix:
        print(f"  fix: {fix}")
        return EXIT_FINDINGS
    no_fix = found.no_fix()
    if no_fix:
        print(f"  {no_fix}")
        return EXIT_FINDINGS
    print("  plays smoothly")
    return EXIT_OK

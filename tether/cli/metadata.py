"""`tether metadata`: the media metadata blocks a registration file needs, measured from local files."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from tether.cli.formatting import Progress, add_output, print_json
from tether.errors import EXIT_FINDINGS, EXIT_OK, InputError, TetherError
from tether.spec import load_spec

HELP = """Measure local media files with ffprobe and Pillow and print each one's metadata block, ready to paste
into a registration file (videoMetadata, imageMetadata or audioMetadata, keys in snake_case). Strict
client-only integrations need one for every item, and take it as given: measure, do not guess.

Measured as a browser displays the file: width and height after rotation (display matrix, EXIF
orientation) and non-square pixels; a video's duration and fps from its picture stream; the list and
MIME type from the content, not the extension (a mismatch is noted). Files no browser shows (MPEG-TS,
AVI, TIFF, HEIC, variable frame rate...) are refused with the ffmpeg command that converts them;
bit_depth is left out for lossy audio (mp3, aac, opus, vorbis), which has none.

With --manifest, write a whole registration file for a folder instead: every file under DIR becomes an
item whose key is PREFIX + its path under DIR, with the integration's canonical https objectUrl; media
files carry their metadata, .txt files go in "text" and .pdf files in "pdfs", files holding neither
picture nor sound are listed as skipped, each with the reason. Nothing is written if any file cannot be
measured or its URL would be refused.

ffprobe comes from the Debian package ffmpeg (./scripts/install-system-packages installs it).

examples:
  tether metadata clip.mp4 scan.png call.wav
  tether metadata --manifest items.json --spec stacks/dev/integrations.yaml \\
      --integration traffic-video --prefix videos/ ./to-upload

exit status: 0 ok, 1 (--manifest) some files cannot be registered, 2 bad input (not a media file,
bad usage), 3 a file could not be read or ffprobe is missing.
"""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``metadata`` command."""
    parser = sub.add_parser(
        "metadata",
        help="measure media files for a registration file",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("paths", nargs="+", metavar="FILE", help="media files (with --manifest: one folder, DIR)")
    parser.add_argument("--manifest", metavar="OUT.json", help="write a registration file for the folder DIR")
    parser.add_argument("--spec", metavar="SPEC", help="with --manifest: the integrations.yaml")
    parser.add_argument("--integration", metavar="NAME", help="with --manifest: the integration the files go to")
    parser.add_argument(
        "--prefix",
        metavar="PREFIX",
        help="with --manifest: key prefix for the folder's files (default: the integration's only prefix, if one)",
    )
    add_output(parser, ["text", "json"])
    parser.set_defaults(run=run, parser=parser)


def run(args: argparse.Namespace) -> int:
    """Print metadata blocks, or write a registration file with --manifest."""
    manifest_only = {"--spec": args.spec, "--integration": args.integration, "--prefix": args.prefix}
    if args.manifest:
        missing = [flag for flag in ("--spec", "--integration") if not manifest_only[flag]]
        if missing or len(args.paths) != 1:
            args.parser.error(f"--manifest needs {' and '.join(missing) or 'exactly one folder (DIR)'}")
        return _manifest(args)
    given = [flag for flag, value in manifest_only.items() if value]
    if given:
        args.parser.error(f"{', '.join(given)} only go with --manifest")
    return _files(args)


def _files(args: argparse.Namespace) -> int:
    from runtime.media.metadata import read_metadata
    from runtime.media.probe import ffprobe_path

    ffprobe_path()
    results: list[dict[str, object]] = []
    worst = EXIT_OK
    for path in args.paths:
        try:
            found = read_metadata(path)
        except TetherError as error:
            print(f"tether: error: {error}", file=sys.stderr)
            worst = max(worst, error.exit_code)
            continue
        assert found.kind.metadata
        for note in found.notes:
            print(f"tether: note: {path}: {note}", file=sys.stderr)
        if args.output == "json":
            entry = {"file": path, "list": found.kind.key, found.kind.metadata: found.block}
            results.append({**entry, "notes": list(found.notes)} if found.notes else entry)
        else:
            print(f"{path} ({found.kind.key}):\n  {json.dumps(found.kind.metadata)}: {json.dumps(found.block)}")
    if args.output == "json":
        print_json(results)
    return worst


def _manifest(args: argparse.Namespace) -> int:
    from runtime.manifest.build import build_manifest
    from runtime.manifest.urls import ObjectUrls

    spec = load_spec(args.spec).spec
    try:
        integration = spec.integration(args.integration)
    except KeyError as error:
        raise InputError(f"{args.spec}: {error.args[0]}") from None
    prefix = _prefix(args.prefix, integration.prefixes, integration.name)
    folder = args.paths[0]
    total = sum(len(files) for _, _, files in os.walk(folder))
    progress = Progress(f"measuring {folder}", total, lambda n: f"{n:,} files")
    try:
        built = build_manifest(ObjectUrls(integration), folder, prefix, progress)
    finally:
        progress.close()
    for note in built.notes:
        print(f"tether: note: {Path(folder) / note.path}: {note.message}", file=sys.stderr)
    for skipped in built.skipped:
        print(f"tether: skipped {Path(folder) / skipped}: {built.reasons[skipped]}", file=sys.stderr)
    for problem in built.problems:
        print(f"{Path(folder) / problem.path}: {problem.message}", file=sys.stderr)
    if built.problems:
        print(f"tether: {len(built.problems)} files cannot be registered; {args.manifest} not written", file=sys.stderr)
        return EXIT_FINDINGS
    _write(args.manifest, built.manifest)
    counts = ", ".join(f"{len(items)} {key}" for key, items in built.manifest.items()) or "no items"
    skipped = f"; skipped {len(built.skipped)} files that are not media: {', '.join(built.skipped)}"
    skipped = skipped if built.skipped else ""
    summary = {"file": args.manifest, "integration": integration.name, "prefix": prefix, "skipped": built.skipped}
    if args.output == "json":
        notes = [{"file": note.path, "note": note.message} for note in built.notes]
        items = {key: len(items) for key, items in built.manifest.items()}
        print_json({**summary, "reasons": built.reasons, "notes": notes, "items": items})
    else:
        print(f"wrote {args.manifest}: {counts} for integration {integration.name!r}{skipped}")
    return EXIT_OK


def _prefix(given: str | None, declared: list[str], name: str) -> str:
    """The key prefix: as given (inside a declared one), else the only declared one, else none."""
    if given is None:
        if len(declared) > 1:
            several = ", ".join(declared)
            raise InputError(f"integration {name!r} has several prefixes ({several}): choose one with --prefix")
        return declared[0] if declared else ""
    if given and not given.endswith("/"):
        raise InputError(f"--prefix {given!r} must end with '/'")
    if declared and not given.startswith(tuple(declared)):
        raise InputError(f"--prefix {given!r} is outside integration {name!r}'s prefixes ({', '.join(declared)})")
    return given


def _write(path: str, manifest: dict[str, list[dict[str, object]]]) -> None:
    """Write through a temporary file, so a failed run never leaves half a manifest."""
    partial = f"{path}.partial"
    try:
        with open(partial, "w", encoding="utf-8") as out:
            json.dump(manifest, out, indent=2)
            out.write("\n")
        os.replace(partial, path)
    except OSError as error:
        raise InputError(f"{path}: cannot write: {error.strerror}") from None

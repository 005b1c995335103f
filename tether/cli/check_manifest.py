"""`tether check-manifest`: may this user register this file's items with this integration, and if not, why."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

from tether.cli.formatting import Progress, add_output
from tether.errors import EXIT_FINDINGS, EXIT_OK, InputError, TetherError
from tether.spec import load_spec

if TYPE_CHECKING:
    from runtime.manifest.validate import ManifestProblem

HELP = """Check a registration file (R12) before registering it with an integration.

Every problem is reported at once as FILE: JSON-PATH: MESSAGE, for example
  items.json: videos[1234].videoMetadata.fps: must be greater than 0 and at most 1,000, got 0

What is checked: the lists (videos, images, audio, image_groups, dicom_series, text, pdfs) and their
items; media metadata fields and their ranges (snake_case or camelCase keys; problems name the
snake_case form); that each MIME type fits its list; that every objectUrl is inside the integration's
bucket and prefixes in one of its provider's URL forms, refusing ambiguous encodings such as %2e%2e
or //; that the user may register data with the integration; and, for strict client-only
integrations, that every video, image and audio item carries its metadata.

Files of any size are streamed in bounded memory.

example:
  tether check-manifest stacks/dev/integrations.yaml --integration traffic-video \\
      --user alice@acme-vision.ai items.json

exit status: 0 the file can be registered, 1 it has problems, 2 bad input (spec, usage, a file that
is not JSON), 3 a file could not be read.
"""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``check-manifest`` command."""
    parser = sub.add_parser(
        "check-manifest",
        help="check a registration file against an integration",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("spec", metavar="SPEC", help="the integrations.yaml that declares the integration")
    parser.add_argument("--integration", required=True, metavar="NAME", help="the integration to register with")
    parser.add_argument("--user", required=True, metavar="EMAIL", help="who registers the data")
    parser.add_argument("manifest", metavar="FILE.json", help="the registration file")
    add_output(parser, ["text", "json"])
    parser.set_defaults(run=run)


def _megabytes(count: int) -> str:
    return f"{count / 1e6:,.0f} MB"


def _counted(items: dict[str, int]) -> str:
    total = sum(items.values())
    parts = ", ".join(f"{key} {count:,}" for key, count in items.items())
    return f"{total:,} items" + (f" ({parts})" if parts else "")


def run(args: argparse.Namespace) -> int:
    """Check the file; problems stream out as they are found, so memory stays bounded."""
    from runtime.manifest.check import ManifestCheck

    spec = load_spec(args.spec).spec
    try:
        check = ManifestCheck(spec, args.integration, args.user)
    except KeyError as error:
        raise InputError(f"{args.spec}: {error.args[0]}") from None
    try:
        size = os.stat(args.manifest).st_size
    except OSError:
        size = 0  # the check itself says why the file cannot be opened
    progress = Progress(f"checking {args.manifest}", size, _megabytes)
    problems = check.run(args.manifest, progress)
    try:
        if args.output == "json":
            return _json(args, check.items, problems, progress)
        return _text(args, check.items, problems, progress)
    finally:
        progress.close()


def _text(
    args: argparse.Namespace, items: dict[str, int], problems: Iterator[ManifestProblem], progress: Progress
) -> int:
    count = 0
    for problem in problems:
        progress.close()
        print(f"{args.manifest}: {problem}")
        count += 1
    where = f"integration {args.integration!r} as {args.user}"
    if count:
        print(f"{args.manifest}: {count:,} problems in {_counted(items)} for {where}")
        return EXIT_FINDINGS
    print(f"{args.manifest}: ok: {_counted(items)} can be registered with {where}")
    return EXIT_OK


def _json(
    args: argparse.Namespace, items: dict[str, int], problems: Iterator[ManifestProblem], progress: Progress
) -> int:
    """A JSON report written as problems arrive; an unreadable file still ends it as valid JSON."""
    head = {"file": args.manifest, "integration": args.integration, "user": args.user}
    out = sys.stdout
    out.write(json.dumps(head, indent=2)[:-2] + ',\n  "problems": [')
    count = 0
    error: TetherError | None = None
    bug: BaseException | None = None
    try:
        for problem in problems:
            out.write(("," if count else "") + "\n    " + json.dumps(problem.as_dict(), sort_keys=True))
            count += 1
    except TetherError as failed:
        error = failed
    except BaseException as failed:  # a bug or Ctrl-C: the JSON still ends whole, then it is reported as usual
        bug = failed
    tail: dict[str, object] = {"items": items, "valid": count == 0 and error is None and bug is None}
    if error or bug:
        tail["error"] = str(error) if error else f"stopped: {type(bug).__name__}"
    out.write(("\n  " if count else "") + "],\n" + json.dumps(tail, indent=2, sort_keys=True)[2:] + "\n")
    if bug:
        raise bug
    if error:
        progress.close()
        print(f"tether: error: {error}", file=sys.stderr)
        return error.exit_code
    return EXIT_FINDINGS if count else EXIT_OK

"""`tether register`: registration files built from the objects in an integration's bucket."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tether.cli.formatting import add_output, print_json
from tether.errors import EXIT_FINDINGS, EXIT_OK, InputError
from tether.register.write import DEFAULT_MAX_ITEMS

MAX_CONCURRENCY = 256
"""Each object in flight is a thread and, for video and audio, an ffprobe process."""

HELP = """Build registration files from what is in the bucket, measuring each media object through a signed URL.

Objects under the integration's prefixes (or --prefix, inside one of them) are listed with the customer's
credentials, never the platform's (the same chains and TETHER_ENDPOINT_* variables as `tether sign`); the
user must be allowed to register on the integration. Each object is measured through a signed URL by the
code of `tether metadata`, giving the block it gives for the same file on disk: images from the first bytes
(a ranged GET), sound by ffprobe's range requests, videos by ffprobe streaming their packets (to count
frames); nothing is stored, and the platform reads nothing. Files are split at --max-items items and each
is checked as `check-manifest` does.

--out DIR gets register-00001.json and up, failures.txt (key TAB reason), notes.txt (key TAB what the
measurer noticed, as `tether metadata` says it: a name that lies about the content...), removed.txt (with
--since) and state.sqlite. Running again with the same --out resumes an interrupted run without measuring twice.
--since PREVIOUS_DIR writes only new or changed objects (ETag, size, last modified) and lists removed ones.
--shard I/N registers the keys whose hash falls in shard I (N alone: I from JOB_COMPLETION_INDEX, as
Kubernetes Indexed Jobs set it); --merge DIR... then joins every shard's --out into one set of files.

examples:
  tether register stacks/dev/integrations.yaml --integration traffic-video --user carol@acme-vision.ai \\
      --out reg/2026-12-01 --env-file .tether/sandbox.env
  tether register stacks/dev/integrations.yaml --integration traffic-video --user carol@acme-vision.ai \\
      --since reg/2026-12-01 --out reg/2026-12-02
  tether register stacks/dev/integrations.yaml --integration traffic-video --user carol@acme-vision.ai \\
      --shard 3/8 --out reg/shard-3

exit status: 0 registered, 1 some objects could not be measured, a file failed its check, or the user may
not register (the reason is on stderr), 2 bad input or usage, 3 the bucket or credentials could not be read.
"""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``register`` command."""
    parser = sub.add_parser(
        "register", help="build registration files from the bucket", description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    parser.add_argument("spec", metavar="SPEC", help="the integrations.yaml that declares the integration")
    parser.add_argument("--integration", required=True, metavar="NAME", help="the integration to register from")
    parser.add_argument("--user", required=True, metavar="EMAIL", help="who registers (must be allowed to)")
    parser.add_argument("--prefix", metavar="P", help="list only under P (inside a declared prefix)")
    parser.add_argument("--out", required=True, type=Path, metavar="DIR", help="where files and state go")
    parser.add_argument("--since", type=Path, metavar="DIR", help="a previous run's --out: only what changed")
    parser.add_argument(
        "--max-items", type=int, default=DEFAULT_MAX_ITEMS, metavar="N", help="items per file (1,000,000)"
    )
    parser.add_argument("--concurrency", type=int, default=32, metavar="N", help="objects measured at once (32)")
    parser.add_argument("--shard", metavar="I/N", help="register shard I of N (N alone: JOB_COMPLETION_INDEX)")
    parser.add_argument("--merge", nargs="+", type=Path, metavar="DIR", help="join finished shards into --out")
    parser.add_argument("--env-file", metavar="FILE", help="KEY=VALUE lines with endpoints and credentials")
    add_output(parser, ["text", "json"])
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Register, then say what was written and what failed; exit 1 when anything did."""
    from runtime import Runtime
    from runtime.sign import Refused
    from tether.register.run import Request, merge
    from tether.register.run import register as register_
    from tether.register.shard import parse_shard

    if not 1 <= args.max_items <= DEFAULT_MAX_ITEMS:
        raise InputError(
            f"--max-items: from 1 to {DEFAULT_MAX_ITEMS:,} (the platform's limit per file), got {args.max_items}"
        )
    if not 1 <= args.concurrency <= MAX_CONCURRENCY:
        raise InputError(f"--concurrency: from 1 to {MAX_CONCURRENCY}, got {args.concurrency}")
    if args.merge and (args.since or args.shard or args.prefix):
        raise InputError("--merge joins finished shards: --since, --shard and --prefix belong to the shard runs")
    runtime = Runtime.load(args.spec, env_file=args.env_file)
    try:
        if args.merge:
            outcome = merge(runtime, args.integration, args.user, args.merge, args.out, args.max_items)
        else:
            request = Request(
                args.integration, args.user, args.prefix, args.out, args.since, parse_shard(args.shard),
                args.max_items, args.concurrency,
            )  # fmt: skip
            with _Progress() as progress:
                outcome = register_(runtime, request, progress.update)
    except Refused as refused:
        print(f"tether register: refused: {refused.reason}", file=sys.stderr)
        return EXIT_FINDINGS
    if args.output == "json":
        print_json({
            "files": [str(p) for p in outcome.files], "counts": outcome.counts, "removed": outcome.removed,
            "failures": outcome.failures, "notes": outcome.notes, "problems": [str(p) for p in outcome.problems],
        })  # fmt: skip
    else:
        for path in outcome.files:
            print(path)
        counts = ", ".join(f"{n} {what}" for what, n in sorted(outcome.counts.items())) or "no objects"
        print(f"tether register: {counts}; {outcome.removed} removed", file=sys.stderr)
        if outcome.failures:
            print(f"tether register: {outcome.failures} objects could not be measured: see "
                  f"{args.out / 'failures.txt'}", file=sys.stderr)  # fmt: skip
        if outcome.notes:
            print(f"tether register: {outcome.notes} objects have notes (names that lie about their content, "
                  f"browsers that do not show them): see {args.out / 'notes.txt'}", file=sys.stderr)  # fmt: skip
        for problem in outcome.problems:
            print(f"tether register: {problem}", file=sys.stderr)
    return EXIT_FINDINGS if outcome.failures or outcome.problems else EXIT_OK


class _Progress:
    """Listed and measured counts on stderr with rich, only when stderr is a terminal."""

    def __enter__(self) -> _Progress:
        from rich.console import Console
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        console = Console(stderr=True)
        self.bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console,
                            disable=not console.is_terminal, transient=True)  # fmt: skip
        self.task = self.bar.add_task("listing")
        self.bar.start()
        return self

    def update(self, listed: int, measured: int) -> None:
        self.bar.update(self.task, description=f"{listed:,} listed, {measured:,} measured")

    def __exit__(self, *_: object) -> None:
        self.bar.stop()

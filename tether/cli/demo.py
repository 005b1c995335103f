"""`tether demo`: the whole product on the example stack and local stand-ins, judged step by step."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tether.cli.formatting import add_output, print_json
from tether.errors import InputError

HELP = """Show every part of tether working, on one machine, with no cloud account.

On the example dev stack: validate, preview the Pulumi resources, lint; start the local stand-ins
(SeaweedFS for S3 and OTC, Azurite for Azure, moto for IAM) with generated sample media; build a
registration file with `metadata` and check it (a client-only integration rejects an item without
metadata); sign URLs as a member and download through the local store, and see the refusals for a
non-member and for a Direct Access integration; catch a console edit (CORS widened to *) with
`drift`; review a sample change by a non-admin (denied) and by an admin (allowed).

Each step prints the command a user would type, its first lines of output (signatures hidden),
and whether it behaved as shown; a summary ends the run. The stand-ins are stopped at the end
unless --keep leaves them up to explore (then: tether sandbox down --state-dir STATE_DIR).

example:
  tether demo
  tether demo --keep --state-dir /tmp/tether-demo

exit status: 0 every step behaved as shown, 1 some step did not, 2 bad usage or a spec other than
the example dev stack (or a copy of it).
"""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``demo`` command."""
    parser = sub.add_parser(
        "demo",
        help="run the end-to-end demo locally",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--spec",
        default="stacks/dev/integrations.yaml",
        help="the example dev stack (default: stacks/dev/integrations.yaml, from the project root)",
    )
    parser.add_argument(
        "--state-dir", default=".tether/demo", help="sandbox state, media and files (default: .tether/demo)"
    )
    parser.add_argument("--keep", action="store_true", help="leave the stand-ins running at the end")
    add_output(parser, ["text", "json"])
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run every step; the walkthrough goes to stdout (stderr with --output json, which prints the summary)."""
    from tether.demo.runner import Runner, invoke
    from tether.demo.steps import Demo

    spec = Path(args.spec)
    if not spec.is_file():
        raise InputError(f"{spec}: no such file (run the demo from the project root, or pass --spec)")
    state = Path(args.state_dir)
    demo = Demo(spec, state)
    demo.check()
    steps = demo.steps(keep=args.keep)
    runner = Runner(out=sys.stderr if args.output == "json" else sys.stdout)
    try:
        for number, step in enumerate(steps, start=1):
            runner.run(step, number, len(steps))
    finally:
        if not args.keep and len(runner.verdicts) < len(steps):  # interrupted: stop what was started
            invoke(["sandbox", "down", "--state-dir", str(state)])
    code = runner.summary()
    if args.output == "json":
        print_json(
            {
                "passed": code == 0,
                "steps": [
                    {"title": v.step.title, "command": v.step.command, "exit": v.outcome.code, "problem": v.problem}
                    for v in runner.verdicts
                ],
            }
        )
    elif args.keep:
        print(f"the sandbox is still up: its settings are in {state}/sandbox.env; stop it with:")
        print(f"  tether sandbox down --state-dir {state}")
    return code

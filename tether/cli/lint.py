"""`tether lint`: judge a spec and its rendered desired state with the policy rules, offline."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from tether.cli.formatting import add_output, print_json
from tether.errors import EXIT_FINDINGS, EXIT_OK, InputError, SpecInvalid, TetherError

HELP = """Check spec files against the organization's policy rules, before anything is deployed.

The same rules run at deploy time in the Pulumi policy pack (pulumi preview --policy-pack policies).
Each finding names its rule, severity (mandatory or advisory), the integration, the spec line that
causes it, and how to fix it. A rule can be waived per integration in the spec (waivers: rule,
reason, expires); an expired waiver no longer waives. `tether lint --rules` lists the rules and
where each can fire: some guard only against a program that departs from what tether renders, so
only the pack can report them.

example:
  tether lint stacks/dev/integrations.yaml
  tether lint --output sarif stacks/*/integrations.yaml > lint.sarif   # for GitHub code scanning

With --output sarif, nothing is written when a spec is invalid or unreadable (exit 2 or 3): an upload
missing its findings would close their alerts.

exit status: 0 no unwaived mandatory finding (advisories allowed), 1 a mandatory finding,
2 bad input (an invalid spec, usage), 3 a file could not be read.
"""


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date such as 2026-12-31, got {text!r}") from None


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``lint`` command."""
    parser = sub.add_parser(
        "lint", help="check specs against the policy rules", description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("specs", nargs="*", metavar="SPEC", help="integrations.yaml files to lint")
    parser.add_argument("--rules", action="store_true", help="list the rules and exit")
    parser.add_argument("--today", type=_day, default=None, metavar="YYYY-MM-DD",
                        help="judge waiver expiry as of this day (default: today)")
    add_output(parser, ["text", "json", "sarif", "markdown"])
    parser.set_defaults(run=run)


def _rules() -> int:
    from policies.registry import RULES
    from tether.cli.formatting import text_table

    print(text_table(["ID", "SEVERITY", "FIRES IN", "NAME", "WHAT"],
                     [(r.id, r.severity, r.fires_in, r.name, r.description) for r in RULES]))
    print("\nFIRES IN: lint+pack when a spec can break the rule; pack when only a program that departs from what "
          "tether renders can (lint judges the rendered state).")
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    """Lint every file, print one report in the chosen form, exit with the worst outcome."""
    if args.rules:
        return _rules()
    if not args.specs:
        raise InputError("lint needs at least one SPEC file (or --rules)")
    from policies.engine import lint
    from policies.report import Outcome, Unlinted, jsondoc, markdown, sarif, text
    from tether.spec import load_spec

    today = args.today or date.today()
    outcomes: list[Outcome] = []
    for file in args.specs:
        try:
            outcomes.append(lint(load_spec(file), today))
        except SpecInvalid as error:
            outcomes.append(Unlinted(file, tuple(error.problems), "invalid spec", error.exit_code))
        except TetherError as error:
            outcomes.append(Unlinted(file, (), str(error), error.exit_code))
    unlinted = [o for o in outcomes if isinstance(o, Unlinted)]
    if args.output != "text":
        for outcome in unlinted:
            for line in [str(p) for p in outcome.problems] or [f"tether: {outcome.file}: {outcome.message}"]:
                print(line, file=sys.stderr)
    if args.output == "sarif" and unlinted:
        print("tether: no SARIF written: code scanning would read the missing findings as fixed", file=sys.stderr)
    elif args.output in ("json", "sarif"):
        print_json((jsondoc if args.output == "json" else sarif).document(outcomes))
    else:
        print((text if args.output == "text" else markdown).render(outcomes))
    codes = [o.exit_code if isinstance(o, Unlinted) else EXIT_FINDINGS if o.blocking else EXIT_OK for o in outcomes]
    return max(codes)

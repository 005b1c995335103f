"""`tether preflight`: before `pulumi up`, what it would collide with or silently overwrite (read-only)."""

from __future__ import annotations

import argparse
import sys

from tether.cli.args import require_integrations
from tether.cli.formatting import add_output, print_json
from tether.spec import load_spec

HELP = """Read-only, with the deploy identity's credentials: for each integration, what `pulumi up` would
collide with or change.

collision   `pulumi up` would fail: the bucket name is taken by another account (HeadBucket 403) or
            exists but is not adopted; an adopted bucket is missing, in another region, or has an ACL
            that BucketOwnerEnforced ownership refuses; a role of the same name exists.
overwrite   adoption would change a live setting: CORS, access block, ownership, encryption (an SSE-KMS
            downgrade is named), bucket policy statements it removes (drift's comparison).
unreadable  a read failed (access denied says which permission the deploy identity lacks).
note        worth knowing, harmless (an adopted bucket keeps its live tags).

Integrations in --outputs (`pulumi stack output --json` of the stack) are already managed by it and
skipped. Endpoints and credentials as for `tether drift` (TETHER_ENDPOINT_<PROVIDER>, --env-file).

examples:
  tether preflight stacks/dev/integrations.yaml
  pulumi stack output --json > outputs.json && tether preflight stacks/prod/integrations.yaml --outputs outputs.json

exit status: 0 clear, 1 something would collide or be overwritten, 2 bad input or usage, 3 something
could not be read.
"""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``preflight`` command."""
    parser = sub.add_parser(
        "preflight", help="what `pulumi up` would collide with or overwrite (read-only)", description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("spec", metavar="SPEC", help="the integrations.yaml of the stack to deploy")
    parser.add_argument(
        "--integration", action="append", default=[], metavar="NAME", help="check only this one (repeatable)"
    )
    parser.add_argument(
        "--outputs", metavar="FILE", help="the stack's `pulumi stack output --json`: skip what it manages"
    )
    add_output(parser, ["text", "json", "markdown"])
    parser.add_argument("--env-file", metavar="FILE", help="KEY=VALUE lines with endpoints and credentials")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Check, print the report in the chosen format, and exit 0/1/3 by what it found."""
    from tether.drift import Clients
    from tether.preflight import preflight, report
    from tether.records import load_records
    from tether.settings import load_settings

    loaded = load_spec(args.spec)
    require_integrations(args.spec, loaded.spec, args.integration)
    managed = set(load_records(args.outputs)) if args.outputs else set()
    clients = Clients(load_settings(args.env_file))
    document = report.build(args.spec, preflight(loaded.spec, clients, args.integration, managed))
    if args.output == "json":
        print_json(document)
    else:
        sys.stdout.write(report.markdown(document) if args.output == "markdown" else report.text(document) + "\n")
    return report.exit_code(document)

"""`tether drift`: are the live buckets, policies and roles still what the spec says?"""

from __future__ import annotations

import argparse
import math
import sys

from tether.cli.args import require_integrations
from tether.cli.formatting import add_output, print_json
from tether.spec import load_spec

HELP = """Compare the live cloud state of each integration with the spec's desired state (read-only).

Reads bucket CORS, public access block, ownership, encryption and bucket policy, the AWS platform
role, GCS uniform access, public access prevention and IAM bindings, Azure account TLS/HTTPS
settings, blob CORS, container access and role assignments. Each difference is missing (deleted in
the console), changed or extra (added outside the spec), with a severity and the spec line.

Credentials come from each SDK's standard chain. TETHER_ENDPOINT_<PROVIDER>=URL (AWS, AWS_IAM,
OTC, S3_COMPATIBLE, GCP, AZURE, AZURE_MANAGEMENT) sends a provider's calls elsewhere, and
TETHER_PROFILE_<PROVIDER>=NAME picks an AWS-config profile for one S3-family provider; both may be
set in the environment or in --env-file (tether sandbox writes .tether/sandbox.env).

examples:
  tether drift stacks/prod/integrations.yaml
  tether drift stacks/dev/integrations.yaml --integration traffic-video --output json
  tether drift stacks/dev/integrations.yaml --env-file .tether/sandbox.env --output markdown

Every call has the --timeout; a call that times out is not retried and ends the reading of that
endpoint for the integration. Each integration has 6 x --timeout in all, and --deadline bounds the
whole scan; what was read before a deadline is still compared. On Linux, a scan of 200 or more
integrations runs in one process per CPU (at least 100 integrations each), which share --concurrency.

exit status: 0 in sync, 1 drift found, 2 bad input or usage, 3 something could not be read (the
report says what and why: access denied, not found, throttled after retries, unreachable).
"""


def _positive(kind: type[int] | type[float]) -> type:
    def parse(text: str) -> float:
        value = kind(text)
        if not math.isfinite(value) or value <= 0:  # float() takes "nan" and "inf": neither is a time limit
            raise ValueError(text)
        return value

    parse.__name__ = f"positive {kind.__name__}"
    return parse  # type: ignore[return-value]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``drift`` command."""
    parser = sub.add_parser(
        "drift", help="find console edits: live state vs the spec", description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("spec", metavar="SPEC", help="the integrations.yaml of the stack to check")
    parser.add_argument(
        "--integration", action="append", default=[], metavar="NAME", help="check only this one (repeatable)"
    )
    add_output(parser, ["text", "json", "markdown"])
    parser.add_argument("--env-file", metavar="FILE", help="KEY=VALUE lines with endpoints and credentials")
    parser.add_argument(
        "--concurrency", type=_positive(int), default=8, metavar="N", help="integrations scanned at once (default 8)"
    )
    parser.add_argument(
        "--timeout", type=_positive(float), default=10.0, metavar="SECONDS",
        help="connect and read timeout of each cloud call (default 10); an integration gets 6 times this",
    )
    parser.add_argument(
        "--deadline", type=_positive(float), default=math.inf, metavar="SECONDS",
        help="stop the whole scan after this long; what is unread is reported unreadable (default: none)",
    )
    parser.set_defaults(run=run)


def _progress(done: int, total: int) -> None:
    sys.stderr.write(f"\rdrift: {done}/{total} integrations scanned")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def run(args: argparse.Namespace) -> int:
    """Scan, print the report in the chosen format, and exit 0/1/3 by what it found."""
    from tether.drift import Clients, ScanOptions, report, scan, workers_for
    from tether.settings import load_settings

    loaded = load_spec(args.spec)
    require_integrations(args.spec, loaded.spec, args.integration)
    settings = load_settings(args.env_file)
    clients = Clients(settings, timeout=args.timeout, pool=args.concurrency)
    selected = len(set(args.integration)) or len(loaded.spec.integrations)
    options = ScanOptions(
        concurrency=args.concurrency, integration_deadline=6 * args.timeout, deadline=args.deadline,
        processes=workers_for(selected, args.concurrency),
    )
    results = scan(
        loaded.spec, clients, args.integration, options,
        progress=_progress if sys.stderr.isatty() else None,
    )
    document = report.build(loaded, results)
    if args.output == "json":
        print_json(document)
    else:
        sys.stdout.write(report.markdown(document) if args.output == "markdown" else report.text(document) + "\n")
    return report.exit_code(document)

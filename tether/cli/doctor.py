"""`tether doctor`: will media load in the label editor's browser, checked against the live store."""

from __future__ import annotations

import argparse

from tether.cli.formatting import add_output, print_json

HELP = """Follow the path a label editor's browser takes to an object of each integration, against the live store.

For each integration (or --integration), a sample object (--key, or the first under the first prefix) is
signed as the platform signs it, then requested from each declared origin (or --origin) as Chromium does:
the CORS preflight only where the browser sends one (headers in cors.headers other than a single-range
Range), the ranged GET (206, Access-Control-Allow-Origin exactly the origin, Content-Range and ETag
readable by the page), HEAD. Also: TLS 1.2 or above with a trusted certificate, the URL's real lifetime
against the integration's expiry, a key with a space, + and e-acute signed and fetched, a video's bitrate
and keyframes measured through the URL (ffprobe reads ranges), and the bucket's region against
policy.annotator_continents. Each finding says what the browser will do and the fix. Read-only.

Credentials and endpoints as for `tether sign` (--env-file, --outputs).

examples:
  tether doctor stacks/dev/integrations.yaml --env-file .tether/sandbox.env --outputs .tether/outputs.json
  tether doctor stacks/prod/integrations.yaml --integration traffic-video --key videos/cam1/clip-0001.mp4 \\
      --origin https://app.annotate.example.com --output markdown

exit status: 0 media loads, 1 problems (the browser would fail), 2 bad input or usage, 3 a store or the
credentials could not be reached.
"""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``doctor`` command."""
    parser = sub.add_parser(
        "doctor", help="check the browser's path to the live store", description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    parser.add_argument("spec", metavar="SPEC", help="the integrations.yaml to check")
    parser.add_argument("--integration", action="append", default=[], metavar="NAME", help="only this (repeatable)")
    parser.add_argument("--key", metavar="KEY", help="the object to follow (default: the first under the first prefix)")
    parser.add_argument("--origin", metavar="ORIGIN", help="the page's origin (default: each declared origin)")
    parser.add_argument("--outputs", metavar="FILE", help="`pulumi stack output --json`: role ARNs, real bucket names")
    parser.add_argument("--env-file", metavar="FILE", help="KEY=VALUE lines with endpoints and credentials")
    add_output(parser, ["text", "json", "markdown"])
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Check, print, and exit 0, 1 or 3 by the worst finding."""
    from runtime import Runtime
    from tether.cli.args import require_integrations
    from tether.doctor import report
    from tether.doctor.findings import exit_code
    from tether.doctor.run import doctor
    from tether.errors import InputError

    runtime = Runtime.load(args.spec, records=args.outputs, env_file=args.env_file)
    require_integrations(args.spec, runtime.spec, args.integration)
    if args.origin is not None and (args.origin.endswith("/") or "://" not in args.origin):
        raise InputError(f"--origin {args.origin!r}: a browser's origin is scheme://host[:port], with no path or '/'")
    findings = doctor(runtime, args.integration, args.key, args.origin)
    if args.output == "json":
        print_json({"findings": [f.as_dict() for f in findings], "exit_code": exit_code(findings)})
    elif args.output == "markdown":
        print(report.markdown(findings))
    else:
        print(report.text(findings))
    return exit_code(findings)

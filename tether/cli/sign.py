"""`tether sign`: a signed URL for one object (or several), as the platform would hand it to a browser."""

from __future__ import annotations

import argparse
import sys

from tether.cli.formatting import add_output, print_json
from tether.errors import EXIT_FINDINGS, EXIT_OK, InputError
from tether.spec.durations import parse_duration

HELP = """Sign read-only URLs to objects of an integration, for a user, as the platform does.

The same rules as the runtime apply: the user must be a member (R4), Direct Access integrations are
never signed (R9), keys must stay inside the declared prefixes, and the expiry is the integration's
(one week if none), never more, and never past the signing credentials' own end (R10).

Credentials: AWS, OTC and S3-compatible from the standard AWS chain (TETHER_PROFILE_<PROVIDER> picks a
profile; a record's role_arn is assumed with the external ID); GCP from TETHER_GCS_HMAC_SECRET with the
record's HMAC key, GOOGLE_APPLICATION_CREDENTIALS, or IAM signBlob; Azure from AZURE_STORAGE_KEY,
AZURE_STORAGE_CONNECTION_STRING, or a user delegation key via azure-identity. TETHER_ENDPOINT_<PROVIDER>
points signing at a local stand-in; --env-file reads such variables (tether sandbox writes one).

Text output: one URL per line on stdout; the expiry, and any note, on stderr. URLs are bearer
credentials: they are printed, never logged or stored.

examples:
  tether sign stacks/dev/integrations.yaml --integration traffic-video \\
      --user carol@acme-vision.ai --key videos/cam1/clip-0001.mp4 --expires 1h
  tether sign stacks/dev/integrations.yaml --integration lab-archive --user dan@acme-vision.ai \\
      --key scans/a.png --key scans/b.png --env-file .tether/sandbox.env --output json

exit status: 0 signed, 1 refused (the reason is on stderr), 2 bad input or usage, 3 credentials or a
file could not be found or read.
"""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``sign`` command."""
    parser = sub.add_parser(
        "sign", help="sign URLs to objects for a user", description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("spec", metavar="SPEC", help="the integrations.yaml that declares the integration")
    parser.add_argument("--integration", required=True, metavar="NAME", help="the integration the objects are in")
    parser.add_argument("--user", required=True, metavar="EMAIL", help="who the URLs are for")
    parser.add_argument(
        "--key", required=True, action="append", dest="keys", metavar="KEY", help="an object key (repeatable)"
    )
    parser.add_argument(
        "--expires", metavar="DURATION", help="how long the URLs last, e.g. 1h (default: the integration's)"
    )
    parser.add_argument(
        "--outputs", metavar="FILE", help="`pulumi stack output --json` of the stack: role ARNs, real bucket names"
    )
    parser.add_argument("--env-file", metavar="FILE", help="KEY=VALUE lines with endpoints and credentials")
    add_output(parser, ["text", "json"])
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Sign every key with one decision; a refusal is one line and exit 1."""
    from runtime import Runtime
    from runtime.sign import Refused

    expires = None
    if args.expires is not None:
        try:
            expires = parse_duration(args.expires)
        except ValueError as error:
            raise InputError(f"--expires: {error}") from None
    runtime = Runtime.load(args.spec, records=args.outputs, env_file=args.env_file)
    try:
        runtime.spec.integration(args.integration)
    except KeyError as error:
        raise InputError(f"{args.spec}: {error.args[0]}") from None
    try:
        signed = runtime.sign_many(args.user, args.integration, args.keys, expires_in=expires)
    except Refused as refused:
        print(f"tether sign: refused: {refused.reason}", file=sys.stderr)
        return EXIT_FINDINGS
    if args.output == "json":
        print_json(
            [
                {"key": key, "url": url.url, "expires_at": url.expires_at.isoformat(), "note": url.note}
                for key, url in zip(args.keys, signed, strict=True)
            ]
        )
        return EXIT_OK
    for url in signed:
        print(url.url)
    first = signed[0]
    count = f"{len(signed)} URLs" if len(signed) > 1 else "URL"
    print(f"tether sign: {count} valid until {first.expires_at.isoformat()}", file=sys.stderr)
    if first.note:
        print(f"tether sign: note: {first.note}", file=sys.stderr)
    return EXIT_OK

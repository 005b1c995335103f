"""`tether review`: may the author of a spec change make every edit in it (R1-R11)."""

from __future__ import annotations

import argparse

from tether.cli.formatting import add_output, print_json
from tether.errors import EXIT_FINDINGS, EXIT_OK, InputError

HELP = """Review a change to a spec against its author, as a pull request check.

Lists every edit from BASE to HEAD (integration created, deleted, renamed, or replaced by a new
bucket, region or provider; member or group added, removed or re-roled; expiry, CORS, waiver or
other setting changed; client-only or Direct Access toggled; organization edits) and decides each
against ACTOR with the access rules, using the roles of BASE: who may add users, remove an Admin,
delete, join, and so on. A rename keeps the resources only when the new entry lists the old name in
previous_names; otherwise it is a delete and a create, which only the creator may make. Each denied
edit comes with the rule, the reason, and what to do instead; origins added are flagged.

BASE and HEAD are spec files or git:REV:PATH (PATH from the repository root), read with git
from the current directory's repository.

exit status: 0 every change allowed, 1 some change denied, 2 bad input, 3 unreadable.

examples:
  tether review --base git:origin/main:stacks/prod/integrations.yaml \\
      --head stacks/prod/integrations.yaml --actor alice@acme-vision.ai
  tether review --base old.yaml --head new.yaml --actor bob@acme-vision.ai --output json
"""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``review`` command."""
    parser = sub.add_parser(
        "review",
        help="decide a spec change against its author",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--base", required=True, metavar="BASE", help="the spec before: FILE or git:REV:PATH")
    parser.add_argument("--head", required=True, metavar="HEAD", help="the spec after: FILE or git:REV:PATH")
    parser.add_argument("--actor", required=True, metavar="EMAIL", help="the change's author")
    add_output(parser, ["markdown", "json", "text"])
    parser.set_defaults(run=run)


def actor_email(value: str) -> str:
    """``value`` checked with the spec's own email rule, so the actor matches the spec's members or nobody."""
    from pydantic import TypeAdapter, ValidationError

    from tether.spec.model import Email

    try:
        return TypeAdapter(Email).validate_python(value)
    except ValidationError as error:
        said = error.errors()[0]["msg"]
        expected = f"expected the author's email, such as alice@example.com ({said})"
        raise InputError(f"--actor {value!r}: {expected}") from None


def run(args: argparse.Namespace) -> int:
    """Print the review; exit 1 when any change is denied."""
    from runtime.review import review
    from runtime.review.inputs import read_spec

    result = review(read_spec(args.base), read_spec(args.head), actor_email(args.actor))
    if args.output == "json":
        print_json(result.as_dict())
    else:
        print(result.markdown() if args.output == "markdown" else result.text())
    return EXIT_OK if result.allowed else EXIT_FINDINGS

"""`tether list`: the integrations a person sees, their role and how they got it (R7)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from tether.cli.formatting import add_output, print_json, text_table
from tether.errors import EXIT_OK, InputError

if TYPE_CHECKING:
    from runtime import Runtime

HELP = """List the integrations USER can see, with their role and how they hold it.

HOW is creator, joined (an organization admin who joined), direct, or group NAME. An
organization admin sees every integration, and JOINABLE marks those where joining would make
them Admin. --owner keeps integrations created by that person; --mine keeps
only those USER belongs to.

examples:
  tether list stacks/dev/integrations.yaml --user carol@acme-vision.ai
  tether list stacks/dev/integrations.yaml --user olivia@acme-vision.ai --owner alice@acme-vision.ai -o json
"""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``list`` command."""
    parser = sub.add_parser(
        "list",
        help="integrations a user can see, with role",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("spec", metavar="SPEC", help="the integrations.yaml to read")
    parser.add_argument("--user", required=True, metavar="EMAIL", help="whose view to list")
    parser.add_argument("--owner", metavar="EMAIL", help="only integrations this person created")
    parser.add_argument("--mine", action="store_true", help="only integrations USER belongs to")
    add_output(parser, ["table", "json"])
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the list; an email outside the organization is bad input (a typo would otherwise list nothing)."""
    from runtime import Runtime
    from runtime.access import normalize

    rt = Runtime.load(args.spec)
    org = rt.spec.organization
    for option, email in (("--user", args.user), ("--owner", args.owner)):
        if email is not None and normalize(email) not in org.members:
            raise InputError(f"{option} {email}: not a member of organization {org.name} in {args.spec}")
    rows = rt.visible(args.user, owner=args.owner, mine=args.mine)
    if args.output == "json":
        print_json({"user": normalize(args.user), "integrations": [row.as_dict() for row in rows]})
        return EXIT_OK
    if not rows:
        print(_nothing(rt, args))
        return EXIT_OK
    table = [
        (
            row.name,
            row.provider,
            row.owner,
            {"admin": "Admin", "user": "User", None: "-"}[row.role],
            "-" if row.via is None else f"group {row.group}" if row.group else row.via.value,
            "yes" if row.joinable else "",
        )
        for row in rows
    ]
    print(text_table(("INTEGRATION", "PROVIDER", "OWNER", "ROLE", "HOW", "JOINABLE"), table))
    return EXIT_OK


def _nothing(rt: Runtime, args: argparse.Namespace) -> str:
    """Why the list is empty, truthfully: an org admin with --mine still sees every integration."""
    from runtime.access import is_org_admin, normalize

    user = normalize(args.user)
    created = f" created by {normalize(args.owner)}" if args.owner else ""
    seen = len(rt.visible(user, owner=args.owner)) if args.mine and is_org_admin(rt.spec, user) else 0
    if seen:
        return (
            f"{user} belongs to none of the {seen} integrations{created}; as an organization admin they see all of "
            "them and may join any (list without --mine)"
        )
    return f"no integrations visible to {user}{created}"

"""`tether validate`: is each spec file well formed, and what does it declare."""

from __future__ import annotations

import argparse
from collections import Counter

from tether.cli.formatting import add_output, print_json
from tether.errors import EXIT_INPUT, EXIT_OK, SpecInvalid, TetherError
from tether.spec import LoadedSpec, load_spec

HELP = """Check spec files against the schema and the organization's references.

Every problem of every file is reported at once as FILE:LINE:COLUMN: FIELD: MESSAGE.

example:
  tether validate stacks/*/integrations.yaml
"""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``validate`` command."""
    parser = sub.add_parser(
        "validate", help="check spec files", description=HELP, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("specs", nargs="+", metavar="SPEC", help="integrations.yaml files to check")
    add_output(parser, ["text", "json"])
    parser.set_defaults(run=run)


def summary(loaded: LoadedSpec) -> dict[str, object]:
    """What a valid spec declares, in numbers a reviewer can check at a glance."""
    spec = loaded.spec
    return {
        "organization": spec.organization.name,
        "integrations": len(spec.integrations),
        "providers": dict(sorted(Counter(i.provider for i in spec.integrations).items())),
        "members": len(spec.organization.members),
        "groups": len(spec.organization.groups),
        "client_only": sum(i.strict_client_only for i in spec.integrations),
        "direct_access": sum(i.direct_access for i in spec.integrations),
    }


def _summary_line(file: str, facts: dict[str, object]) -> str:
    providers = facts["providers"]
    assert isinstance(providers, dict)
    mix = ", ".join(f"{name} {count}" for name, count in providers.items()) or "none"
    return (
        f"{file}: valid: organization {facts['organization']}, {facts['integrations']} integrations ({mix}), "
        f"{facts['members']} members, {facts['groups']} groups, {facts['client_only']} client-only, "
        f"{facts['direct_access']} direct access"
    )


def run(args: argparse.Namespace) -> int:
    """Validate each file; exit 2 if any is invalid, after reporting all of them."""
    results: list[dict[str, object]] = []
    failed = False
    for file in args.specs:
        try:
            facts = summary(load_spec(file))
            results.append({"file": file, "valid": True, "summary": facts})
            if args.output == "text":
                print(_summary_line(file, facts))
        except SpecInvalid as error:
            failed = True
            results.append({"file": file, "valid": False, "problems": [p.as_dict() for p in error.problems]})
            if args.output == "text":
                for problem in error.problems:
                    print(problem)
        except TetherError as error:
            failed = True
            results.append({"file": file, "valid": False, "problems": [{"file": file, "message": str(error)}]})
            if args.output == "text":
                print(f"{error}")
    if args.output == "json":
        print_json({"files": results, "valid": not failed})
    return EXIT_INPUT if failed else EXIT_OK

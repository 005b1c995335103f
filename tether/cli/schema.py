"""`tether schema`: the JSON Schema of the spec, so editors validate YAML as it is typed."""

from __future__ import annotations

import argparse

from tether.cli.formatting import print_json
from tether.errors import EXIT_OK
from tether.spec import Spec

HELP = """Print the JSON Schema of integrations.yaml.

Point your editor at it with a first line such as:
  # yaml-language-server: $schema=../integrations.schema.json

example:
  tether schema > stacks/integrations.schema.json
"""


def spec_schema() -> dict[str, object]:
    """The schema as the spec model defines it (validation mode: what a person may write)."""
    return Spec.model_json_schema(mode="validation")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``schema`` command."""
    parser = sub.add_parser(
        "schema", help="print the spec's JSON Schema", description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the schema."""
    print_json(spec_schema())
    return EXIT_OK

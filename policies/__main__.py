"""The Pulumi policy pack: `pulumi preview --policy-pack policies` runs this file.

The Pulumi CLI runs it in the project's virtualenv (PulumiPolicy.yaml). It judges the stack with the
rules `tether lint` runs, against the spec the stack program reads: TETHER_SPEC when set (absolute,
or relative to the project root), else stacks/<stack>/integrations.yaml for the stack the CLI names
in PULUMI_STACK; findings name its lines relative to the project root, as lint does. Without a
readable spec every deployment is blocked, with the reason. PolicyPack serves the analyzer over
gRPC and never returns: tests build the policies with ``policies.pack.policies.build`` and start
this file only as a separate process.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from pulumi_policy import EnforcementLevel, Policy, PolicyPack

from policies.pack.policies import build, unusable
from tether.errors import TetherError
from tether.spec import parse_spec
from tether.spec.loader import read_text

PROJECT = Path(__file__).resolve().parent.parent


def spec_name() -> str | None:
    """The spec file to judge the stack against, as TETHER_SPEC or the stack's name says."""
    stack = os.environ.get("PULUMI_STACK")
    return os.environ.get("TETHER_SPEC") or (f"stacks/{stack}/integrations.yaml" if stack else None)


def policies() -> list[Policy]:
    """The rules for the stack's spec, or one blocking policy that says what is wrong."""
    named = spec_name()
    if not named:
        return unusable("no spec to judge the stack against: set TETHER_SPEC, e.g. "
                        "TETHER_SPEC=stacks/dev/integrations.yaml pulumi preview --policy-pack policies")
    path = PROJECT / named
    shown = path.relative_to(PROJECT).as_posix() if path.is_relative_to(PROJECT) else str(path)
    try:
        loaded = parse_spec(read_text(str(path)), shown)
    except TetherError as error:
        return unusable(f"the spec cannot be used: {error}")
    return build(loaded, date.today())


PolicyPack(
    name="tether",
    policies=policies(),
    enforcement_level=EnforcementLevel.MANDATORY,
    description="Tether's policy rules, the same `tether lint` runs, enforced at deploy time.",
)

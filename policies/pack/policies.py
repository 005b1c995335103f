"""The pulumi-policy objects, built from the same rules lint runs; constructing them never blocks.

Per rule with configuration parts, a ResourceValidationPolicy judges each resource that sets one of
them, before `pulumi up` creates it. Per rule, a StackValidationPolicy reports what no single
resource can show: a setting missing from the stack, and what the spec alone decides. A last,
advisory policy lists the findings that waivers cover and the waivers that have lapsed, so waivers
show at deploy time too. Findings covered by a live waiver are not reported as violations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UnknownValueError

from policies import waivers
from policies.engine import judge
from policies.locate import locate
from policies.pack.owners import Owners
from policies.pack.resources import ANCHORS, PARTS, Contribution, Resource, assemble, contribution
from policies.registry import RULES
from policies.rule import Rule, Violation
from tether.spec import LoadedSpec

LEVEL = {"mandatory": EnforcementLevel.MANDATORY, "advisory": EnforcementLevel.ADVISORY}
WAIVERS_POLICY = "tether-waivers"


@dataclass
class Group:
    """One integration's resources in the stack, read as far as the engine knows them."""

    contributions: list[Contribution] = field(default_factory=list)
    present: set[str] = field(default_factory=set)
    unknown: set[str] = field(default_factory=set)
    anchor: str | None = None


class Context:
    """What every policy of the pack shares: the spec, the day waivers are judged on, and owners."""

    def __init__(self, loaded: LoadedSpec, today: date) -> None:
        self.loaded = loaded
        self.today = today
        self.owners = Owners(loaded.spec)

    def index(self, name: str) -> int:
        """The position of integration ``name`` in the spec."""
        return next(i for i, integration in enumerate(self.loaded.spec.integrations) if integration.name == name)

    def waived(self, index: int, rule: Rule) -> bool:
        """True when a live waiver of the spec covers ``rule`` on integration ``index``."""
        active, _ = waivers.matching(self.loaded.spec.integrations[index], rule.id, self.today)
        return active is not None

    def message(self, index: int, rule: Rule, violation: Violation, missing: str | None = None) -> str:
        """What the pack prints under the policy's description: the finding, the fix, the spec line."""
        text = f"{self.loaded.spec.integrations[index].name}: {violation.message}"
        if missing is not None:
            kinds = " or ".join(dict.fromkeys(kind for kind, parts in PARTS.items() if missing in parts))
            text += f" (the stack has no {kinds} for it)"
        return f"{text}\nfix: {rule.fix}\nspec: {locate(self.loaded.source, violation.path)}"


def _ancestors(resource: PolicyResource) -> tuple[str, ...]:
    found = []
    parent = resource.parent
    while parent is not None:
        found.append(parent.urn)
        parent = parent.parent
    return tuple(found) or ((resource.opts.parent,) if resource.opts.parent else ())


def groups(context: Context, resources: list[PolicyResource]) -> dict[str, Group]:
    """The stack's resources by integration; a value unknown during preview marks its parts unknown."""
    found: dict[str, Group] = {}
    for item in resources:
        resource = Resource(item.resource_type, item.props, item.urn, _ancestors(item))
        try:
            names = context.owners.of(resource)
        except UnknownValueError:
            continue
        try:
            part: Contribution | None = contribution(resource)
        except UnknownValueError:
            part = None
        for name in names:
            group = found.setdefault(name, Group())
            kinds = set(PARTS.get(resource.type, ()))
            group.present |= kinds
            if part is None:
                group.unknown |= kinds
            else:
                group.contributions.append(part)
            if resource.type in ANCHORS and group.anchor is None:
                group.anchor = resource.urn
    return found


def _resource_check(context: Context, rule: Rule) -> Callable[[ResourceValidationArgs, ReportViolation], None]:
    kinds = {kind for kind, parts in PARTS.items() if rule.parts & set(parts)}

    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        if args.resource_type not in kinds:
            return
        parent = (args.opts.parent,) if args.opts.parent else ()
        resource = Resource(args.resource_type, args.props, args.urn, parent)
        spec = context.loaded.spec
        owners, found = context.owners.of(resource), contribution(resource)
        for name in owners:
            index = context.index(name)
            desired = assemble(spec.integrations[index], [found])
            for _, violation in judge(spec, index, desired, [rule]):
                if violation.part in PARTS[resource.type] and not context.waived(index, rule):
                    report(context.message(index, rule, violation), None)

    return validate


def _stack_check(context: Context, rule: Rule) -> Callable[[StackValidationArgs, ReportViolation], None]:
    def validate(args: StackValidationArgs, report: ReportViolation) -> None:
        spec = context.loaded.spec
        found = groups(context, args.resources)
        for index, integration in enumerate(spec.integrations):
            group = found.get(integration.name, Group())
            desired = assemble(integration, group.contributions)
            deployed = integration.name in found
            for _, violation in judge(spec, index, desired, [rule]):
                if violation.part is not None and (not deployed or violation.part in group.present):
                    continue  # judged resource by resource, or not deployed by this stack
                if not context.waived(index, rule):
                    report(context.message(index, rule, violation, missing=violation.part), group.anchor)

    return validate


def _waivers_check(context: Context) -> Callable[[StackValidationArgs, ReportViolation], None]:
    def validate(args: StackValidationArgs, report: ReportViolation) -> None:
        spec = context.loaded.spec
        found = groups(context, args.resources)
        for index, integration in enumerate(spec.integrations):
            group = found.get(integration.name, Group())
            desired = assemble(integration, group.contributions)
            for rule, violation in judge(spec, index, desired):
                active, _ = waivers.matching(integration, rule.id, context.today)
                if active is None or violation.part in group.unknown:
                    continue
                if violation.part is not None and integration.name not in found:
                    continue
                waiver = integration.waivers[active]
                report(f"{integration.name}: {rule.id} waived until {waiver.expires} ({waiver.reason}): "
                       f"{violation.message}", group.anchor)
            for waiver in integration.waivers:
                if not waivers.live(waiver, context.today):
                    report(f"{integration.name}: the waiver of {waiver.rule} expired on {waiver.expires} and no "
                           "longer waives", group.anchor)

    return validate


def build(loaded: LoadedSpec, today: date) -> list[Policy]:
    """Every policy of the pack for ``loaded``, judging waivers as of ``today``; a spec whose waivers
    cannot stand (``waivers.problems``) gets the pack that blocks every deployment and says why."""
    refused = waivers.problems(loaded, today)
    if refused:
        return unusable("the spec's waivers cannot be used: " + "; ".join(str(p) for p in refused))
    context = Context(loaded, today)
    found: list[Policy] = []
    for rule in RULES:
        name = f"{rule.id.lower()}-{rule.name}"
        description = f"{rule.id}: {rule.description}"
        if rule.parts:
            found.append(ResourceValidationPolicy(
                name=name, description=description, validate=_resource_check(context, rule),
                enforcement_level=LEVEL[rule.severity], remediation_steps=rule.fix,
            ))
        found.append(StackValidationPolicy(
            name=f"{name}-stack" if rule.parts else name, description=description,
            validate=_stack_check(context, rule), enforcement_level=LEVEL[rule.severity],
            remediation_steps=rule.fix,
        ))
    found.append(StackValidationPolicy(
        name=WAIVERS_POLICY, description="Findings that the spec's waivers cover, and waivers that have lapsed.",
        validate=_waivers_check(context), enforcement_level=EnforcementLevel.ADVISORY,
    ))
    return found


def unusable(reason: str) -> list[Policy]:
    """A pack that blocks every deployment and says why, for when the spec cannot be read."""

    def validate(args: StackValidationArgs, report: ReportViolation) -> None:
        report(reason, None)

    return [StackValidationPolicy(
        name="tether-spec", description="The pack judges the stack against the tether spec (TETHER_SPEC).",
        validate=validate, enforcement_level=EnforcementLevel.MANDATORY,
    )]

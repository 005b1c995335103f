"""Run the stack program under Pulumi's mocks and return every resource it registers.

No CLI, no credentials, no network: the same ``provision`` that `pulumi up` runs registers its
resources with a recording monitor. `tether preview` prints the result (a large spec's built by slices in
worker processes, components/shards.py), tests assert on it, and the policy pack's tests turn it into
pulumi-policy resources (props are the engine's camelCase inputs).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi.runtime.resource
from pulumi.runtime import mocks, rpc, settings
from pulumi.runtime.proto import source_pb2

from components.mocks import PREVIEW_SUBSCRIPTION, CloudMocks
from components.program import StackSettings, provision
from tether.gcpause import without_cycle_collection
from tether.spec.model import Spec

PROJECT = "tether"


@dataclass(frozen=True)
class PlannedResource:
    """One registration as the engine would receive it."""

    type: str
    name: str
    urn: str
    parent: str | None
    """The parent's URN; None for resources directly under the stack."""
    inputs: dict[str, Any]
    """Engine (camelCase) property names, as providers and policy packs see them."""
    import_id: str | None = None
    custom: bool = True
    provider: str | None = None
    """``URN::id`` of an explicit provider; None for the default provider."""
    retain_on_delete: bool = False
    dependencies: tuple[str, ...] = field(default=())
    """URNs, sorted: the SDK sends a set, in an order that varies between builds of one spec."""
    aliases: tuple[str, ...] = field(default=())
    """URNs this resource was known by: its own aliases and those inherited from its parent's."""
    ignore_changes: tuple[str, ...] = field(default=())


class _RecordingMonitor(mocks.MockMonitor):
    """The mock monitor, also keeping what MockResourceArgs leaves out (parent, retain, dependencies)."""

    def __init__(self, answers: pulumi.runtime.Mocks) -> None:
        super().__init__(answers)
        self.planned: list[PlannedResource] = []
        self.aliases: dict[str, tuple[str, ...]] = {}

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        """URNs as the engine makes them: the root stack's type is not part of its children's."""
        return super().make_urn("" if _is_stack(parent) else parent, type_, name)

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)
        if request.type != "pulumi:pulumi:Stack":
            parent = None if _is_stack(request.parent) else request.parent
            self.planned.append(
                PlannedResource(
                    type=request.type,
                    name=request.name,
                    urn=response.urn,
                    parent=parent,
                    inputs=_plain(rpc.deserialize_properties(request.object)),
                    import_id=request.importId or None,
                    custom=request.custom,
                    provider=request.provider or None,
                    retain_on_delete=bool(request.retainOnDelete),
                    # The SDK sends a set (``prepare_resource``'s ``dependencies: set[str]``), gathered from a
                    # set of Resources hashed by identity (``_depends_on.py``): its order varied between two
                    # builds of one spec in one process (tests/preview/test_graph_stable.py).
                    dependencies=tuple(sorted(request.dependencies)),
                    aliases=self._aliases(request, response.urn),
                    ignore_changes=tuple(request.ignoreChanges),
                )
            )
        return response

    def _aliases(self, request: Any, urn: str) -> tuple[str, ...]:
        """Alias URNs as the engine computes them from alias specs (``name``, ``type``), plus one per alias of
        the parent, the child's name prefix swapped when it starts with the parent's name (the engine's
        inheritance; pulumi tests/integration/aliases/python/rename_component)."""
        parent = "" if _is_stack(request.parent) else request.parent
        found = [
            alias.urn or self.make_urn(parent, alias.spec.type or request.type, alias.spec.name or request.name)
            for alias in request.aliases
        ]
        parent_name = parent.rsplit("::", 1)[-1]
        for parent_alias in self.aliases.get(parent, ()):
            name = request.name
            if parent and name.startswith(parent_name):
                name = parent_alias.rsplit("::", 1)[-1] + name[len(parent_name) :]
            found.append(self.make_urn(parent_alias, request.type, name))
        self.aliases[urn] = tuple(found)
        return tuple(found)


SECRET = "[secret]"
"""What a secret input shows as: previews and their JSON never carry a secret's value."""


def _is_stack(urn: str) -> bool:
    return urn == "" or "::pulumi:pulumi:Stack::" in urn


def _plain(value: Any) -> Any:
    """Plain data from deserialized inputs, each secret replaced by ``SECRET``."""
    if isinstance(value, dict):
        if value.get(rpc._special_sig_key) == rpc._special_secret_sig:
            return SECRET
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def build_graph(
    spec: Spec,
    *,
    stack: str = "preview",
    stack_settings: StackSettings | None = None,
    config: Mapping[str, str] | None = None,
) -> list[PlannedResource]:
    """Every resource the program registers for ``spec``, in registration order.

    ``stack_settings`` defaults to a placeholder Azure subscription and no store credentials;
    ``config`` (``{"ns:key": value}``) is visible to the program as stack config.
    """
    monitor = _RecordingMonitor(CloudMocks())
    settings.set_root_resource(None)  # type: ignore[arg-type]  # a new root stack for this run
    pulumi.runtime.set_all_config(dict(config or {}))
    pulumi.runtime.set_mocks(monitor.mocks, project=PROJECT, stack=stack, preview=True, monitor=monitor)
    chosen = settings_or_default(stack_settings)
    with _quick_mocks():
        pulumi.runtime.test(lambda: _provision_without_type_aliases(spec, chosen))()
    return _in_spec_order(monitor.planned, spec)


def settings_or_default(stack_settings: StackSettings | None) -> StackSettings:
    """The settings given, else a placeholder Azure subscription and no store credentials."""
    return stack_settings or StackSettings(azure_subscription=PREVIEW_SUBSCRIPTION)


def _provision_without_type_aliases(spec: Spec, chosen: StackSettings) -> dict[str, pulumi.Output[dict[str, Any]]]:
    pulumi.runtime.register_stack_transformation(_drop_type_aliases)
    return provision(spec, chosen)


def _drop_type_aliases(args: pulumi.ResourceTransformationArgs) -> pulumi.ResourceTransformationResult | None:
    """Leave out the SDK's aliases that only name a resource type's older tokens.

    The generated SDKs give every resource the type tokens it had in older API versions (an Azure storage
    account has 30), so that `pulumi up` finds state written under them. A mocked run has no state to find,
    yet the SDK turns each alias into a URN through a chain of Outputs: two thirds of an Azure integration's
    time. Aliases that name anything else (a previous name or parent) are kept; the graph records none.
    """
    aliases = args.opts.aliases
    if not aliases:
        return None
    kept = [alias for alias in aliases if not _only_a_type(alias)]
    if len(kept) == len(aliases):
        return None
    opts = args.opts._copy()  # the SDK's own copy, which keeps ``merge`` bound right
    opts.aliases = kept
    return pulumi.ResourceTransformationResult(args.props, opts)


def _only_a_type(alias: Any) -> bool:
    return isinstance(alias, pulumi.Alias) and all(
        value is ... for value in (alias.name, alias.parent, alias.stack, alias.project)
    )


@contextmanager
def _quick_mocks() -> Iterator[None]:
    """Run the program without two costs that buy nothing when nothing is deployed; undo both afterwards.

    - The cyclic garbage collector: the SDK makes a dozen futures per resource input, all alive until the
      run ends, so each full collection walks a heap that only grows (two thirds of the time at 1,000
      integrations); tether/gcpause.py says how collection resumes.
    - Stack traces: the SDK captures the Python stack of every resource it registers so the engine can show
      where it was declared; the mock monitor drops them.
    """
    stack_trace = pulumi.runtime.resource._get_stack_trace
    pulumi.runtime.resource._get_stack_trace = source_pb2.StackTrace
    try:
        with without_cycle_collection():
            yield
    finally:
        pulumi.runtime.resource._get_stack_trace = stack_trace


def _in_spec_order(planned: list[PlannedResource], spec: Spec) -> list[PlannedResource]:
    """Registration order depends on the event loop; sort by integration (spec order), component first, name."""
    by_urn = {resource.urn: resource for resource in planned}
    position = {integration.name: index for index, integration in enumerate(spec.integrations)}

    def root(resource: PlannedResource) -> PlannedResource:
        while resource.parent in by_urn:
            resource = by_urn[resource.parent]
        return resource

    return sorted(planned, key=lambda r: (position.get(root(r).name, len(position)), r.parent is not None, r.name))

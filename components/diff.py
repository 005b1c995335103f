"""Resource-level difference between two planned graphs: what a spec change would add, remove or change.

Resources are matched by URN, or by an alias URN (a renamed integration), as the engine matches them, so
both graphs must be built for the same stack name. JSON-encoded
inputs (IAM and bucket policies) are compared as documents, so key order never shows as a change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from components.graph import PlannedResource


@dataclass(frozen=True)
class InputChange:
    """One top-level input (or the import id) whose value differs."""

    key: str
    before: Any
    after: Any


@dataclass(frozen=True)
class ChangedResource:
    """A resource in both graphs whose inputs differ."""

    resource: PlannedResource
    changes: tuple[InputChange, ...]


@dataclass(frozen=True)
class GraphDiff:
    """Added, removed and changed resources, each in the order of the graph it comes from."""

    added: tuple[PlannedResource, ...]
    removed: tuple[PlannedResource, ...]
    changed: tuple[ChangedResource, ...]

    @property
    def empty(self) -> bool:
        """True when the two graphs register the same resources with the same inputs."""
        return not (self.added or self.removed or self.changed)


IMPORT_KEY = "(import id)"


def decoded(value: Any) -> Any:
    """A JSON document inside a string input (a policy) as data; anything else unchanged."""
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def _changes(before: PlannedResource, after: PlannedResource) -> tuple[InputChange, ...]:
    changes = [
        InputChange(key, decoded(before.inputs.get(key)), decoded(after.inputs.get(key)))
        for key in sorted(set(before.inputs) | set(after.inputs))
        if decoded(before.inputs.get(key)) != decoded(after.inputs.get(key))
    ]
    if before.import_id != after.import_id:
        changes.append(InputChange(IMPORT_KEY, before.import_id, after.import_id))
    return tuple(changes)


def diff_graphs(base: list[PlannedResource], new: list[PlannedResource]) -> GraphDiff:
    """What changes from ``base`` to ``new``."""
    old = {resource.urn: resource for resource in base}
    was = {
        resource.urn: next((old[urn] for urn in (resource.urn, *resource.aliases) if urn in old), None)
        for resource in new
    }
    kept = {before.urn for before in was.values() if before is not None}
    changed = []
    for resource in new:
        before = was[resource.urn]
        if before is not None:
            changes = _changes(before, resource)
            if changes:
                changed.append(ChangedResource(resource, changes))
    return GraphDiff(
        added=tuple(r for r in new if was[r.urn] is None),
        removed=tuple(r for r in base if r.urn not in kept),
        changed=tuple(changed),
    )

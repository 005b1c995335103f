"""The same spec gives the same graph, whatever order the SDK sends a resource's dependencies in.

The Python SDK (pulumi 3.272, ``pulumi/runtime/_depends_on.py`` ``_resolve_depends_on``) collects
``depends_on`` into a ``set`` of Resource objects, hashed by identity, and ``prepare_resource``
(``pulumi/runtime/resource.py``) sends a ``set[str]`` of URNs as the request's ``dependencies``. Their
order follows memory addresses and the process's string hash seed: two builds of one spec in one process
sent a bucket policy's two dependencies (bucket, public access block) in either order, about one test run
in three. Here each build is forced into one order, so the test fails whenever the graph keeps it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pulumi.runtime.resource
import pytest

from components import graph
from tether.spec import load_spec

ROOT = Path(__file__).resolve().parents[2]


def _build(monkeypatch: pytest.MonkeyPatch, order: Callable[[Iterable[str]], list[str]]) -> list[graph.PlannedResource]:
    """The dev stack's graph, every resource's dependencies sent to the monitor in ``order``."""
    prepare = pulumi.runtime.resource.prepare_resource

    async def ordered(*args: Any, **kwargs: Any) -> pulumi.runtime.resource.ResourceResolverOperations:
        operations = await prepare(*args, **kwargs)
        return operations._replace(dependencies=order(operations.dependencies))  # sent as a list

    with monkeypatch.context() as patched:
        patched.setattr(pulumi.runtime.resource, "prepare_resource", ordered)
        return graph.build_graph(load_spec(str(ROOT / "stacks/dev/integrations.yaml")).spec, stack="dev")


def test_the_order_dependencies_arrive_in_does_not_change_the_graph(monkeypatch: pytest.MonkeyPatch) -> None:
    ascending = _build(monkeypatch, sorted)
    descending = _build(monkeypatch, lambda urns: sorted(urns, reverse=True))
    assert any(len(resource.dependencies) > 1 for resource in ascending)  # an order to get wrong
    assert ascending == descending

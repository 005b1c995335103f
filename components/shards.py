"""Build the graphs of large specs in several processes, each running the same program on a slice of the integrations.

Most of a large preview's time is the Pulumi SDK's asyncio machinery (about 1.5 ms per resource), on one core.
Integrations are independent: one component tree each, ids digested from names (components/mocks.py). So
``build_graph`` of round-robin slices of the spec, in forked workers, put back in spec order, is the graph one
``build_graph`` of the whole spec gives (tests/preview/test_shards.py); no second renderer.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from contextlib import closing
from typing import cast

from components.graph import PlannedResource, _in_spec_order, build_graph, settings_or_default
from components.program import StackSettings, check
from tether.errors import ReadError
from tether.forking import Sent, cpus, stream
from tether.spec.model import Spec

MIN_SLICE = 100
"""Integrations a worker must get to pay for itself. Building 100 integrations took 0.8 s in one process and 0.5 s in
two (0.15 s more CPU, and each worker is another interpreter of about 150 MB); 200 took 1.4 s and 0.8 s."""

def build_graphs(
    specs: Sequence[Spec],
    *,
    stack: str = "preview",
    stack_settings: StackSettings | None = None,
    workers: int | None = None,
    min_slice: int = MIN_SLICE,
) -> list[list[PlannedResource]]:
    """``build_graph`` of each spec; one set of workers shares them all (each builds its slice of every spec).

    ``workers`` defaults to the CPUs this process may run on (1 off Linux: tether/forking.py), fewer when
    slices would be under ``min_slice`` integrations; with fewer than two, everything is built in this process.
    """
    largest = max((len(spec.integrations) for spec in specs), default=0)
    count = min(workers or cpus(), largest // min_slice)
    if count < 2:
        return [build_graph(spec, stack=stack, stack_settings=stack_settings) for spec in specs]
    for spec in specs:  # the error one process would raise, not whichever worker's came first
        check(spec, settings_or_default(stack_settings))
    # A shallow copy, not re-validated: the slices share the spec's integrations, platform and policy.
    slices = [
        [spec.model_copy(update={"integrations": spec.integrations[k::count]}) for spec in specs] for k in range(count)
    ]
    parts = _run_workers(slices, stack, stack_settings)
    return [_in_spec_order([r for part in parts for r in part[index]], spec) for index, spec in enumerate(specs)]


def _run_workers(
    slices: list[list[Spec]], stack: str, stack_settings: StackSettings | None
) -> list[list[list[PlannedResource]]]:
    """Build each slice in a forked worker (tether/forking.py) and gather what each sends: its graphs, or the
    error it ended with.

    The first error wins and ends the other workers; a worker that ends without sending is an error too.
    """

    def work(specs: list[Spec], send: Callable[[object], None]) -> None:
        # A loop the parent ran (a test's earlier build) has executor threads that fork did not copy: start afresh.
        asyncio.set_event_loop(asyncio.new_event_loop())
        outcome: list[list[PlannedResource]] | Exception
        try:
            outcome = [build_graph(spec, stack=stack, stack_settings=stack_settings) for spec in specs]
        except Exception as error:  # sent whole: the parent raises the same type with the same message
            outcome = error
        try:
            send(outcome)
        except Exception:  # an error holding something that does not pickle: its type and message still do
            send(RuntimeError(f"{type(outcome).__name__}: {outcome}"))

    parts: list[list[list[PlannedResource]]] = []
    with closing(stream(slices, work)) as events:
        for event in events:
            if isinstance(event, Sent):
                if isinstance(event.item, BaseException):
                    raise event.item
                parts.append(cast(list[list[PlannedResource]], event.item))
            elif event.why is not None:
                raise ReadError(f"a preview worker (pid {event.pid}) {event.why} before sending its part of the graph")
    return parts

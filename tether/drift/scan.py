"""Scan integrations concurrently: read each one's live state and compare it with the desired state.

Integrations are independent, so each runs in its own daemon thread, at most ``concurrency`` at
once (the SDKs block on I/O). Every integration has a deadline and so has the whole scan: a server
that trickles bytes or never answers cannot hold the scan, because a blocked call is abandoned
(its thread is a daemon) and what was read before it is still compared. An integration that fails
in any way becomes "unreadable" and never stops the others.

A large scan can be split over forked worker processes (``ScanOptions.processes``): the SDKs spend about
1.4 ms of CPU per request (bench/drift.py), so one interpreter's GIL, not the network, caps a scan at
about 700 requests a second; each worker scans a round-robin slice with its share of the concurrency.
"""

from __future__ import annotations

import math
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from contextlib import closing
from dataclasses import dataclass, field, replace
from typing import cast

from tether import forking
from tether.desired import AzureDesired, Desired, GcsDesired, render
from tether.drift import azure, gcs, read_azure, read_gcs, read_s3, s3
from tether.drift.calls import Caller, Classifier, RetryPolicy
from tether.drift.clients import Clients
from tether.drift.model import Difference, Failure, IntegrationResult, Observed, Reason, Unreadable, status_of
from tether.spec.model import Integration, Spec


@dataclass(frozen=True)
class ScanOptions:
    """How hard to try: integrations in flight at once, the retry policy of every call, and deadlines."""

    concurrency: int = 8
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    integration_deadline: float = 60.0
    """Seconds one integration may take; what is unread then is reported as timed out."""
    deadline: float = math.inf
    """Seconds the whole scan may take; integrations not started by then are reported as not read."""
    processes: int = 1
    """Forked worker processes that share the integrations and the concurrency (see :func:`workers_for`)."""


MIN_SLICE = 100
"""Integrations a worker process must get to pay for itself (bench/drift.py: a worker builds its own clients)."""
_GRACE = 5.0
"""Seconds past the scan's deadline that workers get to send what they have before they are killed."""


def _resource(desired: Desired, clients: Clients) -> str:
    """What was read, where: an endpoint override (a local stand-in) is named, not the spec's endpoint."""
    if isinstance(desired, GcsDesired):
        return f"gs://{desired.bucket}"
    if isinstance(desired, AzureDesired):
        return f"azure://{desired.account}/{desired.container}"
    endpoint = clients.settings.endpoint(desired.provider) or desired.endpoint
    return f"s3://{desired.bucket}" + (f" at {endpoint}" if endpoint else "")


def classifier(desired: Desired) -> Classifier:
    """How failures of this provider's SDK are classified (transient, denied, missing...)."""
    if isinstance(desired, GcsDesired):
        return read_gcs.classify
    if isinstance(desired, AzureDesired):
        return read_azure.classify
    return read_s3.classify


def _read(desired: Desired, clients: Clients, call: Caller) -> Observed:
    if isinstance(desired, GcsDesired):
        return read_gcs.read_gcs(desired, clients, call)
    if isinstance(desired, AzureDesired):
        return read_azure.read_azure(desired, clients, call)
    iam = clients.iam(desired.provider) if desired.role is not None else None
    return read_s3.read_s3(desired, clients.s3(desired), iam, call)


def _compare(desired: Desired, observed: Observed) -> list[Difference]:
    if isinstance(desired, GcsDesired):
        return gcs.compare(desired, observed)
    if isinstance(desired, AzureDesired):
        return azure.compare(desired, observed)
    return s3.compare(desired, observed)


def result_of(index: int, desired: Desired, provider: str, clients: Clients, observed: Observed) -> IntegrationResult:
    """Compare whatever was read; a missing bucket is one more difference, never the only one."""
    try:
        differences = _compare(desired, observed)
    except Exception as error:  # a comparison bug must not hide the rest of the report
        observed.unreadable.append(Unreadable("integration", Failure("error", f"{type(error).__name__}: {error}")))
        differences = []
    if observed.missing:
        differences.insert(
            0,
            Difference(
                "bucket", "missing", observed.missing, None, "high",
                f"the {observed.missing} does not exist: the integration stops working", ("bucket",),
            ),
        )
    return IntegrationResult(
        name=desired.integration,
        index=index,
        provider=provider,
        resource=_resource(desired, clients),
        status=status_of(observed, differences),
        differences=differences,
        unreadable=observed.unreadable,
        not_checked=observed.not_checked,
        retries=observed.retries,
    )


def scan_one(index: int, desired: Desired, provider: str, clients: Clients, call: Caller) -> IntegrationResult:
    """Read and compare one integration; whatever goes wrong is reported, never raised."""
    try:
        observed = _read(desired, clients, call)
    except Exception as error:  # one integration's surprise must not stop the scan
        observed = call.observed or Observed()
        observed.unreadable.append(Unreadable("integration", Failure("error", f"{type(error).__name__}: {error}")))
    return result_of(index, desired, provider, clients, observed)


def _timed_out(index: int, desired: Desired, provider: str, clients: Clients, call: Caller | None,
               why: str, reason: Reason = "timeout") -> IntegrationResult:
    """The result of an integration abandoned at a deadline (or with its worker): what it had read, compared,
    plus why it stopped."""
    so_far = call.observed if call is not None else None
    observed = Observed()
    if so_far is not None:
        observed = Observed(
            values=so_far.values.copy(), unreadable=list(so_far.unreadable), not_checked=list(so_far.not_checked),
            missing=so_far.missing, retries=so_far.retries,
        )
    observed.unreadable.append(Unreadable("integration", Failure(reason, why, 1)))
    return result_of(index, desired, provider, clients, observed)


def scan(
    spec: Spec,
    clients: Clients,
    names: Sequence[str] = (),
    options: ScanOptions | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[IntegrationResult]:
    """Results for the named integrations (all when none are named), in spec order, within the deadlines."""
    options = options or ScanOptions()
    pending = [(i, x) for i, x in enumerate(spec.integrations) if not names or x.name in names]
    end = time.monotonic() + options.deadline
    results: dict[int, IntegrationResult] = {}

    def done(result: IntegrationResult) -> None:
        results[result.index] = result
        if progress:
            progress(len(results), len(pending))

    if min(options.processes, len(pending)) > 1:
        _in_workers(spec, clients, pending, options, end, done)
    else:
        _in_threads(spec, clients, pending, options, end, done)
    return [results[index] for index in sorted(results)]


def workers_for(integrations: int, concurrency: int) -> int:
    """Worker processes worth forking for a scan: one per CPU, each with at least :data:`MIN_SLICE`
    integrations and one of the ``concurrency``; 1 (this process) off Linux (tether/forking.py)."""
    return max(1, min(forking.cpus(), integrations // MIN_SLICE, concurrency))


def _in_workers(
    spec: Spec, clients: Clients, pending: list[tuple[int, Integration]], options: ScanOptions, end: float,
    done: Callable[[IntegrationResult], None],
) -> None:
    """Round-robin slices of the integrations in forked workers, which share the concurrency; a worker that
    ends short leaves its unread integrations unreadable, with how it ended."""
    count = min(options.processes, len(pending))
    slices = [pending[k::count] for k in range(count)]
    shares = [options.concurrency // count + (k < options.concurrency % count) for k in range(count)]

    def work(k: int, send: Callable[[object], None]) -> None:
        own = replace(options, concurrency=max(1, shares[k]), processes=1)
        _in_threads(spec, clients.forked(), slices[k], own, end, send)

    received: set[int] = set()
    with closing(forking.stream(range(count), work, until=end + _GRACE)) as events:
        for event in events:
            if isinstance(event, forking.Sent):
                result = cast(IntegrationResult, event.item)
                received.add(result.index)
                done(result)
            elif event.why is not None:
                reason: Reason = "timeout" if event.why == forking.STOPPED else "error"
                for index, integration in slices[event.part]:
                    if index not in received:
                        desired = render(integration, spec)
                        done(_timed_out(index, desired, integration.provider, clients, None,
                                        f"not read: its scan worker {event.why}", reason))


def _in_threads(
    spec: Spec, clients: Clients, pending: Sequence[tuple[int, Integration]], options: ScanOptions, end: float,
    done: Callable[[IntegrationResult], None],
) -> None:
    """Each integration in a daemon thread, at most ``options.concurrency`` at once, until ``end``."""
    waiting = deque(pending)
    finished: queue.SimpleQueue[tuple[int, IntegrationResult]] = queue.SimpleQueue()
    running: dict[int, tuple[float, Desired, str, Caller]] = {}

    def record(index: int, result: IntegrationResult) -> None:
        running.pop(index, None)
        done(result)

    def work(index: int, desired: Desired, provider: str, call: Caller) -> None:
        finished.put((index, scan_one(index, desired, provider, clients, call)))

    while waiting or running:
        now = time.monotonic()
        while waiting and len(running) < max(1, options.concurrency) and now < end:
            index, integration = waiting.popleft()
            desired = render(integration, spec)
            deadline = min(now + options.integration_deadline, end)
            call = Caller(options.retry, classifier(desired), deadline)
            running[index] = (deadline, desired, integration.provider, call)
            threading.Thread(
                target=work, args=(index, desired, integration.provider, call), daemon=True, name=f"drift-{index}"
            ).start()
        if not running:
            break
        wait = min(entry[0] for entry in running.values()) - time.monotonic()
        try:
            index, result = finished.get(timeout=min(max(wait, 0.0), 60.0))  # an infinite deadline waits in steps
        except queue.Empty:
            now = time.monotonic()
            for index, (deadline, desired, provider, call) in list(running.items()):
                if deadline <= now:
                    why = "no answer before the deadline" + (
                        " of the scan" if deadline >= end else f" ({options.integration_deadline:g} s per integration)"
                    )
                    record(index, _timed_out(index, desired, provider, clients, call, why))
            continue
        if index in running:
            record(index, result)
    for index, integration in waiting:
        desired = render(integration, spec)
        record(index, _timed_out(index, desired, integration.provider, clients, None,
                                 "not read: the scan's deadline passed first"))

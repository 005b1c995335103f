"""Scan integrations concurrently: read each one's live state and compare it with the desired state.

Integrations are independent, so they run in a bounded thread pool (the SDKs block on I/O); an
integration that fails in any way becomes "unreadable" and never stops the others.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field

from tether.desired import AzureDesired, Desired, GcsDesired, render
from tether.drift import azure, gcs, read_azure, read_gcs, read_s3, s3
from tether.drift.calls import Caller, RetryPolicy
from tether.drift.clients import Clients
from tether.drift.model import Difference, Failure, IntegrationResult, Observed, Unreadable, status_of
from tether.spec.model import Spec


@dataclass(frozen=True)
class ScanOptions:
    """How hard to try: integrations in flight at once, and the retry policy of every call."""

    concurrency: int = 8
    retry: RetryPolicy = field(default_factory=RetryPolicy)


def _resource(desired: Desired, clients: Clients) -> str:
    """What was read, where: an endpoint override (a local stand-in) is named, not the spec's endpoint."""
    if isinstance(desired, GcsDesired):
        return f"gs://{desired.bucket}"
    if isinstance(desired, AzureDesired):
        return f"azure://{desired.account}/{desired.container}"
    endpoint = clients.settings.endpoint(desired.provider) or desired.endpoint
    return f"s3://{desired.bucket}" + (f" at {endpoint}" if endpoint else "")


def _observe(desired: Desired, clients: Clients, retry: RetryPolicy) -> tuple[Observed, list[Difference]]:
    if isinstance(desired, GcsDesired):
        observed = read_gcs.read_gcs(desired, clients, Caller(retry, read_gcs.classify))
        return observed, gcs.compare(desired, observed)
    if isinstance(desired, AzureDesired):
        observed = read_azure.read_azure(desired, clients, Caller(retry, read_azure.classify))
        return observed, azure.compare(desired, observed)
    call = Caller(retry, read_s3.classify)
    iam = clients.iam(desired.provider) if desired.role is not None else None
    observed = read_s3.read_s3(desired, clients.s3(desired), iam, call)
    return observed, s3.compare(desired, observed)


def scan_one(index: int, desired: Desired, provider: str, clients: Clients, retry: RetryPolicy) -> IntegrationResult:
    """Read and compare one integration; whatever goes wrong is reported, never raised."""
    try:
        observed, differences = _observe(desired, clients, retry)
    except Exception as error:  # one integration's surprise must not stop the scan
        observed = Observed()
        observed.unreadable.append(Unreadable("integration", Failure("error", f"{type(error).__name__}: {error}")))
        differences = []
    if observed.missing:
        differences = [
            Difference(
                "bucket", "missing", observed.missing, None, "high",
                f"the {observed.missing} does not exist: the integration stops working", ("bucket",),
            )
        ]
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


def scan(
    spec: Spec,
    clients: Clients,
    names: Sequence[str] = (),
    options: ScanOptions | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[IntegrationResult]:
    """Results for the named integrations (all when none are named), in spec order."""
    chosen = [(i, x) for i, x in enumerate(spec.integrations) if not names or x.name in names]
    options = options or ScanOptions()
    results: list[IntegrationResult] = []
    with ThreadPoolExecutor(max_workers=max(1, options.concurrency), thread_name_prefix="drift") as pool:
        futures = [
            pool.submit(scan_one, i, render(integration, spec), integration.provider, clients, options.retry)
            for i, integration in chosen
        ]
        for done, future in enumerate(as_completed(futures), start=1):
            results.append(future.result())
            if progress:
                progress(done, len(futures))
    return sorted(results, key=lambda result: result.index)

"""Apply a whole spec's desired state to the stores the settings point at."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from tether.apply.azure import apply_azure
from tether.apply.s3 import apply_s3
from tether.desired import AzureDesired, GcsDesired, render
from tether.drift.clients import Clients
from tether.spec.model import Spec


@dataclass(frozen=True)
class Applied:
    """What happened to one integration: applied, or skipped and why."""

    integration: str
    applied: bool
    note: str = ""


def apply_spec(spec: Spec, clients: Clients, names: Sequence[str] = ()) -> list[Applied]:
    """Apply each (named) integration in spec order; GCS has no local stand-in that keeps CORS or IAM."""
    done = []
    for integration in spec.integrations:
        if names and integration.name not in names:
            continue
        desired = render(integration, spec)
        if isinstance(desired, GcsDesired):
            done.append(Applied(desired.integration, False, "no GCS stand-in keeps CORS or IAM"))
        elif isinstance(desired, AzureDesired):
            apply_azure(desired, clients.blob_service(desired.account))
            done.append(Applied(desired.integration, True, "account settings and role assignments need Azure"))
        else:
            iam = clients.iam(desired.provider) if desired.role else None
            kms = str((desired.encryption or {}).get("SSEAlgorithm", "")).startswith("aws:kms")
            if kms and clients.settings.endpoint(desired.provider):
                # a local stand-in has no KMS: with SSE-KMS as its default, every upload would fail
                desired = replace(desired, encryption=None)
            unsupported = apply_s3(desired, clients.s3(desired), iam)
            if kms and desired.encryption is None:
                unsupported.append("SSE-KMS default encryption (the stand-in has no KMS)")
            note = f"not implemented by the store: {', '.join(unsupported)}" if unsupported else ""
            done.append(Applied(desired.integration, True, note))
    return done

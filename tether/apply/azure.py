"""Converge one Azure container and its blob service to the desired state (data plane only).

Account settings (HTTPS only, TLS minimum, public access, shared key) and role assignments live in
Resource Manager, which no local emulator has; `pulumi up` sets those.
"""

from __future__ import annotations

import contextlib
from typing import Any

from azure.core.exceptions import ResourceExistsError
from azure.storage.blob import CorsRule

from tether.desired import AzureDesired

_PUBLIC_ACCESS = {"None": None, "Blob": "blob", "Container": "container"}


def apply_azure(desired: AzureDesired, service: Any) -> None:
    """Create the container if needed, set the blob service CORS and the container's public access."""
    container = service.get_container_client(desired.container)
    with contextlib.suppress(ResourceExistsError):
        container.create_container()
    service.set_service_properties(
        cors=[
            CorsRule(
                rule["allowedOrigins"], rule["allowedMethods"], allowed_headers=rule["allowedHeaders"],
                exposed_headers=rule["exposedHeaders"], max_age_in_seconds=rule["maxAgeInSeconds"],
            )
            for rule in desired.cors
        ]
    )
    container.set_container_access_policy(
        signed_identifiers={}, public_access=_PUBLIC_ACCESS[desired.container_public_access]
    )

"""``.tether/outputs.json``: the sandbox's integration records, shaped like ``pulumi stack output --json``, so
`tether sign --outputs` reads the sandbox exactly as it reads a real stack.

Endpoints point at the stand-ins, every URL is path-style (an IP has no bucket subdomains), and no record has
a role: signing uses the env file's keys. GCP integrations have no record, since nothing stands in for GCS.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from components.record import build_record
from tether.desired import GcsDesired, S3Desired, render
from tether.records import OUTPUT, IntegrationRecord
from tether.sandbox.services import AZURITE, SEAWEEDFS
from tether.sandbox.state import Service, write_atomic
from tether.spec.model import Spec


def records(spec: Spec, running: Mapping[str, Service]) -> dict[str, IntegrationRecord]:
    """One record per emulated integration, keyed by name, in spec order."""
    found = {}
    for integration in spec.integrations:
        desired = render(integration, spec)
        if isinstance(desired, GcsDesired):
            continue
        record = build_record(integration, desired, role_arn=None, service_account=None, hmac_access_id=None)
        endpoint = running[SEAWEEDFS if isinstance(desired, S3Desired) else AZURITE].endpoint
        found[integration.name] = replace(record, endpoint=endpoint, path_style=True)
    return found


def write(file: Path, found: Mapping[str, IntegrationRecord]) -> None:
    document = {OUTPUT: {name: record.to_json() for name, record in found.items()}}
    write_atomic(file, json.dumps(document, indent=2) + "\n", mode=0o644)

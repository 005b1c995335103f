"""``.tether/sandbox.env``: the endpoints and keys that point tether's commands (and the SDKs) at the sandbox.

The same ``KEY=VALUE`` format ``--env-file`` reads (tether.settings), quoted so a shell can also source it.
Owner-only, since it holds the sandbox's SeaweedFS secret key.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from pathlib import Path

from tether.sandbox import services
from tether.sandbox.services import AZURITE, MOTO, SEAWEEDFS, Identity
from tether.sandbox.state import Service, write_atomic
from tether.settings import ENDPOINT_PREFIX, TARGETS
from tether.spec.model import AzureIntegration, Spec
from tether.standins import azurite

HEADER = """\
# tether sandbox: LOCAL-ONLY endpoints and credentials for the stand-in servers on 127.0.0.1.
# Written by `tether sandbox up`, removed by `tether sandbox down`. The S3 key is this sandbox's own and the
# Azure key is Azurite's public development key: they open nothing but these local servers. Pass the file
# with --env-file; sourcing it also makes the AWS SDKs trust only the sandbox's certificate.
"""
S3_FAMILY = ("aws", "otc", "s3-compatible")
_VARIABLE = {target: ENDPOINT_PREFIX + suffix for suffix, target in TARGETS.items()}
"""Target -> its TETHER_ENDPOINT_* variable, from the settings module that reads them back."""


def values(spec: Spec, running: Mapping[str, Service]) -> dict[str, str]:
    """The variables for ``spec``'s providers, in the order the file lists them."""
    providers = {integration.provider for integration in spec.integrations}
    found: dict[str, str] = {}
    bundle = services.sandbox_ca({name: running[name] for name in (SEAWEEDFS, AZURITE) if name in running})
    trust = {"AWS_CA_BUNDLE": str(bundle.resolve()), "REQUESTS_CA_BUNDLE": str(bundle.resolve())} if bundle else {}
    # one file trusts both HTTPS stand-ins: boto3 reads AWS_CA_BUNDLE, the Azure SDK (requests) the other
    if SEAWEEDFS in running and providers & set(S3_FAMILY):
        weed = running[SEAWEEDFS]
        found |= {_VARIABLE[p]: weed.endpoint for p in S3_FAMILY if p in providers}
        if MOTO in running and "aws" in providers:
            found[_VARIABLE["aws-iam"]] = running[MOTO].endpoint
        identity = Identity.of(weed)
        found |= {"AWS_ACCESS_KEY_ID": identity.access_key, "AWS_SECRET_ACCESS_KEY": identity.secret_key, **trust}
    accounts = [i.bucket.account for i in spec.integrations if isinstance(i, AzureIntegration)]
    if AZURITE in running and accounts:
        base = running[AZURITE].endpoint
        found |= {
            _VARIABLE["azure"]: base,
            "AZURE_STORAGE_KEY": azurite.DEV_KEY,
            "AZURE_STORAGE_CONNECTION_STRING": (
                f"DefaultEndpointsProtocol=https;AccountName={accounts[0]};AccountKey={azurite.DEV_KEY};"
                f"BlobEndpoint={base}/{accounts[0]};"
            ),
            **trust,
        }
    return found


def render(found: Mapping[str, str]) -> str:
    return HEADER + "".join(f"{name}={shlex.quote(value)}\n" for name, value in found.items())


def write(file: Path, found: Mapping[str, str]) -> None:
    write_atomic(file, render(found), mode=0o600)

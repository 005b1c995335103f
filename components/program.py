"""The stack program: read the stack's spec, build one component per integration, export the records.

`pulumi up` runs it through the root ``__main__.py``; ``components.graph`` runs ``provision`` under
Pulumi's mocks for `tether preview`, tests and the bench, so all three see the same program.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi

from components.aws import AwsIntegration
from components.azure import AzureIntegration
from components.gcp import GcpIntegration
from components.record import build_record
from components.s3_compatible import S3CompatibleIntegration
from tether.desired import AzureDesired, Desired, GcsDesired, render
from tether.errors import InputError, TetherError
from tether.records import OUTPUT
from tether.spec import load_spec
from tether.spec.model import AnyIntegration, Spec

SPEC_KEY = "spec"
HMAC_OUTPUT = "hmacSecrets"
"""Secret stack output ``{integration: secret}`` of GCS HMAC keys, for ``TETHER_GCS_HMAC_SECRET_<NAME>``."""
CREDENTIALS_KEY = "storeCredentials"
"""Secret config ``{integration: {accessKey, secretKey}}`` for OTC and S3-compatible stores."""


@dataclass(frozen=True)
class StackSettings:
    """What the program needs besides the spec: values that live in the stack's config."""

    azure_subscription: str | None = None
    store_credentials: pulumi.Output[Any] | None = None

    @classmethod
    def from_config(cls) -> StackSettings:
        """Read ``azure-native:subscriptionId`` and the secret ``tether:storeCredentials``."""
        return cls(
            azure_subscription=pulumi.Config("azure-native").get("subscriptionId"),
            store_credentials=pulumi.Config("tether").get_secret_object(CREDENTIALS_KEY),
        )

    def store_key(self, integration: str, field: str) -> pulumi.Output[str | None] | None:
        """One credential of one store, kept secret; None when none are configured."""
        if self.store_credentials is None:
            return None
        return self.store_credentials.apply(lambda creds: (creds or {}).get(integration, {}).get(field))


def check(spec: Spec, settings: StackSettings) -> None:
    """Raise what ``provision`` would raise first, in spec order, and register nothing.

    `tether preview` checks a whole spec so before its workers each build a slice: a worker sees only its own
    integrations, and the first of those to fail need not be the spec's first (components/shards.py).
    """
    for integration in spec.integrations:
        _desired(integration, spec, settings)


def _desired(integration: AnyIntegration, spec: Spec, settings: StackSettings) -> Desired:
    """The integration's desired state; InputError when the stack's settings cannot provision it."""
    desired = render(integration, spec)
    if isinstance(desired, AzureDesired) and settings.azure_subscription is None:
        raise InputError(
            f"integration {integration.name!r} is on Azure: set azure-native:subscriptionId in the stack's "
            "config (role definitions and adopted accounts are addressed by subscription)"
        )
    return desired


def _provision_one(
    integration: AnyIntegration, spec: Spec, settings: StackSettings, hmac_secrets: dict[str, pulumi.Output[Any]]
) -> pulumi.Output[dict[str, Any]]:
    """The integration's component; returns its record, complete once the cloud has answered.

    A GCS HMAC key's secret goes into ``hmac_secrets``, never into the record.
    """
    desired = _desired(integration, spec, settings)
    # A renamed integration keeps its resources: the old names become aliases, inherited by the children
    # named after it (tests/review/test_rename.py checks that `tether preview --base` replaces nothing).
    opts = pulumi.ResourceOptions(aliases=[pulumi.Alias(name=old) for old in integration.previous_names])
    role_arn: pulumi.Input[str | None] = None
    service_account: pulumi.Input[str | None] = None
    hmac_access_id: pulumi.Input[str | None] = None
    if isinstance(desired, GcsDesired):
        gcp = GcpIntegration(desired, opts=opts)
        service_account, hmac_access_id = gcp.service_account, gcp.hmac_access_id
        if desired.hmac_key:
            hmac_secrets[integration.name] = gcp.hmac_secret
    elif isinstance(desired, AzureDesired):
        assert settings.azure_subscription is not None  # _desired refuses an Azure integration without one
        AzureIntegration(desired, subscription=settings.azure_subscription, opts=opts)
    elif desired.provider == "aws":
        role_arn = AwsIntegration(desired, opts=opts).role_arn
    else:
        S3CompatibleIntegration(
            desired,
            access_key=settings.store_key(integration.name, "accessKey"),
            secret_key=settings.store_key(integration.name, "secretKey"),
            opts=opts,
        )
    record = pulumi.Output.all(role_arn=role_arn, service_account=service_account, hmac_access_id=hmac_access_id)
    return record.apply(lambda known: build_record(integration, desired, **known).to_json())


def provision(
    spec: Spec, settings: StackSettings, hmac_secrets: dict[str, pulumi.Output[Any]] | None = None
) -> dict[str, pulumi.Output[dict[str, Any]]]:
    """Instantiate every integration's component; return the records keyed by integration name.

    HMAC key secrets are collected into ``hmac_secrets`` when given (the stack exports them as a secret).
    """
    secrets = {} if hmac_secrets is None else hmac_secrets
    return {integration.name: _provision_one(integration, spec, settings, secrets) for integration in spec.integrations}


def spec_path(root: Path) -> Path:
    """``tether:spec`` if set, else ``stacks/<stack>/integrations.yaml``; relative paths from the project root."""
    configured = pulumi.Config("tether").get(SPEC_KEY)
    path = Path(configured or f"stacks/{pulumi.get_stack()}/integrations.yaml")
    return path if path.is_absolute() else root / path


def main(root: Path) -> None:
    """The whole program: load the spec, provision, export ``integrations``.

    A bad spec or config ends the run with its message (RunError prints no traceback).
    """
    try:
        loaded = load_spec(str(spec_path(root)))
        hmac_secrets: dict[str, pulumi.Output[Any]] = {}
        pulumi.export(OUTPUT, provision(loaded.spec, StackSettings.from_config(), hmac_secrets))
        if hmac_secrets:  # read with `pulumi stack output hmacSecrets --show-secrets --json`
            pulumi.export(HMAC_OUTPUT, pulumi.Output.secret(hmac_secrets))
    except TetherError as error:
        raise pulumi.RunError(str(error)) from None

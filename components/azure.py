"""Azure: a storage account, its blob service CORS, a private container, and the platform's role assignments."""

from __future__ import annotations

import uuid

import pulumi
from pulumi_azure_native import authorization, storage

from components.translate import rename
from tether.desired import AzureDesired

TYPE = "tether:storage:AzureIntegration"
_CORS = {
    "allowedOrigins": "allowed_origins",
    "allowedMethods": "allowed_methods",
    "allowedHeaders": "allowed_headers",
    "exposedHeaders": "exposed_headers",
    "maxAgeInSeconds": "max_age_in_seconds",
}
_NAMESPACE = uuid.UUID("5d0c4c4e-3f63-4c1e-9a51-7e7a0f1d2b01")
"""Fixed namespace for role assignment names: the same assignment always gets the same GUID."""

KIND = storage.Kind.STORAGE_V2
SKU = storage.SkuName.STANDARD_LRS
"""Required by ARM; not in the spec yet, so an adopted account must match these (see the report)."""


def account_id(subscription: str, desired: AzureDesired) -> str:
    """The ARM id of the storage account (also its import id)."""
    return (
        f"/subscriptions/{subscription}/resourceGroups/{desired.resource_group}"
        f"/providers/Microsoft.Storage/storageAccounts/{desired.account}"
    )


def assignment_name(scope: str, role_id: str, principal_id: str) -> str:
    """A GUID derived from what the assignment is, so re-running never creates a duplicate."""
    return str(uuid.uuid5(_NAMESPACE, f"{scope}|{role_id}|{principal_id}"))


def _slug(role: str) -> str:
    return role.lower().replace(" ", "-")


class AzureIntegration(pulumi.ComponentResource):
    """Account (HTTPS only, TLS 1.2, no public blobs), blob CORS, private container, role assignments.

    ``subscription`` addresses adopted accounts and the built-in role definitions.
    Outputs: ``account``, ``container``.
    """

    account: pulumi.Output[str]
    container: pulumi.Output[str]

    def __init__(self, desired: AzureDesired, *, subscription: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, desired.integration, None, opts)
        name = desired.integration
        child = pulumi.ResourceOptions(parent=self)
        account_scope = account_id(subscription, desired)
        container_scope = f"{account_scope}/blobServices/default/containers/{desired.container}"

        def adopted(import_id: str) -> pulumi.ResourceOptions:
            if not desired.adopt:
                return child
            return pulumi.ResourceOptions(parent=self, import_=import_id, retain_on_delete=True)

        account = storage.StorageAccount(
            f"{name}-account",
            account_name=desired.account,
            resource_group_name=desired.resource_group,
            location=desired.location,
            kind=KIND,
            sku=storage.SkuArgs(name=SKU),
            enable_https_traffic_only=desired.https_only,
            minimum_tls_version=desired.minimum_tls_version,
            allow_blob_public_access=desired.allow_blob_public_access,
            allow_shared_key_access=desired.allow_shared_key_access,
            sas_policy=storage.SasPolicyArgs(
                sas_expiration_period=desired.sas_policy["sasExpirationPeriod"],
                expiration_action=desired.sas_policy["expirationAction"],
            )
            if desired.sas_policy
            else None,
            key_policy=storage.KeyPolicyArgs(key_expiration_period_in_days=desired.key_policy["keyExpirationPeriodInDays"])
            if desired.key_policy
            else None,
            tags=desired.tags or None,
            opts=adopted(account_scope),
        )
        storage.BlobServiceProperties(
            f"{name}-blob-service",
            account_name=account.name,
            resource_group_name=desired.resource_group,
            blob_services_name="default",
            cors=storage.CorsRulesArgs(
                cors_rules=[storage.CorsRuleArgs(**rename(rule, _CORS, "Azure CORS rule")) for rule in desired.cors]
            ),
            opts=child,
        )
        container = storage.BlobContainer(
            f"{name}-container",
            account_name=account.name,
            resource_group_name=desired.resource_group,
            container_name=desired.container,
            public_access=storage.PublicAccess(desired.container_public_access),
            opts=adopted(container_scope),
        )
        scopes = {"account": account.id, "container": container.id}
        plain_scopes = {"account": account_scope, "container": container_scope}
        for assignment in desired.role_assignments:
            scope = assignment["scope"]
            authorization.RoleAssignment(
                f"{name}-{_slug(assignment['role'])}",
                role_assignment_name=assignment_name(
                    plain_scopes[scope], assignment["role_id"], assignment["principal_id"]
                ),
                scope=scopes[scope],
                principal_id=assignment["principal_id"],
                principal_type=authorization.PrincipalType.SERVICE_PRINCIPAL,
                role_definition_id=f"/subscriptions/{subscription}/providers/Microsoft.Authorization/roleDefinitions/"
                f"{assignment['role_id']}",
                description=f"tether: {assignment['role']} for the annotation platform",
                opts=child,
            )
        self.account = account.name
        self.container = container.name
        self.register_outputs({"account": self.account, "container": self.container})

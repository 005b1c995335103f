"""Azure component under mocks: locked-down account, private container, deterministic role assignments."""

from __future__ import annotations

import uuid

import pytest

from components.graph import build_graph
from components.mocks import PREVIEW_SUBSCRIPTION
from components.program import StackSettings
from tests.components.graphs import ACCOUNT, ASSIGNMENT, BLOB_SERVICE, COMPONENT, CONTAINER, Graph, spec_with
from tether.errors import InputError
from tether.spec.model import Spec

ACCOUNT_ID = (
    f"/subscriptions/{PREVIEW_SUBSCRIPTION}/resourceGroups/acme-vision-dev"
    "/providers/Microsoft.Storage/storageAccounts/acmevisiondevaudio"
)
READER_ROLE = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"
DELEGATOR_ROLE = "db58b8e5-c6ad-4a2a-8342-4190687cbf4a"
PLATFORM = "4b1d9e22-7c3a-4f5e-8a6b-1c2d3e4f5a6b"


def test_complete_set_for_user_delegation_sas(dev_graph: Graph) -> None:
    assert dev_graph.shape("call-audio") == {
        (COMPONENT["azure"], "call-audio"),
        (ACCOUNT, "call-audio-account"),
        (BLOB_SERVICE, "call-audio-blob-service"),
        (CONTAINER, "call-audio-container"),
        (ASSIGNMENT, "call-audio-storage-blob-data-reader"),
        (ASSIGNMENT, "call-audio-storage-blob-delegator"),
    }
    component = dev_graph.component("call-audio")
    assert {r.parent for r in dev_graph.of("call-audio") if r is not component} == {component.urn}


def test_account_key_sas_needs_no_role_and_keeps_shared_key(prod_graph: Graph) -> None:
    assert {type_ for type_, _ in prod_graph.shape("call-audio")} == {COMPONENT["azure"], ACCOUNT, BLOB_SERVICE, CONTAINER}
    assert prod_graph.one("call-audio", ACCOUNT).inputs["allowSharedKeyAccess"] is True


def test_account_is_https_only_tls12_without_public_blobs(dev_graph: Graph) -> None:
    account = dev_graph.one("call-audio", ACCOUNT).inputs
    assert account["enableHttpsTrafficOnly"] is True
    assert account["minimumTlsVersion"] == "TLS1_2"
    assert account["allowBlobPublicAccess"] is False
    assert account["allowSharedKeyAccess"] is False  # user-delegation SAS only
    assert (account["accountName"], account["resourceGroupName"], account["location"]) == (
        "acmevisiondevaudio", "acme-vision-dev", "westeurope"
    )
    assert "networkRuleSet" not in account


def test_container_is_private_and_cors_is_the_spec(dev: Spec, dev_graph: Graph) -> None:
    container = dev_graph.one("call-audio", CONTAINER).inputs
    assert (container["containerName"], container["publicAccess"]) == ("calls", "None")
    cors = dev.integration("call-audio").cors
    service = dev_graph.one("call-audio", BLOB_SERVICE).inputs
    assert service["blobServicesName"] == "default"
    assert service["cors"] == {
        "corsRules": [
            {
                "allowedOrigins": cors.origins,
                "allowedMethods": cors.methods,
                "allowedHeaders": cors.headers,
                "exposedHeaders": cors.expose_headers,
                "maxAgeInSeconds": cors.max_age.total_seconds(),
            }
        ]
    }


def test_role_assignments_are_scoped_and_named_by_stable_guids(dev: Spec, dev_graph: Graph) -> None:
    assignments = {r.name: r.inputs for r in dev_graph.all("call-audio", ASSIGNMENT)}
    reader = assignments["call-audio-storage-blob-data-reader"]
    delegator = assignments["call-audio-storage-blob-delegator"]
    assert reader["scope"] == f"{ACCOUNT_ID}/blobServices/default/containers/calls"
    assert delegator["scope"] == ACCOUNT_ID
    assert reader["roleDefinitionId"].endswith(f"/roleDefinitions/{READER_ROLE}")
    assert delegator["roleDefinitionId"] == (
        f"/subscriptions/{PREVIEW_SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/{DELEGATOR_ROLE}"
    )
    assert {reader["principalId"], delegator["principalId"]} == {PLATFORM}
    assert {reader["principalType"], delegator["principalType"]} == {"ServicePrincipal"}
    names = [reader["roleAssignmentName"], delegator["roleAssignmentName"]]
    assert len(set(names)) == 2 and all(str(uuid.UUID(n)) == n for n in names)
    again = Graph(build_graph(dev, stack="elsewhere"))
    assert sorted(r.inputs["roleAssignmentName"] for r in again.all("call-audio", ASSIGNMENT)) == sorted(names)


AZURE = """\
  - name: audio
    provider: azure
    region: westeurope
    resource_group: acme-rg
    bucket: {account: acmeaudio, container: calls}
    creator: ann@acme.ai
"""


def test_direct_access_assigns_no_role() -> None:
    graph = Graph(build_graph(spec_with(AZURE + "    direct_access: true\n")))
    assert {type_ for type_, _ in graph.shape("audio")} == {COMPONENT["azure"], ACCOUNT, BLOB_SERVICE, CONTAINER}


def test_client_only_has_no_account_level_equivalent_so_nothing_changes() -> None:
    """Network rules are an allow-list: they cannot shut out only the platform's servers (documented)."""
    plain = build_graph(spec_with(AZURE))
    client_only = build_graph(spec_with(AZURE + "    strict_client_only: true\n"))
    assert [(r.type, r.name, r.inputs) for r in client_only] == [(r.type, r.name, r.inputs) for r in plain]


def test_adopted_account_and_container_are_imported_by_arm_id() -> None:
    spec = spec_with(AZURE.replace("container: calls}", "container: calls, existing: true}"))
    graph = Graph(build_graph(spec, stack_settings=StackSettings(azure_subscription="sub-1")))
    account = graph.one("audio", ACCOUNT)
    container = graph.one("audio", CONTAINER)
    arm = "/subscriptions/sub-1/resourceGroups/acme-rg/providers/Microsoft.Storage/storageAccounts/acmeaudio"
    assert (account.import_id, account.retain_on_delete) == (arm, True)
    assert (container.import_id, container.retain_on_delete) == (f"{arm}/blobServices/default/containers/calls", True)
    assert [r.name for r in graph.of("audio") if r.import_id] == ["audio-account", "audio-container"]


def test_azure_needs_the_subscription_in_config() -> None:
    with pytest.raises(InputError, match="azure-native:subscriptionId"):
        build_graph(spec_with(AZURE), stack_settings=StackSettings())


def test_sas_rotation_is_enforced_by_the_accounts_expiration_policies(dev_graph: Graph, prod_graph: Graph) -> None:
    # ARM StorageAccount sasPolicy (sasExpirationPeriod "DD.HH:MM:SS", expirationAction Log|Block) and
    # keyPolicy (keyExpirationPeriodInDays): pulumi_azure_native/storage/_inputs.py SasPolicyArgs/KeyPolicyArgs;
    # "Configure an expiration policy for shared access signatures" (learn.microsoft.com, azure-docs
    # articles/storage/common/sas-expiration-policy.md): it bounds service and account SAS.
    dev_account = dev_graph.one("call-audio", ACCOUNT).inputs  # user-delegation, rotation 7d
    assert dev_account["sasPolicy"] == {"sasExpirationPeriod": "7.00:00:00", "expirationAction": "Block"}
    assert "keyPolicy" not in dev_account  # no account key signs in user-delegation mode
    prod_account = prod_graph.one("call-audio", ACCOUNT).inputs  # account-key mode, rotation 7d
    assert prod_account["sasPolicy"] == {"sasExpirationPeriod": "7.00:00:00", "expirationAction": "Block"}
    assert prod_account["keyPolicy"] == {"keyExpirationPeriodInDays": 7}

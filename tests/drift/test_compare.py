"""Each provider's comparison against the renderer's desired state, on hand-made observations."""

from __future__ import annotations

import copy
from typing import Any

from tether.desired import AzureDesired, GcsDesired, S3Desired, render
from tether.drift import azure, gcs, s3
from tether.drift.model import Observed

from .conftest import SpecWriter, aws, gcp
from .conftest import azure as azure_integration


def s3_observed(desired: S3Desired, **changes: Any) -> Observed:
    """What a bucket exactly in the desired state reads as, with ``changes`` applied."""
    assert desired.role is not None
    values: dict[str, Any] = {
        "cors": copy.deepcopy(desired.cors_rules),
        "public_access_block": dict(desired.public_access_block or {}),
        "ownership": desired.ownership,
        "encryption": (desired.encryption or {}).get("SSEAlgorithm"),
        "policy": copy.deepcopy(desired.policy),
        "role": {
            "path": desired.role.path,
            "trust_policy": copy.deepcopy(desired.role.trust_policy),
            "inline_policies": {"tether-read": copy.deepcopy(desired.role.permissions_policy)},
            "attached_policies": [],
            "max_session_seconds": desired.role.max_session_seconds,
        },
    }
    values.update(changes)
    return Observed(values=values)


def s3_desired(write_spec: SpecWriter) -> S3Desired:
    loaded = write_spec(aws("videos"))
    desired = render(loaded.spec.integrations[0], loaded.spec)
    assert isinstance(desired, S3Desired)
    return desired


def test_s3_exact_state_is_in_sync(write_spec: SpecWriter) -> None:
    desired = s3_desired(write_spec)
    assert s3.compare(desired, s3_observed(desired)) == []


def test_s3_public_access_block_flag_and_removal(write_spec: SpecWriter) -> None:
    desired = s3_desired(write_spec)
    pab = {**(desired.public_access_block or {}), "RestrictPublicBuckets": False}
    [flag] = s3.compare(desired, s3_observed(desired, public_access_block=pab))
    assert (flag.path, flag.kind, flag.expected, flag.actual, flag.severity) == (
        "public_access_block.RestrictPublicBuckets", "changed", True, False, "critical"
    )
    [gone] = s3.compare(desired, s3_observed(desired, public_access_block=None))
    assert (gone.path, gone.kind, gone.severity) == ("public_access_block", "missing", "critical")


def test_s3_ownership_and_encryption(write_spec: SpecWriter) -> None:
    desired = s3_desired(write_spec)
    found = s3.compare(desired, s3_observed(desired, ownership="ObjectWriter", encryption=None))
    assert [(d.path, d.kind, d.severity) for d in found] == [
        ("ownership", "changed", "high"), ("encryption.SSEAlgorithm", "missing", "medium")
    ]


def test_s3_role_deleted_attached_policy_and_session(write_spec: SpecWriter) -> None:
    desired = s3_desired(write_spec)
    [deleted] = s3.compare(desired, s3_observed(desired, role=None))
    assert (deleted.path, deleted.kind, deleted.severity, deleted.spec_path) == ("role", "missing", "high", ("external_id",))
    role = s3_observed(desired).values["role"]
    role["attached_policies"] = ["arn:aws:iam::aws:policy/AmazonS3FullAccess"]
    role["max_session_seconds"] = 3600
    found = s3.compare(desired, s3_observed(desired, role=role))
    assert [(d.path, d.kind, d.severity) for d in found] == [
        ("role.attached_policies", "extra", "high"), ("role.max_session_seconds", "changed", "low")
    ]


def test_s3_role_permission_widened(write_spec: SpecWriter) -> None:
    desired = s3_desired(write_spec)
    role = s3_observed(desired).values["role"]
    role["inline_policies"]["console"] = {"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}
    [difference] = s3.compare(desired, s3_observed(desired, role=role))
    assert (difference.kind, difference.severity) == ("extra", "high")
    # a live statement without Sid is named by its meaning, not by where the console put it
    assert difference.path.startswith("role.permissions.Statement[#")
    role["inline_policies"] = {"console": role["inline_policies"].pop("console"), **role["inline_policies"]}
    assert [d.path for d in s3.compare(desired, s3_observed(desired, role=role))] == [difference.path]


def test_s3_unread_resources_are_not_compared(write_spec: SpecWriter) -> None:
    desired = s3_desired(write_spec)
    assert s3.compare(desired, Observed(values={"cors": desired.cors_rules})) == []


def gcs_desired(write_spec: SpecWriter) -> GcsDesired:
    loaded = write_spec(gcp("images", "acme-images"))
    desired = render(loaded.spec.integrations[0], loaded.spec)
    assert isinstance(desired, GcsDesired)
    return desired


def gcs_observed(desired: GcsDesired, **changes: Any) -> Observed:
    values = {
        "cors": copy.deepcopy(desired.cors),
        "uniform_bucket_level_access": True,
        "public_access_prevention": "enforced",
        "bindings": copy.deepcopy(desired.bucket_bindings),
        "signer_bindings": copy.deepcopy(desired.signer_bindings),
    }
    return Observed(values={**values, **changes})


def test_gcs_settings_and_bindings(write_spec: SpecWriter) -> None:
    desired = gcs_desired(write_spec)
    assert gcs.compare(desired, gcs_observed(desired)) == []
    public = {"role": "roles/storage.objectViewer", "member": "allUsers"}
    unconditioned = {k: v for k, v in desired.bucket_bindings[0].items() if k != "condition"}
    found = gcs.compare(
        desired,
        gcs_observed(
            desired, uniform_bucket_level_access=False, public_access_prevention="inherited",
            bindings=[unconditioned, public],
            signer_bindings=[*desired.signer_bindings, {"role": "roles/iam.serviceAccountTokenCreator",
                                                        "member": "user:mallory@example.net"}],
        ),
    )
    assert [(d.path, d.kind, d.severity) for d in found] == [
        ("iamConfiguration.uniformBucketLevelAccess.enabled", "changed", "high"),
        ("iamConfiguration.publicAccessPrevention", "changed", "high"),
        ("iam.bindings[roles/storage.objectViewer][serviceAccount:annotate-reader@acme-vision-dev.iam.gserviceaccount"
         ".com]", "changed", "high"),
        ("iam.bindings[roles/storage.objectViewer][allUsers]", "extra", "critical"),
        ("reader_account.iam.bindings[roles/iam.serviceAccountTokenCreator][user:mallory@example.net]", "extra", "high"),
    ]


def azure_desired(write_spec: SpecWriter) -> AzureDesired:
    loaded = write_spec(azure_integration("audio", "calls", account="acmeaudio"))
    desired = render(loaded.spec.integrations[0], loaded.spec)
    assert isinstance(desired, AzureDesired)
    return desired


def test_azure_account_container_and_assignments(write_spec: SpecWriter) -> None:
    desired = azure_desired(write_spec)
    account = {"https_only": True, "minimum_tls_version": "TLS1_2", "allow_blob_public_access": False,
               "allow_shared_key_access": False}
    assignments = [{"role_id": a["role_id"], "principal_id": a["principal_id"], "scope": a["scope"]}
                   for a in desired.role_assignments]
    exact = Observed(values={"account": account, "cors": desired.cors, "container_public_access": "None",
                             "role_assignments": assignments})
    assert azure.compare(desired, exact) == []
    stranger = {"role_id": "ba92f5b4-2d11-453d-a403-e96b0029c9fe", "principal_id": "0000", "scope": "container"}
    drifted = Observed(values={
        "account": {**account, "https_only": False, "minimum_tls_version": "TLS1_0", "allow_shared_key_access": True},
        "cors": desired.cors, "container_public_access": "Container",
        "role_assignments": [assignments[0], stranger],
    })
    assert [(d.path, d.kind, d.severity) for d in azure.compare(desired, drifted)] == [
        ("account.minimumTlsVersion", "changed", "critical"),
        ("account.supportsHttpsTrafficOnly", "changed", "critical"),
        ("account.allowSharedKeyAccess", "changed", "high"),
        ("container.publicAccess", "changed", "critical"),
        ("role_assignments[Storage Blob Delegator @ account]", "missing", "medium"),
        ("role_assignments[ba92f5b4-2d11-453d-a403-e96b0029c9fe @ container]", "extra", "high"),
    ]

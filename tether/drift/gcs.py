"""Cloud Storage live state against :class:`GcsDesired`: CORS, uniform access, public access
prevention, the bucket's IAM bindings and who may sign as the reader service account."""

from __future__ import annotations

from tether.desired import GcsDesired
from tether.drift import bindings, cors
from tether.drift.model import Difference, Observed


def compare(desired: GcsDesired, observed: Observed) -> list[Difference]:
    """Every managed field that could be read, against the desired state."""
    values = observed.values
    differences: list[Difference] = []
    if observed.has("cors"):
        differences += cors.compare(cors.GCS_FIELDS, desired.cors, values["cors"])
    if observed.has("uniform_bucket_level_access") and (
        values["uniform_bucket_level_access"] != desired.uniform_bucket_level_access
    ):
        differences.append(
            Difference(
                "iamConfiguration.uniformBucketLevelAccess.enabled", "changed", desired.uniform_bucket_level_access,
                values["uniform_bucket_level_access"], "high", "object ACLs are back: single objects can be shared",
            )
        )
    if observed.has("public_access_prevention") and (
        values["public_access_prevention"] != desired.public_access_prevention
    ):
        got = values["public_access_prevention"]
        inherited = got in ("inherited", "unspecified")
        meaning = (
            "public access prevention now depends on the organization policy (constraints/storage."
            "publicAccessPrevention), which this scan does not read: without it an allUsers grant makes the data public"
            if inherited
            else "public access prevention is off: an allUsers grant would make the data public"
        )
        differences.append(
            Difference(
                "iamConfiguration.publicAccessPrevention", "changed", desired.public_access_prevention, got,
                "high" if inherited else "critical", meaning,
            )
        )
    if observed.has("bindings"):
        differences += bindings.compare(
            "iam.bindings", desired.bucket_bindings, values["bindings"], ("reader_account",)
        )
    if desired.reader_email and observed.has("signer_bindings"):
        signer = values["signer_bindings"]
        if signer is None:
            differences.append(
                Difference(
                    "reader_account", "missing", desired.reader_email, None, "high",
                    "the reader service account was deleted: the integration stops working", ("reader_account",),
                )
            )
        else:
            differences += bindings.compare(
                "reader_account.iam.bindings", desired.signer_bindings, signer, ("reader_account",)
            )
    return differences

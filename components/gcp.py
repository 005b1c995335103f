"""GCP: a Cloud Storage bucket, its reader service account, and the bindings that let the platform sign."""

from __future__ import annotations

import re

import pulumi
import pulumi_gcp as gcp

from components.translate import rename
from tether.desired import GcsDesired

TYPE = "tether:storage:GcpIntegration"
_CORS = {
    "origin": "origins",
    "method": "methods",
    "responseHeader": "response_headers",
    "maxAgeSeconds": "max_age_seconds",
}
_CONDITION = {"title": "title", "description": "description", "expression": "expression"}


def _slug(role: str) -> str:
    """``roles/storage.objectViewer`` -> ``object-viewer``: a stable child name per binding."""
    last = role.rsplit("/", 1)[-1].rsplit(".", 1)[-1]
    return re.sub(r"(?<!^)(?=[A-Z])", "-", last).lower()


def reader_email(desired: GcsDesired) -> str | None:
    """The account the bucket grants read to (the reader, or the platform's own); None if none."""
    for binding in desired.bucket_bindings:
        return str(binding["member"]).removeprefix("serviceAccount:")
    return None


class GcpIntegration(pulumi.ComponentResource):
    """Bucket with UBLA, public access prevention and CORS; reader account, bindings, HMAC key as rendered.

    Outputs: ``bucket``, ``service_account`` (the reader's email, None for Direct Access) and
    ``hmac_access_id`` (None without a key). The HMAC secret is only on ``hmac_secret``, always secret.
    """

    bucket: pulumi.Output[str]
    service_account: pulumi.Output[str | None]
    hmac_access_id: pulumi.Output[str | None]
    hmac_secret: pulumi.Output[str | None]

    def __init__(self, desired: GcsDesired, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, desired.integration, None, opts)
        name = desired.integration
        child = pulumi.ResourceOptions(parent=self)
        adopt = (
            pulumi.ResourceOptions(import_=f"{desired.project}/{desired.bucket}", retain_on_delete=True)
            if desired.adopt
            else None
        )
        bucket = gcp.storage.Bucket(
            f"{name}-bucket",
            name=desired.bucket,
            project=desired.project,
            location=desired.location,
            uniform_bucket_level_access=desired.uniform_bucket_level_access,
            public_access_prevention=desired.public_access_prevention,
            cors=[gcp.storage.BucketCorArgs(**rename(rule, _CORS, "GCS CORS rule")) for rule in desired.cors],
            labels=desired.labels or None,
            opts=pulumi.ResourceOptions.merge(child, adopt),
        )
        reader: gcp.serviceaccount.Account | None = None
        if desired.reader_email is not None:  # the renderer names a reader only when one reads
            assert desired.reader_account_id is not None
            reader = gcp.serviceaccount.Account(
                f"{name}-reader",
                account_id=desired.reader_account_id,
                project=desired.project,
                display_name=f"tether {name} reader",
                description="Reads the integration's bucket; the annotation platform signs URLs as this account.",
                opts=child,
            )
        after_reader = pulumi.ResourceOptions(parent=self, depends_on=[reader] if reader else [])
        for binding in desired.bucket_bindings:
            condition = binding.get("condition")
            gcp.storage.BucketIAMMember(
                f"{name}-{_slug(binding['role'])}",
                bucket=bucket.name,
                role=binding["role"],
                member=binding["member"],
                condition=gcp.storage.BucketIAMMemberConditionArgs(**rename(condition, _CONDITION, "IAM condition"))
                if condition
                else None,
                opts=after_reader,
            )
        for binding in desired.signer_bindings:
            assert reader is not None, "signer bindings are on the reader account"
            gcp.serviceaccount.IAMMember(
                f"{name}-{_slug(binding['role'])}",
                service_account_id=reader.name,
                role=binding["role"],
                member=binding["member"],
                opts=child,
            )
        self.bucket = bucket.name
        email = reader_email(desired)
        self.service_account = pulumi.Output.from_input(email)
        self.hmac_access_id = pulumi.Output.from_input(None)
        self.hmac_secret = pulumi.Output.secret(None)
        if desired.hmac_key:
            assert email is not None, "an HMAC key belongs to the account that reads"
            key = gcp.storage.HmacKey(
                f"{name}-hmac",
                service_account_email=email,
                project=desired.project,
                opts=after_reader,
            )
            self.hmac_access_id = key.access_id
            self.hmac_secret = pulumi.Output.secret(key.secret)
        self.register_outputs(
            {"bucket": self.bucket, "service_account": self.service_account, "hmac_access_id": self.hmac_access_id}
        )

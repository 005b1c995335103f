"""Pulumi mocks that answer like the clouds would: realistic ids, ARNs, emails and resource ids.

Realistic values matter because children and records join on them (an S3 bucket's id is its
name, a service account's ``name`` is ``projects/P/serviceAccounts/EMAIL``); everything else
echoes the inputs, as a provider's create does.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import pulumi

PREVIEW_ACCOUNT = "123456789012"
PREVIEW_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000"
"""Stand-ins for values only a real cloud knows; a preview shows them where ids would be."""

Outputs = dict[str, Any]


def _digest(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _role(name: str, inputs: Outputs) -> tuple[str, Outputs]:
    role = str(inputs.get("name") or name)
    return role, {"arn": f"arn:aws:iam::{PREVIEW_ACCOUNT}:role{inputs.get('path', '/')}{role}"}


def _service_account(name: str, inputs: Outputs) -> tuple[str, Outputs]:
    email = f"{inputs['accountId']}@{inputs.get('project', 'project')}.iam.gserviceaccount.com"
    path = f"projects/{inputs.get('project', 'project')}/serviceAccounts/{email}"
    return path, {"email": email, "name": path, "member": f"serviceAccount:{email}", "uniqueId": _digest(email)[:21]}


def _hmac_key(name: str, inputs: Outputs) -> tuple[str, Outputs]:
    access_id = "GOOG1E" + _digest(str(inputs.get("serviceAccountEmail")))[:55].upper()
    return f"projects/{inputs.get('project')}/hmacKeys/{access_id}", {"accessId": access_id, "secret": _digest(name)}


def _azure_account(name: str, inputs: Outputs) -> tuple[str, Outputs]:
    return (
        f"/subscriptions/{PREVIEW_SUBSCRIPTION}/resourceGroups/{inputs['resourceGroupName']}"
        f"/providers/Microsoft.Storage/storageAccounts/{inputs['accountName']}",
        {"name": inputs["accountName"]},
    )


def _azure_container(name: str, inputs: Outputs) -> tuple[str, Outputs]:
    account, _ = _azure_account(name, inputs)
    return f"{account}/blobServices/default/containers/{inputs['containerName']}", {"name": inputs["containerName"]}


_ANSWERS: dict[str, Callable[[str, Outputs], tuple[str, Outputs]]] = {
    "aws:s3/bucket:Bucket": lambda name, inputs: (
        str(inputs["bucket"]),
        {"arn": f"arn:aws:s3:::{inputs['bucket']}", "bucketDomainName": f"{inputs['bucket']}.s3.amazonaws.com"},
    ),
    "aws:iam/role:Role": _role,
    "aws:iam/rolePolicy:RolePolicy": lambda name, inputs: (f"{inputs['role']}:{inputs.get('name', name)}", {}),
    "gcp:storage/bucket:Bucket": lambda name, inputs: (str(inputs["name"]), {"url": f"gs://{inputs['name']}"}),
    "gcp:serviceaccount/account:Account": _service_account,
    "gcp:storage/hmacKey:HmacKey": _hmac_key,
    "azure-native:storage:StorageAccount": _azure_account,
    "azure-native:storage:BlobContainer": _azure_container,
}


class CloudMocks(pulumi.runtime.Mocks):
    """Create answers: the inputs, plus the computed fields the components and records read."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[Any, Any]]:
        """Echo the inputs with a realistic id (the import id, for adopted resources)."""
        answer = _ANSWERS.get(args.typ)
        resource_id, computed = answer(args.name, args.inputs) if answer else (f"{args.name}-id", {})
        return args.resource_id or resource_id, {**args.inputs, **computed}

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[Any, Any], list[tuple[str, str]] | None]:
        """The components make no provider calls; any call is answered empty."""
        return {}, None

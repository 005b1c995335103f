"""Which integration of the spec a Pulumi resource belongs to.

First by an ancestor component named after the integration (when the components name them so), so
preview can judge a resource whose bucket id is not known yet; otherwise by the names the spec
fixes: bucket, role, reader service account, storage account and container. Resources on a shared
Azure storage account belong to every integration on it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from policies.pack import resources as r
from policies.pack.resources import Resource
from tether.desired.s3 import role_name
from tether.spec.model import AwsIntegration, AzureIntegration, GcpIntegration, Spec

Key = tuple[str, str]
_ACCOUNT = re.compile(r"/storageAccounts/([^/]+)")
_CONTAINER = re.compile(r"/storageAccounts/([^/]+)/blobServices/[^/]+/containers/([^/]+)")


def urn_name(urn: str) -> str:
    """The logical name at the end of a URN."""
    return urn.rsplit("::", 1)[-1]


def _spec_keys(spec: Spec) -> Iterator[tuple[Key, str]]:
    for integration in spec.integrations:
        name = integration.name
        if isinstance(integration, GcpIntegration):
            yield ("gcs", integration.bucket.name), name
            if integration.reader_account:
                yield ("reader", f"{integration.reader_account}@{integration.project}.iam.gserviceaccount.com"), name
        elif isinstance(integration, AzureIntegration):
            yield ("account", integration.bucket.account), name
            yield ("container", f"{integration.bucket.account}/{integration.bucket.container}"), name
        else:
            yield ("s3", integration.bucket.name), name
            if isinstance(integration, AwsIntegration):
                yield ("role", role_name(integration)), name


def _resource_keys(resource: Resource) -> Iterator[Key]:
    kind, props = resource.type, resource.props
    if kind.startswith("aws:s3/"):
        yield "s3", str(props.get("bucket"))
    elif kind == r.IAM_ROLE:
        yield "role", str(props.get("name"))
    elif kind in (r.IAM_ROLE_POLICY, r.IAM_ATTACHMENT):
        yield "role", str(props.get("role")).rsplit("/", 1)[-1]
    elif kind == r.IAM_POLICY_ATTACHMENT:
        for role in props.get("roles") or []:
            yield "role", str(role).rsplit("/", 1)[-1]
    elif kind == r.GCS_BUCKET:
        yield "gcs", str(props.get("name"))
    elif kind in (r.GCS_MEMBER, r.GCS_BINDING, r.GCS_POLICY):
        yield "gcs", str(props.get("bucket")).removeprefix("b/")
    elif kind == r.GCS_SIGNER:
        yield "reader", str(props.get("serviceAccountId")).rsplit("/", 1)[-1]
    elif kind == r.GCS_HMAC:
        yield "reader", str(props.get("serviceAccountEmail"))
    elif kind == r.AZ_CONTAINER:
        yield "container", f"{props.get('accountName')}/{props.get('containerName')}"
    elif kind in (r.AZ_ACCOUNT, r.AZ_BLOB_SERVICE):
        yield "account", str(props.get("accountName"))
    elif kind == r.AZ_ROLE:
        scope = str(props.get("scope"))
        container = _CONTAINER.search(scope)
        account = _ACCOUNT.search(scope)
        if container:
            yield "container", f"{container[1]}/{container[2]}"
        elif account:
            yield "account", account[1]


class Owners:
    """Finds the integrations a resource belongs to."""

    def __init__(self, spec: Spec) -> None:
        self.names = {integration.name for integration in spec.integrations}
        self.by_key: dict[Key, list[str]] = {}
        for key, name in _spec_keys(spec):
            self.by_key.setdefault(key, []).append(name)

    def of(self, resource: Resource) -> list[str]:
        """Integration names ``resource`` belongs to (none for resources outside the spec).

        Reading a property unknown during preview raises pulumi-policy's UnknownValueError.
        """
        for ancestor in resource.ancestors:
            if urn_name(ancestor) in self.names:
                return [urn_name(ancestor)]
        return [name for key in _resource_keys(resource) for name in self.by_key.get(key, [])]

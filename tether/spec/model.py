"""The integration spec: the only file a person edits; every other view is derived from it.

Models are strict (unknown keys are errors, no silent type coercion) so a typo in a pull request
fails review instead of silently falling back to a default.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from ipaddress import IPv4Network, IPv6Network
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictBool,
    StrictStr,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)
from pydantic.networks import validate_email

from tether.spec import names, regions
from tether.spec.durations import Duration

ONE_WEEK = timedelta(days=7)
"""Default signed URL expiry (product documentation) and the SigV4 / GCS V4 hard limit."""
AWS_URL_EXPIRY = timedelta(hours=12)
"""Default signed URL expiry on AWS: a URL signed with the platform role's session credentials dies with
the session, which IAM caps at 12 h (MaxSessionDuration), so the product's one-week default cannot hold
there; TTH020 flags an explicit longer one."""

Provider = Literal["aws", "gcp", "azure", "otc", "s3-compatible"]
Role = Literal["admin", "user"]
Method = Literal["GET", "HEAD", "PUT", "POST", "DELETE"]


@functools.lru_cache(maxsize=65536)
def _email(value: str) -> str:
    """A bare address, lowercased; cached because a spec names the same people thousands of times.

    pydantic's EmailStr takes ``'Erin <erin@x>'`` and keeps the address; a spec names people by address only.
    """
    if re.search(r"[<>\s]", value):
        raise ValueError(f"expected a bare email address such as erin@example.com, got {value!r}")
    return validate_email(value)[1].lower()


def _network_text(value: object) -> object:
    """ipaddress reads the integer 167772160 as 10.0.0.0/32; a CIDR must be written as one."""
    if not isinstance(value, str):
        raise ValueError(f"expected a CIDR such as 203.0.113.0/24 in text, got {value!r}")
    return value


Email = Annotated[StrictStr, AfterValidator(_email), WithJsonSchema({"type": "string", "format": "email"})]
Cidr = Annotated[IPv4Network | IPv6Network, BeforeValidator(_network_text)]
Slug = Annotated[StrictStr, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")]


def _no_wildcard(value: object) -> object:
    """S3 reads ``*`` anywhere in an origin as a wildcard (``https://*.com``), so no origin may hold one."""
    if isinstance(value, str) and "*" in value:
        raise ValueError(f"origin {value!r}: S3 reads '*' as a wildcard, so no origin may hold one; list each origin")
    return value


Origin = Annotated[
    StrictStr,
    StringConstraints(pattern=r"^https?://[A-Za-z0-9.-]+(:\d{1,5})?$"),
    BeforeValidator(_no_wildcard),
]
_INTERPRETED = ("*", "?", '"', "\\", "${")
"""Read as wildcards by IAM (``*``, ``?`` in ARNs and StringLike), as a policy variable (``${``), or as
string syntax by the CEL of a GCS IAM condition (``"``, ``\\``): a prefix must mean only itself."""


def _literal_prefix(value: str) -> str:
    found = [token for token in _INTERPRETED if token in value]
    if found:
        raise ValueError(f"prefix {value!r} contains {', '.join(found)}, which IAM or CEL would interpret")
    return value


Prefix = Annotated[
    StrictStr,
    StringConstraints(pattern=r"^[^/\x00-\x1f][^\x00-\x1f]*/$", max_length=1024),
    AfterValidator(_literal_prefix),
]
TagKey = Annotated[StrictStr, StringConstraints(pattern=r"^[A-Za-z0-9_.:/=+@-]{1,128}$")]
Uuid = Annotated[
    StrictStr,
    StringConstraints(pattern=r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$"),
]
ExternalId = Annotated[StrictStr, StringConstraints(pattern=r"^[A-Za-z0-9_+=,.@:/-]+$", min_length=2, max_length=1224)]
ResourceGroup = Annotated[StrictStr, StringConstraints(pattern=r"^[-A-Za-z0-9_.()]*[-A-Za-z0-9_()]$", max_length=90)]
def _port_in_range(value: str) -> str:
    try:
        port = urlsplit(value).port
    except ValueError:  # past 65535
        port = -1
    if port is not None and not 0 < port <= 65535:
        raise ValueError(f"the port of {value!r} is outside 1-65535")
    return value


Url = Annotated[
    StrictStr, StringConstraints(pattern=r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?/?$"), AfterValidator(_port_in_range)
]


def _named(check: Callable[[str], str | None], what: str) -> Callable[[str], str]:
    def validate(value: str) -> str:
        problem = check(value)
        if problem:
            raise ValueError(f"invalid {what} {value!r}: expected {problem}")
        return value

    return validate


def _region(known: dict[str, regions.Continent], provider: str) -> Callable[[str], str]:
    def validate(value: str) -> str:
        region = value.lower()
        if region not in known:
            close = difflib.get_close_matches(region, known, n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise ValueError(f"unknown {provider} region {value!r}{hint}")
        return region

    return validate


def _within_week(value: timedelta) -> timedelta:
    if value > ONE_WEEK:
        raise ValueError("signed URLs cannot outlive 7d (the SigV4 and GCS V4 limit)")
    return value


UrlExpiry = Annotated[Duration, AfterValidator(_within_week)]


class StrictModel(BaseModel):
    """Base for every spec block: unknown keys are errors, never ignored."""

    model_config = ConfigDict(extra="forbid", validate_default=True)


def _empty(kind: type[list[Any]] | type[dict[Any, Any]]) -> Any:
    """An empty list or dict made anew for each model: a literal ``[]`` default is deep-copied every time
    (48,000 copies for a 5,000-integration spec, a tenth of validating it), a factory is only called."""
    return Field(default_factory=kind, json_schema_extra={"default": kind()})


def _listed(*items: str) -> Any:
    """A list default with items, made anew for each model (see ``_empty``)."""
    return Field(default_factory=lambda: list(items), json_schema_extra={"default": list(items)})


def _fresh(block: type[StrictModel]) -> Any:
    """A default block made anew for each use: a shared default instance is deep-copied every time."""
    return Field(default_factory=block, json_schema_extra={"default": block().model_dump(mode="json")})


class Organization(StrictModel):
    """Who exists: members, organization admins and user groups (R1, R5, R7)."""

    name: Slug
    members: Annotated[list[Email], Field(min_length=1)]
    admins: list[Email] = _empty(list)
    groups: dict[Slug, list[Email]] = _empty(dict)


class AwsPlatform(StrictModel):
    """The platform's AWS account, trusted to assume each integration's role."""

    account_id: Annotated[StrictStr, StringConstraints(pattern=r"^\d{12}$")]


class GcpPlatform(StrictModel):
    """The platform's service account, which signs V4 URLs through signBlob."""

    service_account: Annotated[
        StrictStr,
        StringConstraints(pattern=r"^[a-z][a-z0-9-]{4,28}[a-z0-9]@[a-z][a-z0-9-]{4,28}[a-z0-9]\.iam\.gserviceaccount\.com$"),
    ]


class AzurePlatform(StrictModel):
    """The platform's Entra ID application, granted blob read for user-delegation SAS."""

    tenant_id: Uuid
    principal_id: Uuid


class Platform(StrictModel):
    """The annotation platform side: who reads, from which web origins and server networks."""

    origins: Annotated[list[Origin], Field(min_length=1)]
    egress_cidrs: list[Cidr] = _empty(list)
    aws: AwsPlatform | None = None
    gcp: GcpPlatform | None = None
    azure: AzurePlatform | None = None


class OrgPolicy(StrictModel):
    """Organization-wide limits that `tether lint` and the policy pack enforce."""

    max_url_expiry: UrlExpiry = ONE_WEEK
    max_sas_rotation: Duration = timedelta(days=30)
    required_tags: list[TagKey] = _empty(list)
    annotator_continents: list[regions.Continent] = _empty(list)
    max_waiver: Duration = timedelta(days=365)
    """How far ahead of the day it is judged a waiver may expire: exceptions are reviewed again."""


class Member(StrictModel):
    """A person added to an integration by email, with a role (R5)."""

    email: Email
    role: Role


class GroupGrant(StrictModel):
    """A user group added to an integration; all its members get the role (R5)."""

    group: Slug
    role: Role


class Cors(StrictModel):
    """Which web origins may use the URLs (R11); origins default to the platform's."""

    origins: list[Origin] = _empty(list)
    methods: Annotated[list[Method], Field(min_length=1)] = _listed("GET", "HEAD")
    headers: list[StrictStr] = _empty(list)
    expose_headers: list[StrictStr] = _listed("Content-Length", "Content-Range", "Content-Type", "ETag")
    max_age: Duration = timedelta(hours=1)
    reason: StrictStr | None = None
    """Why methods beyond GET/HEAD are needed; the policy asks for it."""


def _said(reason: str) -> str:
    if len(reason.strip()) < 10:
        raise ValueError("a waiver's reason must say why in at least 10 characters besides spaces")
    return reason


class Waiver(StrictModel):
    """A reviewed exception to one policy rule, for this integration, until a date."""

    rule: Annotated[StrictStr, StringConstraints(pattern=r"^TTH\d{3}$")]
    reason: Annotated[StrictStr, StringConstraints(min_length=10), AfterValidator(_said)]
    expires: date


class S3Bucket(StrictModel):
    """An S3 bucket to create, or an existing one to adopt (``existing: true``)."""

    name: Annotated[StrictStr, AfterValidator(_named(names.s3_bucket_problem, "S3 bucket name"))]
    existing: StrictBool = False


class ObsBucket(StrictModel):
    """An Open Telekom Cloud OBS bucket."""

    name: Annotated[StrictStr, AfterValidator(_named(names.obs_bucket_problem, "OBS bucket name"))]
    existing: StrictBool = False


class GcsBucket(StrictModel):
    """A Cloud Storage bucket."""

    name: Annotated[StrictStr, AfterValidator(_named(names.gcs_bucket_problem, "GCS bucket name"))]
    existing: StrictBool = False


class AzureBucket(StrictModel):
    """An Azure storage account and the private blob container the platform reads."""

    account: Annotated[StrictStr, AfterValidator(_named(names.azure_account_problem, "storage account name"))]
    container: Annotated[StrictStr, AfterValidator(_named(names.azure_container_problem, "container name"))]
    existing: StrictBool = False

    @property
    def name(self) -> str:
        """The container, which is what objects live in (the 'bucket' of Azure)."""
        return self.container


class AzureSas(StrictModel):
    """How the platform gets SAS tokens; Azure has no custom expiry, tokens are rotated (R10)."""

    mode: Literal["user-delegation", "account-key"] = "user-delegation"
    rotation: Duration = ONE_WEEK

    @model_validator(mode="after")
    def _delegation_limit(self) -> AzureSas:
        if self.mode == "user-delegation" and self.rotation > ONE_WEEK:
            raise ValueError("a user delegation key lives at most 7d, so rotation must be 7d or less")
        return self


class IntegrationBase(StrictModel):
    """What every integration declares, whatever the provider."""

    name: Slug
    previous_names: list[Slug] = _empty(list)
    """Names it had before, oldest first: a rename lists the old name here so Pulumi moves its resources
    (aliases) instead of replacing them; physical names made from the name keep the first one."""
    creator: Email
    members: list[Member] = _empty(list)
    groups: list[GroupGrant] = _empty(list)
    direct_access: StrictBool = False
    strict_client_only: StrictBool = False
    cors: Cors = _fresh(Cors)
    prefixes: list[Prefix] = _empty(list)
    list_objects: StrictBool = False
    tags: dict[TagKey, StrictStr] = _empty(dict)
    waivers: list[Waiver] = _empty(list)

    @property
    def first_name(self) -> str:
        """The name it was created with, which physical names (the AWS role) keep across renames."""
        return self.previous_names[0] if self.previous_names else self.name


class AwsIntegration(IntegrationBase):
    """An S3 bucket read by the platform through an IAM role it assumes with an external ID."""

    provider: Literal["aws"]
    region: Annotated[StrictStr, AfterValidator(_region(regions.AWS_REGIONS, "AWS"))]
    bucket: S3Bucket
    external_id: ExternalId | None = None
    signed_url_expiry: UrlExpiry = AWS_URL_EXPIRY

    @model_validator(mode="after")
    def _needs_external_id(self) -> AwsIntegration:
        if not self.direct_access and self.external_id is None:
            raise ValueError("external_id is required: the platform assumes the role with it (or set direct_access)")
        return self


class GcpIntegration(IntegrationBase):
    """A Cloud Storage bucket read by a service account that signs V4 URLs."""

    provider: Literal["gcp"]
    project: Annotated[StrictStr, StringConstraints(pattern=r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$")]
    region: Annotated[StrictStr, AfterValidator(_region(regions.GCP_LOCATIONS, "GCP"))]
    bucket: GcsBucket
    reader_account: Annotated[StrictStr, StringConstraints(pattern=r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$")] | None = None
    """Create a dedicated service account with this id; otherwise the platform's is granted directly."""
    hmac_key: StrictBool = False
    signed_url_expiry: UrlExpiry = ONE_WEEK


class AzureIntegration(IntegrationBase):
    """A blob container in a storage account; the platform hands out SAS URLs."""

    provider: Literal["azure"]
    region: Annotated[StrictStr, AfterValidator(_region(regions.AZURE_REGIONS, "Azure"))]
    resource_group: ResourceGroup
    bucket: AzureBucket
    sas: AzureSas = _fresh(AzureSas)


class OtcIntegration(IntegrationBase):
    """An Open Telekom Cloud OBS bucket, managed through its S3-compatible API."""

    provider: Literal["otc"]
    region: Annotated[StrictStr, AfterValidator(_region(regions.OTC_REGIONS, "OTC"))]
    bucket: ObsBucket
    endpoint: Url | None = None
    """Defaults to the region's public OBS endpoint."""
    principal: StrictStr | None = None
    """The OBS principal the platform signs as (``domain/ID:user/ID``); granted read by the bucket policy."""
    signed_url_expiry: UrlExpiry = ONE_WEEK

    @property
    def endpoint_url(self) -> str:
        """The S3 API endpoint for this bucket's region."""
        return self.endpoint or f"https://obs.{self.region}.otc.t-systems.com"


class S3CompatibleIntegration(IntegrationBase):
    """Any other store with an S3 API (MinIO, Ceph, SeaweedFS...) at a given endpoint."""

    provider: Literal["s3-compatible"]
    endpoint: Url
    region: Annotated[StrictStr, StringConstraints(pattern=r"^[a-z0-9-]{2,32}$")] = "us-east-1"
    bucket: S3Bucket
    path_style: StrictBool = True
    principal: StrictStr | None = None
    """The store's principal for the platform, granted read by the bucket policy."""

    @property
    def endpoint_url(self) -> str:
        """The S3 API endpoint, as declared."""
        return self.endpoint


AnyIntegration = AwsIntegration | GcpIntegration | AzureIntegration | OtcIntegration | S3CompatibleIntegration
Integration = Annotated[AnyIntegration, Field(discriminator="provider")]
S3Family = AwsIntegration | OtcIntegration | S3CompatibleIntegration


class _NameIndex:
    """A spec's integrations by name, for the list they were indexed from.

    A cache, not part of the spec's value: pydantic compares private attributes, so it compares equal to
    anything, and two specs stay equal whether or not either was looked up.
    """

    def __init__(self) -> None:
        self.of: list[Integration] | None = None
        self.by_name: dict[str, Integration] = {}

    def __eq__(self, other: object) -> bool:
        return True

    __hash__ = None  # type: ignore[assignment]  # equal to everything: not a dict key


KNOWN_LISTED = 20
"""Up to this many integrations, an unknown name's error lists them all; beyond, the closest few."""


class Spec(StrictModel):
    """One organization, its platform, its policy, and its integrations."""

    model_config = ConfigDict(
        extra="forbid",
        validate_default=True,
        json_schema_extra={"title": "Tether integrations spec", "$id": "https://tether.dev/schema/integrations.json"},
    )

    version: Literal[1] = 1
    organization: Organization
    platform: Platform
    policy: OrgPolicy = _fresh(OrgPolicy)
    integrations: list[Integration] = _empty(list)

    @model_validator(mode="after")
    def _default_origins(self) -> Spec:
        """CORS origins default to the platform's, resolved once so every reader agrees."""
        for integration in self.integrations:
            if not integration.cors.origins:
                integration.cors.origins = list(self.platform.origins)
        return self

    _index: _NameIndex = PrivateAttr(default_factory=_NameIndex)

    def integration(self, name: str) -> AnyIntegration:
        """The integration called ``name``; KeyError names the ones that exist (the closest, in a large spec).

        Found by a name index, since review, doctor and signing look up one integration after another:
        built on first use, and again whenever ``integrations`` is another list (a ``model_copy`` keeps
        private attributes, so a copy with other integrations must not find the original's).
        """
        index = self._index
        if index.of is not self.integrations:
            index.of, index.by_name = self.integrations, {i.name: i for i in self.integrations}
        found = index.by_name.get(name)
        if found is not None:
            return found
        names = list(index.by_name)
        if len(names) <= KNOWN_LISTED:
            raise KeyError(f"no integration named {name!r} (known: {', '.join(names) or 'none'})")
        closest = difflib.get_close_matches(name, names, n=3)
        hint = f"closest: {', '.join(closest)}" if closest else "none is close"
        raise KeyError(f"no integration named {name!r} ({len(names):,} integrations; {hint})")

    def group_members(self, group: str) -> Iterator[str]:
        """Emails of a group's members (empty for an unknown group)."""
        yield from self.organization.groups.get(group, [])

"""TTH030 and TTH031: strict client-only data never reaches the platform's servers (R8).

The platform still signs URLs for browsers (a signed URL carries the signer's permission), so the
guard is a bucket-policy Deny of ``s3:GetObject`` to the platform for requests from its own server
networks (``platform.egress_cidrs``). S3 and S3-compatible stores can say that; GCS has no
per-bucket network deny and Azure's network rules are an allow-list that cannot shut out only the
platform's servers, so there the runtime is the only guard and TTH031 says so. Direct Access
integrations grant the platform nothing, so they need no guard.
"""

from __future__ import annotations

from collections.abc import Iterator
from ipaddress import IPv4Network, IPv6Network, ip_network

from policies import iam
from policies.rule import Rule, Subject, Violation
from tether.desired import S3Desired
from tether.desired.s3 import ROLE_PATH, bucket_arn, object_arns, obs_principal, role_name
from tether.spec.model import AwsIntegration, AzureIntegration, GcpIntegration, S3CompatibleIntegration

PRINCIPAL_ARN = "aws:PrincipalArn"


def _platform_reads(subject: Subject) -> bool:
    """Whether the spec grants the platform read access that a guard must fence."""
    integration = subject.integration
    if not integration.strict_client_only or integration.direct_access:
        return False
    return isinstance(integration, AwsIntegration) or getattr(integration, "principal", None) is not None


def _aims_at_platform(statement: iam.Statement, subject: Subject) -> bool:
    integration = subject.integration
    who = iam.principals(statement)
    role = role_name(integration)
    if "*" in who:
        narrowed = [*iam.conditions(statement, "ArnLike", PRINCIPAL_ARN),
                    *iam.conditions(statement, "ArnEquals", PRINCIPAL_ARN)]
        return not narrowed or any(arn.endswith(f":role{ROLE_PATH}{role}") for arn in narrowed)
    if isinstance(integration, AwsIntegration):
        return any(arn.endswith(f"/{role}") for arn in who)
    principal = getattr(integration, "principal", None)
    return principal is not None and (principal in who or obs_principal(principal) in who)


def _covers_objects(statement: iam.Statement, state: S3Desired, prefixes: list[str]) -> bool:
    resources = set(iam.values(statement.get("Resource")))
    whole = {"*", f"{bucket_arn(state.bucket)}/*"}
    return bool(resources & whole) or set(object_arns(state.bucket, prefixes)) <= resources


def _fenced(statement: iam.Statement, wanted: list[IPv4Network | IPv6Network]) -> list[str]:
    """The egress networks a Deny leaves open (all of them when it is not one of ours)."""
    given = set()
    for value in iam.conditions(statement, "IpAddress", "aws:SourceIp"):
        try:
            given.add(ip_network(value, strict=False))
        except ValueError:
            continue
    return [str(cidr) for cidr in wanted if cidr not in given]


def check_guard(subject: Subject) -> Iterator[Violation]:
    """A client-only S3-family bucket denies the platform's servers and the spec declares their networks."""
    state, integration = subject.desired, subject.integration
    if isinstance(state, S3Desired) and integration.strict_client_only and not integration.direct_access \
            and not _platform_reads(subject):
        yield Violation(
            (*subject.at, "strict_client_only"),
            f"{integration.name} is strict client-only but names no principal, so the bucket policy cannot deny "
            "the platform's reads from its server networks",
        )
        return
    if not isinstance(state, S3Desired) or not _platform_reads(subject):
        return
    wanted = subject.spec.platform.egress_cidrs
    if not wanted:
        yield Violation(
            ("platform", "egress_cidrs"),
            f"{subject.integration.name} is strict client-only but platform.egress_cidrs declares no server "
            "networks to deny",
        )
        return
    candidates = [
        s for s in iam.denies(state.policy)
        if iam.covers(iam.values(s.get("Action")), "s3:GetObject")
        and _aims_at_platform(s, subject)
        and _covers_objects(s, state, subject.integration.prefixes)
    ]
    open_networks = min((_fenced(s, wanted) for s in candidates), key=len, default=[str(c) for c in wanted])
    if open_networks:
        yield Violation(
            (*subject.at, "strict_client_only"),
            "the bucket policy does not deny the platform's reads from its server networks "
            f"{', '.join(open_networks)} (aws:SourceIp)",
            "policy",
        )


def check_no_equivalent(subject: Subject) -> Iterator[Violation]:
    """GCS and Azure cannot fence the platform's servers per bucket: say so plainly."""
    integration = subject.integration
    if not integration.strict_client_only or integration.direct_access:
        return
    if isinstance(integration, GcpIntegration):
        why = ("GCS has no per-bucket network deny (that is VPC Service Controls, outside the bucket), so only "
               "the runtime keeps the platform's servers from reading this bucket")
    elif isinstance(integration, AzureIntegration):
        why = ("Azure storage network rules are an allow-list and cannot shut out only the platform's servers "
               "while letting every annotator's browser in, so only the runtime keeps them from reading")
    elif isinstance(integration, S3CompatibleIntegration) and integration.principal:
        # MinIO evaluates bucket policies for anonymous requests only (minio/minio#9530, #14413)
        why = ("some S3-compatible stores ignore named principals in bucket policies (MinIO does), so there the "
               "deny on the platform's principal does nothing and only the runtime keeps its servers from reading; "
               "SeaweedFS and Ceph RGW honour it")
    else:
        return
    yield Violation((*subject.at, "strict_client_only"), why)


GUARD = Rule(
    id="TTH030",
    name="client-only-server-guard",
    description="Strict client-only S3 buckets deny the platform's reads from its declared server networks.",
    severity="mandatory",
    fix="Declare platform.egress_cidrs and the principal the platform reads as (OBS, S3-compatible), and keep the "
    "bucket policy's DenyPlatformServerReads statement.",
    security=8.0,
    check=check_guard,
    parts=frozenset({"policy"}),
)

NO_EQUIVALENT = Rule(
    id="TTH031",
    name="client-only-runtime-only",
    description="On GCS, Azure and stores that ignore policy principals (MinIO) nothing in the bucket stops the "
    "platform's servers: client-only rests on the runtime.",
    severity="advisory",
    fix="Accept it (and waive with that reason), or use Direct Access so the platform holds no grant at all.",
    security=3.0,
    check=check_no_equivalent,
)

"""Each rule on a spec that passes it and on one that fails it: id, file:line and message of the finding.

Failures the spec can cause are written as YAML. Failures only a broken component or a hand edit can
cause (a public access block turned off, a trust policy without the external ID) are the same spec
with the configuration tampered as the pack would see it; the finding still points at the spec line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import pytest

from policies.engine import Report
from tether.desired import Desired, RoleDesired, render
from tether.desired.gcs import OBJECT_VIEWER
from tether.spec.model import AnyIntegration, Spec

from .conftest import BASE, LAB, bend, line_of, public_access_block, tampered

Renderer = Callable[[AnyIntegration, Spec], Desired]
Linted = Callable[..., Report]


@dataclass(frozen=True)
class Case:
    """A spec (and maybe a tampered configuration) and the one finding of ``rule`` it must give."""

    rule: str
    text: str
    integration: str
    where: str
    """Text on the spec line the finding must point at."""
    message: str
    render_one: Renderer = render
    also: tuple[str, ...] = ()
    """Further messages of the same rule at the same line."""


def statements(*extra: dict[str, Any], drop: str = "") -> Callable[[Desired], dict[str, Any]]:
    """Change the bucket policy: drop the statement with Sid ``drop``, add ``extra``."""

    def change(desired: Desired) -> dict[str, Any]:
        policy = desired.policy  # type: ignore[union-attr]
        kept = [s for s in policy["Statement"] if s.get("Sid") != drop]
        return {"policy": {**policy, "Statement": [*kept, *extra]}}

    return change


def role(trust: list[dict[str, Any]] | None = None, grants: list[dict[str, Any]] | None = None) -> Callable[
    [Desired], dict[str, Any]
]:
    """Change the platform role's trust or permission statements."""

    def change(desired: Desired) -> dict[str, Any]:
        current = desired.role  # type: ignore[union-attr]
        if current is None:
            current = RoleDesired("tether-videos", "/tether/", {"Statement": []}, {"Statement": []}, 3600)
        if trust is not None:
            current = replace(current, trust_policy={"Version": "2012-10-17", "Statement": trust})
        if grants is not None:
            current = replace(current, permissions_policy={"Version": "2012-10-17", "Statement": grants})
        return {"role": current}

    return change


PLATFORM = {"AWS": "arn:aws:iam::111122223333:root"}
READ_VIDEOS = {"Sid": "PlatformReadObjects", "Effect": "Allow", "Action": ["s3:GetObject"],
               "Resource": ["arn:aws:s3:::acme-videos/videos/*"]}
CLIENT_ONLY = bend(BASE, "    prefixes: [videos/]\n", "    prefixes: [videos/]\n    strict_client_only: true\n")

FAILING = [
    # TTH001 bucket not public
    Case("TTH001", BASE, "videos", "bucket: {name: acme-videos}", "the public access block leaves IgnorePublicAcls off",
         public_access_block("videos", IgnorePublicAcls=False)),
    Case("TTH001", BASE, "videos", "bucket: {name: acme-videos}",
         "bucket policy statement 'Public' allows everyone (Principal * with no condition fixing its source)",
         tampered("videos", statements({"Sid": "Public", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                                        "Resource": "arn:aws:s3:::acme-videos/videos/*"}))),
    Case("TTH001", BASE, "images", "bucket: {name: acme-images}", "public access prevention is not enforced",
         tampered("images", lambda d: {"public_access_prevention": "inherited"})),
    Case("TTH001", BASE, "audio", "bucket: {account: acmeaudio, container: calls}",
         "container public access is 'Blob', not 'None'",
         tampered("audio", lambda d: {"container_public_access": "Blob"})),
    # TTH002 TLS only
    Case("TTH002", BASE + bend(LAB, "https://s3.lab", "http://s3.lab"), "lab", "endpoint: http://s3.lab.acme.ai",
         "the store's endpoint http://s3.lab.acme.ai is not HTTPS"),
    Case("TTH002", BASE, "videos", "bucket: {name: acme-videos}",
         "the bucket policy does not deny requests made without TLS (aws:SecureTransport false) on the bucket and "
         "its objects", tampered("videos", statements(drop="DenyInsecureTransport"))),
    Case("TTH002", BASE, "audio", "bucket: {account: acmeaudio, container: calls}",
         "the storage account's minimum TLS version is TLS1_0, not TLS1_2 or newer",
         tampered("audio", lambda d: {"minimum_tls_version": "TLS1_0"})),
    # TTH003 / TTH004 encryption at rest
    Case("TTH003", BASE, "videos", "bucket: {name: acme-videos}", "the bucket has no default encryption",
         tampered("videos", lambda d: {"encryption": None})),
    Case("TTH003", BASE, "drones", "bucket: {name: acme-drones}",
         "default encryption uses 'none', not one of AES256, aws:kms, aws:kms:dsse",
         tampered("drones", lambda d: {"encryption": {"SSEAlgorithm": "none"}})),
    Case("TTH004", BASE + LAB, "lab", "endpoint: https://s3.lab.acme.ai",
         "tether cannot set or read default encryption on the S3-compatible store at https://s3.lab.acme.ai"),
    # TTH010 / TTH011 CORS
    Case("TTH010", bend(BASE, "      headers: [Range]\n", "      origins: [https://app.example.com, 'http://x.example.com']\n"),
         "videos", "origins: [https://app.example.com, 'http://x.example.com']", "CORS origin 'http://x.example.com' is not HTTPS"),
    Case("TTH010", bend(BASE, "      headers: [Range]\n", "      origins:\n        - http://app.example.com\n"),
         "videos", "- http://app.example.com", "CORS origin 'http://app.example.com' is not HTTPS"),
    Case("TTH011", bend(BASE, "      headers: [Range]\n", "      methods: [GET, HEAD, PUT, DELETE]\n"),
         "videos", "methods: [GET, HEAD, PUT, DELETE]",
         "CORS allows PUT, DELETE beyond GET/HEAD and cors.reason does not say why"),
    Case("TTH012", bend(BASE, "      headers: [Range]\n", "      headers: ['*']\n"),
         "videos", "headers: ['*']", "CORS allows any request header ('*')"),
    Case("TTH012", bend(BASE, "      headers: [Range]\n", "      headers: [Range]\n      max_age: 3650d\n"),
         "videos", "max_age: 3650d", "CORS preflights may be cached 3650d, above 1d (browsers cap it; a fix would "
         "take that long to reach those that do not)"),
    Case("TTH012", bend(BASE, "    prefixes: [shelves/]\n", "    prefixes: [shelves/]\n    cors: {expose_headers: ['*']}\n"),
         "images", "cors: {expose_headers: ['*']}", "CORS exposes every response header ('*') to pages"),
    # TTH020 URL expiry
    Case("TTH020", bend(BASE, "signed_url_expiry: 12h", "signed_url_expiry: 2d"), "videos", "signed_url_expiry: 2d",
         "signed URLs are meant to live 2d, but URLs signed with the platform role's session credentials die when "
         "the session does, after 12h at most"),
    Case("TTH020", bend(BASE, "max_url_expiry: 7d", "max_url_expiry: 18h"), "images", "signed_url_expiry: 1d",
         "signed URLs live 1d, above policy.max_url_expiry 18h"),
    Case("TTH020", bend(BASE, "max_url_expiry: 7d", "max_url_expiry: 7h") + LAB, "lab", "provider: s3-compatible",
         "s3-compatible integrations cannot set signed_url_expiry, so URLs live the default 7d, above "
         "policy.max_url_expiry 7h"),
    # TTH021 SAS rotation
    Case("TTH021", bend(BASE, "    bucket: {account: acmeaudio, container: calls}\n",
                        "    bucket: {account: acmeaudio, container: calls}\n    sas: {mode: account-key, rotation: 30d}\n"),
         "audio", "sas: {mode: account-key, rotation: 30d}",
         "SAS tokens are rotated every 30d, above policy.max_sas_rotation 7d"),
    Case("TTH022", bend(BASE, "    bucket: {account: acmeaudio, container: calls}\n",
                        "    bucket: {account: acmeaudio, container: calls}\n    sas: {mode: account-key}\n"),
         "audio", "sas: {mode: account-key}",
         "SAS tokens are signed with the account key of acmeaudio: shared-key access stays on for the whole "
         "account, and a leaked token is only revoked by rotating that key"),
    # TTH030 / TTH031 strict client-only
    Case("TTH030", bend(BASE, "    principal: domain/0a1b2c3d:user/9f8e7d6c\n", "    strict_client_only: true\n"),
         "drones", "strict_client_only: true", "drones is strict client-only but names no principal, so the bucket "
         "policy cannot deny the platform's reads from its server networks"),
    Case("TTH030", bend(BASE + LAB, "    principal: arn:aws:iam::000000000000:user/platform\n",
                        "    strict_client_only: true\n"),
         "lab", "strict_client_only: true", "lab is strict client-only but names no principal, so the bucket "
         "policy cannot deny the platform's reads from its server networks"),
    Case("TTH030", bend(CLIENT_ONLY, "  egress_cidrs: [203.0.113.0/24]\n", ""), "videos", "platform:",
         "videos is strict client-only but platform.egress_cidrs declares no server networks to deny"),
    Case("TTH030", CLIENT_ONLY, "videos", "strict_client_only: true",
         "the bucket policy does not deny the platform's reads from its server networks 203.0.113.0/24 "
         "(aws:SourceIp)", tampered("videos", statements(drop="DenyPlatformServerReads"))),
    Case("TTH031", bend(BASE, "    prefixes: [shelves/]\n", "    prefixes: [shelves/]\n    strict_client_only: true\n"),
         "images", "strict_client_only: true",
         "GCS has no per-bucket network deny (that is VPC Service Controls, outside the bucket), so only the runtime "
         "keeps the platform's servers from reading this bucket"),
    # TTH032 direct access grants nothing
    Case("TTH032", bend(BASE, "    external_id: acme-videos-5f1c\n", "    external_id: acme-videos-5f1c\n    direct_access: true\n"),
         "videos", "direct_access: true",
         "Direct Access, yet the platform is granted an IAM role the platform can assume (tether-videos)",
         tampered("videos", role(trust=[{"Effect": "Allow", "Principal": PLATFORM, "Action": "sts:AssumeRole"}]))),
    Case("TTH032", bend(BASE, "    signed_url_expiry: 1d\n", "    signed_url_expiry: 1d\n    direct_access: true\n"),
         "images", "direct_access: true",
         f"Direct Access, yet the platform is granted {OBJECT_VIEWER} on the bucket for serviceAccount:x@y.iam",
         tampered("images", lambda d: {"bucket_bindings": [{"role": OBJECT_VIEWER, "member": "serviceAccount:x@y.iam"}]})),
    # TTH040 role trust
    Case("TTH040", BASE, "videos", "external_id: acme-videos-5f1c",
         "trust statement #1 does not require the external ID 'acme-videos-5f1c' (sts:ExternalId: none)",
         tampered("videos", role(trust=[{"Effect": "Allow", "Principal": PLATFORM, "Action": "sts:AssumeRole"}]))),
    Case("TTH040", BASE, "videos", "external_id: acme-videos-5f1c",
         "trust statement #1 lets any AWS principal assume the role",
         tampered("videos", role(trust=[{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole",
                                         "Condition": {"StringEquals": {"sts:ExternalId": "acme-videos-5f1c"}}}]))),
    Case("TTH040", BASE, "videos", "external_id: acme-videos-5f1c",
         "trust statement 'Partner' lets arn:aws:iam::999988887777:root assume the role, not only the platform's "
         "account 111122223333",
         tampered("videos", role(trust=[{"Sid": "Partner", "Effect": "Allow", "Action": "sts:AssumeRole",
                                         "Principal": {"AWS": [PLATFORM["AWS"], "arn:aws:iam::999988887777:root"]},
                                         "Condition": {"StringEquals": {"sts:ExternalId": "acme-videos-5f1c"}}}]))),
    Case("TTH042", bend(BASE, "external_id: acme-videos-5f1c", "external_id: acme-1234"), "videos",
         "external_id: acme-1234", "the external ID has 9 characters, fewer than 12: short enough to guess"),
    Case("TTH042", BASE.replace("    tags: {owner: ann}\n  - name: images", "    tags: {owner: ann}\n  - name: frames\n"
                                "    provider: aws\n    region: eu-west-2\n    bucket: {name: acme-frames}\n"
                                "    external_id: acme-videos-5f1c  # copied\n    creator: ann@acme.ai\n"
                                "    signed_url_expiry: 1h\n"
                                "    tags: {owner: ann}\n  - name: images"),
         "frames", "acme-videos-5f1c  # copied",
         "the external ID is also videos's, so the platform cannot tell their roles apart"),
    # TTH041 read only on declared prefixes
    Case("TTH041", BASE, "videos", "prefixes: [videos/]",
         "role tether-videos-acme-videos statement 'PlatformReadObjects' grants s3:*: a wildcard grants writes and deletes too",
         tampered("videos", role(grants=[{**READ_VIDEOS, "Action": ["s3:*"]}])),
         also=("role tether-videos-acme-videos statement 'PlatformReadObjects' lists keys outside the declared prefixes "
               "(s3:prefix: any)",)),
    Case("TTH041", BASE, "videos", "prefixes: [videos/]",
         "role tether-videos-acme-videos statement 'PlatformReadObjects' applies to every resource (*)",
         tampered("videos", role(grants=[{**READ_VIDEOS, "Resource": "*"}]))),
    Case("TTH041", BASE, "videos", "prefixes: [videos/]",
         "role tether-videos-acme-videos statement 'PlatformReadObjects' reaches arn:aws:s3:::acme-videos/*, outside the declared "
         "prefixes", tampered("videos", role(grants=[{**READ_VIDEOS, "Resource": ["arn:aws:s3:::acme-videos/*"]}]))),
    Case("TTH041", BASE, "drones", "bucket: {name: acme-drones}",
         "bucket policy statement 'Upload' grants s3:PutObject, which is not read",
         tampered("drones", statements({"Sid": "Upload", "Effect": "Allow", "Principal": {"AWS": ["domain/0a1b2c3d"]},
                                        "Action": "s3:PutObject", "Resource": "arn:aws:s3:::acme-drones/*"}))),
    Case("TTH041", BASE, "images", "prefixes: [shelves/]",
         f"serviceAccount:platform-signer@annotate-prod.iam.gserviceaccount.com's {OBJECT_VIEWER} is not limited to "
         "the declared prefixes shelves/",
         tampered("images", lambda d: {"bucket_bindings": [
             {k: v for k, v in b.items() if k != "condition"} for b in d.bucket_bindings]})),  # type: ignore[union-attr]
    Case("TTH041", bend(BASE, "    groups:\n      - {group: labelers, role: user}\n",
                        "    prefixes: [calls/2026/]\n"), "audio", "prefixes: [calls/2026/]",
         "Storage Blob Data Reader covers the whole container: the prefixes calls/2026/ are enforced by the runtime "
         "only"),
    # TTH051 required tags
    Case("TTH051", bend(BASE, "    signed_url_expiry: 6h\n    tags: {owner: ann}\n", "    signed_url_expiry: 6h\n"),
         "drones", "- name: drones", "missing required tags: owner (policy.required_tags)"),
    Case("TTH051", bend(BASE, "required_tags: [owner]", "required_tags: [owner, cost-center]")
         .replace("    tags: {owner: ann}\n", "    tags: {owner: ann, cost-center: ' '}\n", 1),
         "videos", "tags: {owner: ann, cost-center: ' '}", "missing required tags: cost-center (policy.required_tags)"),
    # TTH060 bucket near annotators
    Case("TTH060", bend(BASE, "region: eu-west-2", "region: us-east-1"), "videos", "region: us-east-1",
         "the bucket is in us-east-1 (north-america) but annotators work in europe, so video may buffer; aws "
         "regions there: eu-central-1, eu-central-2, eu-north-1"),
    Case("TTH060", bend(BASE, "annotator_continents: [europe]", "annotator_continents: [asia, south-america]"),
         "drones", "region: eu-de",
         "the bucket is in eu-de (europe) but annotators work in asia, south-america, so video may buffer"),
]


@pytest.mark.parametrize("case", [pytest.param(c, id=f"{c.rule}-{n}") for n, c in enumerate(FAILING)])
def test_failing_spec_gives_the_finding_at_its_line(case: Case, linted: Linted) -> None:
    report = linted(case.text, case.render_one)
    mine = [f for f in report.findings if f.rule.id == case.rule and f.integration == case.integration]
    line = line_of(case.text, case.where)
    assert sorted((f.location.line, f.message) for f in mine) == sorted((line, m) for m in (case.message, *case.also))
    assert all(f.location.file.endswith("stacks/test/integrations.yaml") for f in mine)
    assert all(f.blocking is f.rule.mandatory for f in mine)


PASSING = [
    pytest.param(rule, BASE, id=f"{rule}-base")
    for rule in ("TTH001", "TTH002", "TTH003", "TTH010", "TTH011", "TTH012", "TTH020", "TTH021", "TTH022", "TTH030",
                 "TTH031", "TTH032", "TTH040", "TTH041", "TTH042", "TTH051", "TTH060")
] + [
    pytest.param("TTH004", BASE, id="TTH004-no-s3-compatible-store"),
    pytest.param("TTH011", bend(BASE, "      headers: [Range]\n",
                                "      methods: [GET, HEAD, PUT]\n      reason: reviewers upload corrected masks\n"),
                 id="TTH011-methods-with-reason"),
    pytest.param("TTH020", bend(BASE, "max_url_expiry: 7d", "max_url_expiry: 1d"), id="TTH020-at-the-maximum"),
    pytest.param("TTH020", bend(BASE, "    signed_url_expiry: 12h\n", ""), id="TTH020-the-aws-default-fits-a-session"),
    pytest.param("TTH020", bend(BASE, "max_url_expiry: 7d", "max_url_expiry: 1h").replace(
        "    creator: ann@acme.ai\n", "    creator: ann@acme.ai\n    direct_access: true\n"), id="TTH020-direct-access"),
    pytest.param("TTH030", CLIENT_ONLY, id="TTH030-guard-rendered"),
    pytest.param("TTH030", bend(CLIENT_ONLY, "  egress_cidrs: [203.0.113.0/24]\n", "").replace(
        "    external_id: acme-videos-5f1c\n", "    external_id: acme-videos-5f1c\n    direct_access: true\n"),
        id="TTH030-direct-access-needs-no-guard"),
    pytest.param("TTH031", bend(BASE, "    prefixes: [shelves/]\n",
                                "    prefixes: [shelves/]\n    strict_client_only: true\n    direct_access: true\n"),
                 id="TTH031-direct-access"),
    pytest.param("TTH060", bend(BASE, "  annotator_continents: [europe]\n", "").replace("eu-west-2", "us-east-1"),
                 id="TTH060-no-continents-declared"),
    pytest.param("TTH060", BASE + bend(LAB, "region: eu-central-1", "region: lab-1"), id="TTH060-unknown-location"),
]


@pytest.mark.parametrize(("rule", "text"), PASSING)
def test_passing_spec_gives_no_finding(rule: str, text: str, linted: Linted) -> None:
    assert [f.message for f in linted(text).findings if f.rule.id == rule] == []


def test_inherited_origin_points_at_the_platform_line(linted: Linted) -> None:
    text = bend(BASE, "origins: [https://app.example.com]", "origins: [https://app.example.com, http://old.example.com]")
    line = line_of(text, "http://old.example.com")
    column = text.splitlines()[line - 1].index("http://old") + 1
    found = {(f.integration, f.location.line, f.location.column, f.field)
             for f in linted(text).findings if f.rule.id == "TTH010"}
    assert found == {(name, line, column, "platform.origins[1]") for name in ("videos", "images", "audio", "drones")}

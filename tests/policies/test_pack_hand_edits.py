"""The pack holds whoever writes the program: grants and public access added outside the spec's
shape, as hand-edited Pulumi resources, are reported, and lint judges the same configuration alike.

Input property names are the engine (camelCase) names of the installed SDKs:
pulumi_aws/iam/role_policy_attachment.py (``role``, ``policyArn``), iam/policy_attachment.py
(``roles``, ``policyArn``), iam/role.py (``assumeRolePolicy``, ``inlinePolicies`` of
``{name, policy}``, ``managedPolicyArns``); pulumi_gcp/storage/bucket_iam_policy.py (``bucket``,
``policyData``), storage/bucket_iam_binding.py (``bucket``, ``role``, ``members``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from policies import iam
from policies.engine import lint
from policies.pack import resources as r
from policies.pack.policies import build
from tether.desired import Desired

from .analyzer import Planned, lint_verdicts, run, verdicts
from .conftest import BASE, TODAY, bend, tampered
from .test_pack import VIDEOS, Case, document, loaded_from, tls_deny
from .test_rules import PLATFORM, role

S3_FULL = "arn:aws:iam::aws:policy/AmazonS3FullAccess"
VIDEOS_ROLE = "tether-videos-acme-videos"
"""The platform role of the videos integration: tether-<integration>-<bucket> (tether.desired.s3.role_name)."""
ROLE = {"name": VIDEOS_ROLE, "path": "/tether/"}
TRUST = {"Effect": "Allow", "Principal": PLATFORM, "Action": "sts:AssumeRole",
         "Condition": {"StringEquals": {"sts:ExternalId": "acme-videos-5f1c"}}}
WEB_IDENTITY = {"Effect": "Allow", "Principal": {"Federated": "token.actions.githubusercontent.com"},
                "Action": "sts:AssumeRoleWithWebIdentity"}
SAML = {"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:saml-provider/corp"},
        "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"]}
WILD = {"Sid": "Everything", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}
DIRECT = bend(BASE, "    external_id: acme-videos-5f1c\n", "    external_id: acme-videos-5f1c\n    direct_access: true\n")


def managed(*arns: str, trust: tuple[dict[str, Any], ...] = (TRUST,)) -> Callable[[Desired], dict[str, Any]]:
    """The platform role with managed policies attached, as lint sees a hand-edited stack."""

    def change(desired: Desired) -> dict[str, Any]:
        current = role(trust=list(trust))(desired)["role"]
        return {"role": replace(current, managed_policy_arns=arns)}

    return change


def gcs_public(member: str) -> Callable[[Desired], dict[str, Any]]:
    return lambda d: {"bucket_bindings": [{"role": "roles/storage.objectViewer", "member": member}]}


VPCE_READ = {"Sid": "FromOurEndpoint", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
             "Resource": "arn:aws:s3:::acme-videos/videos/*",
             "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}}

HAND_EDITS = [
    pytest.param(Case(Planned(r.IAM_ATTACHMENT, "videos-s3-full", {"role": VIDEOS_ROLE, "policyArn": S3_FULL}),
                      frozenset({"TTH041"}), tampered("videos", managed(S3_FULL))), id="role-policy-attachment"),
    pytest.param(Case(Planned(r.IAM_POLICY_ATTACHMENT, "s3-full", {"policyArn": S3_FULL, "roles": [VIDEOS_ROLE]}),
                      frozenset({"TTH041"}), tampered("videos", managed(S3_FULL))), id="policy-attachment"),
    pytest.param(Case(Planned(r.IAM_ROLE, "videos-role", {**ROLE, "assumeRolePolicy": document(TRUST),
                                                          "managedPolicyArns": [S3_FULL]}),
                      frozenset({"TTH041"}), tampered("videos", managed(S3_FULL))), id="role-managed-policy-arns"),
    pytest.param(Case(Planned(r.IAM_ROLE, "videos-role", {**ROLE, "assumeRolePolicy": document(TRUST),
                                                          "inlinePolicies": [{"name": "all", "policy": document(WILD)}]}),
                      frozenset({"TTH041"}), tampered("videos", role(trust=[TRUST], grants=[WILD]))),
                 id="role-inline-policies"),
    pytest.param(Case(Planned(r.IAM_ATTACHMENT, "videos-s3-full", {"role": VIDEOS_ROLE, "policyArn": S3_FULL}),
                      frozenset({"TTH032"}), tampered("videos", managed(S3_FULL, trust=())), DIRECT),
                 id="direct-access-attachment"),
    pytest.param(Case(Planned(r.IAM_ROLE, "videos-role", {**ROLE, "assumeRolePolicy": document(TRUST, WEB_IDENTITY)}),
                      frozenset({"TTH040"}), tampered("videos", role(trust=[TRUST, WEB_IDENTITY]))),
                 id="trust-web-identity"),
    pytest.param(Case(Planned(r.IAM_ROLE, "videos-role", {**ROLE, "assumeRolePolicy": document(SAML)}),
                      frozenset({"TTH040"}), tampered("videos", role(trust=[SAML]))), id="trust-saml"),
    pytest.param(Case(Planned(r.IAM_ROLE, "videos-role", {**ROLE, "assumeRolePolicy": document(
        {**TRUST, "Action": None, "NotAction": "sts:TagSession", "Principal": "*"})}),
        frozenset({"TTH040"}), tampered("videos", role(trust=[{**TRUST, "Action": None, "NotAction": "sts:TagSession",
                                                              "Principal": "*"}]))), id="trust-not-action"),
    pytest.param(Case(Planned(r.GCS_POLICY, "images-policy", {"bucket": "b/acme-images", "policyData": json.dumps(
        {"bindings": [{"role": "roles/storage.objectViewer", "members": ["allUsers"]}]})}),
        frozenset({"TTH001", "TTH041"}), tampered("images", gcs_public("allUsers"))), id="gcs-iam-policy-all-users"),
    pytest.param(Case(Planned(r.GCS_BINDING, "images-binding", {"bucket": "acme-images", "role":
                                                                "roles/storage.objectViewer",
                                                                "members": ["allAuthenticatedUsers"]}),
                      frozenset({"TTH001", "TTH041"}), tampered("images", gcs_public("allAuthenticatedUsers"))),
                 id="gcs-iam-binding-all-authenticated"),
    pytest.param(Case(Planned(r.S3_POLICY, "videos-policy", {"bucket": "acme-videos", "policy": document(
        tls_deny("acme-videos"), VPCE_READ)}, VIDEOS), frozenset(),
        tampered("videos", lambda d: {"policy": {"Version": "2012-10-17", "Statement": [tls_deny("acme-videos"),
                                                                                          VPCE_READ]}})),
        id="everyone-through-one-vpc-endpoint-is-not-public"),
    pytest.param(Case(Planned(r.S3_POLICY, "drones-policy", {"bucket": "acme-drones", "policy": document(
        tls_deny("acme-drones"), {**VPCE_READ, "Resource": "arn:aws:s3:::acme-drones/*"})}), frozenset({"TTH001"}),
        tampered("drones", lambda d: {"policy": {"Version": "2012-10-17", "Statement": [
            tls_deny("acme-drones"), {**VPCE_READ, "Resource": "arn:aws:s3:::acme-drones/*"}]}})),
        id="obs-knows-no-vpc-endpoints-so-it-is-public"),
    pytest.param(Case(Planned(r.S3_CORS[0], "videos-cors", {"bucket": "acme-videos", "corsRules": [
        {"allowedOrigins": ["https://app.example.com"], "allowedMethods": ["GET"], "allowedHeaders": ["*"],
         "maxAgeSeconds": 315360000.0}]}, VIDEOS), frozenset({"TTH012"}),
        tampered("videos", lambda d: {"cors_rules": [{"AllowedOrigins": ["https://app.example.com"],
                                                      "AllowedMethods": ["GET"], "AllowedHeaders": ["*"],
                                                      "MaxAgeSeconds": 315360000}]})), id="s3-cors-any-header"),
    pytest.param(Case(Planned(r.AZ_BLOB_SERVICE, "audio-blob", {"accountName": "acmeaudio", "cors": {"corsRules": [
        {"allowedOrigins": ["https://app.example.com"], "allowedMethods": ["GET"], "allowedHeaders": ["Range"],
         "exposedHeaders": ["*"], "maxAgeInSeconds": 3600}]}}), frozenset({"TTH012"}),
        tampered("audio", lambda d: {"cors": [{"allowedOrigins": ["https://app.example.com"], "allowedMethods": ["GET"],
                                               "allowedHeaders": ["Range"], "exposedHeaders": ["*"],
                                               "maxAgeInSeconds": 3600}]})), id="azure-cors-expose-all"),
]


@pytest.mark.parametrize("case", HAND_EDITS)
def test_the_pack_catches_what_a_hand_edited_program_adds(case: Case, write: Callable[..., str]) -> None:
    loaded = loaded_from(write, case.text)
    pack, _ = verdicts(run(build(loaded, TODAY), [case.resource], stack=False))
    expected, _ = lint_verdicts(lint(loaded, TODAY, case.render_one))
    assert pack == expected
    assert {rule for rule, *_ in pack} == case.rules


def test_a_managed_policy_attachment_names_the_policy_and_the_spec_line(write: Callable[..., str]) -> None:
    loaded = loaded_from(write, BASE)
    attachment = Planned(r.IAM_ATTACHMENT, "videos-s3-full", {"role": VIDEOS_ROLE, "policyArn": S3_FULL})
    [reported] = run(build(loaded, TODAY), [attachment], stack=False)
    assert reported.policy == "tth041-read-only-on-prefixes"
    assert reported.message.startswith(f"videos: role {VIDEOS_ROLE} has the managed policy {S3_FULL} attached")


# "The meaning of 'public'" (S3 User Guide, access-control-block-public-access.html) and the S3 API's
# PublicAccessBlockConfiguration: a policy is non-public only when it grants to fixed values (no
# wildcard, no policy variable) of a principal or of aws:SourceIp, aws:SourceArn, aws:SourceVpc,
# aws:SourceVpce, aws:SourceOwner, aws:SourceAccount, s3:x-amz-server-side-encryption-aws-kms-key-id,
# aws:userid (outside "AROLEID:*"). The guide's own pair: StringLike aws:SourceVpc "vpc-*" is public,
# StringEquals aws:SourceVpc "vpc-91237329" is not.
EVERYONE = {"Principal": "*", "Resource": "*", "Action": "s3:PutObject", "Effect": "Allow"}
PUBLIC_EXAMPLES = [
    pytest.param({**EVERYONE, "Condition": {"StringLike": {"aws:SourceVpc": "vpc-*"}}}, True, id="guide-vpc-wildcard"),
    pytest.param({**EVERYONE, "Condition": {"StringEquals": {"aws:SourceVpc": "vpc-91237329"}}}, False,
                 id="guide-vpc-fixed"),
    pytest.param(EVERYONE, True, id="no-condition"),
    pytest.param({**EVERYONE, "Principal": {"AWS": ["*"]}}, True, id="aws-star-in-a-list"),
    pytest.param({**EVERYONE, "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}}, False,
                 id="fixed-vpc-endpoint"),
    pytest.param({**EVERYONE, "Condition": {"IpAddress": {"aws:SourceIp": ["192.0.2.0/24", "203.0.113.7/32"]}}},
                 False, id="fixed-cidrs"),
    pytest.param({**EVERYONE, "Condition": {"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}}, True, id="every-address"),
    pytest.param({**EVERYONE, "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}}}, False,
                 id="fixed-source-account"),
    pytest.param({**EVERYONE, "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:cloudtrail:*"}}}, True,
                 id="wildcard-source-arn"),
    pytest.param({**EVERYONE, "Condition": {"StringEquals": {"aws:SourceOwner": "${aws:username}"}}}, True,
                 id="policy-variable"),
    pytest.param({**EVERYONE, "Condition": {"StringEqualsIfExists": {"aws:SourceVpce": "vpce-1a2b3c4d"}}}, True,
                 id="if-exists-lets-requests-without-the-key-in"),
    pytest.param({**EVERYONE, "Condition": {"StringEquals": {"aws:userid": "AROLEID:*"}}}, True,
                 id="userid-role-pattern"),
    pytest.param({**EVERYONE, "Condition": {"StringEquals": {"s3:prefix": "videos/"}}}, True,
                 id="a-key-that-does-not-narrow-who"),
    pytest.param({**EVERYONE, "Principal": {"AWS": "arn:aws:iam::111122223333:root"}}, False, id="fixed-principal"),
    pytest.param({"NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"}, "Resource": "*", "Action": "s3:*",
                  "Effect": "Allow"}, True, id="allow-not-principal"),
    pytest.param({**EVERYONE, "Effect": "Deny"}, False, id="deny"),
]


@pytest.mark.parametrize(("statement", "public"), PUBLIC_EXAMPLES)
def test_public_means_what_s3_block_public_access_means(statement: dict[str, Any], public: bool) -> None:
    assert iam.public(statement) is public

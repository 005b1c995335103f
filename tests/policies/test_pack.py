"""The pack's validation functions, called directly with constructed resource arguments, give the same
verdicts as lint on the same integration; the components' own graph gives lint's verdicts too.

No PolicyPack is constructed here (it serves gRPC and never returns): ``build`` returns the policies.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import pytest
from google.protobuf import struct_pb2
from pulumi.runtime import proto
from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, StackValidationPolicy
from pulumi_policy.policy import _PolicyAnalyzerServicer
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE

from components.graph import build_graph
from policies.engine import lint
from policies.pack import resources as r
from policies.pack.policies import WAIVERS_POLICY, build
from policies.registry import RULES
from tether.desired import Desired, render
from tether.spec import LoadedSpec, load_spec
from tether.spec.model import AnyIntegration, Spec

from .analyzer import Planned, component, lint_verdicts, run, verdicts
from .conftest import BASE, LAB, TODAY, bend, public_access_block, tampered
from .test_cli import EXAMPLES, ROOT
from .test_rules import CLIENT_ONLY, PLATFORM, READ_VIDEOS, role, statements
from .test_waivers import WAIVED

Renderer = Callable[[AnyIntegration, Spec], Desired]
VIDEOS = component("AwsIntegration", "videos")
SIGNER = "serviceAccount:platform-signer@annotate-prod.iam.gserviceaccount.com"
CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe"
CONTAINER_SCOPE = ("/subscriptions/0/resourceGroups/rg-audio/providers/Microsoft.Storage/storageAccounts/acmeaudio"
                   "/blobServices/default/containers/calls")


def tls_deny(bucket: str) -> dict[str, Any]:
    return {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}


def document(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def loaded_from(write: Callable[..., str], text: str) -> LoadedSpec:
    return load_spec(write(text))


def test_every_rule_becomes_policies_at_its_enforcement_level(write: Callable[..., str]) -> None:
    policies = build(loaded_from(write, BASE), TODAY)
    names = [p.name for p in policies]
    assert len(names) == len(set(names))
    level = {"mandatory": EnforcementLevel.MANDATORY, "advisory": EnforcementLevel.ADVISORY}
    for rule in RULES:
        mine = [p for p in policies if p.name.startswith(f"{rule.id.lower()}-{rule.name}")]
        kinds = {type(p) for p in mine}
        assert kinds == ({ResourceValidationPolicy, StackValidationPolicy} if rule.parts else {StackValidationPolicy})
        assert {p.enforcement_level for p in mine} == {level[rule.severity]}
        assert all(p.description == f"{rule.id}: {rule.description}" for p in mine)
    assert policies[-1].name == WAIVERS_POLICY and policies[-1].enforcement_level == EnforcementLevel.ADVISORY


@dataclass(frozen=True)
class Case:
    """One constructed resource, and the tampered configuration lint must judge the same way."""

    resource: Planned
    rules: frozenset[str]
    render_one: Renderer = render
    text: str = BASE


PAB = {"bucket": "acme-videos", "blockPublicAcls": True, "ignorePublicAcls": True, "blockPublicPolicy": True,
       "restrictPublicBuckets": True}
CASES = [
    pytest.param(Case(Planned(r.S3_PUBLIC_ACCESS_BLOCK, "videos-pab", {**PAB, "ignorePublicAcls": False}, VIDEOS),
                      frozenset({"TTH001"}), public_access_block("videos", IgnorePublicAcls=False)),
                 id="public-access-block-off"),
    pytest.param(Case(Planned(r.S3_PUBLIC_ACCESS_BLOCK, "videos-pab", PAB, VIDEOS), frozenset()), id="clean"),
    pytest.param(Case(Planned(r.S3_PUBLIC_ACCESS_BLOCK, "other-pab", {**PAB, "bucket": "not-in-the-spec",
                                                                      "blockPublicAcls": False}), frozenset()),
                 id="outside-the-spec"),
    pytest.param(Case(Planned(r.S3_CORS[0], "videos-cors", {"bucket": "acme-videos", "corsRules": [
        {"allowedOrigins": ["*"], "allowedMethods": ["GET", "HEAD", "PUT"], "maxAgeSeconds": 3600.0}]}),
        frozenset({"TTH010", "TTH011"}),
        tampered("videos", lambda d: {"cors_rules": [{"AllowedOrigins": ["*"], "AllowedMethods": ["GET", "HEAD", "PUT"]}]})),
        id="cors-by-bucket-name"),
    pytest.param(Case(Planned(r.S3_CORS[1], "videos-cors", {"bucket": "acme-videos", "corsRules": [
        {"allowedOrigins": ["http://app.example.com"], "allowedMethods": ["GET"]}]}, VIDEOS), frozenset({"TTH010"}),
        tampered("videos", lambda d: {"cors_rules": [{"AllowedOrigins": ["http://app.example.com"],
                                                      "AllowedMethods": ["GET"]}]})), id="cors-v2-type"),
    pytest.param(Case(Planned(r.S3_POLICY, "videos-policy", {"bucket": "acme-videos", "policy": document()}, VIDEOS),
                      frozenset({"TTH002"}), tampered("videos", statements(drop="DenyInsecureTransport"))),
                 id="no-tls-deny"),
    pytest.param(Case(Planned(r.IAM_ROLE, "videos-role", {"name": "tether-videos-acme-videos", "path": "/tether/",
                                                          "assumeRolePolicy": document({"Effect": "Allow", "Principal": PLATFORM,
                                                                                        "Action": "sts:AssumeRole"})}),
                      frozenset({"TTH040"}),
                      tampered("videos", role(trust=[{"Effect": "Allow", "Principal": PLATFORM, "Action": "sts:AssumeRole"}]))),
                 id="trust-without-external-id"),
    pytest.param(Case(Planned(r.IAM_ROLE_POLICY, "videos-read", {"role": "tether-videos-acme-videos", "policy": document(
        {**READ_VIDEOS, "Action": ["s3:*"], "Resource": "*"})}), frozenset({"TTH041"}),
        tampered("videos", role(grants=[{**READ_VIDEOS, "Action": ["s3:*"], "Resource": "*"}]))),
        id="wildcard-grant"),
    pytest.param(Case(Planned(r.S3_POLICY, "drones-policy", {"bucket": "acme-drones", "policy": document(
        tls_deny("acme-drones"), {"Sid": "Anyone", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                                  "Resource": "arn:aws:s3:::acme-drones/*"})}), frozenset({"TTH001"}),
        tampered("drones", statements({"Sid": "Anyone", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                                       "Resource": "arn:aws:s3:::acme-drones/*"}))), id="obs-public-read"),
    pytest.param(Case(Planned(r.GCS_BUCKET, "images-bucket", {"name": "acme-images", "uniformBucketLevelAccess": False,
                                                              "publicAccessPrevention": "inherited", "cors": [
        {"origins": ["https://app.example.com"], "methods": ["GET", "HEAD"], "maxAgeSeconds": 3600.0}]}),
        frozenset({"TTH001"}),
        tampered("images", lambda d: {"public_access_prevention": "inherited", "uniform_bucket_level_access": False})),
        id="gcs-public"),
    pytest.param(Case(Planned(r.GCS_MEMBER, "images-viewer", {"bucket": "acme-images", "role": "roles/storage.objectViewer",
                                                              "member": SIGNER}), frozenset({"TTH041"}),
                      tampered("images", lambda d: {"bucket_bindings": [{"role": "roles/storage.objectViewer",
                                                                         "member": SIGNER}]})),
                 id="gcs-read-beyond-prefixes"),
    pytest.param(Case(Planned(r.GCS_MEMBER, "images-viewer", {"bucket": "b/acme-images", "role": "roles/storage.objectViewer",
                                                              "member": SIGNER}), frozenset({"TTH032"}),
                      tampered("images", lambda d: {"bucket_bindings": [{"role": "roles/storage.objectViewer",
                                                                         "member": SIGNER}]}),
                      bend(BASE, "    signed_url_expiry: 1d\n", "    signed_url_expiry: 1d\n    direct_access: true\n")),
                 id="gcs-direct-access-grant"),
    pytest.param(Case(Planned(r.AZ_ACCOUNT, "audio-account", {"accountName": "acmeaudio", "enableHttpsTrafficOnly": False,
                                                              "minimumTlsVersion": "TLS1_0", "allowBlobPublicAccess": True}),
                      frozenset({"TTH001", "TTH002"}),
                      tampered("audio", lambda d: {"https_only": False, "minimum_tls_version": "TLS1_0",
                                                   "allow_blob_public_access": True})), id="azure-account"),
    pytest.param(Case(Planned(r.AZ_CONTAINER, "audio-container", {"accountName": "acmeaudio", "containerName": "calls",
                                                                  "publicAccess": "Container"}), frozenset({"TTH001"}),
                      tampered("audio", lambda d: {"container_public_access": "Container"})), id="azure-container"),
    pytest.param(Case(Planned(r.AZ_ROLE, "audio-contributor", {
        "roleDefinitionId": f"/subscriptions/0/providers/Microsoft.Authorization/roleDefinitions/{CONTRIBUTOR}",
        "principalId": "4b1d9e22-7c3a-4f5e-8a6b-1c2d3e4f5a6b", "scope": CONTAINER_SCOPE}), frozenset({"TTH041"}),
        tampered("audio", lambda d: {"role_assignments": [*d.role_assignments,  # type: ignore[union-attr]
                                                          {"role_id": CONTRIBUTOR, "role": CONTRIBUTOR}]})),
        id="azure-role-beyond-read"),
]


@pytest.mark.parametrize("case", CASES)
def test_resource_policies_judge_a_resource_as_lint_judges_its_integration(
    case: Case, write: Callable[..., str]
) -> None:
    loaded = loaded_from(write, case.text)
    pack, _ = verdicts(run(build(loaded, TODAY), [case.resource], stack=False))
    expected, _ = lint_verdicts(lint(loaded, TODAY, case.render_one))
    assert pack == expected
    assert {rule for rule, *_ in pack} == case.rules


def test_a_setting_missing_from_the_stack_is_reported_by_the_stack_policy(write: Callable[..., str]) -> None:
    loaded = loaded_from(write, BASE)
    bucket = Planned("aws:s3/bucket:Bucket", "videos-bucket", {"bucket": "acme-videos"}, VIDEOS)
    stack = [
        Planned("tether:storage:AwsIntegration", "videos", {}, None, VIDEOS),
        bucket,
        Planned(r.S3_POLICY, "videos-policy", {"bucket": "acme-videos", "policy": document(tls_deny("acme-videos"))},
                VIDEOS),
    ]
    reported = run(build(loaded, TODAY), stack, resources=False)
    assert sorted((x.policy, x.message.split("\n")[0], x.urn) for x in reported) == [
        ("tth001-bucket-not-public-stack", "videos: the bucket has no S3 public access block (the stack has no "
         "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock for it)", bucket.urn),
        ("tth003-encrypted-at-rest-stack", "videos: the bucket has no default encryption (the stack has no "
         f"{r.S3_ENCRYPTION[0]} or {r.S3_ENCRYPTION[1]} for it)", bucket.urn),
    ]
    pack, _ = verdicts(reported)
    expected, _ = lint_verdicts(lint(loaded, TODAY, tampered("videos", lambda d: {
        "public_access_block": None, "encryption": None})))
    assert pack == expected


def test_spec_rules_are_judged_for_every_integration_even_without_resources(write: Callable[..., str]) -> None:
    loaded = loaded_from(write, bend(BASE, "required_tags: [owner]", "required_tags: [owner, team]"))
    reported = run(build(loaded, TODAY), [])
    assert sorted((x.policy, x.message.split("\n")[0], x.urn) for x in reported) == [
        ("tth051-required-tags", f"{name}: missing required tags: team (policy.required_tags)", None)
        for name in ("audio", "drones", "images", "videos")
    ]


@pytest.mark.parametrize(("today", "blocked"), [(date(2026, 6, 30), False), (date(2026, 7, 1), True)])
def test_waivers_hold_at_deploy_time_until_they_expire(today: date, blocked: bool, write: Callable[..., str]) -> None:
    loaded = loaded_from(write, WAIVED)
    cors = Planned(r.S3_CORS[0], "videos-cors", {"bucket": "acme-videos", "corsRules": [
        {"allowedOrigins": ["https://app.example.com"], "allowedMethods": ["GET", "HEAD", "PUT"]}]}, VIDEOS)
    reported = run(build(loaded, today), [cors])
    rule_says = [x.message.split("\n")[0] for x in reported if x.policy == "tth011-cors-read-methods"]
    waivers_say = [x.message for x in reported if x.policy == WAIVERS_POLICY]
    finding = "CORS allows PUT beyond GET/HEAD and cors.reason does not say why"
    assert rule_says == ([f"videos: {finding}"] if blocked else [])
    expired = "videos: the waiver of TTH011 expired on 2026-06-30 and no longer waives"
    waived = (f"videos: TTH011 waived until 2026-06-30 (uploads from the review tool until its API lands): {finding}")
    assert waivers_say == [expired if blocked else waived]


def planned_graph(loaded: LoadedSpec) -> list[Planned]:
    return [Planned(p.type, p.name, p.inputs, p.parent, p.urn) for p in build_graph(loaded.spec)]


def change_inputs(kind: str, name: str, change: Callable[[dict[str, Any]], dict[str, Any] | None]) -> Callable[
    [list[Planned]], list[Planned]
]:
    """Edit (or, returning None, drop) the inputs of one registered resource, as a broken component would."""

    def edit(graph: list[Planned]) -> list[Planned]:
        out = []
        for item in graph:
            if item.type == kind and item.name == name:
                props = change(dict(item.props))
                if props is None:
                    continue
                item = replace(item, props=props)
            out.append(item)
        return out

    return edit


BRIDGE = [
    pytest.param(BASE + LAB, None, render, {"TTH004"}, id="base"),
    pytest.param(bend(BASE, "      headers: [Range]\n", "      origins: ['http://app.example.com']\n      methods: [GET, PUT]\n"),
                 None, render, {"TTH010", "TTH011"}, id="cors"),
    pytest.param(bend(CLIENT_ONLY, "  egress_cidrs: [203.0.113.0/24]\n", ""), None, render, {"TTH030"},
                 id="client-only-no-egress"),
    pytest.param(CLIENT_ONLY, change_inputs(r.S3_POLICY, "videos-policy", lambda p: {
        **p, "policy": document(tls_deny("acme-videos"))}), tampered("videos", statements(drop="DenyPlatformServerReads")),
        {"TTH030"}, id="client-only-guard-dropped"),
    pytest.param(bend(BASE, "    prefixes: [shelves/]\n", "    prefixes: [shelves/]\n    strict_client_only: true\n"),
                 None, render, {"TTH031"}, id="gcs-client-only"),
    pytest.param(bend(BASE, "    groups:\n      - {group: labelers, role: user}\n", "    prefixes: [calls/]\n"),
                 None, render, {"TTH041"}, id="azure-prefixes"),
    pytest.param(bend(BASE, "region: eu-west-2", "region: sa-east-1").replace("required_tags: [owner]",
                                                                             "required_tags: [owner, team]"),
                 None, render, {"TTH051", "TTH060"}, id="far-region-and-tags"),
    pytest.param(BASE + bend(LAB, "https://s3.lab", "http://s3.lab"), None, render, {"TTH002", "TTH004"},
                 id="plain-http-store"),
    pytest.param(WAIVED, None, render, {"TTH011"}, id="waived"),
    pytest.param(bend(BASE, "    principal: domain/0a1b2c3d:user/9f8e7d6c\n", "    strict_client_only: true\n"), None,
                 render, {"TTH030"}, id="obs-client-only-without-principal"),
    pytest.param(bend(BASE, "      headers: [Range]\n", "      headers: ['*']\n      max_age: 30d\n").replace(
        "calls}\n", "calls}\n    sas: {mode: account-key}\n"), None, render, {"TTH012", "TTH022"},
        id="cors-headers-and-account-key"),
    pytest.param(BASE, change_inputs(r.S3_PUBLIC_ACCESS_BLOCK, "videos-public-access-block",
                                     lambda p: {**p, "restrictPublicBuckets": False}),
                 public_access_block("videos", RestrictPublicBuckets=False),
                 {"TTH001"}, id="public-access-block-off"),
    pytest.param(BASE, change_inputs(r.IAM_ROLE, "videos-role", lambda p: {**p, "assumeRolePolicy": document(
        {"Effect": "Allow", "Principal": PLATFORM, "Action": "sts:AssumeRole"})}),
        tampered("videos", role(trust=[{"Effect": "Allow", "Principal": PLATFORM, "Action": "sts:AssumeRole"}])),
        {"TTH040"}, id="trust-without-external-id"),
    pytest.param(BASE, change_inputs(r.S3_ENCRYPTION[0], "drones-encryption", lambda p: None),
                 tampered("drones", lambda d: {"encryption": None}), {"TTH003"}, id="encryption-dropped"),
]


@pytest.mark.parametrize(("text", "edit", "render_one", "rules"), BRIDGE)
def test_the_components_graph_gets_lints_verdicts(
    text: str, edit: Callable[[list[Planned]], list[Planned]] | None, render_one: Renderer, rules: set[str],
    write: Callable[..., str],
) -> None:
    loaded = loaded_from(write, text)
    graph = planned_graph(loaded)
    violations, waived = verdicts(run(build(loaded, TODAY), edit(graph) if edit else graph))
    assert (violations, waived) == lint_verdicts(lint(loaded, TODAY, render_one))
    assert {v[0] for v in violations} | {w[0] for w in waived} == rules


@pytest.mark.parametrize(("example", "rules"), list(zip(EXAMPLES, [{"TTH004", "TTH060"}, {"TTH022", "TTH031"}], strict=True)))
def test_the_example_stacks_get_lints_verdicts(example: str, rules: set[str]) -> None:
    loaded = load_spec(str(ROOT / example))
    violations, waived = verdicts(run(build(loaded, TODAY), planned_graph(loaded)))
    assert (violations, waived) == lint_verdicts(lint(loaded, TODAY))
    assert {v[0] for v in violations} | {w[0] for w in waived} == rules


def _struct(values: dict[str, Any]) -> struct_pb2.Struct:
    found = struct_pb2.Struct()
    found.update(values)
    return found


def test_the_analyzer_reports_a_mandatory_violation_with_the_spec_line(write: Callable[..., str]) -> None:
    loaded = loaded_from(write, BASE)
    analyzer = _PolicyAnalyzerServicer("tether", "0.0.1", build(loaded, TODAY), EnforcementLevel.MANDATORY)
    request = proto.AnalyzeRequest(type=r.S3_PUBLIC_ACCESS_BLOCK, urn=f"{VIDEOS}$x::videos-pab", name="videos-pab",
                                   properties=_struct({**PAB, "blockPublicPolicy": False}),
                                   options=proto.AnalyzerResourceOptions(parent=VIDEOS))
    [diagnostic] = analyzer.Analyze(request, None).diagnostics
    assert (diagnostic.policyName, diagnostic.enforcementLevel) == ("tth001-bucket-not-public", proto.MANDATORY)
    where = lint(loaded, TODAY, public_access_block("videos", BlockPublicPolicy=False)).findings[0].location
    assert diagnostic.message == (
        "TTH001: The bucket is not public: access is blocked on every path but the platform's grant.\n"
        "videos: the public access block leaves BlockPublicPolicy off\n"
        f"fix: {RULES[0].fix}\nspec: {where}"
    )


def test_an_unknown_value_in_preview_is_advisory_not_a_violation(write: Callable[..., str]) -> None:
    analyzer = _PolicyAnalyzerServicer("tether", "0.0.1", build(loaded_from(write, BASE), TODAY),
                                       EnforcementLevel.MANDATORY)
    request = proto.AnalyzeRequest(type=r.S3_PUBLIC_ACCESS_BLOCK, urn=f"{VIDEOS}$x::pab", name="pab",
                                   properties=_struct({**PAB, "bucket": UNKNOWN_STRING_VALUE}))
    [diagnostic] = analyzer.Analyze(request, None).diagnostics
    assert diagnostic.enforcementLevel == proto.ADVISORY
    assert "during preview: string value at .bucket can't be known during preview" in diagnostic.message


def test_stack_policies_tolerate_unknown_values(write: Callable[..., str]) -> None:
    """An unknown bucket policy is neither judged nor reported missing; the resource policy judges it at `up`."""
    loaded = loaded_from(write, BASE)
    analyzer = _PolicyAnalyzerServicer("tether", "0.0.1", build(loaded, TODAY), EnforcementLevel.MANDATORY)
    items = planned_graph(loaded)
    resources = [
        proto.AnalyzerResource(
            type=i.type, urn=i.urn, name=i.name, parent=i.parent or "",
            properties=_struct({**i.props, "policy": UNKNOWN_STRING_VALUE} if i.type == r.S3_POLICY else dict(i.props)),
        )
        for i in items
    ]
    diagnostics = analyzer.AnalyzeStack(proto.AnalyzeStackRequest(resources=resources), None).diagnostics
    assert [(d.policyName, d.message) for d in diagnostics] == []

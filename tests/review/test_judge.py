"""Each kind of spec edit decided against its author: the rule, the plain reason, and the fix."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from runtime.review import Kind

from .conftest import BOB_ADMIN, DEV, add_member, edited, judged, without_block

NEW_INTEGRATION = """
  - name: street-signs
    provider: gcp
    project: acme-vision-dev
    region: europe-west2
    bucket: {name: acme-vision-dev-street-signs}
    creator: CREATOR
    groups: [{group: labelers, role: user}]
    tags: {cost-center: maps}
"""
MEDICAL = ("  # AWS, strict client-only", "  # GCP:")


@dataclass(frozen=True)
class Case:
    head: str
    actor: str
    kind: Kind
    allowed: bool
    rule: str
    reason: str
    fix: str | None = None


CASES = {
    "admin adds a user": Case(
        edited(add_member("erin@acme-vision.ai", "user")),
        "alice@acme-vision.ai",
        Kind.MEMBER_ADDED,
        True,
        "R2",
        "alice@acme-vision.ai is an Admin as its creator",
    ),
    "a user cannot add users": Case(
        edited(add_member("erin@acme-vision.ai", "user")),
        "carol@acme-vision.ai",
        Kind.MEMBER_ADDED,
        False,
        "R2",
        "carol@acme-vision.ai is a User through group labelers, and only Admins add users and groups: "
        "ask an Admin of traffic-video",
        "ask an Admin of traffic-video (alice@acme-vision.ai, bob@acme-vision.ai) to add erin@acme-vision.ai",
    ),
    "an Admin cannot remove an individual Admin": Case(
        edited(("    members:\n" + BOB_ADMIN, "")),
        "alice@acme-vision.ai",
        Kind.MEMBER_REMOVED,
        False,
        "R6",
        "an individual Admin of traffic-video can be removed only by an organization admin",
        "ask an organization admin (olivia@acme-vision.ai) to remove Admin bob@acme-vision.ai from traffic-video",
    ),
    "an org admin removes an individual Admin": Case(
        edited(("    members:\n" + BOB_ADMIN, "")),
        "olivia@acme-vision.ai",
        Kind.MEMBER_REMOVED,
        True,
        "R6",
        "olivia@acme-vision.ai is an organization admin",
    ),
    "demoting an Admin is removing one": Case(
        edited((BOB_ADMIN, BOB_ADMIN.replace("admin", "user"))),
        "bob@acme-vision.ai",
        Kind.MEMBER_ROLE_CHANGED,
        False,
        "R6",
        "an individual Admin of traffic-video can be removed only by an organization admin",
        "ask an organization admin (olivia@acme-vision.ai) to remove Admin bob@acme-vision.ai from traffic-video",
    ),
    "an org admin adding themselves as Admin joins": Case(
        edited(add_member("olivia@acme-vision.ai", "admin")),
        "olivia@acme-vision.ai",
        Kind.MEMBER_ADDED,
        True,
        "R7",
        "olivia@acme-vision.ai is an organization admin: joining makes them an Admin of traffic-video",
    ),
    "an org admin adding themselves as User is not a join": Case(
        edited(add_member("olivia@acme-vision.ai", "user")),
        "olivia@acme-vision.ai",
        Kind.MEMBER_ADDED,
        False,
        "R2",
        "olivia@acme-vision.ai is not a member of traffic-video, and only Admins add users and groups: join it first",
        "ask an Admin of traffic-video (alice@acme-vision.ai, bob@acme-vision.ai) to add olivia@acme-vision.ai",
    ),
    "only the creator deletes": Case(
        without_block(*MEDICAL),
        "olivia@acme-vision.ai",
        Kind.INTEGRATION_REMOVED,
        False,
        "R3",
        "only the creator, bob@acme-vision.ai, may delete medical-scans",
        "ask the creator, bob@acme-vision.ai, to delete it",
    ),
    "the creator deletes": Case(
        without_block(*MEDICAL),
        "bob@acme-vision.ai",
        Kind.INTEGRATION_REMOVED,
        True,
        "R3",
        "bob@acme-vision.ai created medical-scans",
    ),
    "client-only is fixed at creation": Case(
        edited(
            (
                "strict_client_only: true\n    signed_url_expiry: 2h",
                "strict_client_only: false\n    signed_url_expiry: 2h",
            )
        ),
        "bob@acme-vision.ai",
        Kind.CLIENT_ONLY_CHANGED,
        False,
        "R8",
        "strict client-only is chosen when an integration is created and cannot be turned on or off later",
        "keep strict_client_only: true; to get strict_client_only: false, create a new integration with it, "
        "move registrations there, then have bob@acme-vision.ai delete medical-scans",
    ),
    "direct access is fixed at creation": Case(
        edited(("direct_access: true", "direct_access: false")),
        "alice@acme-vision.ai",
        Kind.DIRECT_ACCESS_CHANGED,
        False,
        "R9",
        "Direct Access is chosen when an integration is created and cannot be turned on or off later",
        "keep direct_access: true; to get direct_access: false, create a new integration with it, "
        "move registrations there, then have alice@acme-vision.ai delete drone-survey",
    ),
    "CORS widened to plain HTTP, by a User": Case(
        edited(("https://review.acme-vision.ai]", "http://review.acme-vision.ai]")),
        "carol@acme-vision.ai",
        Kind.CORS_CHANGED,
        False,
        "R11",
        "origin http://review.acme-vision.ai is not HTTPS; also carol@acme-vision.ai is not a member of lab-archive, "
        "and only Admins change CORS: ask an Admin of lab-archive",
        "list the exact https:// origins of the web apps that load the data",
    ),
    "CORS narrowed by its Admin": Case(
        edited(
            ("[https://app.annotate.example.com, https://review.acme-vision.ai]", "[https://app.annotate.example.com]")
        ),
        "dan@acme-vision.ai",
        Kind.CORS_CHANGED,
        True,
        "R11",
        "dan@acme-vision.ai is an Admin as its creator",
    ),
    "a new integration by its creator": Case(
        DEV + NEW_INTEGRATION.replace("CREATOR", "erin@acme-vision.ai"),
        "erin@acme-vision.ai",
        Kind.INTEGRATION_ADDED,
        True,
        "R1",
        "erin@acme-vision.ai creates street-signs and becomes its Admin",
    ),
    "a new integration in someone else's name": Case(
        DEV + NEW_INTEGRATION.replace("CREATOR", "erin@acme-vision.ai"),
        "dan@acme-vision.ai",
        Kind.INTEGRATION_ADDED,
        False,
        "R1",
        "street-signs names erin@acme-vision.ai as creator, but dan@acme-vision.ai is creating it: the creator is its author",
        "set creator: dan@acme-vision.ai, or let erin@acme-vision.ai open this change",
    ),
    "a new integration by someone outside the organization": Case(
        DEV + NEW_INTEGRATION.replace("CREATOR", "erin@acme-vision.ai"),
        "mallory@elsewhere.io",
        Kind.INTEGRATION_ADDED,
        False,
        "R1",
        "mallory@elsewhere.io is not a member of organization acme-vision: only members create integrations",
        "ask an organization admin (olivia@acme-vision.ai) to add mallory@elsewhere.io to the organization first",
    ),
    "the creator is fixed": Case(
        edited(("creator: dan@acme-vision.ai", "creator: bob@acme-vision.ai")),
        "dan@acme-vision.ai",
        Kind.CREATOR_CHANGED,
        False,
        "R3",
        "the creator of lab-archive is fixed while dan@acme-vision.ai is in the organization: only they may delete it",
        "keep creator: dan@acme-vision.ai; make bob@acme-vision.ai an Admin instead",
    ),
    "an Admin updates the expiry": Case(
        edited(("signed_url_expiry: 12h", "signed_url_expiry: 1d")),
        "bob@acme-vision.ai",
        Kind.EXPIRY_CHANGED,
        True,
        "R2",
        "bob@acme-vision.ai is an Admin added directly",
    ),
    "a User cannot rotate SAS tokens differently": Case(
        edited(("rotation: 7d", "rotation: 3d")),
        "dan@acme-vision.ai",
        Kind.EXPIRY_CHANGED,
        False,
        "R10",
        "dan@acme-vision.ai is a User through group labelers, and only Admins change how often SAS tokens are "
        "rotated: ask an Admin of call-audio",
        "ask an Admin of call-audio (carol@acme-vision.ai) to make this change",
    ),
    "a User cannot change other settings": Case(
        edited(("prefixes: [videos/, frames/]", "prefixes: [videos/]")),
        "dan@acme-vision.ai",
        Kind.SETTING_CHANGED,
        False,
        "R2",
        "dan@acme-vision.ai is a User through group labelers, and only Admins change prefixes: ask an Admin of traffic-video",
        "ask an Admin of traffic-video (alice@acme-vision.ai, bob@acme-vision.ai) to make this change",
    ),
    "moving the bucket replaces it, so an Admin cannot": Case(
        edited(("name: acme-vision-dev-traffic-video", "name: acme-vision-dev-traffic-video-2")),
        "bob@acme-vision.ai",
        Kind.INTEGRATION_REPLACED,
        False,
        "R3",
        "changing bucket replaces the resources of traffic-video, which deletes them: "
        "only the creator, alice@acme-vision.ai, may delete traffic-video",
        "keep bucket as it is, or ask the creator, alice@acme-vision.ai",
    ),
    "an Admin adopts the bucket no more": Case(
        edited(("existing: true            # adopt", "existing: false            # adopt")),
        "bob@acme-vision.ai",
        Kind.BUCKET_CHANGED,
        True,
        "R2",
        "bob@acme-vision.ai is an Admin as its creator",
    ),
    "a User removes a group": Case(
        edited(("    groups:\n      - group: ml-eng\n        role: user\n", "")),
        "carol@acme-vision.ai",
        Kind.GROUP_REMOVED,
        False,
        "R6",
        "carol@acme-vision.ai is not a member of medical-scans, and only Admins remove users and groups: "
        "ask an Admin of medical-scans",
        "ask an Admin of medical-scans (bob@acme-vision.ai) to make this change",
    ),
    "the creator makes a group Admin": Case(
        edited(
            (
                "creator: carol@acme-vision.ai\n    groups:\n      - group: labelers\n        role: user",
                "creator: carol@acme-vision.ai\n    groups:\n      - group: labelers\n        role: admin",
            )
        ),
        "carol@acme-vision.ai",
        Kind.GROUP_ROLE_CHANGED,
        True,
        "R2",
        "carol@acme-vision.ai is an Admin as its creator",
    ),
    "joining a group is an organization change": Case(
        edited(("ml-eng: [bob@acme-vision.ai]", "ml-eng: [bob@acme-vision.ai, dan@acme-vision.ai]")),
        "dan@acme-vision.ai",
        Kind.ORGANIZATION_CHANGED,
        False,
        "R7",
        "only organization admins change organization.groups.ml-eng (it changes who reaches integrations through the group)",
        "ask an organization admin (olivia@acme-vision.ai) to make this change",
    ),
    "platform origins widened to plain HTTP": Case(
        edited(("    - https://app.annotate.example.com\n", "    - https://app.annotate.example.com\n    - http://b.io\n")),
        "olivia@acme-vision.ai",
        Kind.ORGANIZATION_CHANGED,
        False,
        "R11",
        "origin http://b.io is not HTTPS",
        "list the exact https:// origins of the platform",
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_change(case: Case) -> None:
    result = judged(case.head, case.actor)
    [finding] = result.findings
    verdict = finding.verdict
    assert verdict.change.kind is case.kind
    assert (verdict.decision.allowed, verdict.decision.rule) == (case.allowed, case.rule)
    assert verdict.decision.reason == case.reason
    assert verdict.fix == case.fix
    assert result.allowed is case.allowed


def test_authority_comes_from_before_the_change() -> None:
    head = edited(add_member("carol@acme-vision.ai", "admin"), add_member("erin@acme-vision.ai", "user"))
    result = judged(head, "carol@acme-vision.ai")
    assert [f.verdict.decision.allowed for f in result.findings] == [False, False]


def test_inherited_origins_change_once_at_the_platform() -> None:
    head = edited(
        (
            "    - https://app.annotate.example.com\n",
            "    - https://app.annotate.example.com\n    - https://b.example.com\n",
        )
    )
    result = judged(head, "olivia@acme-vision.ai")
    assert [(f.verdict.change.subject, f.verdict.decision.allowed) for f in result.findings] == [
        ("platform.origins", True)
    ]


def test_no_change_is_allowed() -> None:
    result = judged(DEV, "nobody@else.io")
    assert result.findings == [] and result.allowed
    assert result.summary() == "no changes between base.yaml and head.yaml"

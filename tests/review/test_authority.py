"""The ways round the access rules that a careful adversary found, each closed (issue 13, items 3-6).

The dev stack: olivia is the one organization admin and has joined nothing; alice created
traffic-video (bob is its other Admin, labelers are Users); dan created lab-archive, which waives TTH060.
"""

from __future__ import annotations

from runtime.review import Kind

from .conftest import BOB_ADMIN, DEV, edited, judged

ORG_ADMINS = "  admins:\n    - olivia@acme-vision.ai\n"
LAB_WAIVER = "      - rule: TTH060\n"
NEW_WAIVER = (
    "    waivers:\n      - rule: TTH001\n        reason: long reviews need links that last longer\n"
    "        expires: 2027-01-31\n"
)


def only(head: str, actor: str):  # type: ignore[no-untyped-def]
    [finding] = judged(head, actor).findings
    return finding.verdict


# Item 3: a waiver of an organization rule is an organization change.


def test_an_integration_admin_cannot_waive_an_organization_rule() -> None:
    head = edited(("      cost-center: vision-rnd\n", "      cost-center: vision-rnd\n" + NEW_WAIVER))
    verdict = only(head, "alice@acme-vision.ai")
    assert verdict.change.kind is Kind.WAIVER_ADDED
    assert verdict.change.describe() == "waive TTH001 until 2027-01-31"
    assert not verdict.decision.allowed
    assert verdict.decision.reason == (
        "a waiver sets aside an organization policy rule, so only organization admins add or extend one"
    )
    assert verdict.fix == "ask an organization admin (olivia@acme-vision.ai) to make this change"
    assert only(head, "olivia@acme-vision.ai").decision.allowed


def test_extending_a_waiver_is_an_organization_change() -> None:
    head = edited(("expires: 2027-03-31", "expires: 2099-03-31"))
    verdict = only(head, "dan@acme-vision.ai")
    assert verdict.change.kind is Kind.WAIVER_CHANGED
    assert not verdict.decision.allowed


def test_dropping_a_waiver_only_tightens_and_any_admin_may() -> None:
    start = DEV.index("    waivers:\n")
    head = DEV[:start] + DEV[DEV.index("    tags:\n      cost-center: lab") :]
    verdict = only(head, "dan@acme-vision.ai")
    assert verdict.change.kind is Kind.WAIVER_REMOVED and verdict.decision.allowed
    assert not only(head, "carol@acme-vision.ai").decision.allowed  # not an Admin of lab-archive


# Item 4: the last organization admin stays.


def test_removing_the_last_organization_admin_is_denied_even_to_them() -> None:
    head = edited((ORG_ADMINS, "  admins: []\n"))
    verdict = only(head, "olivia@acme-vision.ai")
    assert not verdict.decision.allowed
    assert verdict.decision.reason == (
        "removing olivia@acme-vision.ai leaves acme-vision without an organization admin: nobody could then change "
        "the organization or remove an individual Admin"
    )
    assert verdict.fix == "name another organization admin in the same change"


def test_handing_over_to_another_organization_admin_is_allowed() -> None:
    head = edited((ORG_ADMINS, "  admins:\n    - erin@acme-vision.ai\n"))
    assert judged(head, "olivia@acme-vision.ai").allowed


# Item 5: when a creator leaves, an organization admin reassigns their integrations.

LEAVES = ("    - dan@acme-vision.ai\n", "")
REASSIGNED = ("creator: dan@acme-vision.ai", "creator: erin@acme-vision.ai")
NOT_IN_LABELERS = ("labelers: [carol@acme-vision.ai, dan@acme-vision.ai]", "labelers: [carol@acme-vision.ai]")


def test_an_organization_admin_reassigns_the_creator_who_left() -> None:
    result = judged(edited(LEAVES, NOT_IN_LABELERS, REASSIGNED), "olivia@acme-vision.ai")
    assert result.allowed, result.text()
    [creator] = [f.verdict for f in result.findings if f.verdict.change.kind is Kind.CREATOR_CHANGED]
    assert creator.decision.reason == (
        "dan@acme-vision.ai leaves organization acme-vision, so organization admin olivia@acme-vision.ai reassigns "
        "lab-archive to erin@acme-vision.ai"
    )


def test_nobody_else_reassigns_a_creator_who_left() -> None:
    result = judged(edited(LEAVES, NOT_IN_LABELERS, REASSIGNED), "erin@acme-vision.ai")
    [creator] = [f.verdict for f in result.findings if f.verdict.change.kind is Kind.CREATOR_CHANGED]
    assert not creator.decision.allowed
    assert creator.fix == "ask an organization admin (olivia@acme-vision.ai) to make this change"


def test_the_creator_of_someone_still_here_is_fixed_even_for_an_organization_admin() -> None:
    verdict = only(edited(REASSIGNED), "olivia@acme-vision.ai")
    assert not verdict.decision.allowed
    assert verdict.decision.reason == (
        "the creator of lab-archive is fixed while dan@acme-vision.ai is in the organization: only they may delete it"
    )


# Item 6: one rule for removing people, whichever way they hold their role.

LABELERS_ON_TRAFFIC = "    groups:\n      - group: labelers\n        role: user\n    signed_url_expiry: 12h"


def test_an_organization_admin_who_has_not_joined_removes_a_user_group() -> None:
    head = edited((LABELERS_ON_TRAFFIC, "    signed_url_expiry: 12h"))
    verdict = only(head, "olivia@acme-vision.ai")
    assert verdict.decision.allowed and verdict.decision.reason == "olivia@acme-vision.ai is an organization admin"


def test_an_organization_admin_who_has_not_joined_removes_a_user() -> None:
    head = edited(("    members:\n      - email: erin@acme-vision.ai\n        role: user\n", ""))
    verdict = only(head, "olivia@acme-vision.ai")
    assert verdict.change.kind is Kind.MEMBER_REMOVED and verdict.decision.allowed


ADMIN_GROUP = (
    "creator: carol@acme-vision.ai\n    groups:\n      - group: labelers\n        role: user",
    "creator: carol@acme-vision.ai\n    groups:\n      - group: labelers\n        role: admin",
)


def test_removing_or_demoting_a_group_that_holds_admin_is_removing_admins() -> None:
    base = edited(ADMIN_GROUP)
    removed = base.replace("    groups:\n      - group: labelers\n        role: admin\n", "", 1)
    for head in (DEV, removed):
        [finding] = judged(head, "carol@acme-vision.ai", base=base).findings
        assert not finding.verdict.decision.allowed
        assert finding.verdict.decision.reason == (
            "group labelers holds Admin on call-audio: removing or demoting it removes Admins, which only an "
            "organization admin may do"
        )
        assert judged(head, "olivia@acme-vision.ai", base=base).allowed


def test_an_admin_still_cannot_remove_an_individual_admin() -> None:
    assert not only(edited(("    members:\n" + BOB_ADMIN, "")), "alice@acme-vision.ai").decision.allowed


NEW_WITH_WAIVER = """
  - name: street-signs
    provider: gcp
    project: acme-vision-dev
    region: europe-west2
    bucket: {name: acme-vision-dev-street-signs}
    creator: erin@acme-vision.ai
    cors:
      origins: [https://app.annotate.example.com, https://signs.example.org]
    waivers:
      - rule: TTH001
        reason: long reviews need links that last longer
        expires: 2027-01-31
"""


def test_a_new_integration_cannot_bring_its_own_waiver() -> None:
    result = judged(DEV + NEW_WITH_WAIVER, "erin@acme-vision.ai")
    verdicts = [(f.verdict.change.kind, f.verdict.decision.allowed) for f in result.findings]
    assert verdicts == [(Kind.INTEGRATION_ADDED, True), (Kind.WAIVER_ADDED, False)]
    assert judged(DEV + NEW_WITH_WAIVER.replace("erin@", "olivia@"), "olivia@acme-vision.ai").allowed


def test_a_new_integration_with_its_own_origins_is_flagged() -> None:
    [created, _] = judged(DEV + NEW_WITH_WAIVER, "erin@acme-vision.ai").findings
    assert created.verdict.flag == "widens who may use the signed URLs: adds origin https://signs.example.org"

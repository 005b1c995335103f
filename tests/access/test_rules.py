"""One table per rule: who is allowed and who is refused, and the exact words they are told."""

from __future__ import annotations

import pytest

from runtime.access import Action, Decision, Grant, Via, decide, grants
from tether.spec.model import Spec

Row = tuple[str, Action, str, Decision]

R1: list[Row] = [
    ("zed@acme.ai", Action.VIEW, "videos", Decision(False, "zed@acme.ai is not a member of organization acme", "R1")),
    ("zed@acme.ai", Action.JOIN, "videos", Decision(False, "zed@acme.ai is not a member of organization acme", "R1")),
]
R2: list[Row] = [
    ("cat@acme.ai", Action.VIEW, "videos", Decision(True, "cat@acme.ai is a User added directly", "R2")),
    ("ben@acme.ai", Action.ADD_MEMBERS, "videos", Decision(True, "ben@acme.ai is an Admin added directly", "R2")),
    ("ann@acme.ai", Action.ADD_MEMBERS, "videos", Decision(True, "ann@acme.ai is an Admin as its creator", "R2")),
    (
        "cat@acme.ai",
        Action.ADD_MEMBERS,
        "videos",
        Decision(
            False,
            "cat@acme.ai is a User added directly, and only Admins add users and groups: ask an Admin of videos",
            "R2",
        ),
    ),
    (
        "nia@acme.ai",
        Action.VIEW,
        "videos",
        Decision(False, "nia@acme.ai is not a member of videos, directly or through a group", "R4"),
    ),
]
R3: list[Row] = [
    ("ann@acme.ai", Action.DELETE, "videos", Decision(True, "ann@acme.ai created videos", "R3")),
    ("ben@acme.ai", Action.DELETE, "videos", Decision(False, "only the creator, ann@acme.ai, may delete videos", "R3")),
    (
        "olga@acme.ai",
        Action.DELETE,
        "videos",
        Decision(False, "only the creator, ann@acme.ai, may delete videos", "R3"),
    ),
    (
        "otto@acme.ai",
        Action.DELETE,
        "videos",
        Decision(False, "only the creator, ann@acme.ai, may delete videos", "R3"),
    ),
]
R4: list[Row] = [
    ("dan@acme.ai", Action.REGISTER, "videos", Decision(True, "dan@acme.ai is a User through group labelers", "R4")),
    ("dan@acme.ai", Action.SIGN, "videos", Decision(True, "dan@acme.ai is a User through group labelers", "R4")),
    (
        "otto@acme.ai",
        Action.SIGN,
        "videos",
        Decision(True, "otto@acme.ai is an Admin having joined as an organization admin", "R4"),
    ),
    (
        "nia@acme.ai",
        Action.REGISTER,
        "videos",
        Decision(
            False,
            "nia@acme.ai is not a member of videos, directly or through a group: an Admin of it must add them",
            "R4",
        ),
    ),
    (
        "olga@acme.ai",
        Action.SIGN,
        "videos",
        Decision(False, "olga@acme.ai is an organization admin but has not joined videos: join it first", "R4"),
    ),
]
R5: list[Row] = [
    ("eve@acme.ai", Action.ADD_MEMBERS, "videos", Decision(True, "eve@acme.ai is an Admin through group leads", "R2")),
    ("dan@acme.ai", Action.VIEW, "audio", Decision(True, "dan@acme.ai is a User through group labelers", "R2")),
]
R6: list[Row] = [
    ("ben@acme.ai", Action.REMOVE_MEMBERS, "videos", Decision(True, "ben@acme.ai is an Admin added directly", "R6")),
    (
        "dan@acme.ai",
        Action.REMOVE_MEMBERS,
        "videos",
        Decision(
            False,
            "dan@acme.ai is a User through group labelers, and only Admins remove users and groups: ask an Admin of videos",
            "R6",
        ),
    ),
    (
        "ann@acme.ai",
        Action.REMOVE_ADMIN,
        "videos",
        Decision(False, "an individual Admin of videos can be removed only by an organization admin", "R6"),
    ),
    ("olga@acme.ai", Action.REMOVE_ADMIN, "videos", Decision(True, "olga@acme.ai is an organization admin", "R6")),
    # Who may remove the most protected (an individual Admin) may remove a User or a group too, joined or not.
    ("olga@acme.ai", Action.REMOVE_MEMBERS, "videos", Decision(True, "olga@acme.ai is an organization admin", "R6")),
]
R7: list[Row] = [
    (
        "olga@acme.ai",
        Action.VIEW,
        "videos",
        Decision(True, "olga@acme.ai is an organization admin, who sees every integration", "R7"),
    ),
    (
        "olga@acme.ai",
        Action.JOIN,
        "videos",
        Decision(True, "olga@acme.ai is an organization admin: joining makes them an Admin of videos", "R7"),
    ),
    (
        "otto@acme.ai",
        Action.JOIN,
        "videos",
        Decision(
            True,
            "otto@acme.ai is an Admin having joined as an organization admin already; joining changes nothing",
            "R7",
        ),
    ),
    (
        "ben@acme.ai",
        Action.JOIN,
        "videos",
        Decision(False, "only organization admins join integrations; ask an Admin of videos to add ben@acme.ai", "R7"),
    ),
    (
        "olga@acme.ai",
        Action.ADD_MEMBERS,
        "videos",
        Decision(
            False, "olga@acme.ai is not a member of videos, and only Admins add users and groups: join it first", "R2"
        ),
    ),
]
R10: list[Row] = [
    ("ben@acme.ai", Action.UPDATE_EXPIRY, "videos", Decision(True, "ben@acme.ai is an Admin added directly", "R2")),
    (
        "cat@acme.ai",
        Action.UPDATE_EXPIRY,
        "videos",
        Decision(
            False,
            "cat@acme.ai is a User added directly, and only Admins change the signed URL expiry: ask an Admin of videos",
            "R2",
        ),
    ),
    (
        "cat@acme.ai",
        Action.UPDATE_EXPIRY,
        "audio",
        Decision(False, "audio is on Azure, which has no custom URL expiry: its SAS tokens are rotated instead", "R10"),
    ),
]


@pytest.mark.parametrize(
    ("user", "action", "integration", "expected"),
    [
        pytest.param(*row, id=f"{rule}-{row[0].split('@')[0]}-{row[1]}-{row[2]}")
        for rule, rows in {"R1": R1, "R2": R2, "R3": R3, "R4": R4, "R5": R5, "R6": R6, "R7": R7, "R10": R10}.items()
        for row in rows
    ],
)
def test_rule(spec: Spec, user: str, action: Action, integration: str, expected: Decision) -> None:
    assert decide(spec, user, action, integration) == expected


def test_every_action_is_decided_for_every_kind_of_person(spec: Spec) -> None:
    people = ["ann", "ben", "cat", "dan", "eve", "nia", "olga", "otto", "zed"]
    for person in people:
        for action in Action:
            decision = decide(spec, f"{person}@acme.ai", action, spec.integration("videos"))
            assert decision.reason and decision.rule.startswith("R")


def test_emails_compare_case_insensitively(spec: Spec) -> None:
    assert decide(spec, " Dan@ACME.ai ", Action.REGISTER, "videos").allowed


def test_the_strongest_path_is_the_one_reported(spec: Spec) -> None:
    videos = spec.integration("videos")
    assert grants(spec, "eve@acme.ai", videos) == [Grant("admin", Via.GROUP, "leads"), Grant("user", Via.DIRECT)]


def test_unknown_integration_names_the_known_ones(spec: Spec) -> None:
    with pytest.raises(KeyError, match="known: videos, audio"):
        decide(spec, "ann@acme.ai", Action.VIEW, "nope")

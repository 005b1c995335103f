"""The integrations page: what each person sees, how they hold it, and the owner and "mine" filters (R7)."""

from __future__ import annotations

from runtime.access import Via
from runtime.listing import Visible, visible
from tether.spec.model import Spec


def _rows(spec: Spec, user: str) -> list[tuple[str, str | None, Via | None, str | None, bool]]:
    return [(r.name, r.role, r.via, r.group, r.joinable) for r in visible(spec, user)]


def test_members_see_what_they_belong_to_with_how(spec: Spec) -> None:
    assert _rows(spec, "dan@acme.ai") == [
        ("videos", "user", Via.GROUP, "labelers", False),
        ("audio", "user", Via.GROUP, "labelers", False),
    ]
    assert _rows(spec, "ann@acme.ai") == [("videos", "admin", Via.CREATOR, None, False)]
    assert _rows(spec, "ben@acme.ai") == [("videos", "admin", Via.DIRECT, None, False)]


def test_no_role_means_nothing_listed(spec: Spec) -> None:
    assert visible(spec, "nia@acme.ai") == []
    assert visible(spec, "zed@acme.ai") == []


def test_org_admins_see_all_and_joinable_is_marked(spec: Spec) -> None:
    assert _rows(spec, "olga@acme.ai") == [("videos", None, None, None, True), ("audio", None, None, None, True)]
    assert _rows(spec, "otto@acme.ai") == [
        ("videos", "admin", Via.JOINED, None, False),
        ("audio", None, None, None, True),
    ]


def test_mine_keeps_only_joined_ones_for_an_org_admin(spec: Spec) -> None:
    assert [r.name for r in visible(spec, "otto@acme.ai", mine=True)] == ["videos"]
    assert visible(spec, "olga@acme.ai", mine=True) == []


def test_owner_filter_is_the_creator(spec: Spec) -> None:
    assert [r.name for r in visible(spec, "olga@acme.ai", owner="CAT@acme.ai")] == ["audio"]
    assert [r.name for r in visible(spec, "dan@acme.ai", owner="ann@acme.ai")] == ["videos"]
    assert visible(spec, "dan@acme.ai", owner="ben@acme.ai") == []


def test_json_shape(spec: Spec) -> None:
    [row] = visible(spec, "cat@acme.ai", owner="cat@acme.ai")
    assert row == Visible("audio", "azure", "cat@acme.ai", "admin", Via.CREATOR, None, False)
    assert row.as_dict() == {
        "name": "audio",
        "provider": "azure",
        "owner": "cat@acme.ai",
        "role": "admin",
        "via": "creator",
        "group": None,
        "joinable": False,
    }

"""A change that replaces an integration's resources is a delete and a create (only the creator), and a
rename that names the old name in ``previous_names`` replaces nothing: Pulumi aliases move the resources.

The components name every resource after the integration (``traffic-video``, ``traffic-video-bucket``),
so a bare rename gives new URNs and Pulumi destroys the old bucket: a way round "Integrations can ONLY
be deleted by the creator". Children named with the parent's name as prefix inherit the parent's alias
with the prefix swapped (pulumi SDK, ``pulumi/runtime/resource.py`` ``inherited_child_alias``; the engine
does the same for alias specs), which `tether preview --base` checks below.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runtime.review import Kind
from tether.cli.main import main
from tether.errors import SpecInvalid
from tether.spec import parse_spec

from .conftest import DEV, edited, judged

RENAME = ("- name: traffic-video\n", "- name: traffic-clips\n")
ALIASED = ("- name: traffic-video\n", "- name: traffic-clips\n    previous_names: [traffic-video]\n")


def kinds(head: str, actor: str) -> list[tuple[Kind, bool]]:
    return [(f.verdict.change.kind, f.verdict.decision.allowed) for f in judged(head, actor).findings]


def test_a_bare_rename_is_a_delete_and_a_create() -> None:
    head = edited(RENAME)
    assert kinds(head, "bob@acme-vision.ai") == [(Kind.INTEGRATION_REMOVED, False), (Kind.INTEGRATION_ADDED, False)]
    assert kinds(head, "alice@acme-vision.ai") == [(Kind.INTEGRATION_REMOVED, True), (Kind.INTEGRATION_ADDED, True)]
    removed = judged(head, "bob@acme-vision.ai").findings[0].verdict
    assert removed.change.describe() == (
        "delete integration traffic-video (renamed to traffic-clips without previous_names: its resources are replaced)"
    )
    assert removed.fix == (
        "add previous_names: [traffic-video] to traffic-clips so its resources move instead of being replaced, "
        "or ask the creator, alice@acme-vision.ai, to delete it"
    )


def test_a_rename_with_previous_names_is_an_admin_change() -> None:
    head = edited(ALIASED)
    [finding] = judged(head, "bob@acme-vision.ai").findings
    assert finding.verdict.change.describe() == "rename integration traffic-video to traffic-clips"
    assert finding.verdict.decision.allowed
    assert not judged(head, "carol@acme-vision.ai").allowed


REPLACING = {
    "aws bucket": ("name: acme-vision-dev-traffic-video", "name: acme-vision-dev-traffic-video-2"),
    "aws region": ("region: eu-west-2\n    bucket:\n      name: acme-vision-dev-traffic-video",
                   "region: eu-west-1\n    bucket:\n      name: acme-vision-dev-traffic-video"),
    "gcp project": ("project: acme-vision-dev\n    region: europe-west2\n    bucket:\n      name: acme-vision-dev-retail",
                    "project: acme-vision-prd\n    region: europe-west2\n    bucket:\n      name: acme-vision-dev-retail"),
    "azure resource group": ("resource_group: acme-vision-dev", "resource_group: acme-vision-dev2"),
    "azure account": ("account: acmevisiondevaudio", "account: acmevisiondevaudio2"),
    "azure container": ("container: calls", "container: calls2"),
    "otc region": ("region: eu-de", "region: eu-nl"),
    "store endpoint": ("endpoint: https://s3.lab.acme-vision.ai", "endpoint: https://s3.lab2.acme-vision.ai"),
}
CREATORS = {"aws": "alice", "gcp": "alice", "azure": "carol", "otc": "alice", "store": "dan"}


@pytest.mark.parametrize("edit", REPLACING.values(), ids=REPLACING.keys())
def test_a_field_that_replaces_the_storage_is_judged_as_delete_and_create(edit: tuple[str, str]) -> None:
    head = edited(edit)
    creator = CREATORS[next(k for k in CREATORS if k in next(n for n, e in REPLACING.items() if e == edit))]
    [finding] = judged(head, "olivia@acme-vision.ai").findings
    verdict = finding.verdict
    assert verdict.change.kind is Kind.INTEGRATION_REPLACED
    assert not verdict.decision.allowed and verdict.decision.rule == "R3"
    assert "only the creator" in verdict.decision.reason
    assert judged(head, f"{creator}@acme-vision.ai").allowed


def test_a_replacement_says_what_is_replaced() -> None:
    [finding] = judged(edited(REPLACING["aws bucket"]), "bob@acme-vision.ai").findings
    assert finding.verdict.change.describe() == (
        "replace integration traffic-video (bucket: acme-vision-dev-traffic-video → acme-vision-dev-traffic-video-2): "
        "a delete and a create"
    )
    assert finding.verdict.decision.reason == (
        "changing bucket replaces the resources of traffic-video, which deletes them: "
        "only the creator, alice@acme-vision.ai, may delete traffic-video"
    )


def test_adopting_the_bucket_is_not_a_replacement() -> None:
    head = edited(("existing: true            # adopt", "existing: false            # adopt"))
    [finding] = judged(head, "bob@acme-vision.ai").findings
    assert finding.verdict.change.kind is Kind.BUCKET_CHANGED


@pytest.mark.parametrize(
    "text",
    [
        edited(("- name: traffic-video\n", "- name: traffic-clips\n    previous_names: [retail-images]\n")),
        edited(ALIASED, ("- name: retail-images\n", "- name: retail-images\n    previous_names: [traffic-video]\n")),
    ],
    ids=["names a current integration", "claimed twice"],
)
def test_previous_names_are_unique_and_not_in_use(text: str) -> None:
    with pytest.raises(SpecInvalid) as raised:
        parse_spec(text, "head.yaml")
    assert "previous_names" in str(raised.value)


RENAME_ALL = [
    (f"- name: {name}\n", f"- name: {name}-2\n    previous_names: [{name}]\n")
    for name in ("traffic-video", "medical-scans", "retail-images", "call-audio", "drone-survey", "lab-archive")
]


def _preview(tmp_path: Path, capsys: pytest.CaptureFixture[str], head: str) -> dict[str, object]:
    stack = tmp_path / "stacks" / "dev"
    stack.mkdir(parents=True, exist_ok=True)
    (stack / "integrations.yaml").write_text(head, encoding="utf-8")
    (tmp_path / "base.yaml").write_text(DEV, encoding="utf-8")
    assert main(["preview", str(stack / "integrations.yaml"), "--base", str(tmp_path / "base.yaml"), "-o", "json"]) == 0
    document: dict[str, object] = json.loads(capsys.readouterr().out)
    return document


def test_preview_of_a_rename_with_previous_names_replaces_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = _preview(tmp_path, capsys, edited(*RENAME_ALL))
    summary = document["summary"]
    assert isinstance(summary, dict) and (summary["added"], summary["removed"]) == (0, 0), document
    # What is left updates in place: the GCP reader's display name, which is no ForceNew field
    # (terraform-provider-google resource_google_service_account.go: display_name is Optional, updatable).
    changed = document["changed"]
    assert isinstance(changed, list)
    assert [(c["name"], [i["input"] for i in c["changes"]]) for c in changed] == [("retail-images-2-reader", ["displayName"])]


def test_preview_of_a_bare_rename_shows_the_replacement(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = _preview(tmp_path, capsys, edited(RENAME))
    summary = document["summary"]
    assert isinstance(summary, dict) and summary["added"] == summary["removed"] > 0

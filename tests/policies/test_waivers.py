"""Waivers: a live waiver waives (through its expiry day), a lapsed one does not, and every report shows them."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

import pytest

from policies.engine import Report
from policies.pack.policies import build
from tether.cli.main import main
from tether.spec import load_spec

from .analyzer import run
from .conftest import BASE, TODAY, bend, line_of

WAIVED = bend(
    BASE,
    "      headers: [Range]\n",
    "      methods: [GET, HEAD, PUT]\n"
    "    waivers:\n"
    "      - {rule: TTH011, reason: uploads from the review tool until its API lands, expires: 2026-06-30}\n"
    "      - {rule: TTH060, reason: nothing to waive here but kept for the record, expires: 2027-01-01}\n",
)
REASON = "uploads from the review tool until its API lands"


@pytest.mark.parametrize(
    ("today", "waived", "status"),
    [
        pytest.param(date(2026, 6, 1), True, "active", id="before-expiry"),
        pytest.param(date(2026, 6, 30), True, "active", id="on-the-expiry-day"),
        pytest.param(date(2026, 7, 1), False, "expired", id="the-day-after"),
    ],
)
def test_a_waiver_waives_until_it_expires(
    today: date, waived: bool, status: str, linted: Callable[..., Report]
) -> None:
    report = linted(WAIVED, today=today)
    [finding] = [f for f in report.findings if f.rule.id == "TTH011"]
    assert (finding.waiver is not None, finding.lapsed is None) == (waived, waived)
    assert report.blocking is not waived
    uses = [(u.waiver.rule, u.status, u.waived, u.location.line) for u in report.waivers]
    assert uses == [
        ("TTH011", status, 1 if waived else 0, line_of(WAIVED, "rule: TTH011")),
        ("TTH060", "unused", 0, line_of(WAIVED, "rule: TTH060")),
    ]


def test_the_latest_live_waiver_of_a_rule_wins(linted: Callable[..., Report]) -> None:
    text = bend(WAIVED, "      - {rule: TTH060,", "      - {rule: TTH011, reason: an older exception now over, "
                "expires: 2026-01-01}\n      - {rule: TTH060,")
    [finding] = [f for f in linted(text).findings if f.rule.id == "TTH011"]
    assert finding.waiver is not None and finding.waiver.reason == REASON


LIVE, LAPSED = "2026-06-30", "2026-07-01"


@pytest.mark.parametrize(
    ("output", "today", "code", "shown"),
    [
        pytest.param("text", LIVE, 0, ["TTH011 mandatory, waived until 2026-06-30: videos:", f"    waiver: {REASON}",
                                       "waiver TTH011 for videos until 2026-06-30: active (1 finding(s))",
                                       "waiver TTH060 for videos until 2027-01-01: unused"], id="text-live"),
        pytest.param("text", LAPSED, 1, ["TTH011 mandatory, waiver expired 2026-06-30: videos:",
                                         "waiver TTH011 for videos until 2026-06-30: expired (0 finding(s))"],
                     id="text-lapsed"),
        pytest.param("markdown", LIVE, 0, ["| mandatory, waived until 2026-06-30 | videos |", f"waived: {REASON}",
                                           "| TTH011 | videos | 2026-06-30 | active (1) |"], id="markdown-live"),
        pytest.param("markdown", LAPSED, 1, ["| mandatory, waiver expired 2026-06-30 | videos |",
                                             "| TTH011 | videos | 2026-06-30 | expired (0) |"], id="markdown-lapsed"),
    ],
)
def test_waivers_show_in_text_and_markdown(
    output: str, today: str, code: int, shown: list[str], write: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["lint", "--output", output, "--today", today, write(WAIVED)]) == code
    out = capsys.readouterr().out
    for text in shown:
        assert text in out


@pytest.mark.parametrize(("today", "code"), [(LIVE, 0), (LAPSED, 1)])
def test_waivers_show_in_json(today: str, code: int, write: Callable[..., str],
                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", "--output", "json", "--today", today, write(WAIVED)]) == code
    [file] = json.loads(capsys.readouterr().out)["files"]
    [finding] = [f for f in file["findings"] if f["rule"] == "TTH011"]
    waiver = {"rule": "TTH011", "reason": REASON, "expires": "2026-06-30"}
    if code == 0:
        assert (finding["waiver"], finding["expired_waiver"], finding["blocking"]) == (waiver, None, False)
    else:
        assert (finding["waiver"], finding["expired_waiver"], finding["blocking"]) == (None, waiver, True)
    assert [(w["rule"], w["status"]) for w in file["waivers"]] == [
        ("TTH011", "active" if code == 0 else "expired"), ("TTH060", "unused")]


@pytest.mark.parametrize(("today", "suppressed"), [(LIVE, True), (LAPSED, False)])
def test_waivers_show_in_sarif_as_suppressions(today: str, suppressed: bool, write: Callable[..., str],
                                               capsys: pytest.CaptureFixture[str]) -> None:
    main(["lint", "--output", "sarif", "--today", today, write(WAIVED)])
    [result] = [r for r in json.loads(capsys.readouterr().out)["runs"][0]["results"] if r["ruleId"] == "TTH011"]
    expected = [{"kind": "external", "status": "accepted", "justification": f"{REASON} (waived until 2026-06-30)"}]
    assert result.get("suppressions") == (expected if suppressed else None)


UNSTANDING = [
    pytest.param("{rule: TTH101, reason: a typo of TTH011 that would waive nothing, expires: 2026-06-30}",
                 "rule", "TTH101 is no rule, so this waiver would waive nothing (tether lint --rules lists them)",
                 id="unknown-rule"),
    pytest.param("{rule: TTH011, reason: forever is not a review date at all, expires: 9999-12-31}", "expires",
                 "expires 9999-12-31, beyond policy.max_waiver 365d from 2026-06-01 (at the latest 2027-06-01)",
                 id="beyond-max-waiver"),
]


@pytest.mark.parametrize(("waiver", "field", "message"), UNSTANDING)
def test_a_waiver_that_cannot_stand_is_bad_input_in_lint_and_blocks_the_pack(
    waiver: str, field: str, message: str, write: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    text = bend(WAIVED, "      - {rule: TTH060,", f"      - {waiver}\n      - {{rule: TTH060,")
    path = write(text)
    assert main(["lint", "--today", str(TODAY), path]) == 2
    line = line_of(text, waiver)
    out = capsys.readouterr().out
    assert f"{path}:{line}:" in out and f": integrations[0].waivers[1].{field}: {message}" in out
    [blocked] = run(build(load_spec(path), TODAY), [])
    assert blocked.policy == "tether-spec" and message in blocked.message


def test_max_waiver_is_the_organizations_to_set(write: Callable[..., str], capsys: pytest.CaptureFixture[str]) -> None:
    text = bend(WAIVED, "  annotator_continents: [europe]\n", "  annotator_continents: [europe]\n  max_waiver: 30d\n")
    assert main(["lint", "--today", str(TODAY), write(text)]) == 2
    assert "beyond policy.max_waiver 30d from 2026-06-01 (at the latest 2026-07-01)" in capsys.readouterr().out


@pytest.mark.parametrize("reason", ["          ", "\t \u00a0\u2003 short    "])
def test_a_reason_of_spaces_is_refused(reason: str, write: Callable[..., str],
                                       capsys: pytest.CaptureFixture[str]) -> None:
    text = bend(WAIVED, "reason: uploads from the review tool until its API lands", f"reason: {json.dumps(reason)}")
    assert main(["lint", write(text)]) == 2
    assert "a waiver's reason must say why in at least 10 characters besides spaces" in capsys.readouterr().out

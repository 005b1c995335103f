"""Waivers: a live waiver waives (through its expiry day), a lapsed one does not, and every report shows them."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

import pytest

from policies.engine import Report
from tether.cli.main import main

from .conftest import BASE, bend, line_of

WAIVED = bend(
    BASE,
    "      headers: [Range]\n",
    "      methods: [GET, HEAD, PUT]\n"
    "    waivers:\n"
    "      - {rule: TTH011, reason: uploads from the review tool until its API lands, expires: 2026-06-30}\n"
    "      - {rule: TTH060, reason: nothing to waive here but kept for the record, expires: 2027-01-01}\n"
    "      - {rule: TTH999, reason: names a rule that does not exist, expires: 2027-01-01}\n",
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
        ("TTH999", "unknown-rule", 0, line_of(WAIVED, "rule: TTH999")),
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
                                       "waiver TTH999 for videos until 2027-01-01: unknown-rule"], id="text-live"),
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
        ("TTH011", "active" if code == 0 else "expired"), ("TTH060", "unused"), ("TTH999", "unknown-rule")]


@pytest.mark.parametrize(("today", "suppressed"), [(LIVE, True), (LAPSED, False)])
def test_waivers_show_in_sarif_as_suppressions(today: str, suppressed: bool, write: Callable[..., str],
                                               capsys: pytest.CaptureFixture[str]) -> None:
    main(["lint", "--output", "sarif", "--today", today, write(WAIVED)])
    [result] = [r for r in json.loads(capsys.readouterr().out)["runs"][0]["results"] if r["ruleId"] == "TTH011"]
    expected = [{"kind": "external", "status": "accepted", "justification": f"{REASON} (waived until 2026-06-30)"}]
    assert result.get("suppressions") == (expected if suppressed else None)

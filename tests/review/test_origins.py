"""No origin contains ``*``, and any origin a change adds is flagged as widening who may use the URLs (R11).

S3 treats ``*`` anywhere in an AllowedOrigin as a wildcard ("Each CORSRule ... AllowedOrigin can contain
at most one * wildcard character", AWS S3 User Guide, CORS configuration elements), so ``https://*.com``
is nearly as wide as ``*``: the spec refuses every ``*``, and review never has to judge one.
"""

from __future__ import annotations

import pytest

from tether.errors import SpecInvalid
from tether.spec import parse_spec

from .conftest import DEV, edited, judged

LAB_ORIGINS = "[https://app.annotate.example.com, https://review.acme-vision.ai]"


@pytest.mark.parametrize("origin", ["*", "https://*.com", "https://*.example.com", "https://app.*.com", "http://*"])
@pytest.mark.parametrize("where", ["integration", "platform"])
def test_validate_refuses_any_star(origin: str, where: str) -> None:
    if where == "integration":
        text = edited((LAB_ORIGINS, f"[https://app.annotate.example.com, '{origin}']"))
    else:
        text = edited(("    - https://app.annotate.example.com\n", f"    - https://app.annotate.example.com\n    - '{origin}'\n"))
    with pytest.raises(SpecInvalid) as raised:
        parse_spec(text, "head.yaml")
    [problem] = raised.value.problems
    assert "origins[1]" in str(problem) and "*" in str(problem) and "wildcard" in str(problem)


def test_adding_an_origin_is_flagged_even_when_allowed() -> None:
    head = edited((LAB_ORIGINS, "[https://app.annotate.example.com, https://review.acme-vision.ai, https://x.io]"))
    result = judged(head, "dan@acme-vision.ai")
    [finding] = result.findings
    assert finding.verdict.decision.allowed
    assert finding.verdict.flag == "widens who may use the signed URLs: adds origin https://x.io"
    assert "| ⚠️ allowed, widens | lab-archive |" in result.markdown()
    assert r"- Check: widens who may use the signed URLs\: adds origin https\://x.io" in result.markdown()
    assert "widens who may use the signed URLs: adds origin https://x.io" in result.text()
    assert result.as_dict()["changes"][0]["flag"] == finding.verdict.flag  # type: ignore[index]


def test_platform_origin_added_is_flagged() -> None:
    head = edited(("    - https://app.annotate.example.com\n", "    - https://app.annotate.example.com\n    - https://b.io\n"))
    [finding] = judged(head, "olivia@acme-vision.ai").findings
    assert finding.verdict.decision.allowed
    assert finding.verdict.flag == "widens who may use the signed URLs: adds origin https://b.io"


def test_narrowing_is_not_flagged() -> None:
    head = edited((LAB_ORIGINS, "[https://app.annotate.example.com]"))
    [finding] = judged(head, "dan@acme-vision.ai").findings
    assert finding.verdict.decision.allowed and finding.verdict.flag is None


def test_plain_http_is_still_denied() -> None:
    head = edited((LAB_ORIGINS, "[https://app.annotate.example.com, http://review.acme-vision.ai]"))
    [finding] = judged(head, "dan@acme-vision.ai").findings
    assert not finding.verdict.decision.allowed
    assert finding.verdict.decision.reason.startswith("origin http://review.acme-vision.ai is not HTTPS")
    assert DEV  # the base is the dev stack

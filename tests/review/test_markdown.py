"""Untrusted values render as exactly their characters on GitHub (cmark-gfm, GitHub's own parser).

Rendered with raw HTML allowed (GitHub sanitizes afterwards, but keeps ``<img>``, ``<details>``
and ``<b>``), so any tag that is not Markdown's own is a breakout. Mentions are found by GitHub in
the rendered text, outside code and links: each ``@`` that could start one must carry a zero-width space.
"""

from __future__ import annotations

import html
import random
import re

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options

from tether.cli.formatting import markdown_table
from tether.markdown import ZERO_WIDTH_SPACE, code, fence, text

HOSTILE = [
    "![x](https://evil.example/p.png)", "[click](https://evil.example)", "@org/team", "@bob", "</details>",
    "<details><summary>x</summary>", "<img src=x onerror=alert(1)>", "<b>", "<!--", "-->", "`", "``", "```",
    "|", "\n", "\r\n", "\\", "*", "**", "_", "__", "~~", "[", "]", "(", ")", "#", "- ", "1. ", "> ", "<", ">",
    "&", "&lt;", "&#64;", "$", "$$", ":+1:", " ", "  ", "a", "é", "x@y.io", "www.evil.example", "https://e.example/x",
    "=", "+", "!", "{", "}", ".", "\t",
]
"""Fragments the issue named (images, mentions, </details>, backticks, pipes, newlines) and their neighbours."""

ALLOWED_TAGS = {"p", "/p", "table", "/table", "thead", "/thead", "tbody", "/tbody", "tr", "/tr", "th", "/th",
                "td", "/td", "code", "/code", "pre", "/pre", "a", "/a"}


def values(count: int, seed: int) -> list[str]:
    chooser = random.Random(seed)
    return ["".join(chooser.choice(HOSTILE) for _ in range(chooser.randint(1, 8))) for _ in range(count)]


def render(markdown: str) -> str:
    return cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)


def tags(rendered: str) -> set[str]:
    return {tag.split()[0].lower() for tag in re.findall(r"<([^>]+)>", rendered)}


def _spaced(value: str) -> str:
    return " ".join(value.split())


def shown(rendered: str) -> str:
    """The text a reader sees: tags dropped, entities decoded, runs of whitespace as one space."""
    return _spaced(html.unescape(re.sub(r"<[^>]+>", "", rendered)))


def visible(value: str) -> str:
    """What ``text`` promises to show: the value's characters, a zero-width space after a mention's ``@``."""
    return _spaced(re.sub(r"(?<!\w)@(?=\w)", "@" + ZERO_WIDTH_SPACE, value))


def autolinks_only(rendered: str) -> bool:
    """GitHub links bare URLs; a link whose text is not its own address would be an injected one."""
    return all(
        html.unescape(label).strip() and html.unescape(href).rstrip("/").endswith(html.unescape(label).rstrip("/"))
        for href, label in re.findall(r'<a href="([^"]*)"[^>]*>(.*?)</a>', rendered)
    )


@pytest.mark.parametrize("seed", range(4))
def test_text_in_a_paragraph_shows_its_characters_and_nothing_else(seed: int) -> None:
    for value in values(150, seed):
        rendered = render("Why: " + text(value))
        assert tags(rendered) <= ALLOWED_TAGS, (value, rendered)
        assert shown(rendered) == visible("Why: " + value), (value, rendered)
        assert autolinks_only(rendered), (value, rendered)


@pytest.mark.parametrize("seed", range(4))
def test_text_at_the_start_of_a_line_starts_no_block(seed: int) -> None:
    for value in values(150, seed + 100):
        rendered = render(text(value))
        assert tags(rendered) <= ALLOWED_TAGS, (value, rendered)
        assert shown(rendered) == visible(value), (value, rendered)


@pytest.mark.parametrize("seed", range(4))
def test_text_and_code_in_a_table_cell_stay_in_their_cell(seed: int) -> None:
    for value in values(150, seed + 200):
        rendered = render(markdown_table(("a", "b", "c"), [("1", text(value), code(value))]))
        cells = re.findall(r"<td>(.*?)</td>", rendered, flags=re.S)
        assert len(cells) == 3, (value, rendered)
        assert tags(cells[1]) <= ALLOWED_TAGS and shown(cells[1]) == visible(value), (value, cells)
        one_line = re.sub(r"[\r\n]+", " ", value)
        if one_line.strip():
            assert cells[2] == f"<code>{html.escape(one_line, quote=False)}</code>", (value, cells)


@pytest.mark.parametrize("seed", range(2))
def test_a_fenced_block_holds_any_text(seed: int) -> None:
    for value in values(150, seed + 300):
        rendered = render(f"<details><summary>out</summary>\n\n{fence(value)}\n</details>\n\nafter")
        body = value if value.endswith("\n") or not value else value + "\n"
        assert f"<pre><code>{html.escape(body.replace(chr(13) + chr(10), chr(10)), quote=False)}</code></pre>" in rendered
        assert rendered.rstrip().endswith("</details>\n<p>after</p>"), (value, rendered)


def test_the_issues_examples() -> None:
    rendered = render(text("![x](https://evil) @org/team </details> `a|b`\nnext"))
    assert "<img" not in rendered and "</details>" not in rendered and "<code>" not in rendered
    assert "@\u200borg/team" in rendered and "\n" not in rendered.strip()


EVIL = "![x](https://evil.example/p.png) @org/team </details> `a|b` <img src=x>\nnext"
"""One value with every breakout the issue named."""


def breaks_out(markdown: str) -> list[str]:
    """What in a rendered report an untrusted value could have put there."""
    rendered = render(markdown)
    outside_code = re.sub(r"<code>.*?</code>", "", rendered, flags=re.S)
    found = [tag for tag in ("<img", "<b>") if tag in rendered]
    found += ["mention"] if re.search(r"(?<![\w/])@org/team", html.unescape(outside_code)) else []
    found += ["</details>"] * (rendered.count("</details>") > markdown.count("\n</details>"))
    found += ["link"] * ('href="https://evil' in rendered)
    return found


def test_review_comment_shows_spec_text_as_text() -> None:
    from .conftest import edited, judged

    evil = EVIL.replace("\n", " ")
    head = edited(("      cost-center: vision-rnd\n", f"      cost-center: vision-rnd\n      note: '{evil}'\n"))
    result = judged(head, "alice@acme-vision.ai")
    assert result.findings and breaks_out(result.markdown()) == []


def test_lint_markdown_shows_waiver_reasons_as_text(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    from pathlib import Path

    from tether.cli.main import main

    dev = (Path(__file__).resolve().parents[2] / "stacks" / "dev" / "integrations.yaml").read_text()
    evil = EVIL.replace("\n", " ")
    spec = tmp_path / "integrations.yaml"
    spec.write_text(dev.replace("reason: the lab store sits in the US", f"reason: '{evil} the lab store sits in the US"
                                ).replace("replica planned\n", "replica planned'\n"), encoding="utf-8")
    main(["lint", "-o", "markdown", str(spec)])
    out = capsys.readouterr().out
    assert "org/team" in out and breaks_out(out) == []


def test_drift_markdown_shows_live_values_as_text() -> None:
    from tether.drift.report import markdown

    difference = {"path": "cors[0].AllowedOrigins", "kind": "changed", "expected": ["https://app.example.com"],
                  "actual": [EVIL], "severity": "high", "meaning": EVIL, "spec": "s.yaml:3"}
    entry = {"name": "videos", "provider": "aws", "resource": EVIL, "status": "drifted", "spec": "s.yaml:2",
             "retries": 0, "differences": [difference],
             "unreadable": [{"resource": "policy", "reason": "denied", "detail": EVIL, "attempts": 1}],
             "not_checked": [{"resource": "role", "why": EVIL}]}
    summary = {"integrations": 1, "in_sync": 0, "drifted": 1, "missing": 0, "unreadable": 0, "differences": 1, "with_differences": 1,
               "severity": {"critical": 0, "high": 1, "medium": 0, "low": 0}}
    document = {"version": 1, "spec": EVIL, "summary": summary, "integrations": [entry]}
    assert breaks_out(markdown(document)) == []


def test_the_command_line_escapes_for_shell_scripts() -> None:
    import subprocess
    import sys

    hostile = "```\n</details>\n![x](https://evil.example/p.png) @org/team\n````"
    done = subprocess.run([sys.executable, "-m", "tether.markdown", "fence"], input=hostile, capture_output=True,
                          text=True, check=True)
    rendered = render(f"<details><summary>out</summary>\n\n{done.stdout}\n</details>\n")
    assert f"<pre><code>{html.escape(hostile, quote=False)}\n</code></pre>" in rendered
    spec = "stacks/![x](https:evil)`@org`/integrations.yaml"
    done = subprocess.run([sys.executable, "-m", "tether.markdown", "code", spec], capture_output=True, text=True,
                          check=True)
    assert render(f"### {done.stdout.strip()}") == f"<h3><code>{html.escape(spec, quote=False)}</code></h3>\n"


def test_the_pr_review_workflow_escapes_what_it_puts_in_the_comment() -> None:
    from pathlib import Path

    import yaml

    workflow = Path(__file__).resolve().parents[2] / ".github" / "workflows" / "pr-review.yml"
    steps = yaml.safe_load(workflow.read_text(encoding="utf-8"))["jobs"]["review"]["steps"]
    [script] = [step["run"] for step in steps if step.get("name") == "Validate and review each changed spec"]
    writes = [line for line in script.splitlines() if "comment.md" in line and ">>" in line]
    assert writes and "```" not in script
    for line in writes:
        assert '"$spec"' not in line.replace('"$(md code "$spec")"', ""), line
        assert not re.search(r'cat "\$tmp/(validate|error|preview)\.txt"', line), line


def test_doctor_and_preflight_markdown_show_live_values_as_text() -> None:
    from tether.doctor.findings import Finding as DoctorFinding
    from tether.doctor.report import markdown as doctor_markdown
    from tether.preflight.checks import Checked
    from tether.preflight.checks import Finding as PreflightFinding
    from tether.preflight.report import build
    from tether.preflight.report import markdown as preflight_markdown

    found = DoctorFinding(EVIL, EVIL, "problem", EVIL, EVIL, EVIL)
    assert breaks_out(doctor_markdown([found])) == []
    live = PreflightFinding("overwrite", EVIL, EVIL, [EVIL], {"Sid": EVIL})
    assert breaks_out(preflight_markdown(build(EVIL, [Checked(EVIL, "aws", True, [live])]))) == []

"""Untrusted values in Markdown that GitHub renders (review comments, lint and drift reports) shown as text.

Spec text (tags, waiver reasons, file paths) and live cloud values reach pull-request comments and
issues; unescaped, ``![x](https://evil)`` loads an image, ``@org/team`` notifies a team and
``</details>`` breaks out of the report. Every such value goes through ``text``, ``code`` or
``fence`` here, so it renders as exactly the characters it holds. Tests render with cmark-gfm,
GitHub's own Markdown parser.

``python -m tether.markdown text|code VALUE`` and ``python -m tether.markdown fence < FILE`` let CI
scripts (the pr-review workflow) escape what they put in a comment themselves.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence

_INLINE = re.compile(r"([\\`*_\[\]~$:])|(?<=www)(\.)", flags=re.IGNORECASE)
"""Backslash-escaped: code, emphasis, links and images, strikethrough, math, and the ``:`` of
``https://`` and the ``.`` of ``www.`` that GitHub would turn into links."""
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_BLOCK_START = re.compile(r"^(\s*\d*)([#+=.)-])")
"""Markers that would make a value at the start of a line a heading, quote, list or rule."""
_MENTION = re.compile(r"(?<!\w)@(?=\w)")
"""An ``@`` GitHub would read as a mention (not the one inside an email address)."""
ZERO_WIDTH_SPACE = "\u200b"
_TICKS = re.compile(r"`+")


def _one_line(value: object) -> str:
    return re.sub(r"[\r\n]+", " ", str(value))


def text(value: object) -> str:
    """``value`` as literal inline text: no markup, HTML, mention or line break survives.

    A mention keeps its characters but gets a zero-width space after the ``@``, which GitHub then
    does not link (a backslash would not help: mentions are found in the rendered text).
    """
    # Leading blanks would make a line an indented code block, where escapes show as written.
    escaped = _INLINE.sub(lambda found: "\\" + found.group(0), _one_line(value).lstrip())
    escaped = "".join(_HTML.get(char, char) for char in escaped)
    escaped = _BLOCK_START.sub(r"\1\\\2", escaped)
    return _MENTION.sub("@" + ZERO_WIDTH_SPACE, escaped)


def code(value: object) -> str:
    """``value`` as an inline code span, fenced with more backticks than it contains (CommonMark 6.1)."""
    content = _one_line(value)
    if not content:
        return ""
    fence = "`" * (max((len(run) for run in _TICKS.findall(content)), default=0) + 1)
    padded = content.strip(" ") and (content[0] in "` " or content[-1] in "` ")
    return f"{fence} {content} {fence}" if padded else f"{fence}{content}{fence}"


def fence(block: str) -> str:
    """``block`` as a fenced code block no line of it can close (CommonMark 4.5), ending in a newline."""
    longest = max((len(run) for run in _TICKS.findall(block)), default=0)
    marker = "`" * max(3, longest + 1)
    body = block if block.endswith("\n") or not block else block + "\n"
    return f"{marker}\n{body}{marker}\n"


def main(argv: Sequence[str]) -> int:
    """``text VALUE``, ``code VALUE`` or ``fence`` (stdin): print the escaped form, for shell scripts."""
    match list(argv):
        case ["text", value]:
            print(text(value))
        case ["code", value]:
            print(code(value))
        case ["fence"]:
            sys.stdout.write(fence(sys.stdin.read()))
        case _:
            print("usage: python -m tether.markdown text|code VALUE | fence < FILE", file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The dev stack as the base of every reviewed change, and edits to it as plain text replacements."""

from __future__ import annotations

from pathlib import Path

from runtime.review import Review, review
from tether.spec import parse_spec

ROOT = Path(__file__).resolve().parents[2]
DEV = (ROOT / "stacks" / "dev" / "integrations.yaml").read_text(encoding="utf-8")


def edited(*replacements: tuple[str, str], text: str = DEV) -> str:
    """``text`` with each ``old`` (which must occur exactly once) replaced by ``new``."""
    for old, new in replacements:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
        text = text.replace(old, new)
    return text


def without_block(start: str, end: str, text: str = DEV) -> str:
    """``text`` without the lines from ``start`` up to (not including) ``end``: deletes an integration."""
    begin = text.index(start)
    return text[:begin] + text[text.index(end, begin) :]


def judged(head: str, actor: str, base: str = DEV) -> Review:
    return review(parse_spec(base, "base.yaml"), parse_spec(head, "head.yaml"), actor)


BOB_ADMIN = "      - email: bob@acme-vision.ai\n        role: admin\n"
"""traffic-video's one individual Admin besides its creator, alice."""


def add_member(email: str, role: str) -> tuple[str, str]:
    """An edit adding ``email`` to traffic-video with ``role``."""
    return BOB_ADMIN, f"{BOB_ADMIN}      - email: {email}\n        role: {role}\n"

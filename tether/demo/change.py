"""The sample pull request the demo reviews: a member added to one integration of the example stack.

Made by editing the example's text, not by re-dumping parsed YAML, so the diff is the one line a
person would write and the file keeps its comments.
"""

from __future__ import annotations

from tether.errors import InputError

ANCHOR = """\
    members:
      - email: bob@acme-vision.ai
        role: admin
"""
"""traffic-video's member list in stacks/dev/integrations.yaml; the new member goes after it."""

ADDED = """\
      - email: erin@acme-vision.ai
        role: user
"""


def add_member(spec_text: str, where: str) -> str:
    """``spec_text`` with erin added as a user of traffic-video; InputError if the example changed shape."""
    if spec_text.count(ANCHOR) != 1:
        raise InputError(f"{where}: the demo's sample change expects traffic-video's member list as shipped")
    return spec_text.replace(ANCHOR, ANCHOR + ADDED)

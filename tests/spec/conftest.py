"""A minimal valid spec that each test bends into one kind of mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

BASE = """\
version: 1
organization:
  name: acme
  members: [ann@acme.ai, ben@acme.ai, cat@acme.ai]
  admins: [cat@acme.ai]
  groups:
    labelers: [ben@acme.ai]
platform:
  origins: [https://app.example.com]
  aws: {account_id: "111122223333"}
integrations:
  - name: videos
    provider: aws
    region: eu-west-2
    bucket: {name: acme-videos}
    external_id: acme-1234
    creator: ann@acme.ai
    members:
      - {email: ben@acme.ai, role: user}
    groups:
      - {group: labelers, role: user}
"""


@pytest.fixture
def write(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write spec text to a file and return its path as a string."""

    def _write(text: str, name: str = "integrations.yaml") -> str:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return str(path)

    return _write

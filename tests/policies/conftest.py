"""A small spec that passes every rule, one integration per provider, and helpers to bend it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from policies.engine import Report, lint
from tether.desired import Desired, S3Desired, render
from tether.spec import load_spec
from tether.spec.model import AnyIntegration, Spec

TODAY = date(2026, 6, 1)

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
  egress_cidrs: [203.0.113.0/24]
  aws: {account_id: "111122223333"}
  gcp: {service_account: platform-signer@annotate-prod.iam.gserviceaccount.com}
  azure: {tenant_id: 8f3c2a10-5b7e-4d2a-9c41-2e6f0b7d9a11, principal_id: 4b1d9e22-7c3a-4f5e-8a6b-1c2d3e4f5a6b}
policy:
  max_url_expiry: 7d
  max_sas_rotation: 7d
  required_tags: [owner]
  annotator_continents: [europe]
integrations:
  - name: videos
    provider: aws
    region: eu-west-2
    bucket: {name: acme-videos}
    external_id: acme-videos-5f1c
    creator: ann@acme.ai
    signed_url_expiry: 12h
    prefixes: [videos/]
    cors:
      headers: [Range]
    tags: {owner: ann}
  - name: images
    provider: gcp
    project: acme-images
    region: europe-west2
    bucket: {name: acme-images}
    creator: ann@acme.ai
    signed_url_expiry: 1d
    prefixes: [shelves/]
    tags: {owner: ann}
  - name: audio
    provider: azure
    region: westeurope
    resource_group: rg-audio
    bucket: {account: acmeaudio, container: calls}
    creator: ann@acme.ai
    groups:
      - {group: labelers, role: user}
    tags: {owner: ann}
  - name: drones
    provider: otc
    region: eu-de
    bucket: {name: acme-drones}
    principal: domain/0a1b2c3d:user/9f8e7d6c
    creator: ann@acme.ai
    signed_url_expiry: 6h
    tags: {owner: ann}
"""

LAB = """\
  - name: lab
    provider: s3-compatible
    endpoint: https://s3.lab.acme.ai
    region: eu-central-1
    bucket: {name: acme-lab}
    principal: arn:aws:iam::000000000000:user/platform
    creator: ann@acme.ai
    tags: {owner: ann}
"""
"""An S3-compatible integration, appended where a case needs one (it always has TTH004's advisory)."""


def bend(text: str, old: str, new: str) -> str:
    """``text`` with the one occurrence of ``old`` replaced (fails loudly when the base changed)."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the one line containing ``needle``."""
    lines = [n for n, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(lines) == 1, f"{needle!r} is on lines {lines}"
    return lines[0]


Change = Callable[[Desired], dict[str, Any]]


def tampered(name: str, change: Change) -> Callable[[AnyIntegration, Spec], Desired]:
    """A renderer whose output for integration ``name`` is changed: configuration as a broken
    component or a hand edit would apply it, which the spec alone cannot produce."""

    def render_one(integration: AnyIntegration, spec: Spec) -> Desired:
        desired = render(integration, spec)
        return replace(desired, **change(desired)) if integration.name == name else desired

    return render_one


def public_access_block(name: str, **changes: bool) -> Callable[[AnyIntegration, Spec], Desired]:
    """A renderer that turns settings of integration ``name``'s public access block off (or on)."""

    def change(desired: Desired) -> dict[str, Any]:
        assert isinstance(desired, S3Desired) and desired.public_access_block is not None
        return {"public_access_block": {**desired.public_access_block, **changes}}

    return tampered(name, change)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A folder that looks like a repository root (SARIF paths are relative to it)."""
    (tmp_path / ".git").mkdir()
    return tmp_path


@pytest.fixture
def write(repo: Path) -> Callable[..., str]:
    """Write spec text under the repository and return its path."""

    def _write(text: str, name: str = "stacks/test/integrations.yaml") -> str:
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return str(path)

    return _write


@pytest.fixture
def linted(write: Callable[..., str]) -> Callable[..., Report]:
    """Lint spec text as of TODAY, optionally with a tampered renderer."""

    def _lint(text: str, render_one: Callable[[AnyIntegration, Spec], Desired] = render,
              today: date = TODAY) -> Report:
        return lint(load_spec(write(text)), today, render_one)

    return _lint

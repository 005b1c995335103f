"""One small organization where every way of holding (or lacking) a role appears once."""

from __future__ import annotations

import pytest

from tether.spec import parse_spec
from tether.spec.model import Spec

SPEC = """\
version: 1
organization:
  name: acme
  members: [ann@acme.ai, ben@acme.ai, cat@acme.ai, dan@acme.ai, eve@acme.ai, nia@acme.ai, olga@acme.ai, otto@acme.ai]
  admins: [olga@acme.ai, otto@acme.ai]
  groups:
    labelers: [dan@acme.ai]
    leads: [eve@acme.ai]
platform:
  origins: [https://app.example.com]
  aws: {account_id: "111122223333"}
  azure: {tenant_id: 8f3c2a10-5b7e-4d2a-9c41-2e6f0b7d9a11, principal_id: 4b1d9e22-7c3a-4f5e-8a6b-1c2d3e4f5a6b}
integrations:
  - name: videos
    provider: aws
    region: eu-west-2
    bucket: {name: acme-videos}
    external_id: acme-1234
    creator: ann@acme.ai
    members:
      - {email: ben@acme.ai, role: admin}
      - {email: cat@acme.ai, role: user}
      - {email: eve@acme.ai, role: user}
      - {email: otto@acme.ai, role: admin}
    groups:
      - {group: labelers, role: user}
      - {group: leads, role: admin}
  - name: audio
    provider: azure
    region: westeurope
    resource_group: acme-rg
    bucket: {account: acmeaudio, container: calls}
    creator: cat@acme.ai
    groups:
      - {group: labelers, role: user}
"""
"""ann created videos; ben is a direct Admin, cat a direct User, dan a User through labelers,
eve a User directly and an Admin through leads, otto an org admin who joined, olga an org admin
who has not, nia an org member with no role, and zed is outside the organization."""


@pytest.fixture(scope="session")
def spec() -> Spec:
    return parse_spec(SPEC, "access.yaml").spec

"""What a store's bucket policy cannot enforce is said by lint, not promised by the renderer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tether.cli.main import main

SPEC = """\
version: 1
organization: {name: acme, members: [ann@acme.ai]}
platform:
  origins: [https://app.example.com]
  egress_cidrs: [203.0.113.0/24]
integrations:
  - name: lab
    provider: s3-compatible
    endpoint: https://minio.lab.example.com
    bucket: {name: lab-data}
    principal: arn:aws:iam::000000000000:user/annotate-platform
    creator: ann@acme.ai
    strict_client_only: true
"""


def test_client_only_on_a_store_that_may_ignore_principals_is_flagged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # MinIO evaluates bucket policies for anonymous requests only (minio/minio#9530 "working as intended",
    # #14413 "We do not support Principals other than anonymous users"): the principal deny does nothing.
    path = tmp_path / "integrations.yaml"
    path.write_text(SPEC, encoding="utf-8")
    main(["lint", str(path), "--output", "json"])
    findings = json.loads(capsys.readouterr().out)["files"][0]["findings"]
    [flagged] = [f for f in findings if f["rule"] == "TTH031"]
    assert "ignore named principals" in flagged["message"] and flagged["severity"] == "advisory"


def test_client_only_on_obs_is_recognised_in_the_s3_api_principal_form(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The spec names the OBS user in the console's form; the policy says it as the S3 API's ARN
    # (tether.desired.s3.obs_principal): lint must see the deny aimed at that same user.
    path = tmp_path / "integrations.yaml"
    path.write_text(SPEC.replace("""    provider: s3-compatible
    endpoint: https://minio.lab.example.com
""", """    provider: otc
    region: eu-de
""").replace("arn:aws:iam::000000000000:user/annotate-platform", "domain/0a1b2c3d4e5f:user/9f8e7d6c5b4a"),
        encoding="utf-8")
    assert main(["lint", str(path), "--output", "json"]) == 0
    rules = {f["rule"] for f in json.loads(capsys.readouterr().out)["files"][0]["findings"]}
    assert "TTH030" not in rules

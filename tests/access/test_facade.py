"""`from runtime import Runtime`: the platform's entry point over a stack's spec and exported records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runtime import Runtime
from runtime.access import Action
from tether.errors import InputError, SpecInvalid
from tether.records import IntegrationRecord

ROOT = Path(__file__).resolve().parents[2]
DEV = ROOT / "stacks" / "dev" / "integrations.yaml"


def test_load_and_ask() -> None:
    rt = Runtime.load(DEV)
    assert rt.records == {}
    assert rt.can("carol@acme-vision.ai", "register", "traffic-video").allowed
    decision = rt.can("carol@acme-vision.ai", Action.DELETE, "traffic-video")
    assert (decision.allowed, decision.rule) == (False, "R3")
    assert [v.name for v in rt.visible("alice@acme-vision.ai", mine=True)] == [
        "traffic-video",
        "retail-images",
        "drone-survey",
    ]


def test_records_are_the_stack_outputs(tmp_path: Path) -> None:
    outputs = tmp_path / "outputs.json"
    record = {
        "name": "traffic-video", "provider": "aws", "bucket": "acme-vision-dev-traffic-video-7f3a", "region": "eu-west-2",
        "endpoint": None, "path_style": False, "role_arn": "arn:aws:iam::1:role/x", "service_account": None,
        "hmac_access_id": None, "account": None, "container": None, "principal": None,
        "signed_url_expiry_seconds": 43200, "sas_rotation_seconds": None, "strict_client_only": False,
        "direct_access": False,
    }
    outputs.write_text(json.dumps({"integrations": {"traffic-video": record}}))
    records = Runtime.load(DEV, records=outputs).records
    assert records["traffic-video"] == IntegrationRecord(**record)


def test_bad_records_are_one_line(tmp_path: Path) -> None:
    broken = tmp_path / "outputs.json"
    broken.write_text('{"a": ')
    with pytest.raises(InputError, match=r"outputs.json:1:7: not JSON"):
        Runtime.load(DEV, records=broken)
    broken.write_text("[1]")
    with pytest.raises(InputError, match="expected the JSON object"):
        Runtime.load(DEV, records=broken)
    with pytest.raises(InputError, match=r"missing\.json: no such file"):
        Runtime.load(DEV, records=tmp_path / "missing.json")
    with pytest.raises(InputError, match="is a directory, expected a file"):
        Runtime.load(DEV, records=tmp_path)


def test_bad_spec_and_bad_questions(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\n")
    with pytest.raises(SpecInvalid):
        Runtime.load(bad)
    rt = Runtime.load(DEV)
    with pytest.raises(InputError, match="unknown action 'fly'"):
        rt.can("alice@acme-vision.ai", "fly", "traffic-video")
    with pytest.raises(InputError, match="no integration named 'nope'"):
        rt.can("alice@acme-vision.ai", "view", "nope")

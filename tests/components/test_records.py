"""tether.records: the runtime reads `pulumi stack output --json`; every bad file fails with one located line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tether.errors import InputError
from tether.records import OUTPUT, IntegrationRecord, load_records, parse_records

RECORD: dict[str, Any] = {
    "name": "videos",
    "provider": "aws",
    "bucket": "acme-videos",
    "region": "eu-west-2",
    "endpoint": None,
    "path_style": False,
    "role_arn": "arn:aws:iam::123456789012:role/tether/tether-videos",
    "service_account": None,
    "hmac_access_id": None,
    "account": None,
    "container": None,
    "principal": None,
    "signed_url_expiry_seconds": 3600,
    "sas_rotation_seconds": None,
    "strict_client_only": True,
    "direct_access": False,
}


def text(record: dict[str, Any], name: str = "videos") -> str:
    return json.dumps({OUTPUT: {name: record}, "other": 1}, indent=2)


def test_round_trip() -> None:
    [(name, record)] = parse_records(text(RECORD), "out.json").items()
    assert name == "videos" and isinstance(record, IntegrationRecord)
    assert record.to_json() == RECORD


def test_whole_float_seconds_are_accepted_as_integers() -> None:
    record = parse_records(text({**RECORD, "signed_url_expiry_seconds": 3600.0}), "out.json")["videos"]
    assert record.signed_url_expiry_seconds == 3600 and isinstance(record.signed_url_expiry_seconds, int)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ('{"integrations": {', r"^out\.json:1:19: not JSON: Expecting property name"),
        ("[]", r"^out\.json: expected the JSON object `pulumi stack output --json` prints$"),
        ('{"bucket": "x"}', r"^out\.json: no 'integrations' output"),
        ('{"integrations": []}', r"^out\.json: integrations: expected an object keyed by integration name$"),
        (text({k: v for k, v in RECORD.items() if k != "bucket"}), r"^out\.json: integrations\.videos\.bucket: required field is missing$"),
        (text({**RECORD, "path_style": "no"}), r'^out\.json: integrations\.videos\.path_style: expected bool, got "no"$'),
        (text({**RECORD, "signed_url_expiry_seconds": True}), r"^out\.json: integrations\.videos\.signed_url_expiry_seconds: expected int or null, got true$"),
        (text({**RECORD, "signed_url_expiry_seconds": 1.5}), r"expected int or null, got 1\.5$"),
        (text({**RECORD, "region": None}), r"^out\.json: integrations\.videos\.region: expected str, got null$"),
        (text({**RECORD, "hmac_secret": "x"}), r"^out\.json: integrations\.videos\.hmac_secret: unknown field$"),
        (text(RECORD, name="images"), r"^out\.json: integrations\.images\.name: is 'videos', expected the key 'images'$"),
        (json.dumps({OUTPUT: {"videos": "x"}}), r'^out\.json: integrations\.videos: expected an object, got "x"$'),
    ],
)
def test_bad_content_is_one_clear_line(document: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_records(document, "out.json")


def test_load_records_from_file(tmp_path: Path) -> None:
    path = tmp_path / "outputs.json"
    path.write_text(text(RECORD))
    assert load_records(path)["videos"].role_arn == RECORD["role_arn"]


def test_missing_file_and_a_directory_are_bad_input(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_records(tmp_path / "missing.json")
    with pytest.raises(InputError, match="is a directory, expected a file"):
        load_records(tmp_path)

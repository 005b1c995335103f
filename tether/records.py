"""Integration records: what `pulumi up` exported for the runtime, in one typed shape.

The stack program writes them (stack output ``integrations``) and the runtime reads them back from
``pulumi stack output --json``, so both sides agree on field names through this one module. Records
never carry secrets: an HMAC key's secret stays in Pulumi state, encrypted.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from tether import userfile
from tether.errors import InputError
from tether.settings import endpoint_problem

OUTPUT = "integrations"
"""The stack output that holds the records, keyed by integration name."""


@dataclass(frozen=True)
class IntegrationRecord:
    """One integration as provisioned: where its data is and how the platform may reach it."""

    name: str
    provider: str
    bucket: str
    region: str
    endpoint: str | None
    path_style: bool
    role_arn: str | None
    """AWS: the role the platform assumes (with the integration's external ID); None for direct access."""
    service_account: str | None
    """GCP: the account whose identity signs V4 URLs (the reader, or the platform's own)."""
    hmac_access_id: str | None
    account: str | None
    container: str | None
    principal: str | None
    """OTC and S3-compatible: the store's principal the platform signs as."""
    signed_url_expiry_seconds: int | None
    """AWS, GCP, OTC and S3-compatible; None for Azure, which rotates SAS tokens instead."""
    sas_rotation_seconds: int | None
    strict_client_only: bool
    direct_access: bool

    def to_json(self) -> dict[str, Any]:
        """The record as the stack output stores it."""
        return asdict(self)


_TYPES = {"str": str, "bool": bool, "int": int}


MAX_OUTPUTS = 64 << 20
"""Refused above this: a record is about a kilobyte, so no real stack comes near it."""


def _kind(annotation: str) -> tuple[type, bool]:
    """``"int | None"`` -> (int, True): the checks below follow the dataclass, never a copy of it."""
    name, _, rest = annotation.partition(" | ")
    return _TYPES[name], rest == "None"


_KINDS = {field.name: _kind(str(field.type)) for field in fields(IntegrationRecord)}
"""Field -> (type, may be null); checked so a hand-edited or stale file fails with the field named."""


def _value(where: str, document: Mapping[str, Any], field: str) -> Any:
    kind, nullable = _KINDS[field]
    if field not in document:
        raise InputError(f"{where}.{field}: required field is missing")
    value = document[field]
    if value is None and nullable:
        return None
    # bool is an int subclass, and JSON numbers may come back as 3600.0: accept whole floats only
    if kind is int and isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        expected = kind.__name__ + (" or null" if nullable else "")
        raise InputError(f"{where}.{field}: expected {expected}, got {json.dumps(value)}")
    return value


def record_from_json(document: object, where: str) -> IntegrationRecord:
    """One record from its JSON form; InputError names ``where`` and the field at fault."""
    if not isinstance(document, dict):
        raise InputError(f"{where}: expected an object, got {json.dumps(document)}")
    unknown = sorted(set(document) - set(_KINDS))
    if unknown:
        raise InputError(f"{where}.{unknown[0]}: unknown field")
    record = IntegrationRecord(**{field: _value(where, document, field) for field in _KINDS})
    problem = record.endpoint and endpoint_problem(record.endpoint, path_allowed=True)
    if problem:
        raise InputError(f"{where}.endpoint: {problem}")
    return record


def parse_records(text: str, file: str) -> dict[str, IntegrationRecord]:
    """Records from the text of ``pulumi stack output --json``, keyed by integration name."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"{file}:{error.lineno}:{error.colno}: not JSON: {error.msg}") from None
    except (ValueError, RecursionError) as error:  # an integer past 4,300 digits, or nesting past the stack
        reason = "nested too deeply" if isinstance(error, RecursionError) else "a number too long to read"
        raise InputError(f"{file}: not JSON tether can read: {reason}") from None
    if not isinstance(document, dict):
        raise InputError(f"{file}: expected the JSON object `pulumi stack output --json` prints")
    if OUTPUT not in document:
        raise InputError(f"{file}: no {OUTPUT!r} output (is this the tether stack's `pulumi stack output --json`?)")
    entries = document[OUTPUT]
    if not isinstance(entries, dict):
        raise InputError(f"{file}: {OUTPUT}: expected an object keyed by integration name")
    records = {}
    for name, entry in entries.items():
        record = record_from_json(entry, f"{file}: {OUTPUT}.{name}")
        if record.name != name:
            raise InputError(f"{file}: {OUTPUT}.{name}.name: is {record.name!r}, expected the key {name!r}")
        records[name] = record
    return records


def load_records(path: str | Path) -> dict[str, IntegrationRecord]:
    """Read a saved ``pulumi stack output --json``; InputError for bad content, ReadError if unreadable."""
    text = userfile.read_text(path, MAX_OUTPUTS, "an outputs file")
    return parse_records(text, str(path))

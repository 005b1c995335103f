"""Read a spec file into the model, turning every problem into ``file:line:column: field: message``."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from tether import userfile
from tether.errors import SpecInvalid
from tether.gcpause import without_cycle_collection
from tether.problems import Path, Problem
from tether.spec import model
from tether.spec.references import check_references
from tether.spec.source import MAX_CHARS, SourceMap, load_yaml


@dataclass(frozen=True)
class LoadedSpec:
    """A valid spec and where each of its values came from (for findings that point at lines)."""

    file: str
    spec: model.Spec
    source: SourceMap


_EXPECTED = {
    "name": "lowercase letters, digits and hyphens, starting with a letter or digit, at most 63",
    "group": "a group name: lowercase letters, digits and hyphens",
    "origins": "an origin such as https://app.example.com (scheme://host[:port], no path)",
    "prefixes": "a key prefix ending with '/', such as videos/",
    "account_id": "a 12-digit AWS account id in quotes",
    "endpoint": "a URL such as https://obs.eu-de.otc.t-systems.com (no path)",
    "tenant_id": "a UUID",
    "principal_id": "a UUID (the object id of the platform's service principal)",
    "rule": "a policy rule id such as TTH001",
}

_PROVIDER_HINTS = {
    "signed_url_expiry": "custom signed URL expiry exists only for aws, gcp and otc; Azure rotates SAS tokens instead "
    "(set sas.rotation)",
    "external_id": "external_id belongs to aws integrations",
    "sas": "sas belongs to azure integrations",
    "hmac_key": "hmac_key belongs to gcp integrations",
    "reader_account": "reader_account belongs to gcp integrations",
    "project": "project belongs to gcp integrations",
    "resource_group": "resource_group belongs to azure integrations",
    "path_style": "path_style belongs to s3-compatible integrations",
    "principal": "principal belongs to otc and s3-compatible integrations",
    "endpoint": "endpoint belongs to otc and s3-compatible integrations",
}


def _all_field_names() -> set[str]:
    found: set[str] = set()
    stack: list[type[BaseModel]] = [model.Spec]
    seen: set[type[BaseModel]] = set()
    while stack:
        cls = stack.pop()
        if cls in seen:
            continue
        seen.add(cls)
        found.update(cls.model_fields)
        stack.extend(
            c for c in vars(model).values() if isinstance(c, type) and issubclass(c, BaseModel) and c not in seen
        )
    return found


_FIELD_NAMES = _all_field_names()


def _has(node: Any, part: int | str) -> bool:
    if isinstance(node, dict):
        return part in node
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)


def _data_path(loc: tuple[int | str, ...], data: Any, kind: str) -> tuple[Path, str | None]:
    """Map a pydantic location onto the document, dropping discriminator tags; also the provider seen."""
    path: list[str | int] = []
    node = data
    provider = None
    for position, part in enumerate(loc):
        if _has(node, part):
            node = node[part]
        elif position < len(loc) - 1 or kind not in ("missing", "extra_forbidden"):
            provider = str(part)
            continue
        else:
            node = None
        path.append(part)
        if isinstance(node, dict) and isinstance(node.get("provider"), str):
            provider = node["provider"]
    return tuple(path), provider


def _message(error: ErrorDetails, path: Path, provider: str | None) -> str:
    kind = error["type"]
    field = next((p for p in reversed(path) if isinstance(p, str)), "")
    given = error.get("input")
    if kind == "extra_forbidden":
        hint = _PROVIDER_HINTS.get(field)
        if hint and provider:
            return f"unknown key for {provider} integrations: {hint}"
        close = difflib.get_close_matches(field, _FIELD_NAMES, n=1)
        return f"unknown key {field!r}" + (f"; did you mean {close[0]!r}?" if close else "")
    if kind == "missing":
        return "required field is missing"
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        got = given.get("provider") if isinstance(given, dict) else given
        return f"provider must be one of aws, gcp, azure, otc, s3-compatible (got {got!r})"
    if kind == "string_pattern_mismatch":
        expected = _EXPECTED.get(field, f"text matching {error.get('ctx', {}).get('pattern')}")
        return f"expected {expected}, got {given!r}"
    message = error["msg"].removeprefix("Value error, ")
    if kind == "string_type" and isinstance(given, int | float | bool):
        return f"{message} (got {given!r}: put it in quotes)"
    if kind in ("bool_type", "int_type", "list_type", "dict_type", "model_type", "string_type", "literal_error"):
        return f"{message}, got {given!r}"
    return message


def _validation_problems(error: ValidationError, data: Any, source: SourceMap) -> list[Problem]:
    problems = []
    for detail in error.errors():
        path, provider = _data_path(detail["loc"], data, detail["type"])
        if detail["type"] in ("union_tag_invalid", "union_tag_not_found"):
            path = (*path, "provider")
        key = detail["type"] == "extra_forbidden"
        problems.append(source.problem(path, _message(detail, path, provider), key=key))
    return problems


def parse_spec(text: str, file: str) -> LoadedSpec:
    """Validate spec text; raise SpecInvalid with every problem, each with its location."""
    # loading allocates a few hundred thousand acyclic objects: collections during it were 40% of a
    # 5,000-integration load, and re-enabling afterwards a tenth more (tether/gcpause.py)
    with without_cycle_collection():
        return _parse_spec(text, file)


def _parse_spec(text: str, file: str) -> LoadedSpec:
    data, source, problems = load_yaml(text, file)
    if data is None and problems:
        raise SpecInvalid(problems)
    if not isinstance(data, dict):
        raise SpecInvalid([source.problem((), "expected a mapping with organization, platform and integrations")])
    try:
        spec = model.Spec.model_validate(data)
    except ValidationError as error:
        raise SpecInvalid(_sorted([*problems, *_validation_problems(error, data, source)])) from None
    problems += [source.problem(path, message) for path, message in check_references(spec)]
    if problems:
        raise SpecInvalid(_sorted(problems))
    return LoadedSpec(file, spec, source)


def _sorted(problems: list[Problem]) -> list[Problem]:
    """File order, so a person fixes them top to bottom."""
    return sorted(problems, key=lambda p: (p.location.line, p.location.column))


def read_text(path: str) -> str:
    """A spec file's text, with the CLI's errors (tether.userfile), never more than MAX_CHARS into memory."""
    return userfile.read_text(path, MAX_CHARS, "a spec")


def load_spec(path: str) -> LoadedSpec:
    """Load and validate the spec file at ``path``."""
    return parse_spec(read_text(path), path)

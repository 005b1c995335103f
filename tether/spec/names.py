"""Each provider's bucket and container naming rules, so a bad name fails review, not `pulumi up`."""

from __future__ import annotations

import ipaddress
import re

_S3_CHARS = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_S3_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_S3_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
_GCS_CHARS = re.compile(r"^[a-z0-9][a-z0-9._-]*[a-z0-9]$")
_AZURE_ACCOUNT = re.compile(r"^[a-z0-9]{3,24}$")
_AZURE_CONTAINER = re.compile(r"^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$")


def _is_ip(name: str) -> bool:
    try:
        ipaddress.IPv4Address(name)
    except ValueError:
        return False
    return True


def s3_bucket_problem(name: str) -> str | None:
    """Why ``name`` is not a valid S3 bucket name (AWS rules), or None when it is."""
    if not _S3_CHARS.match(name):
        return "3-63 lowercase letters, digits, dots or hyphens, starting and ending with a letter or digit"
    if ".." in name:
        return "no two adjacent dots"
    if _is_ip(name):
        return "not formatted as an IP address"
    if name.startswith(_S3_RESERVED_PREFIXES) or name.endswith(_S3_RESERVED_SUFFIXES):
        return "not a reserved prefix (xn--, sthree-, amzn-s3-demo-) or suffix (-s3alias, --ol-s3, .mrap, --x-s3)"
    return None


def obs_bucket_problem(name: str) -> str | None:
    """Open Telekom Cloud OBS: S3 rules, and no dot next to a hyphen."""
    problem = s3_bucket_problem(name)
    if problem is None and (".-" in name or "-." in name):
        return "no dot next to a hyphen (OBS rule)"
    return problem


def gcs_bucket_problem(name: str) -> str | None:
    """Why ``name`` is not a valid Cloud Storage bucket name, or None."""
    components = name.split(".")
    if not _GCS_CHARS.match(name) or len(name) < 3 or len(name) > 222:
        return "3-63 lowercase letters, digits, dashes, underscores or dots, starting and ending with a letter or digit"
    if any(not part or len(part) > 63 for part in components):
        return "each dot-separated part 1-63 characters"
    if _is_ip(name):
        return "not formatted as an IP address"
    if name.startswith("goog") or "google" in name or "g00gle" in name:
        return "not starting with 'goog' nor containing 'google'"
    return None


def azure_account_problem(name: str) -> str | None:
    """Storage account names: 3-24 lowercase letters and digits, globally unique."""
    return None if _AZURE_ACCOUNT.match(name) else "3-24 lowercase letters and digits"


def azure_container_problem(name: str) -> str | None:
    """Blob container names: 3-63 lowercase letters, digits and single hyphens."""
    if _AZURE_CONTAINER.match(name):
        return None
    return "3-63 lowercase letters, digits or single hyphens, starting and ending with a letter or digit"

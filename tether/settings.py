"""Where each provider's API is and which credentials to use: the environment, optionally from a file.

Shared by drift detection and URL signing, so both reach the same stores with the same credentials.

Credentials come from each SDK's standard chain. Two kinds of variable are tether's own:
``TETHER_ENDPOINT_<PROVIDER>=URL`` sends a provider's calls elsewhere (an S3-compatible store, a
local stand-in), and ``TETHER_PROFILE_<PROVIDER>=NAME`` picks an AWS-config profile for one
S3-family provider when AWS and OTC keys differ. ``tether sandbox`` writes such a file,
``.tether/sandbox.env``; ``--env-file`` reads one.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from dotenv.parser import parse_stream

from tether import userfile
from tether.errors import InputError, ReadError

ENDPOINT_PREFIX = "TETHER_ENDPOINT_"
PROFILE_PREFIX = "TETHER_PROFILE_"
TARGETS = {
    "AWS": "aws",
    "AWS_IAM": "aws-iam",
    "OTC": "otc",
    "S3_COMPATIBLE": "s3-compatible",
    "GCP": "gcp",
    "AZURE": "azure",
    "AZURE_MANAGEMENT": "azure-management",
}
"""Variable suffix -> what it points at. AWS_IAM is the IAM API when it is not where AWS's S3 is (the sandbox
keeps buckets in SeaweedFS and roles in moto); AZURE is the blob service (an emulator's path-style base URL);
AZURE_MANAGEMENT is Azure Resource Manager."""

_URL = re.compile(r"^https?://[^\s/]+(/[^\s]*)?$")


@dataclass(frozen=True)
class Settings:
    """The variables a scan or a signer uses: the process environment overlaid with an env file."""

    env: Mapping[str, str] = field(default_factory=dict)
    endpoints: Mapping[str, str] = field(default_factory=dict)
    """Target (``aws``, ``aws-iam``, ``otc``, ``s3-compatible``, ``gcp``, ``azure``, ``azure-management``) -> URL."""

    def endpoint(self, target: str) -> str | None:
        """The overridden endpoint of ``target``, or None for the provider's own."""
        return self.endpoints.get(target)

    def get(self, name: str) -> str | None:
        """One variable (env file first, then the process environment)."""
        return self.env.get(name)

    def boto_session(self, provider: str) -> Any:
        """A boto3 session for an S3-family provider: its TETHER_PROFILE_*, else the AWS_* keys set here, else
        boto3's own chain. ReadError for a profile not in the AWS config files or half a key pair."""
        import boto3
        from botocore.exceptions import ProfileNotFound

        variable = profile_variable(provider)
        profile = self.get(variable)
        access, secret = self.get("AWS_ACCESS_KEY_ID"), self.get("AWS_SECRET_ACCESS_KEY")
        if profile:
            try:
                return boto3.session.Session(profile_name=profile)
            except ProfileNotFound:
                raise ReadError(f"{variable}: profile {profile!r} is not in the AWS config files") from None
        if access or secret:
            if not (access and secret):
                missing = "AWS_SECRET_ACCESS_KEY" if access else "AWS_ACCESS_KEY_ID"
                raise ReadError(f"{missing} is not set, though its pair is: set both or neither")
            return boto3.session.Session(
                aws_access_key_id=access, aws_secret_access_key=secret, aws_session_token=self.get("AWS_SESSION_TOKEN")
            )
        return boto3.session.Session()


def profile_variable(provider: str) -> str:
    """``s3-compatible`` -> ``TETHER_PROFILE_S3_COMPATIBLE``."""
    return PROFILE_PREFIX + provider.upper().replace("-", "_")


MAX_ENV_FILE = 1 << 20
"""An env file holds a few dozen variables; anything near a megabyte is not one."""


def read_env_file(path: str) -> tuple[dict[str, str], dict[str, str]]:
    """``KEY=VALUE`` lines as python-dotenv reads them (``export``, quotes, ``#`` comments, multi-line
    quoted values), and where each was set.

    Bad lines are input errors naming the file and line but never their text, which may hold a secret.
    """
    text = userfile.read_text(path, MAX_ENV_FILE, "an env file")
    values, where = {}, {}
    for binding in parse_stream(io.StringIO(text)):
        if binding.key is None and not binding.error:
            continue  # a blank or comment line
        if binding.error or binding.key is None or binding.value is None:
            raise InputError(f"{path}:{binding.original.line}: expected KEY=VALUE (the line is not shown: it may "
                             "hold a secret)")
        values[binding.key] = binding.value
        where[binding.key] = f"{path}:{binding.original.line}"
    return values, where


def endpoint_problem(value: str, *, path_allowed: bool) -> str | None:
    """Why ``value`` is not an endpoint URL tether can send requests to, or None; never repeats a password."""
    if "@" in value:  # anywhere: a password holding '/' pushes the '@' past where the host seems to end
        return "must not carry a user name or password (user:password@): it would be copied into every URL"
    if not _URL.match(value):
        return "expected a URL such as http://127.0.0.1:8333"
    parts = urlsplit(value)
    try:
        port = parts.port
    except ValueError:
        return "has a port outside 1-65535"
    if port == 0 or not parts.hostname:
        return "expected a URL with a host and a port in 1-65535"
    if parts.query or parts.fragment or (parts.path.strip("/") and not path_allowed):
        return "expected scheme://host[:port] with no path"
    return None


def _endpoints(env: Mapping[str, str], origin: Mapping[str, str]) -> dict[str, str]:
    endpoints = {}
    for name, value in env.items():
        if not name.startswith(ENDPOINT_PREFIX):
            continue
        suffix = name.removeprefix(ENDPOINT_PREFIX)
        where = origin.get(name, "environment")
        if suffix not in TARGETS:
            known = ", ".join(ENDPOINT_PREFIX + k for k in TARGETS)
            raise InputError(f"{where}: {name}: unknown endpoint variable (known: {known})")
        problem = endpoint_problem(value, path_allowed=TARGETS[suffix] == "azure")
        if problem:
            shown = "" if "@" in value else f", got {value[:80]!r}"
            raise InputError(f"{where}: {name}: {problem}{shown}")
        endpoints[TARGETS[suffix]] = value.rstrip("/")
    return endpoints


def load_settings(env_file: str | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from ``environ`` (default: the process environment) and the optional env file."""
    env = dict(os.environ if environ is None else environ)
    origin: dict[str, str] = {}
    if env_file:
        from_file, origin = read_env_file(env_file)
        env.update(from_file)
    return Settings(env=env, endpoints=_endpoints(env, origin))

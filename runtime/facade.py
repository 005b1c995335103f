"""The platform's one entry point to the runtime: load a stack once, then ask it questions.

Stateless apart from what it loaded (and caches of signing keys), so the platform scales by running more
copies: access questions, URL signing and registration-file checks all go through one loaded spec.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path

from runtime.access import Action, Decision, decide
from runtime.listing import Visible, visible
from runtime.manifest.check import Report, Source, check_manifest
from runtime.sign import CredentialSource, SignedUrl, UrlSigner
from runtime.sign.signer import Expiry
from tether.errors import InputError
from tether.records import IntegrationRecord, load_records
from tether.settings import Settings, load_settings
from tether.spec import LoadedSpec, load_spec
from tether.spec.model import AnyIntegration, Spec


@dataclass(frozen=True)
class Runtime:
    """A loaded spec, the stack's exported records and the settings: answers access, signing and manifest questions."""

    loaded: LoadedSpec
    records: Mapping[str, IntegrationRecord] = field(default_factory=dict)
    """The stack's integration records from ``pulumi stack output --json`` (empty when not given)."""
    settings: Settings = field(default_factory=load_settings)
    """Endpoint overrides and credentials variables (the process environment, plus an env file)."""
    credentials: CredentialSource | None = None
    """Where signing keys come from; None: the environment and each SDK's chain."""

    @classmethod
    def load(
        cls, spec_path: str | Path, records: str | Path | None = None, env_file: str | Path | None = None
    ) -> Runtime:
        """Read a spec, and the stack outputs and env file when given; InputError or ReadError when unusable."""
        loaded = load_spec(str(spec_path))
        found = load_records(records) if records is not None else {}
        if records is not None:
            _check_records(loaded.spec, found, str(records))
        return cls(loaded, found, load_settings(str(env_file) if env_file is not None else None))

    @property
    def spec(self) -> Spec:
        """The validated spec."""
        return self.loaded.spec

    def can(self, user: str, action: Action | str, integration: str | AnyIntegration) -> Decision:
        """May ``user`` do ``action`` on ``integration``; InputError for an unknown action or integration."""
        try:
            known = Action(action)
        except ValueError:
            raise InputError(f"unknown action {action!r} (known: {', '.join(a.value for a in Action)})") from None
        try:
            return decide(self.spec, user, known, integration)
        except KeyError as error:
            raise InputError(error.args[0]) from None

    def visible(self, user: str, owner: str | None = None, mine: bool = False) -> list[Visible]:
        """The integrations ``user`` sees, with role and how they hold it; see runtime.listing."""
        return visible(self.spec, user, owner=owner, mine=mine)

    def sign(
        self, user: str, integration: str, key: str, expires_in: Expiry = None, now: datetime | None = None
    ) -> SignedUrl:
        """A URL to read ``key`` (Refused with the reason when not allowed; InputError for an unknown integration).

        ``expires_in`` (seconds or a timedelta) defaults to the integration's expiry; ``now`` pins the clock.
        """
        return self._signer.sign_one(user, integration, key, expires_in, now)

    def sign_many(
        self,
        user: str,
        integration: str,
        keys: Sequence[str],
        expires_in: Expiry = None,
        now: datetime | None = None,
    ) -> list[SignedUrl]:
        """URLs for many keys, in order, on one access decision; one bad key refuses the batch, naming it."""
        return self._signer.sign(user, integration, keys, expires_in, now)

    def check_manifest(self, user: str, integration: str, source: Source) -> Report:
        """Check a registration file (a path, streamed) or document (a mapping); see runtime.manifest."""
        try:
            return check_manifest(self.spec, integration, user, source)
        except KeyError as error:
            raise InputError(error.args[0]) from None

    @cached_property
    def _signer(self) -> UrlSigner:
        return UrlSigner(self.spec, self.records, self.settings, self.credentials)


def _check_records(spec: Spec, records: Mapping[str, IntegrationRecord], file: str) -> None:
    """A record must describe the integration of the same name as the spec declares it, provider and all."""
    for integration in spec.integrations:
        record = records.get(integration.name)
        if record is not None and record.provider != integration.provider:
            raise InputError(
                f"{file}: integrations.{integration.name}.provider: is {record.provider!r}, "
                f"but the spec declares {integration.provider!r}"
            )

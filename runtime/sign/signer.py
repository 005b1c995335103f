"""Signing as the platform does it: decide, check every key, settle the expiry, then call a pure signer.

One access decision covers a batch (a labelling page asks for thousands of frames at once); every key is
still checked on its own. The decision is logged (logger ``tether.runtime``) with who, what, which keys
and until when; the URL and its query never are, since they are bearer credentials (R10).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from runtime.access import Action, decide
from runtime.sign import expiry
from runtime.sign.credentials import CredentialSource, EnvironmentCredentials, Lease
from runtime.sign.keys import key_problem, shown
from runtime.sign.outcome import Refused, SignedUrl
from runtime.sign.targets import AzureTarget, GcsTarget, S3Target, Target, resolve
from runtime.signing.azure_sas import BlobSasSigner
from runtime.signing.common import epoch_second
from runtime.signing.gcs_v4 import GcsV4Signer
from runtime.signing.sigv4 import S3Presigner
from tether.errors import InputError
from tether.records import IntegrationRecord
from tether.settings import Settings
from tether.spec.model import AnyIntegration, Spec

logger = logging.getLogger("tether.runtime")
S = TypeVar("S")

Expiry = int | timedelta | None
"""Seconds, a duration, or None for the integration's default."""


class UrlSigner:
    """Signs object URLs for one loaded spec; keeps targets and keyed signers between calls (thread-safe)."""

    def __init__(
        self,
        spec: Spec,
        records: Mapping[str, IntegrationRecord],
        settings: Settings,
        credentials: CredentialSource | None = None,
    ) -> None:
        self.spec = spec
        self.records = records
        self.settings = settings
        self.credentials = credentials if credentials is not None else EnvironmentCredentials(settings)
        self._lock = threading.Lock()
        self._targets: dict[str, Target] = {}
        self._signers: dict[str, tuple[Lease[Any], Any]] = {}

    def sign(
        self, user: str, integration: str, keys: Sequence[str], expires_in: Expiry = None, now: datetime | None = None
    ) -> list[SignedUrl]:
        """One URL per key, or Refused naming the first reason; InputError for an unknown integration."""
        if isinstance(keys, str):
            raise InputError("keys must be a sequence of object keys, not one string")
        try:
            declared = self.spec.integration(integration)
        except KeyError as error:
            raise InputError(error.args[0]) from None
        requested = _seconds(expires_in)
        second = epoch_second(now)
        try:
            self._admit(user, declared, keys)
            lifetime, note, urls = self._sign(declared, keys, expiry.choose(declared, requested), second)
        except Refused as refused:
            _log_refused(user, integration, keys, refused.reason)
            raise
        until = expiry.expires_at(second, lifetime)
        _log_signed(user, integration, keys, until, note)
        return [SignedUrl(url, until, note) for url in urls]

    def _admit(self, user: str, integration: AnyIntegration, keys: Sequence[str]) -> None:
        decision = decide(self.spec, user, Action.SIGN, integration)
        if not decision.allowed:
            raise Refused(decision.reason, decision.rule)
        record = self.records.get(integration.name)
        if integration.direct_access or (record is not None and record.direct_access):
            raise Refused(f"{integration.name} uses Direct Access: the platform does not sign its URLs", "R9")
        for key in keys:
            problem = key_problem(key, integration.name, integration.prefixes)
            if problem:
                raise Refused(problem)

    def _target(self, integration: AnyIntegration) -> Target:
        target = self._targets.get(integration.name)
        if target is None:
            record = self.records.get(integration.name)
            target = self._targets[integration.name] = resolve(self.spec, integration, record, self.settings)
        return target

    def _keyed(self, name: str, lease: Lease[Any], build: Callable[[], S]) -> S:
        """The signer made for ``lease``: signers derive and cache keys, so one is kept per lease."""
        with self._lock:
            kept = self._signers.get(name)
            if kept is None or kept[0] is not lease:
                kept = self._signers[name] = (lease, build())
            made: S = kept[1]
            return made

    def _sign(
        self, integration: AnyIntegration, keys: Sequence[str], lifetime: int, second: int
    ) -> tuple[int, str | None, list[str]]:
        target = self._target(integration)
        at = datetime.fromtimestamp(second, UTC)
        if isinstance(target, S3Target):
            lease = self.credentials.aws(target)
            lifetime, note = expiry.fit(second, lifetime, lease.expires_at, lease.name)
            presigner = self._keyed(
                target.integration,
                lease,
                lambda: S3Presigner(
                    lease.value,
                    target.region,
                    endpoint_url=target.endpoint,
                    addressing="path" if target.path_style else "virtual",
                ),
            )
            return lifetime, note, presigner.presign_many(target.bucket, keys, expires_in=lifetime, now=at)
        if isinstance(target, GcsTarget):
            gcs = self.credentials.gcs(target)
            lifetime, note = expiry.fit(second, lifetime, gcs.expires_at, gcs.name)
            signer = self._keyed(
                target.integration, gcs, lambda: GcsV4Signer(gcs.value, endpoint=target.endpoint)
            )
            return lifetime, note, [signer.sign(target.bucket, key, expires_in=lifetime, now=at) for key in keys]
        return self._sign_azure(target, keys, lifetime, second)

    def _sign_azure(
        self, target: AzureTarget, keys: Sequence[str], lifetime: int, second: int
    ) -> tuple[int, str | None, list[str]]:
        at = datetime.fromtimestamp(second, UTC)
        lease = self.credentials.azure(target, expiry.expires_at(second, lifetime))
        lifetime, note = expiry.fit(second, lifetime, lease.expires_at, lease.name)
        key = lease.value
        sas = self._keyed(
            target.integration,
            lease,
            lambda: BlobSasSigner(
                target.account,
                account_key=key.account_key,
                user_delegation_key=key.delegation_key,
                protocol=target.protocol,
            ),
        )
        return lifetime, note, [
            sas.url(target.account_url, target.container, blob, expires_in=lifetime, now=at) for blob in keys
        ]


def _seconds(expires_in: Expiry) -> int | None:
    if expires_in is None:
        return None
    seconds = expires_in.total_seconds() if isinstance(expires_in, timedelta) else expires_in
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 1 or seconds != int(seconds):
        raise InputError(f"expires_in must be a whole number of seconds, at least 1, got {expires_in!r}")
    return int(seconds)


def _shown_keys(keys: Sequence[str]) -> str:
    if len(keys) == 1:
        return shown(keys[0])
    return f"{len(keys)} keys" + (f" from {shown(keys[0])}" if keys else "")


def _log_refused(user: str, integration: str, keys: Sequence[str], reason: str) -> None:
    """A refusal: who, which integration and keys, and why."""
    if logger.isEnabledFor(logging.INFO):
        decision = {"user": user, "integration": integration, "keys": list(keys), "allowed": False, "reason": reason}
        logger.info(
            "sign refused: %s on %s, %s: %s", user, integration, _shown_keys(keys), reason, extra={"decision": decision}
        )


def _log_signed(user: str, integration: str, keys: Sequence[str], until: datetime, note: str | None) -> None:
    """A signing: who, which integration and keys, and until when; never the URL, which is a bearer credential."""
    if logger.isEnabledFor(logging.INFO):
        ends = until.isoformat()
        decision = {"user": user, "integration": integration, "keys": list(keys), "allowed": True, "expires_at": ends}
        said = f" ({note})" if note else ""
        logger.info(
            "sign allowed: %s on %s, %s, until %s%s", user, integration, _shown_keys(keys), ends, said,
            extra={"decision": decision},
        )

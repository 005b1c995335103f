"""Signing as the platform does it: decide, check every key, settle the expiry, then call a pure signer.

The access decision is made once per user and integration for the loaded spec and covers a batch (a
labelling page asks for thousands of frames at once); every key is still checked on every call. Each
signing is logged (logger ``tether.runtime``) with who, what, which keys and until when; the URL and its
query never are, since they are bearer credentials (R10).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import repeat
from typing import Any, TypeVar

from runtime.access import Action, decide
from runtime.sign import expiry
from runtime.sign.credentials import CredentialSource, EnvironmentCredentials, Lease
from runtime.sign.keys import keys_problem, plain_key, shown
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


MAX_DECISIONS = 65_536
"""Decisions kept per loaded spec; past this the cache starts again (the user strings are the caller's)."""


@dataclass(frozen=True)
class _Decided:
    """One user's standing on one integration, decided once for the loaded spec: a refusal, or what a
    signing needs besides the keys (prefixes as a tuple, the target, the lifetime of each expiry asked)."""

    integration: AnyIntegration
    target: Target | None
    """Where to sign; None when refused."""
    refusal: tuple[str, str | None] = ("", None)
    """The reason and rule of a refusal."""
    prefixes: tuple[str, ...] = ()
    within: tuple[str, ...] = ("",)
    """The prefixes a key must start with: ``prefixes``, or the empty string for the whole bucket."""
    lifetimes: dict[int | None, int] = field(default_factory=dict)


class UrlSigner:
    """Signs object URLs for one loaded spec; keeps decisions, targets and keyed signers between calls.

    Thread-safe: the caches are plain dicts (a lost race computes the same value twice). The code on the
    way from ``sign`` to the pure signer is kept short on purpose: one call per key must cost within half
    again what the signer does (bench/signing.py).
    """

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
        self._permanent = type(self.credentials) is EnvironmentCredentials
        """Its leases without an end are kept for good: a signer made for one need not ask again."""
        self._lock = threading.Lock()
        self._decisions: dict[tuple[str, str], _Decided] = {}
        self._signers: dict[str, tuple[Lease[Any], Any]] = {}
        self._until: tuple[int, datetime] = (0, datetime.fromtimestamp(0, UTC))

    def sign(
        self, user: str, integration: str, keys: Sequence[str], expires_in: Expiry = None, now: datetime | None = None
    ) -> list[SignedUrl]:
        """One URL per key, or Refused naming the first reason; InputError for an unknown integration."""
        if isinstance(keys, str):
            raise InputError("keys must be a sequence of object keys, not one string")
        decided = self._decisions.get((user, integration)) or self._decide(user, integration)
        requested = (
            expires_in if expires_in is None or (type(expires_in) is int and expires_in > 0) else _seconds(expires_in)
        )
        second = int(time.time()) if now is None else epoch_second(now)
        try:
            target = decided.target
            if target is None:
                raise Refused(*decided.refusal)
            problem = keys_problem(keys, integration, decided.prefixes)
            if problem:
                raise Refused(problem)
            lifetime = decided.lifetimes.get(requested) or self._lifetime(decided, requested)
            lifetime, note, urls = self._sign(target, keys, lifetime, second)
        except Refused as refused:
            _log_refused(user, integration, keys, refused.reason)
            raise
        end = second + lifetime
        until = self._until[1] if self._until[0] == end else self._expires_at(end)
        if logger.isEnabledFor(logging.INFO):
            _log_signed(user, integration, keys, until, note)
        return list(map(_new, repeat(SignedUrl), zip(urls, repeat(until), repeat(note))))

    def sign_one(
        self, user: str, integration: str, key: str, expires_in: Expiry = None, now: datetime | None = None
    ) -> SignedUrl:
        """``sign`` for one key. A page that asks once per frame takes the shortest way there is: a decision
        already made, an S3 target and a plain key skip the batch's loops and lists; anything else goes
        through ``sign``, which answers (and logs) the same."""
        decided = self._decisions.get((user, integration))
        target = decided.target if decided is not None else None
        if decided is None or type(target) is not S3Target or not plain_key(key, decided.within):
            return self.sign(user, integration, (key,), expires_in, now)[0]
        requested = (
            expires_in if expires_in is None or (type(expires_in) is int and expires_in > 0) else _seconds(expires_in)
        )
        second = int(time.time()) if now is None else epoch_second(now)
        try:
            lifetime = decided.lifetimes.get(requested) or self._lifetime(decided, requested)
            lifetime, note, presigner = self._s3(target, lifetime, second)
        except Refused as refused:
            _log_refused(user, integration, (key,), refused.reason)
            raise
        url = presigner.presign(target.bucket, key, expires_in=lifetime, now=second)
        end = second + lifetime
        until = self._until[1] if self._until[0] == end else self._expires_at(end)
        if logger.isEnabledFor(logging.INFO):
            _log_signed(user, integration, (key,), until, note)
        return _new(SignedUrl, (url, until, note))

    def _decide(self, user: str, name: str) -> _Decided:
        """Decide (R1-R9) and keep the answer; InputError, not kept, for an unknown integration."""
        try:
            integration = self.spec.integration(name)
        except KeyError as error:
            raise InputError(error.args[0]) from None
        decision = decide(self.spec, user, Action.SIGN, integration)
        record = self.records.get(integration.name)
        if not decision.allowed:
            decided = _Decided(integration, None, (decision.reason, decision.rule))
        elif integration.direct_access or (record is not None and record.direct_access):
            direct = f"{integration.name} uses Direct Access: the platform does not sign its URLs"
            decided = _Decided(integration, None, (direct, "R9"))
        else:
            target = resolve(self.spec, integration, record, self.settings)
            prefixes = tuple(integration.prefixes)
            decided = _Decided(integration, target, prefixes=prefixes, within=prefixes or ("",))
        if len(self._decisions) >= MAX_DECISIONS:
            self._decisions.clear()
        self._decisions[user, name] = decided
        return decided

    @staticmethod
    def _lifetime(decided: _Decided, requested: int | None) -> int:
        """The expiry for ``requested`` (Refused when over a limit); the last few asked are kept."""
        lifetime = expiry.choose(decided.integration, requested)
        if len(decided.lifetimes) < 8:
            decided.lifetimes[requested] = lifetime
        return lifetime

    def _expires_at(self, end: int) -> datetime:
        """The UTC time at epoch second ``end``, kept: URLs signed in the same second share one."""
        until = datetime.fromtimestamp(end, UTC)
        self._until = (end, until)
        return until

    def _keyed(self, name: str, lease: Lease[Any], build: Callable[[], S]) -> S:
        """The signer made for ``lease``: signers derive and cache keys, so one is kept per lease."""
        with self._lock:
            kept = self._signers.get(name)
            if kept is None or kept[0] is not lease:
                kept = self._signers[name] = (lease, build())
            made: S = kept[1]
            return made

    def _sign(
        self, target: Target, keys: Sequence[str], lifetime: int, second: int
    ) -> tuple[int, str | None, list[str]]:
        if isinstance(target, S3Target):
            lifetime, note, presigner = self._s3(target, lifetime, second)
            return lifetime, note, presigner.presign_many(target.bucket, keys, expires_in=lifetime, now=second)
        if isinstance(target, GcsTarget):
            gcs = self.credentials.gcs(target)
            lifetime, note = expiry.fit(second, lifetime, gcs.expires_at, gcs.name)
            signer = self._keyed(
                target.integration, gcs, lambda: GcsV4Signer(gcs.value, endpoint=target.endpoint)
            )
            return lifetime, note, [signer.sign(target.bucket, key, expires_in=lifetime, now=second) for key in keys]
        return self._sign_azure(target, keys, lifetime, second)

    def _s3(self, target: S3Target, lifetime: int, second: int) -> tuple[int, str | None, S3Presigner]:
        """The lifetime cut to the credentials' (with its note), and the presigner for them."""
        kept = self._signers.get(target.integration)
        if self._permanent and kept is not None and kept[0].expires_at is None:
            return lifetime, None, kept[1]  # EnvironmentCredentials would answer with this same lease
        lease = self.credentials.aws(target)
        note = None
        if lease.expires_at is not None:
            lifetime, note = expiry.fit(second, lifetime, lease.expires_at, lease.name)
        if kept is not None and kept[0] is lease:
            presigner: S3Presigner = kept[1]
            return lifetime, note, presigner
        return lifetime, note, self._keyed(
            target.integration,
            lease,
            lambda: S3Presigner(
                lease.value,
                target.region,
                endpoint_url=target.endpoint,
                addressing="path" if target.path_style else "virtual",
            ),
        )

    def _sign_azure(
        self, target: AzureTarget, keys: Sequence[str], lifetime: int, second: int
    ) -> tuple[int, str | None, list[str]]:
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
            sas.url(target.account_url, target.container, blob, expires_in=lifetime, now=second) for blob in keys
        ]


_new = tuple.__new__
"""``_new(SignedUrl, (url, expires_at, note))`` makes a SignedUrl without the keyword handling of its
constructor; with ``map`` and ``zip``, a batch's results are made without running a line of Python per URL."""


def _seconds(expires_in: Expiry) -> int | None:
    """``expires_in`` in whole seconds (None stays None); InputError for anything else."""
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
    """A signing: who, which integration and keys, and until when; never the URL, which is a bearer credential.
    The caller asks ``logger.isEnabledFor`` first: a signing costs little more than that check."""
    ends = until.isoformat()
    decision = {"user": user, "integration": integration, "keys": list(keys), "allowed": True, "expires_at": ends}
    said = f" ({note})" if note else ""
    logger.info(
        "sign allowed: %s on %s, %s, until %s%s", user, integration, _shown_keys(keys), ends, said,
        extra={"decision": decision},
    )

"""One cloud call with bounded retries, and the reading of one integration resource by resource.

The SDKs' own retries are turned off so that every provider follows the same policy and the
report can say exactly how many attempts a throttled or failing call got.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any, TypeVar

from tether.drift.model import Failure, NotChecked, Observed, Reason, Unreadable

T = TypeVar("T")


@dataclass(frozen=True)
class Classified:
    """What an SDK exception means for a drift scan."""

    reason: Reason
    transient: bool
    code: str
    detail: str


Classifier = Callable[[BaseException], Classified | None]
"""Maps a provider's exception to its meaning; None for exceptions that are bugs, not cloud answers."""


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter; ``attempts`` counts the first call."""

    attempts: int = 4
    base_delay: float = 0.25
    max_delay: float = 8.0
    sleep: Callable[[float], None] = time.sleep

    def delay(self, attempt: int) -> float:
        """How long to wait after failed attempt number ``attempt`` (1-based)."""
        return random.uniform(0, min(self.max_delay, self.base_delay * 2 ** (attempt - 1)))


class CallFailed(Exception):
    """A call that gave no usable answer; ``code`` is the provider's error code when it sent one."""

    def __init__(self, failure: Failure, code: str) -> None:
        super().__init__(failure.detail)
        self.failure = failure
        self.code = code


class Caller:
    """Calls SDK functions under one retry policy and counts the retries it made."""

    def __init__(self, policy: RetryPolicy, classify: Classifier) -> None:
        self.policy = policy
        self.classify = classify
        self.retries = 0

    def __call__(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``fn(*args, **kwargs)``, retried while the failure is transient."""
        attempt = 1
        while True:
            try:
                return fn(*args, **kwargs)
            except Exception as error:
                meaning = self.classify(error)
                if meaning is None:
                    raise
                if not meaning.transient or attempt >= self.policy.attempts:
                    raise CallFailed(Failure(meaning.reason, meaning.detail, attempt), meaning.code) from error
            self.retries += 1
            self.policy.sleep(self.policy.delay(attempt))
            attempt += 1


NOT_IMPLEMENTED = frozenset({"NotImplemented", "XNotImplemented"})
_STOPS: frozenset[Reason] = frozenset({"unreachable", "credentials"})


class Reading:
    """Reads the resources of one integration in turn into an :class:`Observed`.

    A resource that is not configured (its "absent" error codes) reads as None; the bucket being
    gone, or the endpoint being unreachable, ends the reading: every later call would say the same.
    """

    def __init__(self, caller: Caller, gone: Collection[str], what: str) -> None:
        self.caller = caller
        self.gone = gone
        self.what = what
        self.observed = Observed()
        self._stopped: Failure | None = None

    def read(self, resource: str, thunk: Callable[[], Any], absent: Collection[str] = ()) -> None:
        """Record ``thunk()`` (which makes its calls through ``self.caller``) as ``resource``'s value."""
        observed = self.observed
        if observed.missing:
            return
        if self._stopped:
            observed.unreadable.append(
                Unreadable(resource, Failure(self._stopped.reason, "an earlier call failed the same way", 0))
            )
            return
        try:
            observed.values[resource] = thunk()
        except CallFailed as failed:
            if failed.code in absent:
                observed.values[resource] = None
            elif failed.code in self.gone:
                observed.missing = self.what
            elif failed.code in NOT_IMPLEMENTED:
                observed.not_checked.append(NotChecked(resource, "the store does not implement this API"))
            else:
                observed.unreadable.append(Unreadable(resource, failed.failure))
                if failed.failure.reason in _STOPS:
                    self._stopped = failed.failure
        finally:
            observed.retries = self.caller.retries

    def skip(self, resource: str, why: str) -> None:
        """Note a managed resource this scan cannot read here."""
        self.observed.not_checked.append(NotChecked(resource, why))

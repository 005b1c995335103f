"""One cloud call with bounded retries and a deadline, and the reading of one integration resource by resource.

The SDKs' own retries are turned off so that every provider follows the same policy and the
report can say exactly how many attempts a throttled or failing call got. Every reader call goes
through :class:`Caller`; a call that builds a fresh request each attempt (a paged listing passed as
``lambda: list(pager())``) restarts cleanly on retry.
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
    retry_after: float | None = None
    """Seconds the service asked to wait (Retry-After on a 429 or 503), honoured up to the policy's cap."""


def retry_after(headers: Any) -> float | None:
    """A Retry-After header in seconds (the HTTP-date form is not used by these services)."""
    value = (headers.get("Retry-After") or headers.get("retry-after")) if headers is not None else None
    try:
        seconds = float(value) if value is not None else None
    except ValueError:
        return None
    return seconds if seconds is not None and 0 <= seconds < float("inf") else None


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
    """Calls SDK functions under one retry policy and one deadline, and counts the retries it made.

    A timed-out call is not retried: a server that did not answer within the timeout once will
    most likely not answer the next time either, and each attempt costs the whole timeout.
    """

    def __init__(self, policy: RetryPolicy, classify: Classifier, deadline: float | None = None) -> None:
        self.policy = policy
        self.classify = classify
        self.deadline = deadline
        """``time.monotonic()`` after which no new attempt starts (the integration's deadline)."""
        self.retries = 0
        self.observed: Observed | None = None
        """What the reading made with this caller has found so far (set by :class:`Reading`)."""

    def _left(self) -> float:
        return float("inf") if self.deadline is None else self.deadline - time.monotonic()

    def __call__(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``fn(*args, **kwargs)``, retried while the failure is transient and time is left."""
        attempt = 1
        while True:
            if self._left() <= 0:
                raise CallFailed(Failure("timeout", "the integration's deadline passed", attempt - 1), "")
            try:
                return fn(*args, **kwargs)
            except CallFailed:
                raise
            except Exception as error:
                meaning = self.classify(error)
                if meaning is None:
                    raise
                final = not meaning.transient or meaning.reason == "timeout" or attempt >= self.policy.attempts
                if final:
                    raise CallFailed(Failure(meaning.reason, meaning.detail, attempt), meaning.code) from error
            wait = min(max(self.policy.delay(attempt), meaning.retry_after or 0.0), self.policy.max_delay)
            if wait >= self._left():
                raise CallFailed(
                    Failure(meaning.reason, f"{meaning.detail} (no time left to retry)", attempt), meaning.code
                )
            self.retries += 1
            self.policy.sleep(wait)
            attempt += 1


NOT_IMPLEMENTED = frozenset({"NotImplemented", "XNotImplemented"})
_STOPS: frozenset[Reason] = frozenset({"unreachable", "credentials", "timeout", "tls"})


class Reading:
    """Reads the resources of one integration in turn into an :class:`Observed`.

    Resources live on endpoints (``bucket``: the storage API; ``iam``; ``management``). A resource
    that is not configured (its "absent" error codes) reads as None. The bucket being gone ends the
    reading of that endpoint's resources, an unreachable or silent endpoint ends the reading of that
    endpoint: every later call there would say the same. Other endpoints are still read, so
    nothing readable is left uncompared.
    """

    def __init__(self, caller: Caller, gone: Collection[str], what: str) -> None:
        self.caller = caller
        self.gone = gone
        self.what = what
        self.observed = Observed()
        caller.observed = self.observed
        self._stopped: dict[str, Failure] = {}
        self._gone: set[str] = set()

    def read(
        self, resource: str, thunk: Callable[[], Any], absent: Collection[str] = (), endpoint: str = "bucket"
    ) -> None:
        """Record ``thunk()`` (which makes its calls through ``self.caller``) as ``resource``'s value."""
        observed = self.observed
        if endpoint in self._gone:
            return
        stopped = self._stopped.get(endpoint)
        if stopped:
            observed.unreadable.append(
                Unreadable(resource, Failure(stopped.reason, "not tried: an earlier call there failed that way", 0))
            )
            return
        try:
            observed.values[resource] = thunk()
        except CallFailed as failed:
            if failed.code in absent:
                observed.values[resource] = None
            elif failed.code in self.gone:
                observed.missing = self.what
                self._gone.add(endpoint)
            elif failed.code in NOT_IMPLEMENTED:
                observed.not_checked.append(NotChecked(resource, "the store does not implement this API"))
            else:
                observed.unreadable.append(Unreadable(resource, failed.failure))
                if failed.failure.reason in _STOPS:
                    self._stopped[endpoint] = failed.failure
        except (KeyError, TypeError, AttributeError, ValueError, IndexError) as error:
            # One answer in a shape the reader does not know must not void the rest of the integration.
            detail = f"unexpected response shape ({type(error).__name__}: {str(error)[:120]})"
            observed.unreadable.append(Unreadable(resource, Failure("error", detail)))
        finally:
            observed.retries = self.caller.retries

    def skip(self, resource: str, why: str) -> None:
        """Note a managed resource this scan cannot read here."""
        self.observed.not_checked.append(NotChecked(resource, why))

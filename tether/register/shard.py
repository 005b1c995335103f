"""Which keys one of N machines registers: a hash of the key, so every run and every machine agree.

``--shard I/N`` names the shard; ``--shard N`` takes I from ``JOB_COMPLETION_INDEX``, which Kubernetes
Indexed Jobs set for each pod. SHA-256 rather than Python's ``hash``, which differs per process.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

from tether.errors import InputError

_SHARD = re.compile(r"^(?:(\d+)/)?(\d+)$")


@dataclass(frozen=True)
class Shard:
    index: int
    total: int

    def __str__(self) -> str:
        return f"{self.index}/{self.total}"

    def owns(self, key: str) -> bool:
        if self.total == 1:
            return True
        digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).digest()
        return int.from_bytes(digest[:8], "big") % self.total == self.index


WHOLE = Shard(0, 1)


def parse_shard(text: str | None, environ: Mapping[str, str] | None = None) -> Shard:
    """``I/N`` or ``N`` (with JOB_COMPLETION_INDEX); InputError naming the option otherwise."""
    if text is None:
        return WHOLE
    match = _SHARD.match(text.strip())
    if not match:
        raise InputError(f"--shard: expected I/N (e.g. 0/8) or N with JOB_COMPLETION_INDEX set, got {text!r}")
    total = int(match[2])
    index_text = match[1]
    if index_text is None:
        index_text = (os.environ if environ is None else environ).get("JOB_COMPLETION_INDEX")
        if index_text is None or not index_text.isdigit():
            raise InputError("--shard: N alone needs JOB_COMPLETION_INDEX (a Kubernetes Indexed Job sets it)")
    index = int(index_text)
    if not 0 <= index < total:
        raise InputError(f"--shard: the index must be from 0 to {total - 1}, got {index}")
    return Shard(index, total)

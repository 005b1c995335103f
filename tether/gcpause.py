"""Pause the cyclic garbage collector while a burst of long-lived objects is built (a spec, a mocked stack).

Such a burst allocates hundreds of thousands of objects that stay alive, and every collection during it
walks a heap that only grows, finding nothing. Reference counting still frees what is not in a cycle.
Afterwards the burst's objects join the oldest generation (freeze, unfreeze) rather than the youngest,
where the first allocation after re-enabling would walk them all at once: the next full collection frees
their cycles, when the process makes one.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def without_cycle_collection() -> Iterator[None]:
    """No cyclic collection inside; as it was afterwards (a caller that had it off keeps it off)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.unfreeze()
            gc.enable()

"""What a run has seen and measured, in SQLite: resume without measuring twice, and compare with a past run.

One row per listed object with the version it had (ETag, size, last modified) and the outcome: its list
and item, why it failed, or that no list takes it. Rows are committed in batches as results arrive, so an
interrupted run loses at most one batch; SQLite keeps memory flat however many objects there are.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from tether.errors import InputError
from tether.register.listing import Listed

FILE = "state.sqlite"
OK, FAILED, SKIPPED = "ok", "failed", "skipped"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS objects (
    key TEXT PRIMARY KEY, etag TEXT NOT NULL, size INTEGER NOT NULL, modified TEXT NOT NULL,
    status TEXT NOT NULL, list TEXT, item TEXT, reason TEXT,
    seen INTEGER NOT NULL DEFAULT 1, changed INTEGER NOT NULL DEFAULT 1
);
"""
Version = tuple[str, int, str]


def version(listed: Listed) -> Version:
    return (listed.etag, listed.size, listed.modified)


class State:
    """One run's state file (``DIR/state.sqlite``); ``meta`` says which integration, prefix and shard it is for."""

    def __init__(self, folder: Path, read_only: bool = False) -> None:
        self.path = folder / FILE
        try:
            if read_only:
                self.db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
                self.db.execute("SELECT count(*) FROM meta").fetchone()
            else:
                self.db = sqlite3.connect(self.path)
                self.db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as error:
            raise InputError(f"{self.path}: not a tether register state file ({error})") from None
        self.pending = 0

    @classmethod
    def previous(cls, folder: Path) -> State:
        """A finished run's state, read-only; InputError when ``folder`` holds none."""
        if not (folder / FILE).is_file():
            raise InputError(f"{folder}: no {FILE} of a previous run")
        state = cls(folder, read_only=True)
        if state.meta().get("done") != "1":
            raise InputError(f"{folder}: the run there did not finish (run it again with the same --out to resume)")
        return state

    def meta(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT name, value FROM meta"))

    def set_meta(self, **values: str) -> None:
        self.db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", values.items())
        self.db.commit()

    def start(self) -> None:
        """Nothing is seen yet in this pass (a resumed run lists again; objects gone meanwhile drop out)."""
        self.db.execute("UPDATE objects SET seen = 0")
        self.db.commit()

    def known(self, key: str) -> tuple[Version, str] | None:
        row = self.db.execute("SELECT etag, size, modified, status FROM objects WHERE key = ?", (key,)).fetchone()
        return ((row[0], row[1], row[2]), row[3]) if row else None

    def mark_seen(self, key: str) -> None:
        self.db.execute("UPDATE objects SET seen = 1 WHERE key = ?", (key,))
        self._tick()

    def record(
        self, listed: Listed, status: str, list_key: str | None = None, item: dict[str, object] | None = None,
        reason: str | None = None, changed: bool = True,
    ) -> None:  # fmt: skip
        self.db.execute(
            "INSERT OR REPLACE INTO objects VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?)",
            (listed.key, *version(listed), status, list_key, json.dumps(item) if item else None, reason, int(changed)),
        )
        self._tick()

    def copy(self, previous: State, listed: Listed) -> bool:
        """Take the previous run's outcome for an unchanged object (not a failure: that is measured again)."""
        row = previous.db.execute(
            "SELECT status, list, item, reason FROM objects WHERE key = ? AND etag = ? AND size = ? AND modified = ?",
            (listed.key, *version(listed)),
        ).fetchone()
        if row is None or row[0] == FAILED:
            return False
        self.db.execute(
            "INSERT OR REPLACE INTO objects VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, 0)", (listed.key, *version(listed), *row)
        )
        self._tick()
        return True

    def _tick(self) -> None:
        self.pending += 1
        if self.pending >= 500:
            self.commit()

    def commit(self) -> None:
        self.db.commit()
        self.pending = 0

    def finish(self) -> None:
        """Forget objects not listed in this pass (deleted while the run was interrupted)."""
        self.db.execute("DELETE FROM objects WHERE seen = 0")
        self.commit()

    def removed_since(self, previous: State) -> Iterator[str]:
        """Keys the previous run registered or skipped that are no longer listed, in key order."""
        self.commit()
        self.db.execute("ATTACH DATABASE ? AS prev", (f"{previous.path.resolve().as_uri()}?mode=ro",))
        try:
            yield from (
                row[0]
                for row in self.db.execute(
                    "SELECT key FROM prev.objects WHERE status != 'failed'"
                    " AND key NOT IN (SELECT key FROM main.objects) ORDER BY key"
                )
            )
        finally:
            self.db.execute("DETACH DATABASE prev")

    def items(self) -> Iterator[tuple[str, str]]:
        """(list, item JSON) of every new or changed registered object, grouped by list, in key order."""
        yield from self.db.execute(
            "SELECT list, item FROM objects WHERE status = 'ok' AND changed = 1 ORDER BY list, key"
        )

    def notes(self) -> Iterator[tuple[str, str]]:
        """(key, the measurer's notes) of every new or changed registered object it has notes on, in key order."""
        yield from self.db.execute(
            "SELECT key, reason FROM objects WHERE status = 'ok' AND changed = 1 AND reason IS NOT NULL ORDER BY key"
        )

    def failures(self) -> Iterator[tuple[str, str]]:
        yield from self.db.execute("SELECT key, reason FROM objects WHERE status = 'failed' ORDER BY key")

    def counts(self) -> dict[str, int]:
        return dict(self.db.execute("SELECT status || CASE changed WHEN 1 THEN '' ELSE ' (unchanged)' END, count(*) "
                                    "FROM objects GROUP BY 1"))  # fmt: skip

    def absorb(self, other: Path) -> None:
        """Add a finished shard's rows (merge)."""
        self.db.execute("ATTACH DATABASE ? AS shard", (f"{(other / FILE).resolve().as_uri()}?mode=ro",))
        self.db.execute("INSERT OR REPLACE INTO objects SELECT * FROM shard.objects")
        self.db.commit()
        self.db.execute("DETACH DATABASE shard")

    def close(self) -> None:
        self.commit()
        self.db.close()

"""The importer's own state, in a small SQLite file of its own beside the hub's database (never in it).

Per source: the cursor (how far the source has been read), and one link per external request, from
(source, external id) to the hub report's number, with the fingerprint of the fields last stored and
what the importer itself last set on the report (category, location), so that a later change by
staff is recognised and kept. A link without a number is an intent: the report is being created;
after a crash it is looked up in the hub by the marker its creation left (see :mod:`.sink`).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS cursors (
    source TEXT PRIMARY KEY,
    cursor TEXT NOT NULL,
    saved_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS links (
    source TEXT NOT NULL,
    external_id TEXT NOT NULL,
    number TEXT,
    fingerprint TEXT NOT NULL,
    category TEXT,
    location TEXT,
    external_status TEXT,
    saved_at TEXT NOT NULL,
    PRIMARY KEY (source, external_id)
);
CREATE INDEX IF NOT EXISTS ix_links_number ON links (number);
"""


class StateError(Exception):
    """The state file cannot be used (made by a newer importer, not a state file, unreadable)."""


@dataclass(frozen=True)
class Link:
    source: str
    external_id: str
    #: The hub report's number; None while its creation is under way (an intent).
    number: str | None
    #: Fingerprint of the external fields last stored.
    fingerprint: str
    #: The category the importer last set on the report.
    category: str | None = None
    #: The location the importer last set, as JSON text.
    location: str | None = None
    external_status: str | None = None


class ImportState:
    """Cursors and links of every source, in one SQLite file (safe to share between threads)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.executescript(_SCHEMA)
            row = self._conn.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
            if row is None:
                self._conn.execute("INSERT INTO meta VALUES ('version', ?)", (str(SCHEMA_VERSION),))
            elif int(row[0]) > SCHEMA_VERSION:
                raise StateError(f"{path} was made by a newer importer (state version {row[0]})")
        except sqlite3.DatabaseError as error:
            raise StateError(f"{path} cannot be used as the importer's state: {error}") from error
        self._lock = threading.Lock()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # -- cursors ----------------------------------------------------------------------------------------

    def cursor(self, source: str) -> datetime | None:
        with self._lock:
            row = self._conn.execute("SELECT cursor FROM cursors WHERE source = ?", (source,)).fetchone()
        return None if row is None else datetime.fromisoformat(row[0])

    def set_cursor(self, source: str, value: datetime) -> None:
        if value.tzinfo is None:
            raise ValueError("naive cursor")
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO cursors VALUES (?, ?, ?) ON CONFLICT (source) DO UPDATE "
                "SET cursor = excluded.cursor, saved_at = excluded.saved_at",
                (source, value.astimezone(UTC).isoformat(), _now()),
            )

    # -- links ------------------------------------------------------------------------------------------

    def link(self, source: str, external_id: str) -> Link | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT source, external_id, number, fingerprint, category, location, external_status "
                "FROM links WHERE source = ? AND external_id = ?",
                (source, external_id),
            ).fetchone()
        return None if row is None else Link(*row)

    def save_link(self, link: Link) -> None:
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO links VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source, external_id) DO UPDATE "
                "SET number = excluded.number, fingerprint = excluded.fingerprint, "
                "category = excluded.category, location = excluded.location, "
                "external_status = excluded.external_status, saved_at = excluded.saved_at",
                (
                    link.source,
                    link.external_id,
                    link.number,
                    link.fingerprint,
                    link.category,
                    link.location,
                    link.external_status,
                    _now(),
                ),
            )

    def count(self, source: str) -> int:
        with self._lock:
            row = self._conn.execute(
                "SELECT count(*) FROM links WHERE source = ? AND number IS NOT NULL", (source,)
            ).fetchone()
        return int(row[0])


def _now() -> str:
    return datetime.now(UTC).isoformat()


def default_state_path(database_url: str, data_dir: Path) -> Path:
    """Beside a SQLite hub database (``hub.sqlite3`` → ``hub.open311-import.sqlite3``); for a server
    database, in the data folder."""
    prefix = "sqlite:///"
    if database_url.startswith(prefix):
        db_file = Path(database_url[len(prefix) :])
        return db_file.with_name(f"{db_file.stem}.open311-import.sqlite3")
    return data_dir / "open311-import.sqlite3"


__all__ = ["ImportState", "Link", "StateError", "default_state_path"]

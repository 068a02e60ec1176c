"""Engines, transactions and migrations of the hub's database (SQLite or PostgreSQL).

SQLite runs in WAL mode so that readers never wait for the writer; write transactions start with
``BEGIN IMMEDIATE`` so that two writers queue on the database lock (with a busy timeout) instead of
failing when a read transaction tries to become a write one. PostgreSQL uses READ COMMITTED with row
locks (``SELECT ... FOR UPDATE``) where a write depends on what it read.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, bindparam, create_engine, event, func, select, update
from sqlalchemy import text as sql_text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.pool import ConnectionPoolEntry

from ioc_console.domain.numbering import NumberScheme
from ioc_console.hub import schema
from ioc_console.private_files import private_file, private_folder

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
#: Files of a pack folder that are stored with it.
PACK_SUFFIXES = (".json",)
MAX_PACK_BYTES = 50_000_000


#: Statements run on every write, built once (building one costs more than running it on SQLite).
_NEXT_VALUE = (
    update(schema.counters)
    .where(schema.counters.c.name == bindparam("counter_name"))
    .values(value=schema.counters.c.value + 1)
    .returning(schema.counters.c.value)
)
_NOTIFY = sql_text("SELECT pg_notify(:channel, :payload)")
#: The PostgreSQL notification channel on which a committed change is announced to every hub process.
NOTIFY_CHANNEL = "ioc_hub_changes"
_COUNTER = select(schema.counters.c.value).where(schema.counters.c.name == bindparam("counter_name"))


class DatabaseError(Exception):
    """The database cannot be used as it is (not initialised, too new, unreachable)."""


def _alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def _sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    if not parsed.database or parsed.database == ":memory:":
        raise DatabaseError("the hub needs a SQLite file, not an in-memory database")
    return Path(parsed.database)


def _on_sqlite_connect(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
    assert isinstance(dbapi_connection, sqlite3.Connection)
    # Let SQLAlchemy's begin event issue BEGIN itself (pysqlite's implicit transactions are off).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _make_engine(url: str, *, immediate: bool, pool_size: int) -> Engine:
    # A statement's parameters carry citizens' words, names and phone numbers: an error (and so
    # the log line it makes) shows the statement, never them.
    if _sqlite_file(url) is not None:
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_size=pool_size,
            max_overflow=pool_size,
            hide_parameters=True,
        )
        event.listen(engine, "connect", _on_sqlite_connect)
        begin_sql = "BEGIN IMMEDIATE" if immediate else "BEGIN"

        @event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            conn.exec_driver_sql(begin_sql)

        return engine
    return create_engine(
        url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True, hide_parameters=True
    )


class Database:
    """The hub's database: a write engine and a read engine (the same one on PostgreSQL)."""

    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        self.url = url
        path = _sqlite_file(url)
        if path is not None:
            # The file holds citizens' names and phone numbers: its user's alone (0600, in a folder
            # made 0700 when the hub creates it; an existing folder is left as it is).
            private_file(private_folder(path.parent, ours=False) / path.name)
        self.is_sqlite = path is not None
        self._write_lock = threading.Lock() if self.is_sqlite else None
        self.writer = _make_engine(url, immediate=True, pool_size=pool_size)
        self.reader = (
            _make_engine(url, immediate=False, pool_size=pool_size) if self.is_sqlite else self.writer
        )

    @contextmanager
    def write(self) -> Iterator[Connection]:
        if self._write_lock is None:
            with self.writer.begin() as conn:
                yield conn
            return
        # SQLite has one writer at a time. Threads of this process queue here, in order, rather than
        # in SQLite's busy handler, which sleeps in growing steps and wastes most of the time it waits
        # (another process sharing the file still waits there, up to the busy timeout).
        with self._write_lock, self.writer.begin() as conn:
            yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.reader.begin() as conn:
            yield conn

    def dispose(self) -> None:
        self.writer.dispose()
        if self.reader is not self.writer:
            self.reader.dispose()

    # -- schema ---------------------------------------------------------------------------------

    def current_revision(self) -> str | None:
        with self.writer.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def migrate(self) -> None:
        """Create or upgrade the schema to the newest revision (Alembic)."""
        with self.writer.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
            known = {s.revision for s in ScriptDirectory.from_config(_alembic_config()).walk_revisions()}
            if current is not None and current not in known:
                raise DatabaseError(
                    f"the database was made by a newer hub (schema {current}); upgrade the hub"
                )
            conn.commit()
            command.upgrade(_alembic_config(conn), "head")
            conn.commit()

    def check_schema(self) -> None:
        current = self.current_revision()
        if current is None:
            raise DatabaseError(f"the database {self.safe_url} is not initialised: run `ioc-hub init`")
        if current != head_revision():
            raise DatabaseError(
                f"the database schema is {current}, this hub needs {head_revision()}: run `ioc-hub init`"
            )

    @property
    def libpq_url(self) -> str:
        """The PostgreSQL URL as libpq (psycopg) takes it, for a connection of its own."""
        return make_url(self.url).set(drivername="postgresql").render_as_string(hide_password=False)

    @property
    def safe_url(self) -> str:
        return make_url(self.url).render_as_string(hide_password=True)

    # -- counters -------------------------------------------------------------------------------

    @staticmethod
    def next_value(conn: Connection, name: str) -> int:
        """Take the next value of a counter row; its row lock is held until the transaction ends.

        On PostgreSQL this also queues a ``NOTIFY`` on :data:`NOTIFY_CHANNEL` with the counter's name:
        every hub process listening hears of it when (and only if) the transaction commits."""
        row = conn.execute(_NEXT_VALUE, {"counter_name": name}).first()
        if conn.dialect.name == "postgresql":
            conn.execute(_NOTIFY, {"channel": NOTIFY_CHANNEL, "payload": name})
        if row is None:
            conn.execute(schema.counters.insert(), {"name": name, "value": 1})
            return 1
        return int(row[0])

    @staticmethod
    def take_report_number(conn: Connection, scheme: NumberScheme, year: int) -> str:
        """The next report number of ``year`` in ``scheme``: one more than the last one handed out,
        or, the first time, than the highest number of that year already stored (a demo history or
        a restored database). The counter's row lock is held until the transaction ends; two
        transactions that both find no counter yet agree through the row's primary key (the second
        waits for the first, then takes the value after its)."""
        name = f"number:{scheme.prefix}:{year}"
        while True:
            row = conn.execute(_NEXT_VALUE, {"counter_name": name}).first()
            if row is not None:
                return scheme.format(year, int(row[0]))
            start = Database.highest_serial(conn, scheme, year) + 1
            insert = postgresql_insert if conn.dialect.name == "postgresql" else sqlite_insert
            created = conn.execute(
                insert(schema.counters)
                .values(name=name, value=start)
                .on_conflict_do_nothing(index_elements=[schema.counters.c.name])
                .returning(schema.counters.c.value)
            ).first()
            if created is not None:
                return scheme.format(year, start)

    @staticmethod
    def highest_serial(conn: Connection, scheme: NumberScheme, year: int) -> int:
        """The serial of the highest stored number of ``year`` in ``scheme`` (0 when none is)."""
        start = scheme.year_prefix(year)
        number = schema.reports.c.number
        # The numbers of the year as an index range ("-" + 1 is "."); a longer number is a larger one.
        rows = conn.execute(
            select(number)
            .where(number >= start, number < start[:-1] + ".")
            .order_by(func.length(number).desc(), number.desc())
            .limit(20)
        ).scalars()
        for found in rows:
            parsed = scheme.parse(found)
            if parsed is not None:
                return parsed[1]
        return 0

    @staticmethod
    def raise_report_counter(conn: Connection, scheme: NumberScheme, year: int, serial: int) -> None:
        """Numbers up to ``serial`` of ``year`` are taken (reports stored with their own numbers)."""
        counters = schema.counters
        conn.execute(
            update(counters)
            .where(counters.c.name == f"number:{scheme.prefix}:{year}", counters.c.value < serial)
            .values(value=serial)
        )

    @staticmethod
    def counter(conn: Connection, name: str) -> int:
        value = conn.execute(_COUNTER, {"counter_name": name}).scalar()
        return int(value or 0)


# -- jurisdiction packs stored in the database ---------------------------------------------------


@dataclass(frozen=True)
class StoredPack:
    revision: int
    files: dict[str, str]
    sha256: str


def read_pack_folder(path: Path) -> dict[str, str]:
    if not path.is_dir():
        raise DatabaseError(f"{path} is not a jurisdiction pack folder")
    files: dict[str, str] = {}
    total = 0
    for item in sorted(path.iterdir()):
        if item.is_file() and item.suffix in PACK_SUFFIXES:
            text = item.read_text(encoding="utf-8")
            total += len(text)
            files[item.name] = text
    if total > MAX_PACK_BYTES:
        raise DatabaseError(f"{path} is larger than {MAX_PACK_BYTES} bytes")
    return files


def pack_digest(files: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()


def write_pack_folder(files: dict[str, str], path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        if "/" in name or "\\" in name or name.startswith("."):
            raise DatabaseError(f"bad pack file name {name!r}")
        (path / name).write_text(text, encoding="utf-8")


def store_pack(
    conn: Connection, files: dict[str, str], *, jurisdiction_id: str, name: str, by: str, at: datetime
) -> int:
    digest = pack_digest(files)
    conn.execute(
        schema.packs.insert().values(
            jurisdiction_id=jurisdiction_id,
            name=name,
            files=json.dumps(files, ensure_ascii=False),
            sha256=digest,
            loaded_at=at,
            loaded_by=by,
        )
    )
    return Database.next_value(conn, schema.PACK_REVISION)


def latest_pack(conn: Connection) -> StoredPack | None:
    row = conn.execute(
        select(schema.packs.c.files, schema.packs.c.sha256).order_by(schema.packs.c.id.desc()).limit(1)
    ).first()
    if row is None:
        return None
    revision = Database.counter(conn, schema.PACK_REVISION)
    files = json.loads(row.files)
    assert isinstance(files, dict)
    return StoredPack(revision=revision, files=files, sha256=str(row.sha256))

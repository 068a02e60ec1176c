"""The console's local store: an SQLite cache of what its user may see, and the outbox.

One :class:`LocalStore` holds one connection to one file, in WAL mode, and is safe to share between
threads (calls are serialised by a lock; the GUI makes them from its single database worker).

Opening checks the file before anything is written to it: that it is an SQLite database, that its
schema revision is one this version knows (a newer one is never downgraded), that it passes SQLite's
quick integrity check, and that no other program holds its write lock. Only then is it switched to
WAL and migrated to the current revision, in one transaction. Whatever goes wrong, the user's file
is left as it was; the error (:mod:`ioc_console.store.errors`) says what happened in words.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, cast

from sqlalchemy import (
    Connection,
    Engine,
    Select,
    case,
    create_engine,
    delete,
    event,
    func,
    insert,
    literal_column,
    select,
    update,
)
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import StaticPool

from ioc_console.domain.deadlines import DeadlineState
from ioc_console.domain.jurisdiction import Jurisdiction
from ioc_console.domain.lifecycle import Action, Channel, Priority, Status
from ioc_console.domain.numbering import NumberScheme
from ioc_console.domain.report import Contact, Location, Report
from ioc_console.private_files import private_file, private_folder
from ioc_console.store import cipher
from ioc_console.store.compact import attachments_from, attachments_text, history_from, history_text
from ioc_console.store.convert import (
    STATUS_RANK,
    dump_json,
    from_micros,
    from_micros_or_none,
    load_json,
    to_micros,
)
from ioc_console.store.errors import (
    StoreClosed,
    StoreCorrupt,
    StoreError,
    StoreIOError,
    StoreLocked,
    StoreTooNew,
)
from ioc_console.store.models import (
    FTS_TABLE,
    SEARCH_SOURCE,
    AgencyRecord,
    CategoryRecord,
    MetaRecord,
    OutboxRecord,
    ReportRecord,
    ReportTextRecord,
    UnitAncestorRecord,
    UnitRecord,
)
from ioc_console.store.queries import (
    ROW_COLUMNS,
    TEXT_ROW_COLUMNS,
    MapPoint,
    ReportQuery,
    ReportRow,
    Search,
    conditions,
    fts_matches,
    has_filters,
    next_due,
    order_by,
    unindexed,
)
from ioc_console.store.rows import PreparedReport, RowReference, unit_chain

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS: Final = Path(__file__).with_name("migrations")
_SQLITE_HEADER = b"SQLite format 3\x00"
_OPENING_ERRORS: Final[tuple[type[Exception], ...]] = (*cipher.ERRORS, StoreError)
_TRANSACTION_ERRORS: Final[tuple[type[Exception], ...]] = (DBAPIError, *cipher.ERRORS)
_PAGE_SIZE = 8192
#: Seconds the sort-index plan of a filtered page may take before the filter-index plan answers.
SCAN_BUDGET = 0.03
#: A text search matching at most this many reports looks them all up and sorts them.
FEW_MATCHES = 2000
#: SQLite virtual machine steps between two looks at the clock.
PROGRESS_STEP = 1000
#: A text search matching many reports first looks for its page among this many reports in the
#: sort's order (:meth:`LocalStore._search_window`), then among more, at most ``_WINDOW_ROUNDS`` times.
_WINDOW = 2000
_WINDOW_ROUNDS = 4
#: ...as long as the ids of a window's reports lie no further apart than this many times their
#: number (the full-text index is read for that range of ids).
_WINDOW_SPREAD = 8
#: Reports written per batch of the bulk path (bounds memory for long iterators).
_CHUNK = 4000
#: Numbers per ``IN (...)`` lookup of existing rows.
_LOOKUP = 500

_JURISDICTION_KEY = "jurisdiction.fingerprint"
_NAMES_KEY = "jurisdiction.names"
#: The jurisdiction's report number scheme: "<prefix> <digits>".
_NUMBERS_KEY = "jurisdiction.numbers"


class OutboxState(StrEnum):
    PENDING = "pending"
    ACKNOWLEDGED = "acknowledged"
    REJECTED = "rejected"


#: The start of a number a console gives a report it created (a hotline call) until the hub numbers it.
PROVISIONAL_PREFIX: Final = "TAM-"
#: Refused actions' inputs kept for the operator (JSON ``{number: {action: draft}}``) in the meta table.
DRAFTS_META: Final = "sync.drafts"


def is_provisional(number: str) -> bool:
    """Whether ``number`` is a console's provisional number (the hub has not numbered the report yet)."""
    return number.startswith(PROVISIONAL_PREFIX)


@dataclass(frozen=True)
class OutboxEntry:
    """A local action for the hub. ``key`` is its idempotency key; ``created_at`` is aware, in UTC."""

    id: int
    key: str
    report_number: str
    action: Action
    payload: dict[str, Any]
    base_version: int | None
    created_at: datetime
    attempts: int
    last_error: str | None
    state: OutboxState


#: The schema revisions this version knows, oldest first: the files of ``migrations/versions`` (a
#: test checks that they agree), so that opening an up-to-date store does not import Alembic.
REVISIONS: Final = ("0001_local_cache", "0002_compact_history", "0003_search_in_sqlite")
HEAD: Final = REVISIONS[-1]


def alembic_config() -> Config:
    """Alembic's configuration for the store, built in code (no alembic.ini)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


# -- errors -----------------------------------------------------------------------------------------


def _sqlite_error(error: BaseException) -> BaseException:
    return error.orig if isinstance(error, DBAPIError) and error.orig is not None else error


def _translate(path: Path, error: BaseException) -> StoreError | None:
    """The store error a user should see for an SQLite error, or None for a programming error."""
    original = _sqlite_error(error)
    if not isinstance(original, cipher.DATABASE_ERRORS):
        return None
    text = str(original).lower()
    if "locked" in text or "busy" in text:
        return StoreLocked(path, str(original))
    if "malformed" in text or "not a database" in text or "encrypted" in text or "corrupt" in text:
        return StoreCorrupt(path, str(original))
    if (
        "disk" in text
        or "full" in text
        or "readonly" in text
        or "read-only" in text
        or "unable to open" in text
        or "i/o" in text
    ):
        return StoreIOError(path, str(original))
    return None


# -- opening ----------------------------------------------------------------------------------------


def _check_header(path: Path) -> None:
    """An existing non-empty file must start as an SQLite database does (read only, never written)."""
    if not path.exists():
        return
    if not path.is_file():
        raise StoreIOError(path, "not a file")
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError as error:
        raise StoreIOError(path, error.strerror or str(error)) from error
    if header and (len(header) < 100 or not header.startswith(_SQLITE_HEADER)):
        raise StoreCorrupt(path, "not an SQLite database")
    if header and not Path(f"{path}-wal").exists():
        # With no WAL pending, the file holds every page its header counts (when that count is
        # valid: written by a version that keeps it, same change counter). Shorter means truncated.
        page_size = int.from_bytes(header[16:18], "big")
        page_size = 65536 if page_size == 1 else page_size
        pages = int.from_bytes(header[28:32], "big")
        if header[92:96] == header[24:28] and pages and path.stat().st_size < pages * page_size:
            raise StoreCorrupt(path, "the file is shorter than its header says (truncated)")


def _inspect(raw: sqlite3.Connection, path: Path, check: bool) -> str | None:
    """The file's revision (None for a new, empty database), after reads only."""
    tables = {name for (name,) in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not tables:
        return None
    if "alembic_version" not in tables:
        raise StoreCorrupt(path, "no schema revision", foreign=True)
    revisions = [row[0] for row in raw.execute("SELECT version_num FROM alembic_version")]
    if len(revisions) != 1:
        raise StoreCorrupt(path, f"{len(revisions)} schema revisions")
    revision = str(revisions[0])
    if revision not in REVISIONS:
        raise StoreTooNew(path, revision)
    if check:
        problems = [row[0] for row in raw.execute("PRAGMA quick_check")]
        if problems != ["ok"]:
            raise StoreCorrupt(path, "; ".join(str(p) for p in problems[:3]))
    return revision


def _connect(path: Path, timeout: float, key: bytes | None = None) -> sqlite3.Connection:
    if key is not None:
        raw = cipher.connect(path, key, timeout)
    else:
        raw = sqlite3.connect(path, timeout=timeout, isolation_level=None, check_same_thread=False)
    raw.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
    raw.execute("PRAGMA foreign_keys = ON")
    return raw


def _configure(raw: sqlite3.Connection) -> None:
    """Pragmas that may write (the WAL switch changes the header): only after the checks."""
    mode = raw.execute("PRAGMA journal_mode = WAL").fetchone()
    if mode is None or str(mode[0]).lower() != "wal":
        raise sqlite3.OperationalError("database is locked (cannot switch to WAL)")
    raw.execute("PRAGMA synchronous = NORMAL")
    # Deleted rows are overwritten with zeros, not left in free pages: a signed-out user's
    # citizens' names and phone numbers must not stay readable in the file.
    raw.execute("PRAGMA secure_delete = ON")
    raw.execute("PRAGMA temp_store = MEMORY")
    raw.execute("PRAGMA cache_size = -65536")
    # No memory-mapped reads: with a 256 MB map every page of the file once read stayed resident in
    # the console's process (about 320 of its 515 MB at 200,000 reports), for no gain in speed that
    # could be measured here (the kernel's page cache keeps the file near either way).
    raw.execute("PRAGMA mmap_size = 0")


# -- rows -------------------------------------------------------------------------------------------

_R = ReportRecord.__table__
_OUTBOX = OutboxRecord.__table__
_TEXTS_ONLY = tuple(c for c in ReportTextRecord.__table__.c if c.name != "id")
#: Columns written by the bulk path, in the order of :meth:`RowReference.row`.
REPORT_COLUMNS: Final = (
    "id",
    "number",
    "received_at",
    "category",
    "category_rank",
    "unit_code",
    "unit_rank",
    "district_code",
    "channel",
    "status",
    "status_rank",
    "closed",
    "agency",
    "agency_rank",
    "priority",
    "priority_rank",
    "lat",
    "lon",
    "phone_digits",
    "satisfied",
    "duplicate_of",
    "version",
    "updated_at",
    "stage_started_at",
    "due_at",
    "stage_due_at",
    "paused_since",
    "paused_seconds",
    "closed_at",
    "first_contact_at",
    "forwarded_at",
)
TEXT_COLUMNS: Final = (
    "id",
    "title",
    "description",
    "address",
    "contact_name",
    "contact_phone",
    "contact_email",
    "reply",
    "result",
    "rating_comment",
)
#: The texts with the compact history and attachments (:mod:`ioc_console.store.compact`).
FULL_TEXT_COLUMNS: Final = (*TEXT_COLUMNS, "history", "attachments")


def _compile_upsert(table: Any, columns: tuple[str, ...], keys: list[str], keep: tuple[str, ...]) -> str:
    """``INSERT ... ON CONFLICT (keys) DO UPDATE`` of ``columns`` from the models, as qmark SQL."""
    statement = sqlite_insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=keys,
        set_={name: statement.excluded[name] for name in columns if name not in keys and name not in keep},
    )
    compiled = statement.compile(
        dialect=sqlite_dialect.dialect(paramstyle="qmark"), column_keys=list(columns)
    )
    order = compiled.positiontup
    if order is None or tuple(order) != columns:
        raise RuntimeError(f"unexpected parameter order {order} for {table.name}")
    return str(compiled)


_UPSERT_REPORT: Final = _compile_upsert(_R, REPORT_COLUMNS, ["number"], keep=("id",))
#: Texts only: a stored history stays as it is (a new report starts with an empty one).
_UPSERT_TEXT: Final = _compile_upsert(ReportTextRecord.__table__, TEXT_COLUMNS, ["id"], keep=())
_UPSERT_FULL_TEXT: Final = _compile_upsert(ReportTextRecord.__table__, FULL_TEXT_COLUMNS, ["id"], keep=())
#: Index (``_FTS_INSERT``) or unindex (``_FTS_DELETE``) the reports whose ids ``{where}`` selects,
#: with the text the view gives them now. The index is external content: an entry is removed with
#: the very text it was indexed with, so ``_FTS_DELETE`` runs before a report's texts change.
_FTS_INSERT: Final = (
    f"INSERT INTO {FTS_TABLE}(rowid, search_text) SELECT id, search_text FROM {SEARCH_SOURCE} WHERE {{where}}"
)
_FTS_DELETE: Final = (
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text)"
    f" SELECT 'delete', id, search_text FROM {SEARCH_SOURCE} WHERE {{where}}"
)


def index_search(raw: sqlite3.Connection, ids: Sequence[int], *, remove: bool = False) -> None:
    """Add the reports ``ids`` to the full-text index (or, with ``remove``, take them out)."""
    statement = _FTS_DELETE if remove else _FTS_INSERT
    for start in range(0, len(ids), _LOOKUP):
        part = ids[start : start + _LOOKUP]
        raw.execute(statement.format(where=f"id IN ({','.join('?' * len(part))})"), part)


def index_search_range(raw: sqlite3.Connection, first: int, last: int) -> None:
    """Add the reports of ids ``first`` to ``last`` to the full-text index (new rows of a batch)."""
    raw.execute(_FTS_INSERT.format(where="id BETWEEN ? AND ?"), (first, last))


#: The full-text index's vocabulary (one row per indexed term), on this connection only.
_TERMS: Final = "temp.report_search_terms"
_CREATE_TERMS: Final = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {_TERMS} USING fts5vocab(main, {FTS_TABLE}, 'row')"
)
#: A last word typed as a prefix, longer than the index's ready-made prefixes (3 letters), is looked
#: up as the terms it begins, when there are at most this many.
_PREFIX_TERMS = 16
_LAST_PREFIX: Final = re.compile(r'(.*?)"([0-9a-z]{4,})"\*')


def exact_terms(raw: sqlite3.Connection, expression: str) -> str:
    """``expression`` (from :func:`~ioc_console.store.folding.match_expression`) with its last word,
    if it is a prefix of 4 letters or more, replaced by the few indexed terms that begin with it:
    the same matches. FTS5 answers a prefix outside its prefix indexes by merging the lists of
    every term it begins, whole, whatever the query asks of them (15-20 ms for "duong" in 200,000
    reports); exact terms are read only as far as needed (a fraction of a millisecond)."""
    found = _LAST_PREFIX.fullmatch(expression)
    if found is None:
        return expression
    head, prefix = found.group(1).split(), found.group(2)
    terms = [
        str(row[0])
        for row in raw.execute(
            f"SELECT term FROM {_TERMS} WHERE term >= ? AND term < ? LIMIT ?",
            (prefix, prefix + "\U0010ffff", _PREFIX_TERMS + 1),
        )
    ]
    if not terms or len(terms) > _PREFIX_TERMS:
        return expression
    quoted = ['"' + term.replace('"', '""') + '"' for term in terms]
    last = quoted[0] if len(quoted) == 1 else "(" + " OR ".join(quoted) + ")"
    return " AND ".join([*head, last])


#: The meta key under which a bulk load keeps the ``CREATE INDEX`` statements of the report indexes
#: it dropped (a JSON list), until it puts them back together with the full-text index.
BULK_KEY: Final = "store.bulk_load"


def _micros(value: datetime | None) -> int | None:
    return None if value is None else to_micros(value)


def _fingerprint(value: Any) -> str:
    return hashlib.sha256(dump_json(value).encode()).hexdigest()


def _jurisdiction_data(j: Jurisdiction) -> dict[str, Any]:
    return {
        "id": j.id,
        "units": [[u.code, u.name, u.kind, u.parent, u.lat, u.lon] for u in j.units.values()],
        "agencies": [
            [a.code, a.name, a.short_name, a.kind, list(a.units), a.phone, a.email]
            for a in j.agencies.values()
        ],
        "categories": [
            [c.code, c.name, c.name_en, c.active, c.description, c.group] for c in j.categories.values()
        ],
    }


def _names_data(j: Jurisdiction) -> dict[str, Any]:
    """What the search text depends on: unit names and parents, category names."""
    return {
        "units": [[u.code, u.name, u.parent] for u in j.units.values()],
        "categories": [[c.code, c.name] for c in j.categories.values()],
    }


# -- the store --------------------------------------------------------------------------------------


class LocalStore:
    """The console's local SQLite cache. Create with :meth:`open`; end with :meth:`close`."""

    def __init__(self, path: Path, raw: sqlite3.Connection, *, encrypted: bool = False) -> None:
        self.path = path
        #: Whether the file is encrypted (SQLCipher); see :mod:`ioc_console.store.cipher`.
        self.encrypted = encrypted
        self._raw: sqlite3.Connection | None = raw
        self._lock = threading.RLock()
        self._begin = "BEGIN"
        self._engine: Engine = create_engine(
            "sqlite+pysqlite://",
            creator=lambda: raw,
            poolclass=StaticPool,
            # (the driver whose errors SQLAlchemy wraps: SQLCipher's for an encrypted copy)
            **({"module": cipher.MODULE} if encrypted else {}),
        )
        event.listen(self._engine, "begin", self._on_begin)
        self._conn: Connection | None = self._engine.connect()
        self._reference = RowReference.empty()
        #: Filters (queries without their page) for which looking up the matches beat the scan.
        self._search_first: set[ReportQuery] = set()
        #: While a bulk load runs: the ``CREATE INDEX`` statements of the report indexes it dropped.
        self._deferred: list[str] | None = None
        #: The bulk load under way keeps the full-text index up to date (see :meth:`begin_bulk_load`).
        self._search_live = False

    def _on_begin(self, connection: Connection) -> None:
        connection.exec_driver_sql(self._begin)

    # -- life ---------------------------------------------------------------------------------------

    @classmethod
    def open(
        cls, path: Path | str, *, timeout: float = 5.0, check: bool = True, key: bytes | None = None
    ) -> LocalStore:
        """Open (creating or migrating) the store at ``path``.

        Raises :class:`StoreLocked` when another program holds the file for longer than ``timeout``
        seconds, :class:`StoreTooNew` when the file's schema is newer than this version knows,
        :class:`StoreCorrupt` when it is not an SQLite database, not a console store, or fails the
        quick integrity check (``check=False`` skips that check, which reads the whole file), and
        :class:`StoreIOError` when the disk refuses. The file is never overwritten on error.

        With ``key`` (32 bytes) the file is encrypted (SQLCipher): a new one is made encrypted, a
        plain one left by an earlier version is encrypted in place first, and a wrong key gives
        :class:`StoreCorrupt` (the file cannot be read).
        """
        path = Path(path)
        if key is None:
            _check_header(path)
        elif cipher.is_plain(path):
            _check_header(path)
            try:
                cipher.encrypt_in_place(path, key)
            except cipher.ERRORS as error:
                translated = _translate(path, error)
                if translated is None:
                    raise
                raise translated from error
        try:
            # Citizens' names and phone numbers: the file (and so its WAL) is its user's alone.
            private_file(private_folder(path.parent, ours=False) / path.name)
        except OSError as error:
            raise StoreIOError(path, error.strerror or str(error)) from error
        raw: sqlite3.Connection | None = None
        try:
            raw = _connect(path, timeout, key)
            if _inspect(raw, path, check) is None and key is None:
                # A new database: pages that hold a report's texts (about 1.3 KB) with less waste
                # (an encrypted one has its cipher's page size of the same 8 KiB).
                raw.execute(f"PRAGMA page_size = {_PAGE_SIZE}")
            _configure(raw)
        except _OPENING_ERRORS as error:
            if raw is not None:
                raw.close()
            if isinstance(error, StoreError):
                raise
            translated = _translate(path, error)
            if translated is None:
                raise
            raise translated from error
        store = cls(path, raw, encrypted=key is not None)
        try:
            store._migrate(check)
            raw.execute(_CREATE_TERMS)
            store._reference = store._read_reference()
            store._resume_bulk_load()
        except BaseException:
            store.close()
            raise
        return store

    def _migrate(self, check: bool) -> None:
        with self._transaction(write=True) as conn:
            raw = self._driver(conn)
            revision = _inspect(raw, self.path, check=False)  # again, now under the write lock
            if revision != HEAD:
                from alembic import command

                config = alembic_config()
                config.attributes["connection"] = conn
                command.upgrade(config, "head")

    def scrub(self) -> None:
        """Leave nothing of deleted rows in the files: rebuild the database (``VACUUM``) and empty
        the WAL into it (the WAL would still hold the pages as they were before the deletion)."""
        with self._lock:
            raw = self._raw
            if raw is None:
                raise StoreClosed(self.path)
            try:
                raw.execute("VACUUM")
                raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except cipher.ERRORS as error:
                translated = _translate(self.path, error)
                if translated is None:
                    raise
                raise translated from error

    def check(self) -> None:
        """SQLite's quick integrity check of the whole file; raises :class:`StoreCorrupt`.

        It reads every page (about a second for 200,000 reports): a GUI that opens the store with
        ``check=False`` to start faster can run this afterwards on its worker.
        """
        with self._transaction(write=False) as conn:
            problems = [str(row[0]) for row in self._driver(conn).execute("PRAGMA quick_check")]
        if problems != ["ok"]:
            raise StoreCorrupt(self.path, "; ".join(problems[:3]))

    def close(self) -> None:
        """Close the connection (the WAL is checkpointed into the file). Safe to call twice."""
        with self._lock:
            conn, self._conn = self._conn, None
            raw, self._raw = self._raw, None
            if conn is not None:
                conn.close()
            self._engine.dispose()
            if raw is not None:
                raw.close()

    def __enter__(self) -> LocalStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def closed(self) -> bool:
        return self._conn is None

    # -- transactions -------------------------------------------------------------------------------

    @contextmanager
    def _transaction(self, *, write: bool) -> Iterator[Connection]:
        """One transaction on the store's connection; SQLite errors become :class:`StoreError`."""
        with self._lock:
            conn = self._conn
            if conn is None:
                raise StoreClosed(self.path)
            self._begin = "BEGIN IMMEDIATE" if write else "BEGIN"
            if write:
                self._search_first.clear()  # the data changes; so may the best plans
            try:
                with conn.begin():
                    yield conn
            except _TRANSACTION_ERRORS as error:
                translated = _translate(self.path, error)
                if translated is None:
                    raise
                raise translated from error

    @staticmethod
    def _driver(conn: Connection) -> sqlite3.Connection:
        raw = conn.connection.driver_connection
        assert isinstance(raw, cipher.CONNECTIONS)
        return cast(sqlite3.Connection, raw)

    # -- jurisdiction -------------------------------------------------------------------------------

    def load_jurisdiction(self, j: Jurisdiction) -> None:
        """Store the jurisdiction's units, agencies and categories, and refresh what depends on them.

        Reports' sort ranks and district codes follow the new reference data; when unit or category
        names changed, every report's search text is rebuilt (seconds for 200,000 reports). Loading
        the same jurisdiction again does nothing.
        """
        fingerprint = _fingerprint(_jurisdiction_data(j))
        names = _fingerprint(_names_data(j))
        with self._transaction(write=True) as conn:
            self._set_meta(conn, _NUMBERS_KEY, f"{j.numbers.prefix} {j.numbers.digits}")
            if self._get_meta(conn, _JURISDICTION_KEY) == fingerprint:
                self._reference = RowReference.of(j)
                return
            reference = RowReference.of(j)
            parents = {u.code: (u.name, u.parent) for u in j.units.values()}
            for model in (UnitAncestorRecord, UnitRecord, AgencyRecord, CategoryRecord):
                conn.execute(delete(model))
            if j.units:
                conn.execute(
                    insert(UnitRecord),
                    [
                        {
                            "code": u.code,
                            "name": u.name,
                            "kind": u.kind,
                            "parent": u.parent,
                            "lat": u.lat,
                            "lon": u.lon,
                            "rank": reference.unit_rank[u.code],
                            "district_code": reference.district[u.code],
                            "place_names": reference.place_names[u.code],
                        }
                        for u in j.units.values()
                    ],
                )
                conn.execute(
                    insert(UnitAncestorRecord),
                    [
                        {"unit_code": code, "ancestor_code": ancestor, "depth": depth}
                        for code in j.units
                        for depth, ancestor in enumerate(unit_chain(parents, code))
                    ],
                )
            if j.agencies:
                conn.execute(
                    insert(AgencyRecord),
                    [
                        {
                            "code": a.code,
                            "name": a.name,
                            "short_name": a.short_name,
                            "kind": a.kind,
                            "units": dump_json(list(a.units)),
                            "phone": a.phone,
                            "email": a.email,
                            "rank": reference.agency_rank[a.code],
                        }
                        for a in j.agencies.values()
                    ],
                )
            if j.categories:
                conn.execute(
                    insert(CategoryRecord),
                    [
                        {
                            "code": c.code,
                            "name": c.name,
                            "name_en": c.name_en,
                            "active": c.active,
                            "description": c.description,
                            "group_name": c.group,
                            "rank": reference.category_rank[c.code],
                        }
                        for c in j.categories.values()
                    ],
                )
            self._rerank(conn)
            if self._get_meta(conn, _NAMES_KEY) != names:
                self._rebuild_search(conn)
            self._set_meta(conn, _NAMES_KEY, names)
            self._set_meta(conn, _JURISDICTION_KEY, fingerprint)
            self._set_meta(conn, "jurisdiction.id", j.id)
            self._set_meta(conn, "jurisdiction.timezone", j.timezone)
            self._reference = reference

    @staticmethod
    def _rerank(conn: Connection, numbers: Sequence[str] | None = None) -> None:
        """Reports' sort ranks and district codes from the stored reference data: every report's,
        or those of ``numbers``."""
        R = ReportRecord
        ranks = update(R).values(
            category_rank=select(CategoryRecord.rank)
            .where(CategoryRecord.code == R.category)
            .scalar_subquery(),
            agency_rank=select(AgencyRecord.rank).where(AgencyRecord.code == R.agency).scalar_subquery(),
            unit_rank=select(UnitRecord.rank).where(UnitRecord.code == R.unit_code).scalar_subquery(),
            district_code=select(UnitRecord.district_code)
            .where(UnitRecord.code == R.unit_code)
            .scalar_subquery(),
        )
        if numbers is None:
            conn.execute(ranks)
            return
        for start in range(0, len(numbers), _LOOKUP):
            conn.execute(ranks.where(R.number.in_(numbers[start : start + _LOOKUP])))

    @property
    def row_reference(self) -> RowReference:
        """The reference data reports are turned into rows with now (:meth:`RowReference.prepare`);
        replaced, not changed, when the jurisdiction changes."""
        return self._reference

    def _rebuild_search(self, conn: Connection) -> None:
        """The full-text index from scratch: place or category names changed under every report."""
        self._driver(conn).execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")

    def _read_reference(self) -> RowReference:
        """The reference data as stored (so that a reopened store ranks reports without the pack)."""
        with self._transaction(write=False) as conn:
            units = conn.execute(
                select(UnitRecord.code, UnitRecord.name, UnitRecord.parent, UnitRecord.rank).order_by(
                    UnitRecord.rank
                )
            ).all()
            categories = conn.execute(
                select(CategoryRecord.code, CategoryRecord.name, CategoryRecord.rank).order_by(
                    CategoryRecord.rank
                )
            ).all()
            agencies = conn.execute(select(AgencyRecord.code, AgencyRecord.rank)).all()
            numbers = self._get_meta(conn, _NUMBERS_KEY)
        scheme = NumberScheme()
        if numbers is not None:
            prefix, _, width = numbers.partition(" ")
            with contextlib.suppress(ValueError):  # (unreadable: the default until the pack loads)
                scheme = NumberScheme(prefix, int(width))
        return RowReference.build(
            {u.code: (u.name, u.parent) for u in units},
            {u.code: u.rank for u in units},
            {c.code: c.rank for c in categories},
            {a.code: a.rank for a in agencies},
            scheme,
        )

    # -- reports ------------------------------------------------------------------------------------

    def upsert_reports(
        self, reports: Iterable[Report], *, with_history: bool = True, force: bool = False
    ) -> int:
        """Insert or update reports in one transaction; the number written.

        A report older than the stored one (lower ``version``) is skipped unless ``force`` (the hub's
        copy after it refused a local action). With ``with_history`` the reports' histories and
        attachments are complete and replace what is stored; without, those stay as they are.
        ``pending`` flags are the outbox's business and are kept.
        """
        with self._transaction(write=True) as conn:
            return self._upsert(self._driver(conn), reports, with_history, force)

    def _upsert(
        self,
        raw: sqlite3.Connection,
        reports: Iterable[Report | PreparedReport],
        with_history: bool,
        force: bool,
        kept: Mapping[str, tuple[str, str]] | None = None,
    ) -> int:
        """:meth:`upsert_reports` on an open transaction. ``kept``: histories and attachments as
        compact texts (:mod:`ioc_console.store.compact`) by number, for reports without their own."""
        reference = self._reference
        empty = raw.execute("SELECT 1 FROM reports LIMIT 1").fetchone() is None
        next_id = int(raw.execute("SELECT coalesce(max(id), 0) + 1 FROM reports").fetchone()[0])
        #: number -> (id, version) of rows written by this call
        written: dict[str, tuple[int, int]] = {}
        total = 0
        batch: list[Report | PreparedReport] = []
        bulk = False
        try:
            for report in reports:
                batch.append(report)
                if len(batch) >= _CHUNK:
                    if empty and not total and self._deferred is None:
                        # A full batch into an empty store: a bulk load. The report indexes and
                        # the full-text index are built once at the end, in this transaction.
                        self._drop_indexes(raw)
                        bulk = True
                    total, next_id = self._upsert_batch(
                        raw, batch, written, empty, with_history, force, reference, total, next_id, kept
                    )
                    batch = []
            if batch:
                total, next_id = self._upsert_batch(
                    raw, batch, written, empty, with_history, force, reference, total, next_id, kept
                )
            if bulk:
                self._restore_indexes(raw)
        finally:
            if bulk:
                self._deferred = None
        return total

    def _upsert_batch(
        self,
        raw: sqlite3.Connection,
        batch: list[Report | PreparedReport],
        written: dict[str, tuple[int, int]],
        empty: bool,
        with_history: bool,
        force: bool,
        reference: RowReference,
        total: int,
        next_id: int,
        kept: Mapping[str, tuple[str, str]] | None = None,
    ) -> tuple[int, int]:
        # The last copy of a number in the batch wins (the newest, unless forced, by version).
        chosen: dict[str, Report | PreparedReport] = {}
        for report in batch:
            previous = chosen.get(report.number)
            if previous is None or force or report.version >= previous.version:
                chosen[report.number] = report
        stored: dict[str, tuple[int, int]] = {}
        if not empty:
            numbers = [n for n in chosen if n not in written]
            for start in range(0, len(numbers), _LOOKUP):
                part = numbers[start : start + _LOOKUP]
                marks = ",".join("?" * len(part))
                for number, report_id, version in raw.execute(
                    f"SELECT number, id, version FROM reports WHERE number IN ({marks})", part
                ):
                    stored[number] = (report_id, version)
        rows: list[tuple[Any, ...]] = []
        texts: list[tuple[Any, ...]] = []
        #: Stored reports written again: out of the full-text index before, back in after.
        rewritten: list[int] = []
        first_new = next_id
        row_of = reference.row
        for number, report in chosen.items():
            known = written.get(number) or stored.get(number)
            if known is None:
                report_id = next_id
                next_id += 1
            else:
                report_id, version = known
                if not force and report.version < version:
                    continue
                rewritten.append(report_id)
            if isinstance(report, PreparedReport):
                # (rows built elsewhere: a first sync's page, history and attachments included)
                rows.append((report_id, *report.row))
                texts.append((report_id, *report.texts))
                written[number] = (report_id, report.version)
                continue
            row, text_row = row_of(report_id, report)
            if with_history:
                compact = kept.get(number) if kept else None
                if compact is None:
                    compact = (history_text(report.history), attachments_text(report.attachments))
                text_row = (*text_row, *compact)
            rows.append(row)
            texts.append(text_row)
            written[number] = (report_id, report.version)
        indexed = not self.search_deferred  # (else rebuilt at the bulk load's end)
        if indexed and rewritten:
            index_search(raw, rewritten, remove=True)
        raw.executemany(_UPSERT_REPORT, rows)
        raw.executemany(_UPSERT_FULL_TEXT if with_history else _UPSERT_TEXT, texts)
        if indexed:
            if rewritten:
                index_search(raw, rewritten)
            if next_id > first_new:
                index_search_range(raw, first_new, next_id - 1)
        return total + len(rows), next_id

    # -- bulk loads ---------------------------------------------------------------------------------

    @property
    def bulk_loading(self) -> bool:
        """A bulk load is under way: the report indexes are dropped until it ends."""
        return self._deferred is not None

    @property
    def search_deferred(self) -> bool:
        """A bulk load is under way that rebuilds the full-text index at its end, not keeping it up
        to date."""
        return self._deferred is not None and not self._search_live

    def _drop_indexes(self, raw: sqlite3.Connection) -> None:
        """Drop the report indexes (but the number's uniqueness) and defer the full-text index."""
        found = raw.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'reports'"
            " AND sql IS NOT NULL ORDER BY name"
        ).fetchall()
        for name, _sql in found:
            raw.execute(f'DROP INDEX "{name}"')
        self._deferred = [str(sql) for _name, sql in found]

    def _restore_indexes(self, raw: sqlite3.Connection) -> None:
        """Build the dropped indexes and, unless it was kept up to date, the full-text index again
        (from sorted input: fast)."""
        for sql in self._deferred or ():
            raw.execute(sql)
        if not self._search_live:
            raw.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")

    def begin_bulk_load(self, *, live_search: bool = False) -> bool:
        """Start a bulk load into an empty store over several transactions (a first sync's pages).

        Until :meth:`end_bulk_load`, the report indexes are dropped, which makes each write several
        times faster; queries stay correct but slower. The full-text index is rebuilt at the end
        (a search does not find what was written since), or with ``live_search`` kept up to date
        by each write: about as much work in all, but spread over the transactions, where SQLite
        does it without holding Python's lock while the next page is being decoded, and a search
        finds what has arrived. Returns False (and changes nothing) when the store already holds
        reports. A load cut short (the program killed) is finished by the next :meth:`open`.
        """
        with self._transaction(write=True) as conn:
            if self._deferred is not None:
                return True
            raw = self._driver(conn)
            if raw.execute("SELECT 1 FROM reports LIMIT 1").fetchone() is not None:
                return False
            try:
                self._drop_indexes(raw)
                self._set_meta(conn, BULK_KEY, dump_json(self._deferred))
            except BaseException:
                self._deferred = None
                raise
            self._search_live = live_search
        return True

    def end_bulk_load(self) -> None:
        """Build the indexes a bulk load dropped and the full-text index (seconds for 200,000)."""
        with self._transaction(write=True) as conn:
            if self._deferred is None:
                return
            self._restore_indexes(self._driver(conn))
            self._set_meta(conn, BULK_KEY, None)
        self._deferred = None
        self._search_live = False

    def _resume_bulk_load(self) -> None:
        """On open: finish a bulk load that was cut short."""
        with self._transaction(write=False) as conn:
            pending = self._get_meta(conn, BULK_KEY)
        if pending is not None:
            # (The full-text index is rebuilt whether or not the load kept it: always consistent.)
            self._deferred = [str(sql) for sql in load_json(pending)]
            self._search_live = False
            self.end_bulk_load()

    def get_report(self, number: str) -> Report | None:
        """The whole report with its history and attachments (instants in UTC), or None."""
        R = ReportRecord
        with self._transaction(write=False) as conn:
            row = conn.execute(
                select(_R, *_TEXTS_ONLY).join_from(R, ReportTextRecord).where(R.number == number)
            ).one_or_none()
            return None if row is None else _report(row)

    def query(self, q: ReportQuery) -> list[ReportRow]:
        """One page of reports matching ``q``, in its order.

        Two plans answer a filtered page: reading the sort's index in order and testing each row
        against the filters, which stops as soon as the page is full (fast unless few reports
        match), or looking the matching reports up by their filters' indexes and sorting them (fast
        when few match). The first is tried within a small time budget; if it runs out, the second
        answers, and is remembered for that filter until the data changes. A search by text alone
        that matches many reports is answered a window of reports at a time in the sort's order
        (:meth:`_search_window`). The page's texts are read afterwards, for its rows only.
        """
        with self._transaction(write=False) as conn:
            rows = self._page(conn, q)
            texts: dict[int, Any] = {}
            ids = [row.id for row in rows]
            for start in range(0, len(ids), _LOOKUP):
                part = ids[start : start + _LOOKUP]
                for text_row in conn.execute(select(*TEXT_ROW_COLUMNS).where(ReportTextRecord.id.in_(part))):
                    texts[text_row.id] = text_row
        return [_row(row, texts[row.id]) for row in rows]

    def numbers(self, q: ReportQuery) -> list[str]:
        """The numbers of the reports matching ``q``, in its order (for the map and selections)."""
        with self._transaction(write=False) as conn:
            return [row.number for row in self._page(conn, q)]

    def query_plan(self, q: ReportQuery, *, scan: bool = True) -> list[str]:
        """SQLite's plan (EXPLAIN QUERY PLAN) for :meth:`query`'s first try or, with ``scan=False``,
        for its plan by the filters' indexes; for diagnostics."""
        statement = self._select(q, scan=scan and (has_filters(q) or bool(q.text.strip())))
        compiled = statement.compile(
            dialect=self._engine.dialect, compile_kwargs={"render_postcompile": True}
        )
        parameters = compiled.construct_params()
        positional = [parameters[name] for name in compiled.positiontup or ()]
        with self._transaction(write=False) as conn:
            raw = self._driver(conn)
            return [str(row[3]) for row in raw.execute(f"EXPLAIN QUERY PLAN {compiled}", positional)]

    def _select(
        self, q: ReportQuery, *, scan: bool, expression: str | None = None
    ) -> Select[*tuple[Any, ...]]:
        statement = (
            select(*ROW_COLUMNS)
            .where(*conditions(q, self._reference, scan=scan, expression=expression))
            .order_by(*order_by(q.sort, q.descending, q.stage))
        )
        if q.limit is not None:
            statement = statement.limit(q.limit)
        if q.offset:
            statement = statement.offset(q.offset)
        return statement

    def _page(self, conn: Connection, q: ReportQuery) -> Sequence[Any]:
        filtered = has_filters(q)
        search = Search.of(q.text, q.search_phone, self._reference.numbers)
        if (not filtered and search is None) or (search is not None and search.exact is not None):
            # (A whole report number: its index finds the one report.)
            return conn.execute(self._select(q, scan=False)).all()
        budget: float | None = SCAN_BUDGET
        expression: str | None = None
        if search is not None and search.expression is not None:
            expression = exact_terms(self._driver(conn), search.expression)
            # The text decides: few matches are looked up and sorted at once; many are read in
            # the sort's order, by windows or (with other filters) testing each report against the
            # set of matches, built first (which the budget must allow).
            few = select(func.count()).select_from(fts_matches(expression).limit(FEW_MATCHES + 1).subquery())
            if conn.execute(few).scalar_one() <= FEW_MATCHES:
                return conn.execute(self._select(q, scan=False, expression=expression)).all()
            if not filtered and search.number is None and search.phone is None and q.limit is not None:
                found = self._search_window(conn, q, expression)
                if found is not None:
                    return found
            budget = SCAN_BUDGET * 4 if filtered else None
        key = replace(q, offset=0, limit=None)
        if key in self._search_first:
            return conn.execute(self._select(q, scan=False, expression=expression)).all()
        if budget is None:
            return conn.execute(self._select(q, scan=True, expression=expression)).all()
        raw = self._driver(conn)
        deadline = time.perf_counter() + budget
        raw.set_progress_handler(lambda: time.perf_counter() > deadline, PROGRESS_STEP)
        try:
            return conn.execute(self._select(q, scan=True, expression=expression)).all()
        except DBAPIError as error:
            if "interrupt" not in str(error.orig).lower():
                raise
        finally:
            raw.set_progress_handler(None, 0)
        if len(self._search_first) >= 256:
            self._search_first.clear()
        self._search_first.add(key)
        return conn.execute(self._select(q, scan=False, expression=expression)).all()

    def _search_window(self, conn: Connection, q: ReportQuery, expression: str) -> Sequence[Any] | None:
        """The page of a text search that matches many reports, without building the set of all
        matches (tens of milliseconds for 100,000): the reports are read in the sort's order a
        window at a time, and the full-text index is asked only which ids in the window's range of
        ids match. Reports mostly arrive in the order they were received, so for the default sort a
        window's ids lie close together and that range is small. None (the caller answers another
        way) when a window's ids are spread too far apart (another sort, usually) or the page is
        not found within a few windows."""
        raw = self._driver(conn)
        need = q.offset + (q.limit or 0)
        found: list[int] = []
        start, size = 0, _WINDOW
        probe = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ? AND rowid BETWEEN ? AND ?"
        for _round in range(_WINDOW_ROUNDS):
            window = (
                select(ReportRecord.id)
                .order_by(*order_by(q.sort, q.descending, q.stage))
                .limit(size)
                .offset(start)
            )
            if q.arrived_by is not None:
                window = window.where(unindexed(ReportRecord.id) <= q.arrived_by)
            ids = list(conn.execute(window).scalars())
            if ids:
                low, high = min(ids), max(ids)
                if high - low >= _WINDOW_SPREAD * len(ids):
                    return None
                matched = {row[0] for row in raw.execute(probe, (expression, low, high))}
                found.extend(i for i in ids if i in matched)
            if len(found) >= need or len(ids) < size:
                break
            start += size
            # The next window, sized by how often this one matched (at least twice as large).
            size = max(2 * size, int((need - len(found)) * 1.5 * (start / max(len(found), 1))))
        else:
            return None
        page = found[q.offset : need]
        if not page:
            return []
        position = {report_id: at for at, report_id in enumerate(page)}
        rows = conn.execute(select(*ROW_COLUMNS).where(ReportRecord.id.in_(page))).all()
        return sorted(rows, key=lambda row: position[row.id])

    def agency_counts(self, now: datetime, boundary: datetime) -> dict[str, tuple[int, int, int, int]]:
        """Each agency's reports forwarded and in progress, and of those the overdue and the due
        soon by the citizen's reply deadline at ``now`` (due soon: up to ``boundary``): one grouped
        query on the status index, for the agency panel."""
        forwarded, working = STATUS_RANK[Status.FORWARDED], STATUS_RANK[Status.IN_PROGRESS]
        at, soon = to_micros(now), to_micros(boundary)
        sql = (
            "SELECT agency, SUM(status_rank = ?), SUM(status_rank = ?), "
            "SUM(closed = 0 AND due_at IS NOT NULL AND due_at < ?), "
            "SUM(closed = 0 AND due_at IS NOT NULL AND due_at >= ? AND due_at <= ?) "
            "FROM reports WHERE status_rank IN (?, ?) AND agency IS NOT NULL GROUP BY agency"
        )
        with self._transaction(write=False) as conn:
            rows = self._driver(conn).execute(sql, (forwarded, working, at, at, soon, forwarded, working))
            return {str(a): (int(f), int(w), int(o), int(d)) for a, f, w, o, d in rows.fetchall()}

    def map_points(
        self, now: datetime, boundary: datetime, *, after: int = 0, limit: int | None = None
    ) -> list[MapPoint]:
        """Every report with a position, as the map draws it: only the map's columns, no text, its
        reply deadline's state at ``now`` (due soon up to ``boundary``) worked out by SQLite. One
        pass over the reports table (about 0.3 s for 200,000 reports, against several seconds
        for reading them as the queue's rows).

        In parts: the reports stored after row ``after`` (their ``row`` field), at most ``limit``
        of them, in the order they were stored; the next part starts after the last one's row."""
        at, soon = to_micros(now), to_micros(boundary)
        sql = (
            "SELECT number, lat, lon, status, "
            "CASE WHEN closed OR due_at IS NULL THEN 0 WHEN due_at < ? THEN 1 "
            "WHEN due_at <= ? THEN 2 ELSE 3 END, category, pending, id "
            "FROM reports WHERE id > ? AND lat IS NOT NULL AND lon IS NOT NULL ORDER BY id"
        )
        parameters: tuple[int, ...] = (at, soon, after)
        if limit is not None:
            sql += " LIMIT ?"
            parameters += (limit,)
        # The reply deadline's rule, as domain.deadlines.deadline_state has it (0-3 index this).
        states = (DeadlineState.NONE, DeadlineState.OVERDUE, DeadlineState.DUE_SOON, DeadlineState.ON_TRACK)
        statuses = {status.value: status for status in Status}
        point = MapPoint
        with self._transaction(write=False) as conn:
            rows = self._driver(conn).execute(sql, parameters).fetchall()
        return [
            point(number, lat, lon, statuses[status], states[state], category, bool(pending), row)
            for number, lat, lon, status, state, category, pending, row in rows
        ]

    def last_arrival(self) -> int:
        """The row id of the report that arrived in the store last (0 when it is empty): the bound
        of :attr:`ReportQuery.arrived_by` that keeps a list to what the store holds now."""
        with self._transaction(write=False) as conn:
            return int(conn.execute(select(func.max(ReportRecord.id))).scalar_one() or 0)

    def count(self, q: ReportQuery) -> int:
        """How many reports match ``q`` (its sort and page ignored)."""
        search = Search.of(q.text, q.search_phone, self._reference.numbers)
        with self._transaction(write=False) as conn:
            expression = None
            if search is not None and search.expression is not None:
                expression = exact_terms(self._driver(conn), search.expression)
            if search is not None and expression is not None and not has_filters(q):
                # Text alone: count the full-text index itself, then what only the number or the
                # phone found (reading every match's row would cost far more).
                matches = fts_matches(expression)
                if q.arrived_by is not None:
                    matches = matches.where(literal_column("rowid") <= q.arrived_by)
                total = conn.execute(select(func.count()).select_from(matches.subquery())).scalar_one()
                if search.number is not None or search.phone is not None:
                    others = replace(search, expression=None).condition()
                    total += conn.execute(
                        select(func.count())
                        .select_from(ReportRecord)
                        .where(
                            others,
                            ReportRecord.id.not_in(matches.scalar_subquery()),
                            *([ReportRecord.id <= q.arrived_by] if q.arrived_by is not None else []),
                        )
                    ).scalar_one()
                return int(total)
            statement = (
                select(func.count())
                .select_from(ReportRecord)
                .where(*conditions(q, self._reference, expression=expression))
            )
            return int(conn.execute(statement).scalar_one())

    def deadline_counts(self, q: ReportQuery, now: datetime, boundary: datetime) -> dict[DeadlineState, int]:
        """Reports matching ``q`` by the state of their reply deadline (with ``q.stage``, of the nearer
        deadline) at ``now``; every state present.

        The query's own deadline filter, sort and page are ignored.
        """
        R = ReportRecord
        now_us, boundary_us = to_micros(now), to_micros(boundary)
        due = next_due() if q.stage else R.due_at
        state = case(
            (R.closed.is_(True), DeadlineState.NONE.value),
            (due.is_(None), DeadlineState.NONE.value),
            (due < now_us, DeadlineState.OVERDUE.value),
            (due <= boundary_us, DeadlineState.DUE_SOON.value),
            else_=DeadlineState.ON_TRACK.value,
        ).label("state")
        statement = (
            select(state, func.count())
            .where(*conditions(q, self._reference, with_deadline=False))
            .group_by(state)
        )
        counts = dict.fromkeys(DeadlineState, 0)
        with self._transaction(write=False) as conn:
            for value, n in conn.execute(statement):
                counts[DeadlineState(value)] = int(n)
        return counts

    # -- outbox -------------------------------------------------------------------------------------

    def enqueue_action(
        self,
        number: str,
        action: Action,
        payload: Mapping[str, Any],
        base_version: int | None,
        *,
        report: Report | None = None,
        at: datetime | None = None,
    ) -> OutboxEntry:
        """Record a local action for the hub and mark its report pending, in one transaction.

        ``report``, when given, is the report as the action left it locally (shown at once); it is
        written in the same transaction, whatever its version.
        """
        created = at if at is not None else datetime.now(UTC)
        key = str(uuid.uuid4())
        body = dump_json(dict(payload))
        with self._transaction(write=True) as conn:
            if report is not None:
                if report.number != number:
                    raise ValueError("the report given is not the one the action is for")
                self._upsert(self._driver(conn), [report], True, True)
            entry_id = conn.execute(
                insert(OutboxRecord)
                .values(
                    key=key,
                    report_number=number,
                    action=action.value,
                    payload=body,
                    base_version=base_version,
                    created_at=to_micros(created),
                    attempts=0,
                    state=OutboxState.PENDING.value,
                )
                .returning(OutboxRecord.id)
            ).scalar_one()
            conn.execute(update(ReportRecord).where(ReportRecord.number == number).values(pending=True))
            return self._entry(conn, entry_id)

    def pending_actions(self) -> list[OutboxEntry]:
        """Actions not yet acknowledged nor refused, oldest first (the order to send them in)."""
        with self._transaction(write=False) as conn:
            rows = conn.execute(
                select(_OUTBOX)
                .where(OutboxRecord.state == OutboxState.PENDING.value)
                .order_by(OutboxRecord.id)
            ).all()
            return [_entry(r) for r in rows]

    def outbox_entry(self, entry_id: int) -> OutboxEntry | None:
        """One outbox entry whatever its state, or None."""
        with self._transaction(write=False) as conn:
            found = conn.execute(select(_OUTBOX).where(OutboxRecord.id == entry_id)).one_or_none()
            return None if found is None else _entry(found)

    def set_outbox_payload(self, entry_id: int, payload: Mapping[str, Any]) -> None:
        """Replace a waiting entry's payload (e.g. to keep the hub's ids of photos already uploaded,
        so that a retry does not upload them again)."""
        with self._transaction(write=True) as conn:
            conn.execute(
                update(OutboxRecord)
                .where(OutboxRecord.id == entry_id)
                .values(payload=dump_json(dict(payload)))
            )

    def mark_acknowledged(self, entry_id: int) -> None:
        """The hub applied the action: it leaves the queue; the report is pending while others wait."""
        self._finish(entry_id, OutboxState.ACKNOWLEDGED, None)

    def mark_rejected(self, entry_id: int, reason: str) -> None:
        """The hub refused the action for good (conflict, permission, validation): keep the reason."""
        self._finish(entry_id, OutboxState.REJECTED, reason)

    def mark_failed(self, entry_id: int, error: str) -> None:
        """Sending failed (network, server down): count the attempt, keep it pending."""
        with self._transaction(write=True) as conn:
            conn.execute(
                update(OutboxRecord)
                .where(OutboxRecord.id == entry_id)
                .values(attempts=OutboxRecord.attempts + 1, last_error=error)
            )

    def _finish(self, entry_id: int, state: OutboxState, reason: str | None) -> None:
        box = OutboxRecord
        with self._transaction(write=True) as conn:
            number = conn.execute(select(box.report_number).where(box.id == entry_id)).scalar_one_or_none()
            if number is None:
                raise KeyError(entry_id)
            values: dict[str, Any] = {"state": state.value}
            if reason is not None:
                values["last_error"] = reason
            conn.execute(update(box).where(box.id == entry_id).values(**values))
            waiting = conn.execute(
                select(func.count()).where(
                    box.report_number == number, box.state == OutboxState.PENDING.value
                )
            ).scalar_one()
            conn.execute(
                update(ReportRecord).where(ReportRecord.number == number).values(pending=bool(waiting))
            )

    def acknowledge(self, entry_id: int, report: Report | None) -> str:
        """The hub applied entry ``entry_id``: it leaves the queue and the report takes the hub's answer
        (``report``, unless an older version than the stored one), in one transaction. Returns the
        entry's report number."""
        with self._transaction(write=True) as conn:
            raw = self._driver(conn)
            number = self._outbox_number(raw, entry_id)
            if report is not None:
                self._upsert(raw, [report], True, False)
            raw.execute(
                "UPDATE outbox SET state = ?, last_error = NULL WHERE id = ?",
                (OutboxState.ACKNOWLEDGED.value, entry_id),
            )
            self._refresh_pending(raw, number)
            return number

    def record_refusal(
        self,
        entry_id: int,
        reason: str,
        *,
        hub_report: Report | None = None,
        gone: bool = False,
        draft: Mapping[str, Any] | None = None,
    ) -> str:
        """The hub refused entry ``entry_id`` for good, in one transaction: the entry keeps ``reason``;
        the report goes back to ``hub_report`` (whatever its version), or leaves the store when
        ``gone``; ``draft`` (the operator's input, JSON) is kept under the entry's number and action
        (:meth:`drafts`). Returns the entry's report number."""
        with self._transaction(write=True) as conn:
            raw = self._driver(conn)
            row = raw.execute("SELECT report_number, action FROM outbox WHERE id = ?", (entry_id,)).fetchone()
            if row is None:
                raise KeyError(entry_id)
            number, action = str(row[0]), str(row[1])
            if hub_report is not None:
                self._upsert(raw, [hub_report], True, True)
            elif gone:
                self._delete_report(raw, number)
            raw.execute(
                "UPDATE outbox SET state = ?, last_error = ? WHERE id = ?",
                (OutboxState.REJECTED.value, reason, entry_id),
            )
            self._refresh_pending(raw, number)
            if draft is not None:
                drafts = self._drafts(conn)
                drafts.setdefault(number, {})[action] = dict(draft)
                self._save_drafts(conn, drafts)
            return number

    def resolve_provisional(self, entry_id: int, report: Report) -> str:
        """The hub took in the new report of ``submit`` entry ``entry_id`` and numbered it: ``report``
        is its answer. In one transaction the provisional report becomes ``report.number`` (its
        history and attachments with it; the hub's copy replaces it unless later local actions made
        the local one newer), every outbox entry on the provisional number (and any waiting entry
        whose payload names it) and every report marked a duplicate of it follow, kept drafts too,
        and the entry is acknowledged. Returns the provisional number."""
        new = report.number
        with self._transaction(write=True) as conn:
            raw = self._driver(conn)
            old = self._outbox_number(raw, entry_id)
            if old != new:
                local = raw.execute("SELECT id, version FROM reports WHERE number = ?", (old,)).fetchone()
                taken = raw.execute("SELECT 1 FROM reports WHERE number = ?", (new,)).fetchone() is not None
                if local is not None and not taken:
                    report_id, version = local
                    indexed = not self.search_deferred  # (else rebuilt at the bulk load's end)
                    if indexed:  # the number is searchable: the entry goes with the old one
                        index_search(raw, [report_id], remove=True)
                    # Rows that point at the report by its number follow it (checked at COMMIT).
                    raw.execute("PRAGMA defer_foreign_keys = ON")
                    raw.execute("UPDATE reports SET number = ? WHERE id = ?", (new, report_id))
                    for (table,) in raw.execute(
                        "SELECT m.name FROM sqlite_master AS m JOIN pragma_foreign_key_list(m.name) AS f"
                        " WHERE m.type = 'table' AND f.\"table\" = 'reports' AND f.\"to\" = 'number'"
                        " AND f.\"from\" = 'report_number'"
                    ).fetchall():
                        raw.execute(
                            f'UPDATE "{table}" SET report_number = ? WHERE report_number = ?', (new, old)
                        )
                    if indexed:
                        index_search(raw, [report_id])
                    if report.version >= int(version):
                        self._upsert(raw, [report], True, True)
                else:
                    # Already pulled from the hub's feed (or the local copy is gone): one copy stays.
                    self._delete_report(raw, old)
                    self._upsert(raw, [report], True, False)
                raw.execute("UPDATE outbox SET report_number = ? WHERE report_number = ?", (new, old))
                named = raw.execute(
                    "SELECT id, payload FROM outbox WHERE state = ? AND instr(payload, ?) > 0",
                    (OutboxState.PENDING.value, old),
                ).fetchall()
                for other_id, body in named:
                    payload = load_json(body)
                    changed = {k: (new if v == old else v) for k, v in payload.items()}
                    if changed != payload:
                        raw.execute(
                            "UPDATE outbox SET payload = ? WHERE id = ?", (dump_json(changed), other_id)
                        )
                raw.execute("UPDATE reports SET duplicate_of = ? WHERE duplicate_of = ?", (new, old))
                drafts = self._drafts(conn)
                if old in drafts:
                    drafts.setdefault(new, {}).update(drafts.pop(old))
                    self._save_drafts(conn, drafts)
            else:
                self._upsert(raw, [report], True, False)
            raw.execute(
                "UPDATE outbox SET state = ?, last_error = NULL WHERE id = ?",
                (OutboxState.ACKNOWLEDGED.value, entry_id),
            )
            self._refresh_pending(raw, new)
            return old

    def drafts(self) -> dict[str, dict[str, Any]]:
        """Kept drafts: ``{number: {action: draft}}`` (see :meth:`record_refusal`)."""
        with self._transaction(write=False) as conn:
            return self._drafts(conn)

    def set_drafts(self, drafts: Mapping[str, Mapping[str, Any]]) -> None:
        """Replace the kept drafts (an empty mapping forgets them all)."""
        with self._transaction(write=True) as conn:
            self._save_drafts(conn, drafts)

    def _drafts(self, conn: Connection) -> dict[str, dict[str, Any]]:
        text = self._get_meta(conn, DRAFTS_META)
        loaded = load_json(text) if text else {}
        return loaded if isinstance(loaded, dict) else {}

    def _save_drafts(self, conn: Connection, drafts: Mapping[str, Any]) -> None:
        self._set_meta(conn, DRAFTS_META, dump_json(dict(drafts)) if drafts else None)

    @staticmethod
    def _outbox_number(raw: sqlite3.Connection, entry_id: int) -> str:
        row = raw.execute("SELECT report_number FROM outbox WHERE id = ?", (entry_id,)).fetchone()
        if row is None:
            raise KeyError(entry_id)
        return str(row[0])

    @staticmethod
    def _refresh_pending(raw: sqlite3.Connection, number: str) -> None:
        raw.execute(
            "UPDATE reports SET pending = EXISTS (SELECT 1 FROM outbox WHERE report_number = ? AND state = ?)"
            " WHERE number = ?",
            (number, OutboxState.PENDING.value, number),
        )

    def _delete_report(self, raw: sqlite3.Connection, number: str) -> None:
        """Delete a report with its search entry (texts, history and attachments cascade)."""
        found = raw.execute("SELECT id FROM reports WHERE number = ?", (number,)).fetchone()
        if found is None:
            return
        if not self.search_deferred:  # (else rebuilt at the bulk load's end)
            index_search(raw, [found[0]], remove=True)
        raw.execute("DELETE FROM reports WHERE id = ?", (found[0],))

    def _entry(self, conn: Connection, entry_id: int) -> OutboxEntry:
        return _entry(conn.execute(select(_OUTBOX).where(OutboxRecord.id == entry_id)).one())

    # -- meta ---------------------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        """A stored setting (e.g. the sync cursor), or None."""
        with self._transaction(write=False) as conn:
            return self._get_meta(conn, key)

    def set_meta(self, key: str, value: str | None) -> None:
        """Store a setting; None removes it."""
        with self._transaction(write=True) as conn:
            self._set_meta(conn, key, value)

    @staticmethod
    def _get_meta(conn: Connection, key: str) -> str | None:
        return conn.execute(select(MetaRecord.value).where(MetaRecord.key == key)).scalar_one_or_none()

    @staticmethod
    def _set_meta(conn: Connection, key: str, value: str | None) -> None:
        if value is None:
            conn.execute(delete(MetaRecord).where(MetaRecord.key == key))
            return
        statement = sqlite_insert(MetaRecord).values(key=key, value=value)
        conn.execute(statement.on_conflict_do_update(index_elements=["key"], set_={"value": value}))


def _row(r: Any, t: Any) -> ReportRow:
    return ReportRow(
        number=r.number,
        received_at=from_micros(r.received_at),
        category=r.category,
        unit_code=r.unit_code,
        district_code=r.district_code,
        channel=Channel(r.channel),
        status=Status(r.status),
        agency=r.agency,
        priority=Priority(r.priority),
        due_at=from_micros_or_none(r.due_at),
        stage_due_at=from_micros_or_none(r.stage_due_at),
        updated_at=from_micros_or_none(r.updated_at),
        closed=bool(r.closed),
        pending=bool(r.pending),
        title=t.title,
        description=t.description,
        address=t.address,
        lat=r.lat,
        lon=r.lon,
    )


def _report(r: Any) -> Report:
    return Report(
        number=r.number,
        channel=Channel(r.channel),
        category=r.category,
        description=r.description,
        location=Location(lat=r.lat, lon=r.lon, address=r.address, unit_code=r.unit_code),
        received_at=from_micros(r.received_at),
        status=Status(r.status),
        contact=Contact(name=r.contact_name, phone=r.contact_phone, email=r.contact_email),
        agency=r.agency,
        priority=Priority(r.priority),
        title=r.title,
        reply=r.reply,
        result=r.result,
        satisfied=r.satisfied,
        rating_comment=r.rating_comment,
        duplicate_of=r.duplicate_of,
        version=r.version,
        updated_at=from_micros_or_none(r.updated_at),
        stage_started_at=from_micros_or_none(r.stage_started_at),
        due_at=from_micros_or_none(r.due_at),
        stage_due_at=from_micros_or_none(r.stage_due_at),
        paused_since=from_micros_or_none(r.paused_since),
        paused_seconds=r.paused_seconds,
        closed_at=from_micros_or_none(r.closed_at),
        first_contact_at=from_micros_or_none(r.first_contact_at),
        forwarded_at=from_micros_or_none(r.forwarded_at),
        attachments=attachments_from(r.attachments),
        history=history_from(r.history),
    )


def _entry(r: Any) -> OutboxEntry:
    return OutboxEntry(
        id=r.id,
        key=r.key,
        report_number=r.report_number,
        action=Action(r.action),
        payload=load_json(r.payload),
        base_version=r.base_version,
        created_at=from_micros(r.created_at),
        attempts=r.attempts,
        last_error=r.last_error,
        state=OutboxState(r.state),
    )

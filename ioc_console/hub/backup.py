"""Backing the hub up and restoring it (``ioc-hub backup`` / ``ioc-hub restore``).

SQLite: the backup is a copy of the database file made with SQLite's online backup API, while the hub
keeps serving; it is itself a SQLite database, readable by ``sqlite3``.

PostgreSQL: the backup is a logical dump of the hub's own tables, made by this module inside one
read-only REPEATABLE READ transaction (one consistent moment, the hub keeps serving): a gzip file of
JSON lines, a header (format, schema revision, tables), then each table's rows. It needs no
``pg_dump`` of the server's exact version on the hub's machine, and restores into PostgreSQL or into
SQLite. (A database administrator may of course also use ``pg_dump``/``pg_restore``.)

Restoring always goes into an empty database (a new SQLite file, or a new PostgreSQL database made
with ``createdb``), never over a hub's data. A SQLite backup restores into SQLite through the backup
API, into PostgreSQL row by row; a dump restores row by row into either. The schema is then upgraded
to this hub's, so an older backup restores into a newer hub.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, Table, create_engine, func, select, text

from ioc_console.hub import schema
from ioc_console.hub.db import Database, _sqlite_file, head_revision

DUMP_FORMAT = "ioc-hub-dump"
DUMP_VERSION = 1
SQLITE_MAGIC = b"SQLite format 3\x00"
GZIP_MAGIC = b"\x1f\x8b"
#: Rows inserted per statement when restoring (fewer for photos, which are large).
BATCH = 500
PHOTO_BATCH = 20


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why."""


@dataclass(frozen=True)
class Summary:
    method: str
    revision: str
    rows: dict[str, int]


def tables() -> list[Table]:
    """The hub's tables, parents before children."""
    return list(schema.metadata.sorted_tables)


# -- values in a dump ----------------------------------------------------------------------------


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$t": value.isoformat()}
    if isinstance(value, bytes | memoryview):
        return {"$b": base64.b64encode(bytes(value)).decode("ascii")}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "$t" in value:
            return datetime.fromisoformat(value["$t"])
        if "$b" in value:
            return base64.b64decode(value["$b"])
    return value


# -- backup --------------------------------------------------------------------------------------


def backup(url: str, out: Path) -> Summary:
    """Back the database at ``url`` up into ``out`` (written whole, then moved into place)."""
    out = out.expanduser()
    if out.is_dir():
        raise BackupError(f"{out} is a folder; give a file name")
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    try:
        path = _sqlite_file(url)
        summary = _backup_sqlite(path, partial) if path is not None else _backup_postgres(url, partial)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return summary


def _revision(conn: Connection) -> str:
    try:
        rev = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:
        rev = None
    if not rev:
        raise BackupError("this database holds no hub (run `ioc-hub init` first)")
    return str(rev)


def _counts(conn: Connection) -> dict[str, int]:
    return {t.name: int(conn.execute(select(func.count()).select_from(t)).scalar() or 0) for t in tables()}


def _backup_sqlite(path: Path, out: Path) -> Summary:
    if not path.is_file():
        raise BackupError(f"{path} does not exist")
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    target = sqlite3.connect(out)
    try:
        # All pages in one step: one consistent moment, even while the hub writes.
        source.backup(target)
    finally:
        target.close()
        source.close()
    engine = create_engine(f"sqlite:///{out}")
    try:
        with engine.connect() as conn:
            return Summary("sqlite-online-backup", _revision(conn), _counts(conn))
    finally:
        engine.dispose()


def _backup_postgres(url: str, out: Path) -> Summary:
    engine = create_engine(url)
    rows: dict[str, int] = {}
    try:
        with (
            engine.connect().execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            ) as conn,
            gzip.open(out, "wt", encoding="utf-8", compresslevel=6) as f,
        ):
            revision = _revision(conn)
            names = [t.name for t in tables()]
            _line(f, {"format": DUMP_FORMAT, "version": DUMP_VERSION, "revision": revision, "tables": names})
            for table in tables():
                columns = [c.name for c in table.columns]
                _line(f, {"table": table.name, "columns": columns})
                n = 0
                result = conn.execution_options(yield_per=1000).execute(
                    select(*table.columns).order_by(*table.primary_key.columns)
                )
                for row in result:
                    f.write(json.dumps([_encode(v) for v in row], ensure_ascii=False) + "\n")
                    n += 1
                _line(f, {"end": table.name, "rows": n})
                rows[table.name] = n
            conn.rollback()
    finally:
        engine.dispose()
    return Summary("logical-dump", revision, rows)


def _line(f: IO[str], obj: dict[str, Any]) -> None:
    f.write(json.dumps(obj, ensure_ascii=False) + "\n")


# -- restore -------------------------------------------------------------------------------------

#: (table, its rows as {column: value}) in the order they must be inserted.
Rows = Iterator[tuple[Table, Iterator[dict[str, Any]]]]


def restore(source: Path, url: str, progress: Callable[[str, int], None] | None = None) -> Summary:
    """Restore the backup ``source`` into the empty database at ``url``."""
    source = source.expanduser()
    try:
        with source.open("rb") as f:
            head = f.read(16)
    except OSError as error:
        raise BackupError(f"{source}: {error.strerror or error}") from None
    if head == SQLITE_MAGIC:
        kind = "sqlite"
    elif head[:2] == GZIP_MAGIC:
        kind = "dump"
    else:
        raise BackupError(f"{source} is not a hub backup (neither a SQLite file nor a hub dump)")
    target = _sqlite_file(url)
    if kind == "sqlite" and target is not None:
        return _restore_sqlite_file(source, target, url)
    if kind == "sqlite":
        return _restore_rows(url, *_rows_of_sqlite(source), progress=progress)
    return _restore_rows(url, *_rows_of_dump(source), progress=progress)


def _refuse_unless_empty(db: Database) -> None:
    if db.current_revision() is None:
        return
    with db.read() as conn:
        used = [name for name, n in _counts(conn).items() if n and name != schema.counters.name]
    if used:
        raise BackupError(
            f"the database {db.safe_url} is not empty ({', '.join(used)}): restore into a new, empty "
            "database (a new SQLite file, or `createdb` on PostgreSQL)"
        )


def _restore_sqlite_file(source: Path, target: Path, url: str) -> Summary:
    if target.exists() and target.stat().st_size > 0:
        db = Database(url, pool_size=1)
        try:
            _refuse_unless_empty(db)
        finally:
            db.dispose()
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return _upgrade_and_count(url, "sqlite-online-backup")


def _upgrade_and_count(url: str, method: str) -> Summary:
    db = Database(url, pool_size=1)
    try:
        db.migrate()
        with db.read() as conn:
            return Summary(method, _revision(conn), _counts(conn))
    finally:
        db.dispose()


def _rows_of_sqlite(source: Path) -> tuple[str, Rows, Callable[[], None]]:
    engine = create_engine(f"sqlite:///file:{source}?mode=ro&uri=true")
    conn = engine.connect()
    revision = _revision(conn)

    def rows() -> Rows:
        for table in tables():
            result = conn.execution_options(yield_per=1000).execute(
                select(*table.columns).order_by(*table.primary_key.columns)
            )
            yield table, (dict(row._mapping) for row in result)

    def close() -> None:
        conn.close()
        engine.dispose()

    return revision, rows(), close


def _rows_of_dump(source: Path) -> tuple[str, Rows, Callable[[], None]]:
    f = gzip.open(source, "rt", encoding="utf-8")  # noqa: SIM115 - closed by the close() returned
    try:
        header = json.loads(f.readline())
    except (OSError, EOFError, ValueError) as error:
        f.close()
        raise BackupError(f"{source} is damaged: {error}") from None
    if not isinstance(header, dict) or header.get("format") != DUMP_FORMAT:
        f.close()
        raise BackupError(f"{source} is not a hub dump")
    if header.get("version") != DUMP_VERSION:
        f.close()
        raise BackupError(f"{source} is a dump of a newer kind ({header.get('version')}); upgrade the hub")
    known = {t.name: t for t in tables()}

    def table_rows(table: Table, columns: list[str]) -> Iterator[dict[str, Any]]:
        for line in f:
            item = json.loads(line)
            if isinstance(item, dict):
                if item.get("end") != table.name:
                    raise BackupError(f"{source} is damaged near table {table.name}")
                return
            yield dict(zip(columns, (_decode(v) for v in item), strict=True))
        raise BackupError(f"{source} ends in the middle of table {table.name}")

    def rows() -> Rows:
        for line in f:
            item = json.loads(line)
            name = item.get("table")
            if name not in known:
                raise BackupError(f"{source} holds an unknown table {name!r}")
            unknown = set(item["columns"]) - {c.name for c in known[name].columns}
            if unknown:
                raise BackupError(f"{source}: table {name} has columns this hub does not know: {unknown}")
            yield known[name], table_rows(known[name], item["columns"])

    return str(header.get("revision")), rows(), f.close


def _restore_rows(
    url: str,
    revision: str,
    rows: Rows,
    close: Callable[[], None],
    progress: Callable[[str, int], None] | None = None,
) -> Summary:
    db = Database(url, pool_size=1)
    try:
        _refuse_unless_empty(db)
        if revision != head_revision():
            # The rows are written with this hub's table definitions: bring the empty database to the
            # backup's schema only when they are the same; else say what to do.
            raise BackupError(
                f"the backup has schema {revision}, this hub {head_revision()}: restore it with the hub "
                "version that made it (into an empty database), then upgrade with `ioc-hub init`"
            )
        db.migrate()
        with db.write() as conn:
            # A new database's counters start at zero; the backup's take their place.
            conn.execute(schema.counters.delete())
            for table, items in rows:
                size = PHOTO_BATCH if table is schema.attachments else BATCH
                batch: list[dict[str, Any]] = []
                n = 0
                for item in items:
                    batch.append(item)
                    if len(batch) >= size:
                        conn.execute(table.insert(), batch)
                        n += len(batch)
                        batch = []
                if batch:
                    conn.execute(table.insert(), batch)
                    n += len(batch)
                if progress is not None:
                    progress(table.name, n)
            if not db.is_sqlite:
                _reset_sequences(conn)
    except (ValueError, KeyError, TypeError) as error:
        raise BackupError(f"the backup is damaged: {error}") from None
    finally:
        close()
        db.dispose()
    return _upgrade_and_count(url, "rows")


def _reset_sequences(conn: Connection) -> None:
    """Rows came with their ids: the PostgreSQL sequences behind the id columns go past them."""
    for table in tables():
        if "id" not in table.columns:
            continue
        seq = conn.execute(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name}).scalar()
        if seq:
            last = conn.execute(select(func.max(table.c.id))).scalar()
            conn.execute(
                text("SELECT setval(:s, :v, :called)"), {"s": seq, "v": last or 1, "called": last is not None}
            )

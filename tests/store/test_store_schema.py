"""Migrations from an empty database, the models and the migrations agreeing, and the pragmas."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine

from ioc_console.store import LocalStore
from ioc_console.store.local import HEAD, REVISIONS, alembic_config
from ioc_console.store.models import FTS_TABLE, Base, include_object


def test_the_known_revisions_are_the_migration_scripts() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert script.get_current_head() == HEAD
    walked = [s.revision for s in script.walk_revisions()]  # newest first
    assert tuple(reversed(walked)) == REVISIONS


def test_open_creates_the_schema_from_an_empty_file(store_path: Path) -> None:
    store_path.touch()  # an empty file is an empty database, not a damaged one
    LocalStore.open(store_path).close()
    with sqlite3.connect(store_path) as conn:
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        (revision,) = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    assert revision == HEAD
    expected = {t.name for t in Base.metadata.sorted_tables} | {"alembic_version", FTS_TABLE}
    assert expected <= tables


def test_migrations_at_head_match_the_models(store_path: Path) -> None:
    LocalStore.open(store_path).close()
    engine = create_engine(f"sqlite:///{store_path}")
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": include_object})
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []


def test_a_column_missing_from_the_migrations_would_be_noticed(store_path: Path) -> None:
    """The comparison above can fail: drop an index and it reports it."""
    LocalStore.open(store_path).close()
    with sqlite3.connect(store_path) as conn:
        conn.execute("DROP INDEX ix_reports_due_at")
    engine = create_engine(f"sqlite:///{store_path}")
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": include_object})
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert [d[0] for d in differences] == ["add_index"]


def test_the_connection_runs_in_wal_with_foreign_keys(store: LocalStore, store_path: Path) -> None:
    with sqlite3.connect(store_path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    raw = store._raw
    assert raw is not None
    assert raw.execute("PRAGMA foreign_keys").fetchone() == (1,)
    assert raw.execute("PRAGMA synchronous").fetchone() == (1,)  # NORMAL
    assert raw.execute("PRAGMA busy_timeout").fetchone()[0] > 0


def test_reopening_keeps_the_data_and_does_not_migrate_again(store_path: Path) -> None:
    with LocalStore.open(store_path) as store:
        store.set_meta("sync.cursor", "42")
    with LocalStore.open(store_path) as store:
        assert store.get_meta("sync.cursor") == "42"
        store.set_meta("sync.cursor", None)
        assert store.get_meta("sync.cursor") is None

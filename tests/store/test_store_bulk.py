"""Bulk loads into an empty store give exactly what report-by-report writes give; a store of the first
schema (history in rows of its own) opens with its histories intact."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine
from store_support import make_report, with_history

from ioc_console.domain.jurisdiction import Jurisdiction
from ioc_console.domain.report import Report
from ioc_console.store import LocalStore, ReportQuery
from ioc_console.store.local import HEAD, alembic_config

SEARCHES = ("chi tiet", "Đường số 3", "duong so 3", "PA-2025-0010", "0905 012", "tieu de 17", "phan rang")


def _reports(n: int) -> list[Report]:
    return [with_history(make_report(i, number=f"PA-2025-{i:06d}")) for i in range(n)]


def _content(path: Path) -> tuple[list[tuple[object, ...]], ...]:
    """Everything a user could get out of the store's report tables, and its index definitions."""
    with sqlite3.connect(path) as conn:
        reports = conn.execute("SELECT * FROM reports ORDER BY number").fetchall()
        texts = conn.execute(
            "SELECT r.number, t.* FROM report_texts AS t JOIN reports AS r ON r.id = t.id ORDER BY r.number"
        ).fetchall()
        indexes = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
        ).fetchall()
        # FTS5's own check that the full-text index agrees with the texts (raises if not).
        conn.execute("INSERT INTO report_search(report_search) VALUES ('integrity-check')")
    # Row ids may differ between the two paths; the numbers name the reports.
    return (
        [row[1:] for row in reports],
        [(row[0], *row[2:]) for row in texts],
        indexes,
    )


def _answers(store: LocalStore, made: list[Report]) -> list[object]:
    out: list[object] = [store.get_report(r.number) for r in made]
    for text in SEARCHES:
        out.append(store.count(ReportQuery(text=text)))
        out.append([row.number for row in store.query(ReportQuery(text=text, limit=50))])
    return out


def test_a_bulk_load_gives_what_report_by_report_writes_give(tmp_path: Path, pack: Jurisdiction) -> None:
    made = _reports(4500)  # more than one batch: the first full one into an empty store goes bulk
    one_by_one = tmp_path / "one.sqlite3"
    with LocalStore.open(one_by_one) as store:
        store.load_jurisdiction(pack)
        for start in range(0, len(made), 500):
            store.upsert_reports(made[start : start + 500])
        slow = _answers(store, made)
    bulk = tmp_path / "bulk.sqlite3"
    with LocalStore.open(bulk) as store:
        store.load_jurisdiction(pack)
        assert store.upsert_reports(iter(made)) == len(made)
        assert not store.search_deferred
        fast = _answers(store, made)
    assert fast == slow
    assert fast[: len(made)] == made
    assert _content(bulk) == _content(one_by_one)


def test_a_bulk_load_over_several_transactions(tmp_path: Path, pack: Jurisdiction) -> None:
    made = _reports(1200)
    reference = tmp_path / "reference.sqlite3"
    with LocalStore.open(reference) as store:
        store.load_jurisdiction(pack)
        for start in range(0, len(made), 100):
            store.upsert_reports(made[start : start + 100])
    path = tmp_path / "pages.sqlite3"
    with LocalStore.open(path) as store:
        store.load_jurisdiction(pack)
        assert store.begin_bulk_load()
        assert store.search_deferred
        for start in range(0, len(made), 100):
            store.upsert_reports(made[start : start + 100])
        # Correct while it runs, if slower (the indexes are gone).
        assert store.count(ReportQuery(statuses={made[0].status})) == sum(
            1 for r in made if r.status is made[0].status
        )
        store.end_bulk_load()
        assert not store.search_deferred
        assert store.count(ReportQuery(text="chi tiet")) == len(made)
        assert not store.begin_bulk_load()  # not into a store that holds reports
    assert _content(path) == _content(reference)


def test_a_bulk_load_cut_short_is_finished_on_open(tmp_path: Path, pack: Jurisdiction) -> None:
    made = _reports(300)
    path = tmp_path / "cut.sqlite3"
    store = LocalStore.open(path)
    store.load_jurisdiction(pack)
    assert store.begin_bulk_load()
    store.upsert_reports(made)
    store.close()  # as if the program had been killed: no end_bulk_load
    with LocalStore.open(path) as store:
        assert not store.search_deferred
        assert store.count(ReportQuery(text="duong so")) == len(made)
        assert store.get_report(made[7].number) == made[7]
    with sqlite3.connect(path) as conn:
        names = {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "ix_reports_received_at" in names and "ix_reports_closed_due_at" in names


def test_a_store_of_the_first_schema_keeps_its_histories(tmp_path: Path, pack: Jurisdiction) -> None:
    """A file written by the first version (events and attachments in rows) opens, migrated."""
    made = _reports(3)
    path = tmp_path / "old.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        config = alembic_config()
        config.attributes["connection"] = conn
        command.upgrade(config, "0001_local_cache")
    engine.dispose()
    with sqlite3.connect(path) as conn:
        conn.executemany(
            "INSERT INTO units VALUES (?, ?, 'x', ?, 11.5, 109.0, ?, ?)",
            [("58", "Tỉnh Ninh Thuận", None, 0, None), ("22768", "Phường Đông Hải", "58", 1, "22768")],
        )
        for n, r in enumerate(made, start=1):
            conn.execute(
                "INSERT INTO reports (id, number, received_at, category, channel, status, status_rank,"
                " closed, priority, priority_rank, version, paused_seconds, pending, unit_code)"
                " VALUES (?, ?, ?, ?, ?, ?, 0, 0, ?, 0, ?, 0, 0, ?)",
                (
                    n,
                    r.number,
                    int(r.received_at.timestamp()) * 1_000_000,
                    r.category,
                    r.channel.value,
                    r.status.value,
                    r.priority.value,
                    r.version,
                    "22768" if n == 1 else None,
                ),
            )
            conn.execute(
                "INSERT INTO report_texts VALUES (?, '', ?, '', '', '', '', '', '', '', '')",
                (n, r.description),
            )
            for e in reversed(r.history):
                conn.execute(
                    "INSERT INTO report_events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        r.number,
                        e.seq,
                        int(e.at.timestamp() * 1_000_000),
                        e.actor,
                        e.role.value,
                        e.action.value,
                        None if e.from_status is None else e.from_status.value,
                        e.to_status.value,
                        '{"note": "Đã gọi"}' if e.seq == 2 else "{}",
                    ),
                )
            for position, a in enumerate(r.attachments):
                conn.execute(
                    "INSERT INTO report_attachments VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (r.number, a.id, position, a.kind, a.content_type, a.size, a.url, None, a.stage),
                )
    with LocalStore.open(path) as store:
        for r in made:
            back = store.get_report(r.number)
            assert back is not None
            assert [(e.seq, e.at, e.actor, e.action, e.to_status) for e in back.history] == [
                (e.seq, e.at, e.actor, e.action, e.to_status) for e in r.history
            ]
            assert [e.data for e in back.history] == [
                {"note": "Đã gọi"} if e.seq == 2 else {} for e in r.history
            ]
            assert [(a.id, a.url, a.size) for a in back.attachments] == [
                (a.id, a.url, a.size) for a in r.attachments
            ]
        # The texts are searchable, folded, and by the names of their place (the province's left out).
        assert store.count(ReportQuery(text="mo ta chi tiet")) == 3
        assert [row.number for row in store.query(ReportQuery(text="dong hai"))] == [made[0].number]
        assert store.count(ReportQuery(text="ninh thuan")) == 0
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (HEAD,)
        tables = {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "report_events" not in tables and "report_attachments" not in tables

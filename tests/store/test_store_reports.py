"""Writing reports: whole round trips, versions, histories, reference data, and the outbox."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError
from store_support import CITY, COMMUNE_PHUONG_HAI, NINH_HAI, T0, make_report, with_history

from ioc_console.domain.jurisdiction import Jurisdiction
from ioc_console.domain.lifecycle import Action, Priority, Status
from ioc_console.domain.report import Event, Location
from ioc_console.store import LocalStore, OutboxState, ReportQuery, StoreClosed


def test_a_report_comes_back_whole(store: LocalStore) -> None:
    report = with_history(make_report(7))
    report.satisfied = False
    report.rating_comment = "Chưa hài lòng"
    report.paused_since = T0 + timedelta(hours=1, microseconds=7)
    report.paused_seconds = 5400.5
    report.first_contact_at = T0.astimezone(UTC)
    report.forwarded_at = T0 + timedelta(minutes=30)
    report.reply = "Đã xử lý xong."
    report.result = "Đã vá ổ gà."
    report.duplicate_of = "PA-2025-000001"
    store.upsert_reports([report])
    back = store.get_report(report.number)
    assert back == report
    assert back is not None and back.received_at.tzinfo is UTC
    assert store.get_report("PA-0000-000000") is None


def test_a_minimal_report_comes_back_whole(store: LocalStore) -> None:
    report = make_report(3, location=Location(None, None), agency=None, due_at=None, stage_due_at=None)
    report.updated_at = None
    report.contact = replace(report.contact, phone="")
    store.upsert_reports([report])
    assert store.get_report(report.number) == report


def test_naive_times_are_refused(store: LocalStore) -> None:
    with pytest.raises(ValueError, match="naive"):
        store.upsert_reports([make_report(1, received_at=datetime(2025, 1, 1, 8, 0))])
    assert store.count(ReportQuery()) == 0  # nothing half-written


def test_newer_versions_replace_older_ones_never_the_reverse(store: LocalStore) -> None:
    report = make_report(1, version=3, status=Status.FORWARDED)
    store.upsert_reports([report])
    older = make_report(1, version=2, status=Status.NEW)
    assert store.upsert_reports([older]) == 0
    assert store.get_report(report.number).status is Status.FORWARDED  # type: ignore[union-attr]
    newer = make_report(1, version=4, status=Status.IN_PROGRESS)
    assert store.upsert_reports([newer]) == 1
    assert store.get_report(report.number).status is Status.IN_PROGRESS  # type: ignore[union-attr]
    # The hub's copy after a refused local action is written whatever its version.
    assert store.upsert_reports([older], force=True) == 1
    assert store.get_report(report.number).status is Status.NEW  # type: ignore[union-attr]


def test_the_newest_copy_in_one_batch_wins(store: LocalStore) -> None:
    copies = [
        make_report(1, version=v, priority=p)
        for v, p in ((2, Priority.LOW), (5, Priority.URGENT), (3, Priority.HIGH))
    ]
    assert store.upsert_reports(copies) == 1
    assert store.get_report(copies[0].number).priority is Priority.URGENT  # type: ignore[union-attr]
    assert store.count(ReportQuery()) == 1


def test_history_and_attachments_follow_the_latest_copy(store: LocalStore) -> None:
    report = with_history(make_report(1, version=1))
    store.upsert_reports([report])
    # A local event that the hub never accepted disappears with the hub's copy.
    local = replace(report, version=2, history=[*report.history, replace(report.history[-1], seq=3)])
    store.upsert_reports([local])
    assert [e.seq for e in store.get_report(report.number).history] == [1, 2, 3]  # type: ignore[union-attr]
    hub = replace(report, version=2, attachments=report.attachments[:1])
    store.upsert_reports([hub], force=True)
    back = store.get_report(report.number)
    assert back is not None
    assert [e.seq for e in back.history] == [1, 2]
    assert [a.id for a in back.attachments] == [report.attachments[0].id]
    # Without history, what is stored is kept.
    store.upsert_reports([replace(hub, version=3, history=[], attachments=[])], with_history=False)
    back = store.get_report(report.number)
    assert back is not None and back.version == 3 and len(back.history) == 2 and len(back.attachments) == 1


def test_reports_and_their_history_are_written_in_one_transaction(
    store: LocalStore, store_path: Path
) -> None:
    good = with_history(make_report(1))
    bad = with_history(make_report(2))
    bad.history = [replace(bad.history[0], at=datetime(2025, 1, 1))]  # naive: refused mid-write
    with pytest.raises(ValueError):
        store.upsert_reports([good, bad])
    assert store.count(ReportQuery()) == 0
    with sqlite3.connect(store_path) as conn:
        assert conn.execute("SELECT count(*) FROM report_texts").fetchone() == (0,)
    assert store.get_report(good.number) is None


def test_loading_many_in_batches(store: LocalStore) -> None:
    """More than one batch of the bulk path (4,000), from an iterator."""
    made = [with_history(make_report(i, number=f"PA-2025-{i:06d}")) for i in range(4500)]
    assert store.upsert_reports(iter(made)) == 4500
    assert store.count(ReportQuery()) == 4500
    assert store.count(ReportQuery(text="PA-2025-0044")) == 100
    assert store.get_report("PA-2025-004499") == made[-1]
    # Again, all of them already there: nothing doubles.
    assert store.upsert_reports(made) == 4500
    assert store.count(ReportQuery()) == 4500
    assert store.count(ReportQuery(text="chi tiet")) == 4500


def test_reference_data_can_change(store: LocalStore, pack: Jurisdiction) -> None:
    report = make_report(1, location=Location(11.6, 109.0, "", COMMUNE_PHUONG_HAI))
    store.upsert_reports([report])
    assert [r.district_code for r in store.query(ReportQuery())] == [NINH_HAI]
    # The commune moves to the city and is renamed: filters, districts and search follow.
    units = dict(pack.units)
    units[COMMUNE_PHUONG_HAI] = replace(units[COMMUNE_PHUONG_HAI], parent=CITY, name="Phường Bờ Biển")
    store.load_jurisdiction(replace(pack, units=units))
    assert [r.district_code for r in store.query(ReportQuery())] == [CITY]
    assert store.count(ReportQuery(units={CITY})) == 1
    assert store.count(ReportQuery(units={NINH_HAI})) == 0
    assert store.count(ReportQuery(text="bo bien")) == 1
    assert store.count(ReportQuery(text="phuong hai")) == 0


def test_reference_data_survives_reopening(store_path: Path, pack: Jurisdiction) -> None:
    with LocalStore.open(store_path) as store:
        store.load_jurisdiction(pack)
    with LocalStore.open(store_path) as store:  # no pack given this time
        store.upsert_reports([make_report(1, location=Location(11.6, 109.0, "", COMMUNE_PHUONG_HAI))])
        (row,) = store.query(ReportQuery(text="ninh hai"))
        assert row.district_code == NINH_HAI
        assert store.get_meta("jurisdiction.id") == pack.id


# -- the outbox -------------------------------------------------------------------------------------


def test_an_action_waits_in_the_outbox_and_marks_its_report(store: LocalStore) -> None:
    report = make_report(1, status=Status.NEW, version=4)
    store.upsert_reports([report])
    entry = store.enqueue_action(report.number, Action.FORWARD, {"agency": "so-xd"}, base_version=4)
    assert entry.state is OutboxState.PENDING and entry.attempts == 0
    assert entry.payload == {"agency": "so-xd"} and entry.base_version == 4 and entry.action is Action.FORWARD
    assert len(entry.key) == 36  # a UUID
    assert store.pending_actions() == [entry]
    (row,) = store.query(ReportQuery())
    assert row.pending


def test_the_outbox_and_the_pending_mark_survive_a_restart(store_path: Path) -> None:
    report = make_report(1)
    with LocalStore.open(store_path) as store:
        store.upsert_reports([report])
        first = store.enqueue_action(report.number, Action.SET_PRIORITY, {"priority": "high"}, report.version)
        second = store.enqueue_action(report.number, Action.CLASSIFY, {"category": "tourism"}, report.version)
    with LocalStore.open(store_path) as store:
        assert store.pending_actions() == [first, second]  # in the order they were made
        assert store.query(ReportQuery())[0].pending
        store.mark_failed(first.id, "mất kết nối")
        store.mark_acknowledged(first.id)
        assert store.query(ReportQuery())[0].pending  # the second still waits
        store.mark_rejected(second.id, "Phiên bản đã thay đổi")
        assert not store.query(ReportQuery())[0].pending
        assert store.pending_actions() == []
        done = store.outbox_entry(first.id)
        refused = store.outbox_entry(second.id)
    assert done is not None and done.state is OutboxState.ACKNOWLEDGED and done.attempts == 1
    assert refused is not None and refused.state is OutboxState.REJECTED
    assert refused.last_error == "Phiên bản đã thay đổi"


def test_the_local_result_is_written_with_the_action(store: LocalStore) -> None:
    report = with_history(make_report(1, status=Status.NEW, version=2))
    store.upsert_reports([report])
    local = replace(
        report,
        status=Status.FORWARDED,
        agency="so-gtvt",
        version=3,
        history=[
            *report.history,
            Event(
                3,
                T0 + timedelta(hours=2),
                "ioc.lan",
                report.history[1].role,
                Action.FORWARD,
                Status.NEW,
                Status.FORWARDED,
                {"agency": "so-gtvt"},
            ),
        ],
    )
    store.enqueue_action(report.number, Action.FORWARD, {"agency": "so-gtvt"}, 2, report=local)
    (row,) = store.query(ReportQuery())
    assert (row.status, row.agency, row.pending) == (Status.FORWARDED, "so-gtvt", True)
    assert store.get_report(report.number) == local
    # A feed page with the hub's older copy does not undo what the user sees.
    store.upsert_reports([report])
    assert store.query(ReportQuery())[0].status is Status.FORWARDED


def test_enqueue_is_all_or_nothing(store: LocalStore, store_path: Path) -> None:
    report = make_report(1)
    store.upsert_reports([report])
    with sqlite3.connect(store_path) as conn:  # make marking the report fail after the outbox insert
        conn.execute(
            "CREATE TRIGGER refuse BEFORE UPDATE OF pending ON reports BEGIN SELECT RAISE(ABORT, 'refused'); END"
        )
    conn.close()
    with pytest.raises(IntegrityError, match="refused"):
        store.enqueue_action(report.number, Action.SET_PRIORITY, {"priority": "high"}, 1)
    assert store.pending_actions() == []
    with sqlite3.connect(store_path) as conn:
        assert conn.execute("SELECT count(*) FROM outbox").fetchone() == (0,)
    conn.close()


def test_acknowledging_an_unknown_entry_is_an_error(store: LocalStore) -> None:
    with pytest.raises(KeyError):
        store.mark_acknowledged(12345)


def test_a_closed_store_says_so(store_path: Path) -> None:
    store = LocalStore.open(store_path)
    store.close()
    store.close()
    with pytest.raises(StoreClosed) as caught:
        store.count(ReportQuery())
    assert caught.value.message("vi")

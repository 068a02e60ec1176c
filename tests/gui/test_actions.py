"""The local action service: actions written with their outbox entry, refusals in words, undo."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from ioc_console.domain.calendar import WorkingCalendar
from ioc_console.domain.deadlines import compute_deadlines
from ioc_console.domain.jurisdiction import Jurisdiction
from ioc_console.domain.lifecycle import Action, Actor, Channel, Role, Status
from ioc_console.domain.report import Contact, Event, Location, Report
from ioc_console.store import LocalStore, OutboxState, ReportQuery

from ioc_console.gui.actions import (
    UNDONE_REASON,
    ActionService,
    Reach,
    ReportBrief,
    agency_reach,
    check_action,
    suggested_agencies,
)
from ioc_console.gui.datasource import DEMO_STORE_NAME
from ioc_console.gui.operations import DatabaseExecutor
from ioc_console.gui.present import Names

#: The tests' now: the conftest's clock (checked by ``test_the_clock_is_the_conftest_one``).
NOW = datetime(2026, 11, 27, 10, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
OPERATOR = Actor("Trần Thị Bình", Role.OPERATOR)
TIMEOUT = 10_000


def new_report(
    j: Jurisdiction,
    number: str,
    category: str = "traffic-safety",
    unit: str = "22747",
    received: datetime | None = None,
) -> Report:
    """A report received two hours before the tests' now (status new), deadlines by the domain."""
    received = received or NOW - timedelta(hours=2)
    place = j.units[unit]
    report = Report(
        number=number,
        channel=Channel.HOTLINE,
        category=category,
        description="Ổ gà lớn giữa đường, xe máy dễ ngã",
        location=Location(place.lat, place.lon, "Đường 16 Tháng 4", unit),
        received_at=received,
        contact=Contact("Phạm Thị Dung", "0912345678"),
        stage_started_at=received,
        updated_at=received,
    )
    report.history.append(
        Event(1, received, "Tổng đài 1022", Role.OPERATOR, Action.SUBMIT, None, Status.NEW, {})
    )
    report.due_at, report.stage_due_at = compute_deadlines(
        report, WorkingCalendar.for_jurisdiction(j), j.policy
    )
    return report


@pytest.fixture
def data_store(demo_data_dir: Path, jurisdiction: Jurisdiction):
    """A writable copy of the demo store with three new traffic reports in three districts."""
    store = LocalStore.open(demo_data_dir / DEMO_STORE_NAME)
    store.upsert_reports(
        [
            new_report(jurisdiction, "PA-T-1", unit="22747"),
            new_report(jurisdiction, "PA-T-2", unit="22810"),
            new_report(jurisdiction, "PA-T-3", unit="22873"),
        ]
    )
    yield store
    store.close()


@pytest.fixture
def worker(data_store):
    # Depends on the store, so it is shut down before the store is closed.
    executor = DatabaseExecutor()
    yield executor
    executor.shutdown()


@pytest.fixture
def names(jurisdiction) -> Names:
    return Names(jurisdiction, "vi")


@pytest.fixture
def service(qtbot, data_store, jurisdiction, worker, clock, names) -> ActionService:
    return ActionService(data_store, jurisdiction, worker, OPERATOR, clock, names, undo_seconds=30)


def closed_number(store: LocalStore) -> str:
    return store.numbers(ReportQuery(statuses={Status.CLOSED}, limit=1))[0]


def perform(qtbot, service: ActionService, numbers, action=Action.FORWARD, payload=None, actor=None):
    payload = payload if payload is not None else {"agency": "so-gtvt"}
    with qtbot.waitSignal(service.request_finished, timeout=TIMEOUT) as finished:
        service.perform(numbers, action, payload, actor)
    return finished.args[0]


def pending_flags(store: LocalStore, numbers) -> dict[str, bool]:
    rows = store.query(ReportQuery(text=""))
    return {r.number: r.pending for r in rows if r.number in set(numbers)}


# -- the rules, without Qt's event loop ---------------------------------------------------------------


def test_committees_act_only_within_their_units_other_agencies_with_a_warning(qapp, jurisdiction) -> None:
    j = jurisdiction
    assert agency_reach(j, "ubnd-22747", "22747") is Reach.SERVES
    assert agency_reach(j, "ubnd-582", "22747") is Reach.SERVES  # the city over its ward
    assert agency_reach(j, "ubnd-22747", "22810") is Reach.OUTSIDE_REFUSED
    assert agency_reach(j, "ubnd-585", "22747") is Reach.OUTSIDE_REFUSED
    assert agency_reach(j, "so-xd", "22810") is Reach.SERVES  # a department serves the province
    assert agency_reach(j, "moi-truong-do-thi", "22810") is Reach.OUTSIDE_WARN  # the city's company
    assert agency_reach(j, "ubnd-22747", None) is Reach.UNKNOWN_UNIT


def test_the_check_words_refusals_and_warnings(qapp, jurisdiction, names) -> None:
    briefs = [
        ReportBrief("PA-A", Status.NEW, None, "environment", "22810", 1),
        ReportBrief("PA-B", Status.CLOSED, "so-gtvt", "traffic-safety", "22747", 5),
    ]
    outside = check_action(
        jurisdiction, names, OPERATOR, briefs[:1], Action.FORWARD, {"agency": "ubnd-22747"}
    )
    assert not outside.allowed
    assert outside.refusals[0].message == (
        "UBND phường Phủ Hà chỉ xử lý phản ánh trên địa bàn của mình; phản ánh này ở "
        "Thị trấn Tân Sơn, Huyện Ninh Sơn, Tỉnh Ninh Thuận."
    )
    warned = check_action(
        jurisdiction, names, OPERATOR, briefs[:1], Action.FORWARD, {"agency": "moi-truong-do-thi"}
    )
    assert warned.allowed
    assert warned.warnings == (
        "Theo danh mục, Môi trường đô thị không phụ trách địa bàn Thị trấn Tân Sơn – Ninh Sơn.",
    )
    closed = check_action(jurisdiction, names, OPERATOR, briefs, Action.FORWARD, {"agency": "so-gtvt"})
    assert [(r.number, r.message) for r in closed.refusals] == [
        ("PA-B", "Không thể chuyển xử lý khi phản ánh đang ở trạng thái «Đã phản hồi».")
    ]
    liaison = Actor("Lê Văn Cường", Role.LIAISON, "so-gtvt")
    denied = check_action(jurisdiction, names, liaison, briefs[:1], Action.FORWARD, {"agency": "so-gtvt"})
    assert denied.refusals[0].message == "Vai trò «Cán bộ đầu mối đơn vị» không được phép chuyển xử lý."
    unknown = check_action(jurisdiction, names, OPERATOR, briefs[:1], Action.FORWARD, {"agency": "so-xyz"})
    assert unknown.refusals[0].message == "Không có đơn vị xử lý mã «so-xyz» trong danh mục."


def test_the_routing_rules_suggest_per_report(qapp, jurisdiction) -> None:
    briefs = [
        ReportBrief("PA-1", Status.NEW, None, "traffic-safety", "22747", 1),
        ReportBrief("PA-2", Status.NEW, None, "traffic-safety", "22810", 1),
        ReportBrief("PA-3", Status.NEW, None, "construction", "22810", 1),
        ReportBrief("PA-4", Status.NEW, None, "construction", None, 1),
    ]
    assert suggested_agencies(jurisdiction, briefs) == {"so-gtvt": ["PA-1", "PA-2"], "ubnd-585": ["PA-3"]}


# -- acting on the store --------------------------------------------------------------------------------


def test_a_forward_is_written_as_pending_with_its_outbox_entries(qtbot, service, data_store) -> None:
    numbers = ["PA-T-1", "PA-T-2", "PA-T-3"]
    before = {n: data_store.get_report(n) for n in numbers}
    performed: list[list[str]] = []
    service.actions_performed.connect(performed.append)
    threads: list[str] = []
    original = data_store.enqueue_action

    def spy(*args, **kwargs):
        threads.append(threading.current_thread().name)
        return original(*args, **kwargs)

    data_store.enqueue_action = spy
    result = perform(qtbot, service, numbers, payload={"agency": "so-gtvt", "note": "Đề nghị xử lý gấp"})

    assert performed == [numbers]
    assert result.numbers == tuple(numbers) and not result.refusals and result.token
    assert threads and all(name.startswith("ioc-db") for name in threads)  # never the GUI thread
    for number in numbers:
        report = data_store.get_report(number)
        assert report.status is Status.FORWARDED
        assert report.agency == "so-gtvt"
        assert report.version == before[number].version + 1
        last = report.history[-1]
        assert (last.action, last.actor, last.role) == (Action.FORWARD, OPERATOR.name, Role.OPERATOR)
        assert last.data["note"] == "Đề nghị xử lý gấp"
        assert report.stage_due_at is not None and report.stage_due_at > NOW
    assert pending_flags(data_store, numbers) == dict.fromkeys(numbers, True)
    entries = data_store.pending_actions()
    assert [(e.report_number, e.action, e.base_version) for e in entries] == [
        (n, Action.FORWARD, before[n].version) for n in numbers
    ]
    assert entries[0].payload == {"agency": "so-gtvt", "note": "Đề nghị xử lý gấp"}
    print(f"\nthree reports forwarded to pending in {result.elapsed_ms:.1f} ms")
    assert result.elapsed_ms < 1000


def test_one_forbidden_report_refuses_the_request_and_changes_nothing(qtbot, service, data_store) -> None:
    closed = closed_number(data_store)
    before = data_store.get_report(closed)
    refused: list[tuple[str, str]] = []
    performed: list[list[str]] = []
    service.action_refused.connect(lambda n, m: refused.append((n, m)))
    service.actions_performed.connect(performed.append)

    result = perform(qtbot, service, ["PA-T-1", closed])

    assert refused == [(closed, "Không thể chuyển xử lý khi phản ánh đang ở trạng thái «Đã phản hồi».")]
    assert performed == [] and result.token == 0
    assert data_store.get_report("PA-T-1").status is Status.NEW
    assert data_store.get_report(closed).version == before.version
    assert data_store.pending_actions() == []


def test_a_committee_outside_its_unit_is_refused_in_words(qtbot, service, data_store) -> None:
    refused: list[tuple[str, str]] = []
    service.action_refused.connect(lambda n, m: refused.append((n, m)))
    perform(qtbot, service, ["PA-T-1", "PA-T-2"], payload={"agency": "ubnd-22747"})
    assert refused == [
        (
            "PA-T-2",
            "UBND phường Phủ Hà chỉ xử lý phản ánh trên địa bàn của mình; phản ánh này ở "
            "Thị trấn Tân Sơn, Huyện Ninh Sơn, Tỉnh Ninh Thuận.",
        )
    ]
    assert data_store.pending_actions() == []


def test_a_missing_report_and_a_liaison_are_refused(qtbot, service, data_store) -> None:
    refused: list[tuple[str, str]] = []
    service.action_refused.connect(lambda n, m: refused.append((n, m)))
    perform(qtbot, service, ["PA-NOPE"])
    liaison = Actor("Lê Văn Cường", Role.LIAISON, "so-gtvt")
    perform(qtbot, service, ["PA-T-1"], actor=liaison)
    assert refused == [
        ("PA-NOPE", "Không tìm thấy phản ánh PA-NOPE trên máy này."),
        ("PA-T-1", "Vai trò «Cán bộ đầu mối đơn vị» không được phép chuyển xử lý."),
    ]
    assert data_store.pending_actions() == []


def test_a_second_action_is_based_on_the_first_one_waiting(qtbot, service, data_store) -> None:
    version = data_store.get_report("PA-T-1").version
    perform(qtbot, service, ["PA-T-1"], payload={"agency": "so-gtvt"})
    perform(qtbot, service, ["PA-T-1"], payload={"agency": "ca-tinh"})
    entries = data_store.pending_actions()
    assert [(e.payload["agency"], e.base_version) for e in entries] == [
        ("so-gtvt", version),
        ("ca-tinh", version + 1),
    ]
    report = data_store.get_report("PA-T-1")
    assert report.agency == "ca-tinh" and report.history[-1].data["previous_agency"] == "so-gtvt"


# -- undo -------------------------------------------------------------------------------------------------


def test_undo_puts_the_reports_back_and_withdraws_the_entries(qtbot, service, data_store) -> None:
    numbers = ["PA-T-1", "PA-T-2", "PA-T-3"]
    before = {n: data_store.get_report(n) for n in numbers}
    offers = []
    service.undo_offered.connect(offers.append)
    result = perform(qtbot, service, numbers)
    assert [o.token for o in offers] == [result.token] and offers[0].numbers == tuple(numbers)
    # While the offer stands, its entries are held back from the sync.
    assert service.held_entries() == {e.id for e in data_store.pending_actions()}
    changed: list[list[str]] = []
    service.reports_changed.connect(changed.append)

    with qtbot.waitSignal(service.undo_finished, timeout=TIMEOUT) as finished:
        assert service.undo(result.token)
    outcome = finished.args[0]

    assert outcome.restored == tuple(numbers) and outcome.kept == ()
    assert changed == [numbers]
    for number in numbers:
        report = data_store.get_report(number)
        assert report == before[number]  # status, version, history, deadlines: all as they were
    assert pending_flags(data_store, numbers) == dict.fromkeys(numbers, False)
    assert data_store.pending_actions() == []
    entries = [data_store.outbox_entry(i) for i in range(1, 4)]
    assert [(e.state, e.last_error) for e in entries] == [(OutboxState.REJECTED, UNDONE_REASON)] * 3
    assert not service.undo(result.token)  # once only


def test_an_action_already_sent_is_not_taken_back(qtbot, service, data_store) -> None:
    result = perform(qtbot, service, ["PA-T-1", "PA-T-2"])
    first = data_store.pending_actions()[0]
    data_store.mark_failed(first.id, "Mất kết nối tới máy chủ")  # a send was tried: the hub may have it
    with qtbot.waitSignal(service.undo_finished, timeout=TIMEOUT) as finished:
        service.undo(result.token)
    assert finished.args[0].restored == ("PA-T-2",)
    assert finished.args[0].kept == ("PA-T-1",)
    assert data_store.get_report("PA-T-1").status is Status.FORWARDED
    assert data_store.get_report("PA-T-2").status is Status.NEW
    assert [e.report_number for e in data_store.pending_actions()] == ["PA-T-1"]


def test_the_offer_ends_after_its_seconds_and_the_actions_are_released(
    qtbot, data_store, jurisdiction, worker, clock, names
) -> None:
    service = ActionService(data_store, jurisdiction, worker, OPERATOR, clock, names, undo_seconds=0.3)
    result = perform(qtbot, service, ["PA-T-1"])
    assert service.can_undo(result.token)
    with qtbot.waitSignal(service.actions_released, timeout=TIMEOUT) as released:
        pass
    assert released.args[0] == ["PA-T-1"]
    assert not service.can_undo(result.token) and not service.undo(result.token)
    assert service.held_entries() == frozenset()
    assert data_store.get_report("PA-T-1").status is Status.FORWARDED
    assert len(data_store.pending_actions()) == 1


def test_a_report_changed_since_is_not_overwritten_by_undo(qtbot, service, data_store, jurisdiction) -> None:
    result = perform(qtbot, service, ["PA-T-1"])
    newer = data_store.get_report("PA-T-1")
    newer.version += 1  # the hub's copy arrived with someone else's change
    newer.priority = newer.priority.HIGH
    data_store.upsert_reports([newer])
    with qtbot.waitSignal(service.undo_finished, timeout=TIMEOUT) as finished:
        service.undo(result.token)
    assert finished.args[0].kept == ("PA-T-1",)
    assert data_store.get_report("PA-T-1").priority is newer.priority


def test_the_service_answers_in_english_when_the_console_does(qtbot, data_store, jurisdiction, worker, clock):
    service = ActionService(data_store, jurisdiction, worker, OPERATOR, clock, Names(jurisdiction, "en"))
    refused: list[str] = []
    service.action_refused.connect(lambda _n, m: refused.append(m))
    perform(qtbot, service, [closed_number(data_store)])
    assert refused == ["Cannot forward while the report is “Closed (replied)”."]


def test_a_stored_time_is_kept_in_utc_and_the_action_at_the_clock(qtbot, service, data_store) -> None:
    perform(qtbot, service, ["PA-T-1"])
    entry = data_store.pending_actions()[0]
    assert entry.created_at == NOW.astimezone(entry.created_at.tzinfo)
    assert data_store.get_report("PA-T-1").history[-1].at == NOW


def test_the_clock_is_the_conftest_one(qapp, clock) -> None:
    assert clock.now() == NOW

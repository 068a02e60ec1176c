"""The report queue model over a real store of demo history: paging, SQL sorting, filters, marks."""

from __future__ import annotations

from dataclasses import replace

import pytest

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QBrush, QIcon
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QTableView

from ioc_console.domain.deadlines import DeadlineState
from ioc_console.domain.lifecycle import Channel, Status
from ioc_console.store import ReportQuery

from ioc_console.gui.look import DeadlineLook
from ioc_console.gui.present import Names
from ioc_console.gui.queue_model import DeadlineStateRole, NumberRole, ReportQueueModel
from ioc_console.gui.queue_source import COLUMNS, DEADLINE_COLUMN, QueueFilter
from ioc_console.gui.store_source import StoreQueueSource


@pytest.fixture
def source(store, jurisdiction, clock) -> StoreQueueSource:
    return StoreQueueSource(store, Names(jurisdiction, "vi"), clock)


@pytest.fixture
def model(qtbot, source, executor) -> ReportQueueModel:
    model = ReportQueueModel(source, executor, DeadlineLook())
    _apply(qtbot, model, QueueFilter())
    return model


def _apply(qtbot, model: ReportQueueModel, new: QueueFilter) -> None:
    with qtbot.waitSignal(model.reset_done, timeout=10_000):
        model.set_filter(new)


def _loaded_numbers(qtbot, model: ReportQueueModel, first: int, count: int) -> list[str]:
    rows = range(first, min(first + count, model.rowCount()))
    for row in rows:
        model.index(row, 0).data()  # asks for the page when it is not loaded
    qtbot.waitUntil(lambda: all(model.row_at(r) is not None for r in rows), timeout=10_000)
    return [model.index(r, 0).data(NumberRole) for r in rows]


def _store_numbers(store, query: ReportQuery) -> list[str]:
    return [row.number for row in store.query(query)]


def test_the_model_passes_the_model_tester(qtmodeltester, model) -> None:
    assert model.rowCount() > ReportQueueModel.PAGE_SIZE
    qtmodeltester.check(model)


def test_it_holds_the_store_count_but_only_pages_of_rows(qtbot, model, store) -> None:
    total = store.count(ReportQuery())
    assert model.rowCount() == total > 2 * ReportQueueModel.PAGE_SIZE
    last = total - 1
    # A row beyond the first page is a placeholder until its page arrives from the worker.
    assert model.row_at(last) is None
    assert model.index(last, 0).data() == "…"
    with qtbot.waitSignal(model.dataChanged, timeout=10_000):
        pass
    expected = _store_numbers(store, ReportQuery(offset=last, limit=1))
    assert model.index(last, 0).data(NumberRole) == expected[0]
    assert model.index(last, 0).data() == expected[0]


def test_the_default_order_is_newest_first(qtbot, model, store) -> None:
    numbers = _loaded_numbers(qtbot, model, 0, 200)
    assert numbers == _store_numbers(store, ReportQuery(limit=200))
    received = [model.index(r, COLUMNS.index("received")).data() for r in range(3)]
    assert all(len(text) == len("27/11/2026 10:30") and text[2] == "/" for text in received)


@pytest.mark.parametrize(
    ("column", "store_key"),
    [("category", "category"), ("status", "status"), ("deadline", "due_at"), ("agency", "agency")],
)
def test_sorting_requeries_the_store(qtbot, model, store, column, store_key) -> None:
    before = _loaded_numbers(qtbot, model, 0, 200)
    with qtbot.waitSignal(model.reset_done, timeout=10_000):
        model.sort(COLUMNS.index(column), Qt.SortOrder.AscendingOrder)
    assert model.filter.sort == column and not model.filter.descending
    after = _loaded_numbers(qtbot, model, 0, 200)
    # The queue's deadline is the nearer of the stage's and the reply's (stage=True).
    assert after == _store_numbers(
        store, ReportQuery(sort=store_key, descending=False, limit=200, stage=True)
    )
    assert after != before
    # Further pages come in the same order.
    assert _loaded_numbers(qtbot, model, 400, 50) == _store_numbers(
        store, ReportQuery(sort=store_key, descending=False, offset=400, limit=50, stage=True)
    )


def test_clicking_a_header_sorts_through_the_store(qtbot, model, store) -> None:
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    header = view.horizontalHeader()
    header.setSortIndicator(COLUMNS.index("received"), Qt.SortOrder.DescendingOrder)
    header.setSortIndicatorShown(True)
    header.setSectionsClickable(True)
    header.sortIndicatorChanged.connect(model.sort)
    view.resize(1200, 400)
    view.show()
    qtbot.waitExposed(view)
    column = COLUMNS.index("number")
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    with qtbot.waitSignal(model.reset_done, timeout=10_000):
        QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))
    assert model.filter.sort == "number"
    expected = _store_numbers(store, ReportQuery(sort="number", descending=model.filter.descending, limit=5))
    assert _loaded_numbers(qtbot, model, 0, 5) == expected


def test_filters_narrow_the_rows_as_the_store_counts_them(qtbot, model, store, clock) -> None:
    total = model.rowCount()
    _apply(qtbot, model, replace(model.filter, statuses=frozenset({Status.CLOSED})))
    closed = store.count(ReportQuery(statuses={Status.CLOSED}))
    assert 0 < model.rowCount() == closed < total
    statuses = {model.index(r, COLUMNS.index("status")).data() for r in range(min(50, model.rowCount()))}
    assert statuses == {"Đã phản hồi"}

    _apply(qtbot, model, replace(model.filter, channel=Channel.HOTLINE))
    both = store.count(ReportQuery(statuses={Status.CLOSED}, channels={Channel.HOTLINE}))
    assert 0 < model.rowCount() == both < closed
    channels = {model.index(r, COLUMNS.index("channel")).data() for r in range(model.rowCount())}
    assert channels == {"Đường dây nóng 1022"}

    district = "589"  # Huyện Thuận Nam: its communes are found through the district
    _apply(qtbot, model, QueueFilter(unit=district))
    in_district = model.rowCount()
    assert 0 < in_district < total
    units = {model.index(r, COLUMNS.index("unit")).data() for r in range(min(100, in_district))}
    assert all(unit.endswith("– Thuận Nam") for unit in units), units

    now, boundary = clock.now_and_boundary()
    _apply(qtbot, model, QueueFilter(deadline=DeadlineState.OVERDUE))
    # Overdue by the nearer deadline: a report not triaged in time is overdue too.
    overdue = store.count(
        ReportQuery(deadline_states={DeadlineState.OVERDUE}, now=now, boundary=boundary, stage=True)
    )
    assert 0 < model.rowCount() == overdue
    reply_overdue = store.count(
        ReportQuery(deadline_states={DeadlineState.OVERDUE}, now=now, boundary=boundary)
    )
    assert overdue > reply_overdue


def test_search_folds_vietnamese_and_finds_numbers(qtbot, model, store) -> None:
    total = model.rowCount()
    _apply(qtbot, model, QueueFilter(text="duong"))
    assert 0 < model.rowCount() < total
    assert model.rowCount() == store.count(ReportQuery(text="đường"))

    number = _loaded_numbers(qtbot, model, 3, 1)[0]
    _apply(qtbot, model, QueueFilter(text=number))
    assert model.rowCount() == 1
    assert model.index(0, 0).data() == number

    _apply(qtbot, model, QueueFilter(text="zzzkhongcogiday"))
    assert model.rowCount() == 0


def test_due_soon_and_overdue_are_marked_by_colour_icon_and_words(qtbot, model) -> None:
    _loaded_numbers(qtbot, model, 0, model.rowCount())
    seen: dict[DeadlineState, int] = {}
    for row in range(model.rowCount()):
        index = model.index(row, DEADLINE_COLUMN)
        state = index.data(DeadlineStateRole)
        seen[state] = seen.get(state, 0) + 1
        text = index.data()
        icon = index.data(Qt.ItemDataRole.DecorationRole)
        background = index.data(Qt.ItemDataRole.BackgroundRole)
        if state is DeadlineState.OVERDUE:
            assert text.endswith("· Quá hạn")
        elif state is DeadlineState.DUE_SOON:
            assert text.endswith("· Sắp đến hạn")
        if state in (DeadlineState.OVERDUE, DeadlineState.DUE_SOON):
            assert isinstance(icon, QIcon) and not icon.pixmap(16, 16).toImage().isNull()
            assert isinstance(background, QBrush)
            # The whole row carries the colour, the deadline cell the icon and the words.
            assert isinstance(model.index(row, 0).data(Qt.ItemDataRole.BackgroundRole), QBrush)
        else:
            assert background is None
            assert "Quá hạn" not in text and "Sắp đến hạn" not in text
    assert seen.get(DeadlineState.OVERDUE, 0) > 0
    assert seen.get(DeadlineState.NONE, 0) > 0


def test_a_stale_answer_never_replaces_a_newer_filter(qtbot, model) -> None:
    model.set_filter(QueueFilter(text="duong"))
    with qtbot.waitSignal(model.reset_done, timeout=10_000):
        model.set_filter(QueueFilter(statuses=frozenset({Status.REJECTED})))
    qtbot.wait(100)
    assert model.filter.statuses == frozenset({Status.REJECTED})
    statuses = {model.index(r, COLUMNS.index("status")).data() for r in range(min(model.rowCount(), 200))}
    assert statuses == {"Từ chối"}


def test_a_refresh_keeps_rows_in_place_when_the_count_is_unchanged(qtbot, model) -> None:
    far = _loaded_numbers(qtbot, model, 450, 1)[0]
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    with qtbot.waitSignal(model.refreshed, timeout=10_000):
        model.refresh()
    assert resets == []
    # Pages beyond the first are fetched again when looked at, and show the same report.
    assert _loaded_numbers(qtbot, model, 450, 1) == [far]

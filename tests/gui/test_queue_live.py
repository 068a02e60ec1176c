"""The queue under a live feed: arrivals never move the row under the pointer or the selection; they
wait behind the new-reports bar until the operator asks for them."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from test_workspace import NOW, Integrated, new_report, shot

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from ioc_console.domain.jurisdiction import Jurisdiction
from ioc_console.domain.lifecycle import Status
from ioc_console.store import LocalStore

from ioc_console.gui.datasource import DEMO_STORE_NAME
from ioc_console.gui.queue_model import NumberRole

TIMEOUT = 15_000


@pytest.fixture
def live(qtbot, demo_data_dir: Path, jurisdiction: Jurisdiction):
    """The main window with its workspace over a copy of the demo store, 1920×1080."""
    w = Integrated(qtbot, demo_data_dir, jurisdiction, [NOW], size=(1920, 1080))
    yield w
    w.close()


def arrive(w: Integrated, jurisdiction: Jurisdiction, numbers: list[str]) -> None:
    """Citizens' new reports written to the store as the sync writes them (received just now)."""
    w.store.upsert_reports(
        [new_report(jurisdiction, n, "environment", "22810", i) for i, n in enumerate(numbers)]
    )


def number_at(w: Integrated, point: QPoint) -> str:
    view = w.window.queue_view
    return view.indexAt(point).siblingAtColumn(0).data(NumberRole)


def selected(w: Integrated) -> list[str]:
    view = w.window.queue_view
    rows = sorted({i.row() for i in view.selectionModel().selectedIndexes()})
    return [w.window.queue_model.index(r, 0).data(NumberRole) for r in rows]


def test_arrivals_wait_behind_the_bar_and_nothing_moves_under_the_pointer(
    qtbot, live, jurisdiction, tmp_path
) -> None:
    w = live
    model, view = w.window.queue_model, w.window.queue_view
    w.show_queue(qtbot)  # every report, newest first: where arrivals would land
    total = model.total
    # The operator points at the fourth row and clicks it (newest first, where arrivals would land).
    point = view.visualRect(model.index(3, 1)).center()
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    QTest.mouseMove(view.viewport(), point)
    chosen = number_at(w, point)
    qtbot.waitUntil(lambda: w.window.wanted_report == chosen, timeout=TIMEOUT)
    assert selected(w) == [chosen]
    bar = w.window.arrivals_bar
    assert not bar.isVisible()
    where = view.viewport().mapToGlobal(QPoint(0, 0))

    for batch in (["PA-LIVE-1", "PA-LIVE-2"], ["PA-LIVE-3"]):
        arrive(w, jurisdiction, batch)
        with qtbot.waitSignal(model.arrivals_changed, timeout=TIMEOUT):
            w.window.refresh()  # what the console does with the changes a sync applied
        # The row under the pointer and the selection are the same report; none was pushed down.
        assert number_at(w, point) == chosen
        assert selected(w) == [chosen]
        assert model.total == total
        assert model.row_of("PA-LIVE-1") is None
    assert bar.isVisible() and bar.text() == "▲ 3 phản ánh mới — hiện"
    # The bar took a place kept for it: the queue itself did not move down on the screen.
    assert view.viewport().mapToGlobal(QPoint(0, 0)) == where
    shot(w.window, tmp_path, "queue-arrivals-bar.png")

    # On demand they come in at the top; the selected report stays selected.
    with qtbot.waitSignal(model.reset_done, timeout=TIMEOUT):
        QTest.mouseClick(bar, Qt.MouseButton.LeftButton)
    assert model.total == total + 3
    assert {model.index(r, 0).data(NumberRole) for r in range(3)} == {"PA-LIVE-1", "PA-LIVE-2", "PA-LIVE-3"}
    assert view.rowAt(0) == 0
    assert selected(w) == [chosen]
    assert not bar.isVisible()


def test_a_report_leaving_the_filter_above_keeps_the_row_under_the_pointer(qtbot, live, jurisdiction) -> None:
    w = live
    model, view = w.window.queue_model, w.window.queue_view
    numbers = w.show_queue(qtbot, statuses=frozenset({Status.CLOSED}))
    assert len(numbers) > 12
    view.scrollTo(model.index(5, 0), view.ScrollHint.PositionAtTop)
    assert view.rowAt(0) == 5
    point = view.visualRect(model.index(8, 1)).center()
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    pointed = number_at(w, point)
    above = numbers[6]
    # A citizen reopens a report above the pointer (on the hub): it leaves the closed ones.
    report = w.store.get_report(above)
    assert report is not None
    report.status = Status.REOPENED
    report.updated_at = NOW + timedelta(minutes=1)
    w.store.upsert_reports([report])
    with qtbot.waitSignal(model.reset_done, timeout=TIMEOUT):
        w.window.refresh()
    assert model.row_of(above) is None
    assert number_at(w, point) == pointed
    assert selected(w) == [pointed]


def test_a_call_typed_in_here_is_shown_at_once(qtbot, live, jurisdiction) -> None:
    w = live
    model = w.window.queue_model
    arrive(w, jurisdiction, ["PA-LIVE-9"])
    with qtbot.waitSignal(model.arrivals_changed, timeout=TIMEOUT):
        w.window.refresh()
    w.window.show_arrivals()
    w.window.refresh()  # a refresh right after does not hide them again
    qtbot.waitUntil(lambda: model.row_of("PA-LIVE-9") is not None, timeout=TIMEOUT)
    assert model.fresh == 0 and not w.window.arrivals_bar.isVisible()


def test_an_empty_list_takes_arrivals_at_once(qtbot, live, jurisdiction) -> None:
    w = live
    model = w.window.queue_model
    w.show_queue(qtbot, text="PA-LIVE")
    assert model.total == 0
    arrive(w, jurisdiction, ["PA-LIVE-5"])
    with qtbot.waitSignal(model.reset_done, timeout=TIMEOUT):
        w.window.refresh()
    assert model.total == 1 and model.fresh == 0


def test_the_store_keeps_a_list_to_what_it_held(data_store_copy) -> None:
    store: LocalStore = data_store_copy
    from ioc_console.store import ReportQuery

    last = store.last_arrival()
    before = store.count(ReportQuery())
    assert store.count(ReportQuery(arrived_by=last)) == before
    assert store.count(ReportQuery(arrived_after=last)) == 0


@pytest.fixture
def data_store_copy(demo_data_dir: Path):
    store = LocalStore.open(demo_data_dir / DEMO_STORE_NAME)
    yield store
    store.close()


def test_a_change_after_a_quiet_spell_is_shown_at_once_and_a_burst_is_gathered() -> None:
    from ioc_console.gui.app import CHANGES_BATCH_MS, changes_delay_ms

    assert changes_delay_ms(None, 100.0) == 0  # the first ever
    assert changes_delay_ms(100.0, 100.0 + CHANGES_BATCH_MS / 1000) == 0  # after a quiet spell
    assert changes_delay_ms(100.0, 100.05) == CHANGES_BATCH_MS - 50  # close behind: waits its turn

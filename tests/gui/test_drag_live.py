"""Drag-to-assign with the mouse while reports keep arriving: the agency panel does not move under
the drag, the highlighted agency is where the drop goes, and every agency is in reach (a filter)."""

from __future__ import annotations

from pathlib import Path

import pytest
from drag_support import DragLoop, press_and_drag
from test_workspace import NOW, TRAFFIC, Integrated, new_report, shot

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel

from ioc_console.domain.jurisdiction import Jurisdiction
from ioc_console.domain.lifecycle import Action, Status
from ioc_console.store import LocalStore

from ioc_console.gui.datasource import DEMO_STORE_NAME
from ioc_console.gui.queue_model import NumberRole

TIMEOUT = 15_000


@pytest.fixture(params=[((1366, 768), "light"), ((1920, 1080), "dark")], ids=["1366-light", "1920-dark"])
def window(request, qtbot, demo_data_dir: Path, jurisdiction: Jurisdiction):
    """The workspace (1366×768 light, 1920×1080 dark) with three new reports on traffic; drags
    start from the view's own press and move."""
    size, theme = request.param
    store = LocalStore.open(demo_data_dir / DEMO_STORE_NAME)
    store.upsert_reports(
        [new_report(jurisdiction, n, "traffic-safety", "22810", 50 - i) for i, n in enumerate(TRAFFIC)]
    )
    store.close()
    w = Integrated(qtbot, demo_data_dir, jurisdiction, [NOW], size=size)
    w.window.apply_theme(theme)
    w.drag_loop = DragLoop(w.window)  # type: ignore[attr-defined]
    w.ws.drag_starter.exec_drag = w.drag_loop.exec_drag  # type: ignore[attr-defined]
    yield w
    w.close()


def panel_state(w: Integrated) -> tuple[QRect, int, int]:
    view = w.ws.panel.view
    return view.geometry(), view.verticalScrollBar().value(), w.ws.panel.height()


def row_point(w: Integrated, code: str) -> QPoint:
    view = w.ws.panel.view
    return view.visualRect(w.ws.panel.model.index_of(code)).center()


def test_a_mouse_drag_under_arrivals_lands_on_the_highlighted_agency(
    qtbot, window, jurisdiction, tmp_path
) -> None:
    w = window
    panel, model = w.ws.panel, w.window.queue_model
    w.show_queue(qtbot, statuses=frozenset({Status.NEW}), sort="number", descending=False)
    # Every agency is in the tree; the filter (no marks needed) narrows it to the one wanted.
    assert len(panel.visible_agencies()) == len(jurisdiction.agencies)
    QTest.keyClicks(panel.filter, "tan son")
    assert panel.visible_agencies() == ["ubnd-22810"]
    target = "ubnd-22810"
    view = w.window.queue_view
    start = view.visualRect(model.index(w.row_of("PA-T-2"), 1)).center()
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    qtbot.waitUntil(lambda: w.window.wanted_report == "PA-T-2", timeout=TIMEOUT)

    viewport = panel.view.viewport()
    point = row_point(w, target)
    before = panel_state(w)
    seen: dict[str, object] = {}
    arrived = ["PA-LIVE-1", "PA-LIVE-2", "PA-LIVE-3"]

    loop = w.drag_loop

    def over_target() -> None:
        loop.move(viewport, point)

    def suggestion_read() -> bool:
        return bool(panel.model.suggested)

    def reports_arrive() -> None:
        w.store.upsert_reports(
            [new_report(jurisdiction, n, "environment", "22747", i) for i, n in enumerate(arrived)]
        )
        w.window.refresh()
        w.ws.follow(arrived)
        panel.refresh()

    def arrivals_counted() -> bool:
        return model.fresh == len(arrived) and not panel._counting

    def still_over_target() -> None:
        loop.move(viewport, point + QPoint(3, 1))
        seen["target"] = panel.view.drop_target
        seen["state"] = panel_state(w)
        seen["message"] = panel.message.text
        seen["filter"] = panel.filter.text()
        seen["pressed"] = view.indexAt(start).siblingAtColumn(0).data(NumberRole)
        shot(w.window, tmp_path, f"drag-over-agency-{w.window.width()}.png")

    steps = [over_target, suggestion_read, reports_arrive, arrivals_counted, still_over_target]
    press_and_drag(loop, view.viewport(), start, steps)

    # While reports arrived the panel did not move, the queue did not move under the drag, and the
    # footer named the highlighted agency.
    assert seen["target"] == target
    assert seen["state"] == before
    assert seen["filter"] == "tan son"
    assert seen["pressed"] == "PA-T-2"
    assert seen["message"] == "Thả để chuyển 1 phản ánh cho UBND thị trấn Tân Sơn."
    dialog = panel.note_dialog
    assert dialog is not None and dialog.isVisible()
    with qtbot.waitSignal(w.ws.service.request_finished, timeout=TIMEOUT) as finished:
        QTest.keyClick(dialog.note_edit, Qt.Key.Key_Return)
    assert finished.args[0].numbers == ("PA-T-2",)
    assert [(e.report_number, e.action, e.payload["agency"]) for e in w.store.pending_actions()] == [
        ("PA-T-2", Action.FORWARD, target)
    ]


def test_moving_across_the_tree_highlights_the_row_under_the_pointer_and_drops_there(qtbot, window) -> None:
    w = window
    panel, model, view = w.ws.panel, w.window.queue_model, w.window.queue_view
    w.show_queue(qtbot, statuses=frozenset({Status.NEW}), sort="number", descending=False)
    w.select(qtbot, list(TRAFFIC))
    start = view.visualRect(model.index(w.row_of("PA-T-3"), 1)).center()
    viewport = panel.view.viewport()
    # Rows in sight, top to bottom (group rows between them are no target).
    shown = [
        code
        for code in panel.visible_agencies()
        if viewport.rect().contains(row_point(w, code)) and panel.view.indexAt(row_point(w, code)).isValid()
    ]
    assert len(shown) >= 8
    path = shown[:8]
    before = panel_state(w)
    highlighted: list[str] = []
    states: list[tuple[QRect, int, int]] = []

    loop = w.drag_loop

    def step(code: str):
        def run() -> None:
            loop.move(viewport, row_point(w, code))
            highlighted.append(panel.view.drop_target)
            states.append(panel_state(w))
            if code == path[2]:
                w.window.refresh()  # reports keep being read again meanwhile
                panel.refresh()

        return run

    press_and_drag(loop, view.viewport(), start, [step(code) for code in path])
    assert highlighted == path
    assert all(state == before for state in states)
    # The drop asks about the agency that was highlighted last (or says why it cannot take them).
    dialog = panel.note_dialog
    if dialog is not None:
        texts = [label.text() for label in dialog.findChildren(QLabel)]
        assert f"Chuyển 3 phản ánh cho {w.names.agency_full(path[-1])}?" in texts
        dialog.reject()
    else:
        assert panel.message.text.startswith(f"Không thể chuyển cho {w.names.agency(path[-1])}:")

"""The database worker: work runs off the GUI thread, in order, and results come back on it."""

from __future__ import annotations

import threading

import pytest

from PySide6.QtWidgets import QWidget

from ioc_console.gui.operations import DatabaseExecutor, Op


@pytest.fixture
def executor():
    executor = DatabaseExecutor()
    yield executor
    executor.shutdown()


def test_work_runs_on_the_worker_and_the_result_arrives_on_the_gui_thread(qtbot, executor) -> None:
    seen: dict[str, object] = {}

    def work() -> int:
        seen["work_thread"] = threading.current_thread().name
        return 42

    def done(value: int) -> None:
        seen["value"] = value
        seen["callback_thread"] = threading.current_thread()

    Op(work).on_success(done).run(executor)
    qtbot.waitUntil(lambda: "value" in seen)
    assert seen["value"] == 42
    assert str(seen["work_thread"]).startswith("ioc-db")
    assert seen["callback_thread"] is threading.main_thread()


def test_a_callback_never_runs_inside_run(qtbot, executor) -> None:
    calls: list[str] = []
    Op(lambda: "x").on_success(calls.append).run(executor).result()
    # The work is finished, but its callback waits for the event loop.
    assert calls == []
    qtbot.waitUntil(lambda: calls == ["x"])


def test_failures_reach_the_failure_callback(qtbot, executor) -> None:
    errors: list[BaseException] = []

    def fail() -> None:
        raise ValueError("disk on fire")

    Op(fail).on_success(lambda _: errors.append(AssertionError("no"))).on_failure(errors.append).run(executor)
    qtbot.waitUntil(lambda: bool(errors))
    assert isinstance(errors[0], ValueError)
    assert str(errors[0]) == "disk on fire"


def test_work_runs_in_submission_order_on_one_thread(qtbot, executor) -> None:
    order: list[int] = []
    threads: set[int] = set()

    def step(i: int) -> int:
        threads.add(threading.get_ident())
        order.append(i)
        return i

    results: list[int] = []
    for i in range(20):
        Op(lambda i=i: step(i)).on_success(results.append).run(executor)
    qtbot.waitUntil(lambda: len(results) == 20)
    assert order == list(range(20))
    assert results == list(range(20))
    assert len(threads) == 1


def test_callbacks_of_a_deleted_widget_are_skipped(qtbot, executor) -> None:
    widget = QWidget()
    gate = threading.Event()
    calls: list[str] = []
    Op(lambda: gate.wait(5), widget).on_success(lambda _: calls.append("late")).run(executor)
    widget.deleteLater()
    qtbot.waitUntil(lambda: not _alive(widget))
    gate.set()
    marker: list[str] = []
    Op(lambda: None).on_success(lambda _: marker.append("after")).run(executor)
    qtbot.waitUntil(lambda: marker == ["after"])
    assert calls == []


def test_busy_signal_brackets_the_work(qtbot, executor) -> None:
    states: list[str] = []
    executor.work_started.connect(lambda: states.append("started"))
    executor.work_finished.connect(lambda: states.append("finished"))
    with qtbot.waitSignal(executor.work_finished):
        Op(lambda: 1).run(executor)
        Op(lambda: 2).run(executor)
    assert states == ["started", "finished"]


def test_nothing_is_delivered_after_shutdown(qtbot) -> None:
    executor = DatabaseExecutor()
    closed: list[str] = []
    calls: list[str] = []
    Op(lambda: "late").on_success(calls.append).run(executor)
    executor.shutdown(final=lambda: closed.append("store closed"))
    qtbot.wait(50)
    assert closed == ["store closed"]
    assert calls == []
    with pytest.raises(RuntimeError):
        Op(lambda: 1).run(executor)


def _alive(widget: QWidget) -> bool:
    from shiboken6 import isValid

    return isValid(widget)

"""Background work for the GUI: one database worker thread and a small typed operation helper.

Every call into the local store runs on :class:`DatabaseExecutor`'s single thread, in submission
order, so SQLite is only ever touched from one thread and the GUI thread never waits on the disk.
Results come back to the GUI thread through a queued Qt signal, which works the same whether the
Qt event loop is driven by qasync (the application) or by pytest-qt (the tests).

    Op(lambda: store.count(query)).on_success(label.set_count).on_failure(show_error).run(executor)
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, Qt, Signal, Slot
from shiboken6 import isValid

log = logging.getLogger(__name__)

T = TypeVar("T")


class _Relay(QObject):
    """Lives in the GUI thread; a signal emitted from the worker is queued to it."""

    finished = Signal(object, object)  # callback, future

    def __init__(self) -> None:
        super().__init__()
        # Always queued, even when a future completes before its callback is attached on the GUI
        # thread: a callback must never run inside the ``run()`` that scheduled it.
        self.finished.connect(self._on_worker_finished, Qt.ConnectionType.QueuedConnection)

    @Slot(object, object)
    def _on_worker_finished(self, callback: Callable[[Future[Any]], None], future: Future[Any]) -> None:
        callback(future)


class DatabaseExecutor(QObject):
    """A single worker thread that owns the database; callbacks are delivered on the GUI thread.

    Signals:
        work_started(): the worker got work while idle.
        work_finished(): the last queued result was delivered.
    """

    work_started = Signal()
    work_finished = Signal()

    def __init__(self, name: str = "ioc-db", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self._relay = _Relay()
        self._pending = 0
        self._closed = False
        self._lock = threading.Lock()

    @property
    def closed(self) -> bool:
        return self._closed

    def submit(self, fn: Callable[[], T], on_done: Callable[[Future[T]], None]) -> Future[T]:
        """Run ``fn`` on the worker; ``on_done(future)`` is called on the GUI thread afterwards."""
        if self._closed:
            raise RuntimeError("the database executor is shut down")
        self._pending += 1
        if self._pending == 1:
            self.work_started.emit()
        future = self._pool.submit(fn)
        relay = self._relay

        def deliver(done: Future[T]) -> None:
            # Runs on the worker thread (or here, if fn already finished): hand over to the GUI thread.
            with self._lock:
                if self._closed or not isValid(relay):
                    return
                relay.finished.emit(self._wrap(on_done), done)

        future.add_done_callback(deliver)
        return future

    def _wrap(self, on_done: Callable[[Future[T]], None]) -> Callable[[Future[T]], None]:
        def call(done: Future[T]) -> None:
            self._pending -= 1
            if self._closed:
                return  # shut down after the result was queued: the receivers may be gone
            try:
                on_done(done)
            finally:
                if self._pending == 0 and not self._closed:
                    self.work_finished.emit()

        return call

    def call(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` on the worker and wait for it: only for shutdown and scripts, never in a slot."""
        return self._pool.submit(fn).result()

    def shutdown(self, final: Callable[[], object] | None = None) -> None:
        """Stop delivering results, run ``final`` (e.g. closing the store) on the worker, and join it."""
        if self._closed:
            return
        if final is not None:
            try:
                self._pool.submit(final).result()
            except Exception:
                log.exception("closing work on the database thread failed")
        with self._lock:
            self._closed = True
        self._pool.shutdown(wait=True, cancel_futures=True)


class Op(Generic[T]):
    """One unit of background work with callbacks on the GUI thread.

    ``parent`` ties the callbacks to a widget: if that widget has been deleted by the time the
    result arrives, the callbacks are skipped. Without a failure callback, failures are logged.
    """

    def __init__(self, fn: Callable[[], T], parent: QObject | None = None) -> None:
        self._fn = fn
        self._parent = parent
        self._success: Callable[[T], object] | None = None
        self._failure: Callable[[BaseException], object] | None = None

    def on_success(self, callback: Callable[[T], object]) -> Op[T]:
        self._success = callback
        return self

    def on_failure(self, callback: Callable[[BaseException], object]) -> Op[T]:
        self._failure = callback
        return self

    def run(self, executor: DatabaseExecutor) -> Future[T]:
        return executor.submit(self._fn, self._finished)

    def _finished(self, future: Future[T]) -> None:
        if self._parent is not None and not isValid(self._parent):
            return
        if future.cancelled():
            return
        error = future.exception()
        if error is None:
            if self._success is not None:
                self._success(future.result())
        elif self._failure is not None:
            self._failure(error)
        else:
            log.error("background operation failed", exc_info=error)


def words_of(error: BaseException, lang: str) -> str:
    """What to tell the user of a failed operation: the error's own words in ``lang`` when it has
    them (the domain's, the store's, the exports' errors speak both languages), else its text."""
    message = getattr(error, "message", None)
    return message(lang) if callable(message) else str(error)

"""Workarounds for defects of the Qt binding that the console has to live with.

PySide6 6.12.0: ``SignalInstance.emit()`` returns ``True`` without taking a reference to it, so every
signal emitted from Python (ours, qasync's, pytest-qt's) leaves ``True`` one reference short. On
Python 3.11, where ``True`` and ``False`` are ordinary reference-counted objects (they are immortal
from 3.12 on), the count reaches zero after a few hundred emissions and the interpreter aborts with
"bool_dealloc: deallocating True or False". :func:`protect_bool_singletons` detects the defect and,
only when it is present, gives both singletons a reserve of references that no session can use up.
An over-count is harmless (they are never freed anyway); an under-count is fatal.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import sys

from PySide6.QtCore import QObject, QTimer, Signal

log = logging.getLogger(__name__)

_RESERVE = 1 << 40
_protected = False


class _Probe(QObject):
    fired = Signal()


def emit_loses_a_reference() -> bool:
    """Whether emitting a signal from Python leaves ``True`` one reference short."""
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(8):
        probe.fired.emit()
    return sys.getrefcount(True) < before


def protect_bool_singletons() -> bool:
    """Apply the reserve when this interpreter and binding need it; True if it was applied."""
    global _protected
    if _protected:
        return True
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return False
    if not emit_loses_a_reference():
        return False
    for singleton in (True, False):
        # ob_refcnt is the first field of every CPython object.
        ctypes.c_ssize_t.from_address(id(singleton)).value += _RESERVE
    _protected = True
    log.info("PySide6 loses a reference to True on each emit: reserve of references applied")
    return True


class GuiThreadCollector(QObject):
    """Python's cycle collector, run only on the GUI thread.

    Left automatic, the collector runs in whichever thread happens to allocate, the database worker
    included, and a Qt object found in a garbage cycle there is destroyed on the wrong thread (Qt
    warns "Timers cannot be stopped from another thread", or worse). While this object runs, the
    automatic collector is off and a timer collects whatever generations are due, on the GUI thread.
    After the first full collection, whatever survived it is frozen (``gc.freeze``): the modules,
    classes and windows the console started with, some 170,000 objects, which a full collection
    took 80-90 ms to go through while the interface waited; later full collections look only at
    what came after. :meth:`stop` collects once more and restores the automatic collector if it
    was on.
    """

    INTERVAL_MS = 2000

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        self._froze = False
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(self.INTERVAL_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._timer.start()

    def _on_timer_timeout(self) -> None:
        counts, thresholds = gc.get_count(), gc.get_threshold()
        if counts[0] <= thresholds[0]:
            return
        self.collect(2 if counts[2] > thresholds[2] else 1 if counts[1] > thresholds[1] else 0)

    def collect(self, generation: int) -> None:
        """Collect ``generation`` (0, 1 or 2: all); the first full collection freezes what it left."""
        gc.collect(generation)
        if generation == 2 and not self._froze:
            gc.freeze()
            self._froze = True

    def stop(self) -> None:
        self._timer.stop()
        if self._froze:
            gc.unfreeze()
            self._froze = False
        gc.collect()
        if self._was_enabled:
            gc.enable()

"""Times to call a citizen back ("gọi lại lúc…", set in the hotline intake), and the reminder when
one comes.

Kept in the window's settings file as report numbers and times only (the citizen's name and phone
are read from the local copy when the time comes), so that they outlive a restart; a report's
provisional number follows it to the hub's (:meth:`CallbackReminders.rename`).

Signals of :class:`CallbackReminders`:
    due(str, object): the time to call back about this report has come (its number, the time set).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QObject, QSettings, QTimer, Signal

log = logging.getLogger(__name__)

CALLBACKS_KEY = "hotline/callbacks"
#: How often the times are looked at.
CHECK_MS = 15_000


class CallbackReminders(QObject):
    due = Signal(str, object)

    def __init__(
        self,
        settings: QSettings,
        now: Callable[[], datetime],
        *,
        check_ms: int = CHECK_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self._now = now
        #: number -> when to call back (aware)
        self.pending: dict[str, datetime] = self._read()
        self._timer = QTimer(self)
        self._timer.setInterval(check_ms)
        self._timer.timeout.connect(self.check)
        self._timer.start()

    def _read(self) -> dict[str, datetime]:
        raw = self._settings.value(CALLBACKS_KEY, "")
        try:
            items = json.loads(str(raw)) if raw else {}
            return {str(n): datetime.fromisoformat(str(at)) for n, at in dict(items).items()}
        except (ValueError, TypeError):
            log.warning("unreadable callback times in the settings: %r", raw)
            return {}

    def _write(self) -> None:
        if self.pending:
            data = {n: at.isoformat() for n, at in self.pending.items()}
            self._settings.setValue(CALLBACKS_KEY, json.dumps(data))
        else:
            self._settings.remove(CALLBACKS_KEY)

    def add(self, number: str, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("a callback time must be timezone-aware")
        self.pending[number] = at
        self._write()
        self.check()

    def rename(self, old: str, new: str) -> None:
        """The hub numbered a report typed in here: its callback goes by that number now."""
        if old in self.pending:
            self.pending[new] = self.pending.pop(old)
            self._write()

    def check(self) -> None:
        """Say which callbacks are due (each once: it is forgotten as it is said)."""
        now = self._now()
        for number, at in sorted(self.pending.items(), key=lambda item: item[1]):
            if at <= now:
                del self.pending[number]
                self._write()
                self.due.emit(number, at)

    def stop(self) -> None:
        self._timer.stop()


__all__ = ["CALLBACKS_KEY", "CallbackReminders"]

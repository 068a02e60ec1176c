"""Flags that find the operator: a desktop notification for new and newly overdue reports, and the
window title with the counts.

:class:`FlagWatcher` looks at the store every little while (on the database worker): which reports
are new, which are past their reply deadline, how many are overdue and due soon. Comparing each
look with the one before gives the reports that just arrived and those that just turned overdue,
whether the clock passed their deadline or the sync brought them in that way. The first look is the
baseline and raises nothing: what was already there when the console opened is in the queue.

:class:`Notifier` turns those changes into desktop notifications, batched: at most one per
``min_interval`` seconds ("5 phản ánh mới, 2 phản ánh vừa quá hạn"), whatever the rate of changes.
The clock of both is injectable, so that the tests move time past a deadline.
"""

from __future__ import annotations

import io
import logging
import math
import struct
import time
import wave
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QPointF, QRectF, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPixmap
from PySide6.QtWidgets import QApplication, QSystemTrayIcon, QWidget

from ioc_console.domain.deadlines import DeadlineState
from ioc_console.domain.lifecycle import Status
from ioc_console.store import LocalStore, ReportQuery

from ioc_console.gui.operations import DatabaseExecutor, Op
from ioc_console.gui.present import DeadlineClock

log = logging.getLogger(__name__)

#: How often the watcher looks (milliseconds).
WATCH_MS = 30_000
#: At most one notification in this many seconds.
MIN_INTERVAL_S = 60.0
#: How long a notification stays up (milliseconds; the desktop may cut it short).
SHOW_MS = 10_000

APP_TITLE = "IOC Console"
# -- what the watcher sees ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FlagSnapshot:
    """One look at the store: the new and the overdue reports, and the deadline counts."""

    new: frozenset[str]
    overdue: frozenset[str]
    overdue_count: int
    due_soon_count: int


@dataclass(frozen=True)
class FlagChange:
    """Reports that arrived and that turned overdue between two looks."""

    new: tuple[str, ...] = ()
    overdue: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.new or self.overdue)


def take_snapshot(store: LocalStore, clock: DeadlineClock) -> FlagSnapshot:
    """On the worker: the store as the flags see it at the clock's now."""
    now, boundary = clock.now_and_boundary()
    new = store.numbers(ReportQuery(statuses={Status.NEW}))
    # Their number is the overdue count: open and past the nearer of the stage's and the reply's
    # deadlines, as the queue's counters count them (a report not triaged in time is overdue).
    overdue = store.numbers(
        ReportQuery(deadline_states={DeadlineState.OVERDUE}, now=now, boundary=boundary, stage=True)
    )
    due_soon = store.count(
        ReportQuery(deadline_states={DeadlineState.DUE_SOON}, now=now, boundary=boundary, stage=True)
    )
    return FlagSnapshot(frozenset(new), frozenset(overdue), len(overdue), due_soon)


def flag_change(before: FlagSnapshot, after: FlagSnapshot) -> FlagChange:
    """What is new, and what is overdue, in ``after`` that was not in ``before``."""
    return FlagChange(tuple(sorted(after.new - before.new)), tuple(sorted(after.overdue - before.overdue)))


# -- words -------------------------------------------------------------------------------------------


class FlagWords(QObject):
    """The words of the flags, with plural forms for the languages that have them.

    A class of its own because Qt's string extraction finds plural forms only in ``self.tr``.
    """

    def message(self, new: int, overdue: int) -> str:
        parts = []
        if new:
            parts.append(self.tr("%Ln phản ánh mới", "", new))
        if overdue:
            parts.append(self.tr("%Ln phản ánh vừa quá hạn", "", overdue))
        return ", ".join(parts)

    def counts(self, overdue: int, due_soon: int) -> list[str]:
        parts = []
        if overdue:
            parts.append(self.tr("%Ln quá hạn", "", overdue))
        if due_soon:
            parts.append(self.tr("%Ln sắp đến hạn", "", due_soon))
        return parts


def compose_message(new: int, overdue: int) -> str:
    """ "5 phản ánh mới, 2 phản ánh vừa quá hạn" (the parts with nothing to say left out)."""
    return FlagWords().message(new, overdue)


def compose_title(overdue: int, due_soon: int, base: str = APP_TITLE) -> str:
    """The window title with the counts ahead: "12 quá hạn · 5 sắp đến hạn — IOC Console".

    The counts come first because a taskbar shows only the start of a title.
    """
    parts = FlagWords().counts(overdue, due_soon)
    if not parts:
        return base
    return " · ".join(parts) + " — " + base


# -- the watcher -------------------------------------------------------------------------------------


class FlagWatcher(QObject):
    """Looks at the store periodically and says what changed.

    Signals:
        snapshot_taken(object): each :class:`FlagSnapshot` (for the title and counters).
        flags_raised(object): a non-empty :class:`FlagChange` since the previous look.
    """

    snapshot_taken = Signal(object)
    flags_raised = Signal(object)

    def __init__(
        self,
        store: LocalStore,
        clock: DeadlineClock,
        executor: DatabaseExecutor,
        interval_ms: int = WATCH_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._clock = clock
        self._executor = executor
        self._previous: FlagSnapshot | None = None
        self._busy = False
        self._again = False
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)

    @property
    def last(self) -> FlagSnapshot | None:
        return self._previous

    def start(self) -> None:
        """Look now, then every interval."""
        self.check()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    @Slot()
    def check(self) -> None:
        """Look now (on the worker); a look asked for while one runs follows it."""
        if self._executor.closed:
            return
        if self._busy:
            self._again = True
            return
        self._busy = True
        store, clock = self._store, self._clock
        Op(lambda: take_snapshot(store, clock), self).on_success(self._on_snapshot).on_failure(
            self._on_failed
        ).run(self._executor)

    def _on_snapshot(self, snapshot: FlagSnapshot) -> None:
        self._busy = False
        previous, self._previous = self._previous, snapshot
        self.snapshot_taken.emit(snapshot)
        if previous is not None:
            change = flag_change(previous, snapshot)
            if change:
                self.flags_raised.emit(change)
        if self._again:
            self._again = False
            self.check()

    def _on_failed(self, error: BaseException) -> None:
        self._busy = False
        log.error("looking for new and overdue reports failed", exc_info=error)


# -- the notifier ------------------------------------------------------------------------------------


class Notifier(QObject):
    """Desktop notifications of flags, batched: never more than one per ``min_interval`` seconds.

    Changes that come while the interval runs are gathered (each report counted once) and shown
    together when it ends.

    Signals:
        notified(str, str): a notification's title and text, as shown.
    """

    notified = Signal(str, str)

    def __init__(
        self,
        show: Callable[[str, str], None] | None = None,
        min_interval: float = MIN_INTERVAL_S,
        parent: QObject | None = None,
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self._show = show
        self._min_interval = min_interval
        self._monotonic = monotonic
        self._last: float | None = None
        self._new: dict[str, None] = {}
        self._overdue: dict[str, None] = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.flush)

    @property
    def waiting(self) -> tuple[int, int]:
        """New and overdue reports gathered for the next notification."""
        return len(self._new), len(self._overdue)

    @Slot(object)
    def add(self, change: FlagChange) -> None:
        """Gather ``change``; notify now if the interval allows, else when it ends."""
        self._new.update(dict.fromkeys(change.new))
        self._overdue.update(dict.fromkeys(change.overdue))
        if not self._new and not self._overdue:
            return
        now = self._monotonic()
        wait = 0.0 if self._last is None else self._last + self._min_interval - now
        if wait <= 0:
            self.flush()
        elif not self._timer.isActive():
            self._timer.start(max(1, round(wait * 1000)))

    @Slot()
    def flush(self) -> None:
        """Show what was gathered, if anything."""
        self._timer.stop()
        text = compose_message(len(self._new), len(self._overdue))
        self._new.clear()
        self._overdue.clear()
        if not text:
            return
        self._last = self._monotonic()
        title = APP_TITLE
        if self._show is not None:
            try:
                self._show(title, text)
            except Exception:
                log.exception("showing a notification failed")
        self.notified.emit(title, text)


def app_icon() -> QIcon:
    """The console's mark, drawn: a white map pin on a blue tile."""
    icon = QIcon()
    for size in (16, 32, 64):
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.scale(size / 16, size / 16)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#1565c0"))
        painter.drawRoundedRect(QRectF(0.5, 0.5, 15, 15), 3, 3)
        pin = QPainterPath(QPointF(8, 14))
        pin.cubicTo(QPointF(4, 9.5), QPointF(3.5, 8), QPointF(3.5, 6.5))
        pin.arcTo(QRectF(3.5, 2, 9, 9), 180, -180)
        pin.cubicTo(QPointF(12.5, 8), QPointF(12, 9.5), QPointF(8, 14))
        painter.setBrush(QColor("white"))
        painter.drawPath(pin)
        painter.setBrush(QColor("#1565c0"))
        painter.drawEllipse(QPointF(8, 6.5), 1.8, 1.8)
        painter.end()
        icon.addPixmap(pixmap)
    return icon


class TrayPresenter(QObject):
    """Shows notifications in the system tray when there is one, and asks the window for attention.

    Where no tray exists (some Linux desktops, the offscreen platform) the notification is not
    lost: the window's taskbar entry is flagged (:meth:`QApplication.alert`) and the title carries
    the counts.
    """

    def __init__(self, window: QWidget, icon: QIcon | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent or window)
        self._window = window
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(icon or app_icon(), self)
            self.tray.setToolTip(APP_TITLE)
            self.tray.activated.connect(self._on_tray_activated)
            self.tray.show()

    def __call__(self, title: str, text: str) -> None:
        if self.tray is not None and QSystemTrayIcon.supportsMessages():
            self.tray.showMessage(title, text, QSystemTrayIcon.MessageIcon.Information, SHOW_MS)
        if not self._window.isActiveWindow():
            QApplication.alert(self._window, 0)

    @Slot(QSystemTrayIcon.ActivationReason)
    def _on_tray_activated(self, _reason: QSystemTrayIcon.ActivationReason) -> None:
        self._window.showNormal()
        self._window.raise_()
        self._window.activateWindow()

    def hide(self) -> None:
        if self.tray is not None:
            self.tray.hide()


# -- the sound -----------------------------------------------------------------------------------------


def chime_wav(rate: int = 22_050) -> bytes:
    """A short two-note chime as a WAV file (16-bit mono), made here rather than shipped."""
    frames = bytearray()
    for freq, seconds in ((880.0, 0.12), (1320.0, 0.18)):
        count = int(rate * seconds)
        for i in range(count):
            fade = min(1.0, i / (rate * 0.01), (count - i) / (rate * 0.04))
            value = int(0.35 * 32767 * fade * math.sin(2 * math.pi * freq * i / rate))
            frames += struct.pack("<h", value)
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(bytes(frames))
    return out.getvalue()


class SoundAlert(QObject):
    """A sound for a new or newly overdue report, heard without any system tray.

    Plays a chime through Qt Multimedia (``QSoundEffect``) when its libraries and an audio output
    are there, else the system's bell (``QApplication.beep``). Whether to sound at all is the
    user's setting (View menu); the window keeps it.

    Signals:
        played(str): a sound was made ("chime" or "beep").
    """

    played = Signal(str)

    def __init__(self, folder: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._folder = folder
        self._effect: Any = None
        self._tried = False

    def _chime(self) -> Any:
        if self._tried:
            return self._effect
        self._tried = True
        if self._folder is None:
            return None
        try:
            from PySide6.QtCore import QUrl
            from PySide6.QtMultimedia import QMediaDevices, QSoundEffect
        except (ImportError, OSError) as error:  # no Qt Multimedia, or its libraries (libpulse)
            log.info("no chime, the system bell instead: %s", error)
            return None
        if not QMediaDevices.audioOutputs():
            return None
        try:
            self._folder.mkdir(parents=True, exist_ok=True)
            path = self._folder / "chime.wav"
            if not path.exists():
                path.write_bytes(chime_wav())
        except OSError as error:
            log.info("the chime could not be written: %s", error)
            return None
        effect = QSoundEffect(self)
        effect.setSource(QUrl.fromLocalFile(str(path)))
        effect.setVolume(0.6)
        self._effect = effect
        return effect

    @Slot()
    def play(self) -> None:
        effect = self._chime()
        if effect is not None:
            effect.play()
            self.played.emit("chime")
        else:
            QApplication.beep()
            self.played.emit("beep")


__all__ = [
    "MIN_INTERVAL_S",
    "WATCH_MS",
    "FlagChange",
    "FlagSnapshot",
    "FlagWatcher",
    "FlagWords",
    "Notifier",
    "SoundAlert",
    "TrayPresenter",
    "app_icon",
    "chime_wav",
    "compose_message",
    "compose_title",
    "flag_change",
    "take_snapshot",
]

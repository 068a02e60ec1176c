"""The wall display for shift supervisors: full screen, no interaction, readable from five metres.

:class:`WallWindow` shows the day's figures as large tiles (received today and this week, open now,
overdue now, closed on time, median time to first contact and to forwarding), an agency league
table, a ticker of the newest reports and, optionally, the map with the open reports (overdue ones
stand out). Type is sized from the window's height, so the same layout reads at 1920×1080 and at
3840×2160; the palette is dark with high contrast; an alert is always a shape and a word as well as
a colour.

The figures of a period (on time, the medians, the agencies' league) are those of the statistics
view's default period, this month, computed by the same functions, and the wall says which month.
The league puts the agencies that need attention first: the lowest on-time share, then the most
overdue reports. A tile counts the supervisor's main backlog: the reports waiting for the IOC
(new, returned or reopened, and resolved ones awaiting the IOC's reply). Esc or Ctrl+Q closes the
wall.

Every figure is read on the database worker by one ``reader`` call (a :class:`WallFigures`), on a
timer and whenever :meth:`WallWindow.refresh` is called (after sync applied changes). Panels with
more rows than fit turn their pages on a timer. Only the last figures are kept: the wall runs for
days without growing.

The ticker never shows names, phone numbers or the citizen's own words: only the time (the day for
an older report), the category, the status, the place and the channel.
"""

from __future__ import annotations

import argparse
import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import QCoreApplication, QLocale, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QPainter,
    QPainterPath,
    QPen,
    QScreen,
)
from PySide6.QtWidgets import QHBoxLayout, QStackedWidget, QVBoxLayout, QWidget

from ioc_console.domain.lifecycle import AT_IOC, TERMINAL, Channel, Status
from ioc_console.store import LocalStore, ReportQuery

from ioc_console.gui.operations import DatabaseExecutor, Op
from ioc_console.gui.present import DeadlineClock, Names

log = logging.getLogger(__name__)

#: How often the figures are read again without being asked (ms).
REFRESH_MS = 30_000
#: How long a page of a panel stays before the next one (ms).
ROTATE_MS = 12_000
#: How often the open reports on the map are read again in full (every so many refreshes).
MAP_EVERY = 10
#: How many page turns the map stays in the right-hand panel before the ticker comes back.
MAP_TICKS = 2

# High contrast on a near-black ground (WCAG AAA for the text colours used).
BACKGROUND = QColor("#0b0f14")
PANEL = QColor("#151c24")
TEXT = QColor("#f4f7fa")
MUTED = QColor("#b8c4cf")
ALERT = QColor("#ff6b5e")
ALERT_GROUND = QColor("#7a1410")
GOOD = QColor("#7ee2a8")
RULE = QColor("#2c3846")


# -- what the wall shows -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LeagueLine:
    """One agency in the league table."""

    agency: str
    received: int = 0
    handled: int = 0
    on_time_pct: float | None = None
    overdue: int = 0
    satisfaction_pct: float | None = None


@dataclass(frozen=True)
class TickerLine:
    """One of the newest reports, without any personal data."""

    number: str
    received_at: datetime
    category: str
    unit_code: str | None
    channel: Channel | None
    status: Status
    overdue: bool = False


@dataclass(frozen=True)
class WallFigures:
    received_today: int = 0
    received_week: int = 0
    open_now: int = 0
    overdue_now: int = 0
    on_time_pct: float | None = None
    median_first_contact: timedelta | None = None
    median_forwarding: timedelta | None = None
    league: tuple[LeagueLine, ...] = ()
    ticker: tuple[TickerLine, ...] = ()
    taken_at: datetime | None = None
    #: Reports waiting for the IOC: to triage (new, returned, reopened) or to answer (resolved).
    waiting_ioc: int = 0
    #: The period of the on-time share, the medians and the league (``statistics.Period``).
    period: Any = None
    #: Optional map rows of the open reports (``MapRow``-shaped), read every :data:`MAP_EVERY` refreshes.
    map_rows: tuple[Any, ...] | None = field(default=None, compare=False)


WallReader = Callable[[bool], WallFigures]
"""Runs on the database worker; the argument says whether the map's rows are wanted this time."""


#: Statuses in which a report waits for the IOC: triage (not waiting for the citizen) or its reply.
WAITING_FOR_IOC = (AT_IOC - {Status.NEEDS_INFO}) | {Status.RESOLVED}
#: Names of districts and communes on the wall's map, so many times their usual size: 2 % of the
#: screen's height or more (the map's type follows the wall's, like the rest of it).
WALL_LABEL_SCALE = 1.9
#: Reports in the ticker.
TICKER_LIMIT = 30


def statistics_reader(
    store: LocalStore, clock: DeadlineClock, *, ticker_limit: int = TICKER_LIMIT
) -> WallReader:
    """The wall's figures from the local store's statistics (the reader runs on the database worker):
    those of a period over this month, as the statistics view shows them by default."""

    def read(with_map: bool) -> WallFigures:
        from ioc_console.store import statistics as st

        now = clock.now()
        local = now.astimezone(st.TZ)
        window = st.Period.month(local.year, local.month)
        summary = st.summary(store, window, now)
        today = st.figures(store, st.Period.today(now), now)
        week = st.figures(store, st.Period.this_week(now), now)
        league = tuple(
            LeagueLine(
                agency=row.agency,
                received=row.figures.received,
                handled=row.figures.handled,
                on_time_pct=_pct(row.figures.on_time_rate),
                overdue=row.overdue_now,
                satisfaction_pct=_pct(row.figures.satisfaction_rate),
            )
            for row in sorted(st.league(store, window, now), key=_attention)
        )
        waiting = store.count(ReportQuery(statuses=WAITING_FOR_IOC))
        ticker = []
        for item in st.ticker(store, limit=ticker_limit):
            # Only structured fields: never the citizen's words, names or numbers.
            ticker.append(
                TickerLine(
                    number=item.number,
                    received_at=item.received_at,
                    category=item.category,
                    unit_code=item.unit_code,
                    channel=item.channel,
                    status=item.status,
                    overdue=item.overdue(now),
                )
            )
        rows = _open_map_rows(store, clock) if with_map else None
        return WallFigures(
            received_today=today.received,
            received_week=week.received,
            open_now=summary.open_now,
            overdue_now=summary.overdue_now,
            on_time_pct=_pct(summary.figures.on_time_rate),
            median_first_contact=_seconds(summary.median_first_contact_s),
            median_forwarding=_seconds(summary.median_forwarding_s),
            league=league,
            ticker=tuple(ticker),
            taken_at=now,
            waiting_ioc=waiting,
            period=window,
            map_rows=rows,
        )

    return read


def _attention(row: Any) -> tuple[Any, ...]:
    """The league worst first: the lowest on-time share (agencies with nothing judged yet last),
    then the most reports overdue now, then the statistics' own order."""
    rate = row.figures.on_time_rate
    return (rate is None, rate if rate is not None else 0.0, -row.overdue_now, row.rank)


def _pct(rate: float | None) -> float | None:
    return None if rate is None else rate * 100


def _seconds(value: float | None) -> timedelta | None:
    return None if value is None else timedelta(seconds=value)


def _open_map_rows(store: LocalStore, clock: DeadlineClock) -> tuple[Any, ...]:
    """The open reports as the map shows them (closed ones stay off the wall's map)."""
    from ioc_console.gui.map.data import map_reports

    now, boundary = clock.now_and_boundary()
    open_statuses = frozenset(Status) - TERMINAL
    rows = store.query(ReportQuery(statuses=open_statuses, sort="number", descending=False))
    return tuple(map_reports(rows, now, boundary))


# -- words -----------------------------------------------------------------------------------------------


#: Unit words shortened the way Vietnamese offices write them, so names fit a wall's large type.
_SHORT_WORDS = (
    ("thành phố ", "TP "),
    ("Thành phố ", "TP "),
    ("thị trấn ", "TT "),
    ("Thị trấn ", "TT "),
    ("huyện ", "H. "),
    ("Huyện ", "H. "),
    ("phường ", "P. "),
    ("Phường ", "P. "),
    ("xã ", "X. "),
    ("Xã ", "X. "),
)


def wall_agency_name(name: str) -> str:
    """``UBND huyện Ninh Phước`` → ``H. Ninh Phước``: a committee named by its unit, the unit's kind
    shortened as offices write it (departments and the police keep their names)."""
    for long, short in _SHORT_WORDS:
        name = name.replace(long, short)
    for short in ("TP ", "TT ", "H. ", "P. ", "X. "):
        # A people's committee is named by its unit on the wall: "UBND H. Ninh Sơn" → "H. Ninh Sơn".
        name = name.replace("UBND " + short, short)
    return name


def _tr(text: str) -> str:
    return QCoreApplication.translate("WallWindow", text)


def locale_for(lang: str) -> QLocale:
    return QLocale(QLocale.Language.Vietnamese if lang == "vi" else QLocale.Language.English)


def duration_parts(locale: QLocale, value: timedelta | None) -> tuple[str, str]:
    """A duration as a big number and its unit, for a tile: ``("2,5", "giờ")``, ``("45", "phút")``."""
    if value is None:
        return "—", ""
    minutes = max(0.0, value.total_seconds() / 60)
    if minutes < 60:
        return str(round(minutes)), _tr("phút")
    hours = minutes / 60
    if hours < 10:
        return locale.toString(hours, "f", 1), _tr("giờ")
    return str(round(hours)), _tr("giờ")


def format_duration(value: timedelta | None) -> str:
    """``"2 giờ 15 phút"``, ``"3 ngày 4 giờ"``, ``"—"`` when there is nothing to measure."""
    if value is None:
        return "—"
    minutes = max(0, round(value.total_seconds() / 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return _tr("%1 ngày %2 giờ").replace("%1", str(days)).replace("%2", str(hours))
    if hours:
        return _tr("%1 giờ %2 phút").replace("%1", str(hours)).replace("%2", str(mins))
    return _tr("%1 phút").replace("%1", str(mins))


def format_percent(locale: QLocale, value: float | None, decimals: int = 1) -> str:
    if value is None or math.isnan(value):
        return "—"
    return locale.toString(float(value), "f", decimals) + " %"


# -- painted parts ---------------------------------------------------------------------------------------


def _font(px: float, bold: bool = False) -> QFont:
    font = QFont()
    font.setPixelSize(max(8, round(px)))
    font.setBold(bold)
    return font


def draw_alert_mark(painter: QPainter, rect: QRectF, colour: QColor = ALERT) -> None:
    """A warning triangle with an exclamation mark: the alert's shape, whatever the colour."""
    side = min(rect.width(), rect.height())
    x, y = rect.center().x() - side / 2, rect.center().y() - side / 2
    path = QPainterPath()
    path.moveTo(x + side / 2, y)
    path.lineTo(x + side, y + side * 0.92)
    path.lineTo(x, y + side * 0.92)
    path.closeSubpath()
    painter.save()
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawPath(path)
    painter.setBrush(BACKGROUND)
    painter.drawRect(QRectF(x + side * 0.45, y + side * 0.3, side * 0.1, side * 0.34))
    painter.drawEllipse(QRectF(x + side * 0.44, y + side * 0.7, side * 0.12, side * 0.12))
    painter.restore()


def fitted_font(text: str, room: QRectF, largest: float, smallest: float, flags: Any = 0) -> QFont:
    """Bold type as large as lets ``text`` fit ``room`` (wrapped as ``flags`` say), down to
    ``smallest``: a name is set smaller before it is ever cut."""
    size = largest
    while size > smallest:
        font = _font(size, bold=True)
        used = QFontMetricsF(font).boundingRect(room, int(flags), text)
        if used.width() <= room.width() + 0.5 and used.height() <= room.height() + 0.5:
            return font
        size -= max(0.5, largest / 40)
    return _font(smallest, bold=True)


class _Scaled(QWidget):
    """A painted part whose type follows the wall's unit (pixels of a 1080-line screen)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.unit = 1.0

    def set_unit(self, unit: float) -> None:
        if unit != self.unit:
            self.unit = unit
            self.updateGeometry()
            self.update()


class FigureTile(_Scaled):
    """A big number with its label and a line under it; an alert tile says so in shape and word."""

    def __init__(self, name: str, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.label = label
        self.value = "—"
        self.note = ""
        self.alert = False

    def show_value(self, value: str, note: str = "", alert: bool = False) -> None:
        if (value, note, alert) != (self.value, self.note, self.alert):
            self.value, self.note, self.alert = value, note, alert
            self.update()

    def texts(self) -> list[str]:
        return [self.label, self.value, self.note]

    def paintEvent(self, _event: Any) -> None:
        u = self.unit
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(u * 4, u * 4, -u * 4, -u * 4)
        p.setPen(QPen(ALERT if self.alert else RULE, max(2.0, u * (5 if self.alert else 2))))
        p.setBrush(ALERT_GROUND if self.alert else PANEL)
        p.drawRoundedRect(rect, u * 12, u * 12)
        inner = rect.adjusted(u * 18, u * 12, -u * 18, -u * 12)
        p.setPen(TEXT if self.alert else MUTED)
        label_h = u * 76
        label_rect = QRectF(inner.x(), inner.y(), inner.width(), label_h)
        flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap
        p.setFont(fitted_font(self.label, label_rect, u * 28, u * 20, flags))
        p.drawText(label_rect, flags, self.label)
        value_font = _font(u * 80, bold=True)
        # Long values (durations) are set smaller so that they fit the tile.
        metrics = QFontMetricsF(value_font)
        if metrics.horizontalAdvance(self.value) > inner.width():
            value_font = _font(u * 80 * inner.width() / max(1.0, metrics.horizontalAdvance(self.value)))
            value_font.setBold(True)
        value_rect = QRectF(inner.x(), inner.y() + label_h, inner.width(), inner.height() - label_h - u * 40)
        left = inner.x()
        if self.alert:
            mark = u * 58
            draw_alert_mark(p, QRectF(left, value_rect.center().y() - mark / 2, mark, mark), TEXT)
            value_rect.setLeft(left + mark + u * 14)
        p.setPen(TEXT)
        p.setFont(value_font)
        p.drawText(value_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.value)
        if self.note:
            note_rect = QRectF(inner.x(), inner.bottom() - u * 34, inner.width(), u * 34)
            note_font = fitted_font(self.note, note_rect, u * 24, u * 18)
            note_font.setBold(self.alert)
            p.setFont(note_font)
            p.setPen(TEXT if self.alert else MUTED)
            metrics = QFontMetricsF(p.font())
            p.drawText(
                note_rect,
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                metrics.elidedText(self.note, Qt.TextElideMode.ElideRight, inner.width()),
            )
        p.end()


@dataclass(frozen=True)
class Column:
    title: str
    weight: float
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft


@dataclass(frozen=True)
class BoardRow:
    """A row of a board: its cells; ``flagged`` bands the whole row, ``alert_cells`` (column
    indices) mark single cells; ``subline`` is a second, quieter line under the cells."""

    cells: tuple[str, ...]
    flagged: bool = False
    alert_cells: frozenset[int] = frozenset()
    subline: str = ""


class RotatingBoard(_Scaled):
    """A titled table painted in large type; pages turn (:meth:`advance`) when rows do not fit.

    A flagged row has the alert mark in front of it and a tinted band, and its words say why; an
    alert cell has the mark beside its value.
    """

    def __init__(
        self,
        name: str,
        title: str,
        columns: Sequence[Column],
        *,
        two_lines: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.title = title
        self.columns = tuple(columns)
        self.two_lines = two_lines
        self.rows: list[BoardRow] = []
        self.page = 0
        self.empty_text = ""

    # geometry of a page, in units
    def _row_height(self) -> float:
        return self.unit * (92 if self.two_lines else 56)

    def _header_height(self) -> float:
        return self.unit * 112

    def rows_per_page(self) -> int:
        return max(1, int((self.height() - self._header_height() - self.unit * 16) // self._row_height()))

    def page_count(self) -> int:
        return max(1, math.ceil(len(self.rows) / self.rows_per_page()))

    def set_rows(self, rows: Sequence[BoardRow]) -> None:
        self.rows = list(rows)
        if self.page >= self.page_count():
            self.page = 0
        self.update()

    def advance(self) -> None:
        """The next page (the first after the last); nothing when everything fits."""
        count = self.page_count()
        self.page = (self.page + 1) % count if count > 1 else 0
        self.update()

    def visible_rows(self) -> list[BoardRow]:
        per = self.rows_per_page()
        return self.rows[self.page * per : (self.page + 1) * per]

    def texts(self) -> list[str]:
        """Every word the panel would show on any of its pages (for checks)."""
        words = [self.title, *(c.title for c in self.columns)]
        for row in self.rows:
            words.extend(row.cells)
            if row.subline:
                words.append(row.subline)
        return words

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if self.page >= self.page_count():
            self.page = 0

    def paintEvent(self, _event: Any) -> None:
        u = self.unit
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(u * 4, u * 4, -u * 4, -u * 4)
        p.setPen(QPen(RULE, max(1.0, u * 2)))
        p.setBrush(PANEL)
        p.drawRoundedRect(rect, u * 12, u * 12)
        inner = rect.adjusted(u * 20, u * 10, -u * 20, -u * 8)
        # title and page indicator
        title_rect = QRectF(inner.x(), inner.y(), inner.width(), u * 52)
        pages_w = 0.0
        if self.page_count() > 1:
            p.setPen(MUTED)
            p.setFont(_font(u * 28))
            pages = _tr("Trang %1/%2").replace("%1", str(self.page + 1)).replace("%2", str(self.page_count()))
            p.drawText(title_rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, pages)
            pages_w = QFontMetricsF(p.font()).horizontalAdvance(pages) + u * 20
        p.setPen(TEXT)
        title_room = title_rect.adjusted(0, 0, -pages_w, 0)
        p.setFont(fitted_font(self.title, title_room, u * 38, u * 24))
        p.drawText(title_room, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.title)
        # column heads
        mark_w = u * 40
        lefts, widths = self._columns_x(inner.x() + mark_w, inner.width() - mark_w)
        head_y = inner.y() + u * 56
        p.setPen(MUTED)
        p.setFont(self._head_font(widths))
        for column, x, w in zip(self.columns, lefts, widths, strict=True):
            p.drawText(
                QRectF(x, head_y, w - u * 10, u * 40),
                column.align | Qt.AlignmentFlag.AlignVCenter,
                QFontMetricsF(p.font()).elidedText(column.title, Qt.TextElideMode.ElideRight, w - u * 10),
            )
        p.setPen(QPen(RULE, max(1.0, u * 2)))
        p.drawLine(int(inner.x()), int(head_y + u * 44), int(inner.right()), int(head_y + u * 44))
        # rows
        y = rect.y() + self._header_height()
        row_h = self._row_height()
        line_h = u * 52
        shown = self.visible_rows()
        if not shown and self.empty_text:
            p.setPen(MUTED)
            p.setFont(_font(u * 32))
            p.drawText(
                QRectF(inner.x(), y, inner.width(), row_h), Qt.AlignmentFlag.AlignLeft, self.empty_text
            )
        body = _font(u * 34)
        strong = _font(u * 34, bold=True)
        small = _font(u * 27)
        mark = u * 30
        for i, row in enumerate(shown):
            band = QRectF(inner.x() - u * 8, y, inner.width() + u * 16, row_h - u * 4)
            if row.flagged:
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(ALERT_GROUND)
                p.drawRoundedRect(band, u * 6, u * 6)
                draw_alert_mark(p, QRectF(inner.x(), y + (line_h - mark) / 2, mark, mark), TEXT)
            elif i % 2:
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(QColor("#1b242e"))
                p.drawRoundedRect(band, u * 6, u * 6)
            for j, (column, x, w, text) in enumerate(
                zip(self.columns, lefts, widths, row.cells, strict=False)
            ):
                alert = j in row.alert_cells
                p.setFont(strong if (j == 0 or row.flagged or alert) else body)
                p.setPen(ALERT if alert and not row.flagged else TEXT)
                metrics = QFontMetricsF(p.font())
                room = w - u * 12
                if j == 0 and metrics.horizontalAdvance(text) > room and not self.two_lines:
                    # A name is never cut: set smaller, on two lines if it must be.
                    whole = QRectF(x, y - u * 2, room, row_h - u * 2)
                    wrap = (
                        Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap
                    )
                    p.setFont(fitted_font(text, whole, u * 34, u * 19, wrap))
                    p.drawText(whole, wrap, text)
                    continue
                shown_text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, room)
                cell = QRectF(x, y, w - u * 10, line_h)
                if alert:
                    text_w = metrics.horizontalAdvance(shown_text)
                    right_aligned = bool(column.align & Qt.AlignmentFlag.AlignRight)
                    mx = (cell.right() - text_w - mark - u * 8) if right_aligned else cell.x()
                    draw_alert_mark(
                        p, QRectF(mx, y + (line_h - mark) / 2, mark, mark), TEXT if row.flagged else ALERT
                    )
                    if not right_aligned:
                        cell.setLeft(cell.x() + mark + u * 8)
                p.drawText(cell, column.align | Qt.AlignmentFlag.AlignVCenter, shown_text)
            if self.two_lines and row.subline:
                p.setFont(small)
                p.setPen(TEXT if row.flagged else MUTED)
                sub_x = lefts[1] if len(lefts) > 1 else lefts[0]
                room = inner.right() - sub_x
                sub_room = QRectF(sub_x, y + line_h - u * 6, room, row_h - line_h)
                if QFontMetricsF(small).horizontalAdvance(row.subline) > room:
                    p.setFont(fitted_font(row.subline, sub_room, u * 27, u * 21))
                    p.setFont(_font(p.font().pixelSize(), bold=False))
                metrics = QFontMetricsF(p.font())
                p.drawText(
                    QRectF(sub_x, y + line_h - u * 6, room, row_h - line_h),
                    Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                    metrics.elidedText(row.subline, Qt.TextElideMode.ElideRight, room),
                )
            y += row_h
        p.end()

    def _head_font(self, widths: Sequence[float]) -> QFont:
        """The column heads' type: as large as the narrowest fit allows, so heads never run together."""
        size = self.unit * 24
        metrics = QFontMetricsF(_font(size, bold=True))
        for column, w in zip(self.columns, widths, strict=True):
            room = w - self.unit * 16
            need = metrics.horizontalAdvance(column.title)
            if need > room > 0:
                size = min(size, self.unit * 24 * room / need)
        return _font(max(self.unit * 17, size), bold=True)

    def _columns_x(self, left: float, width: float) -> tuple[list[float], list[float]]:
        total = sum(c.weight for c in self.columns) or 1.0
        lefts: list[float] = []
        widths: list[float] = []
        x = left
        for column in self.columns:
            w = width * column.weight / total
            lefts.append(x)
            widths.append(w)
            x += w
        return lefts, widths


class MapPanel(_Scaled):
    """The map under a title in the wall's style (the map's own legend says what the marks mean)."""

    def __init__(self, map_widget: QWidget, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("wall_map_panel")
        self.title = title
        self.map = map_widget
        self._layout = QVBoxLayout(self)
        self._layout.addWidget(map_widget)
        self.set_unit(1.0)

    def set_unit(self, unit: float) -> None:
        self.unit = unit
        self._layout.setContentsMargins(
            round(unit * 12), round(unit * 74), round(unit * 12), round(unit * 12)
        )
        view = self.map.view() if hasattr(self.map, "view") else None
        if view is not None:
            # The page scales with the wall: at 4K the map shows what it shows at 1080 lines, twice
            # the size, instead of marks and names half as large.
            view.setZoomFactor(min(5.0, max(0.25, unit)))
        self.update()

    def paintEvent(self, _event: Any) -> None:
        u = self.unit
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(u * 4, u * 4, -u * 4, -u * 4)
        p.setPen(QPen(RULE, max(1.0, u * 2)))
        p.setBrush(PANEL)
        p.drawRoundedRect(rect, u * 12, u * 12)
        p.setPen(TEXT)
        p.setFont(_font(u * 38, bold=True))
        p.drawText(
            QRectF(rect.x() + u * 20, rect.y() + u * 10, rect.width() - u * 40, u * 52),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            self.title,
        )
        p.end()


class WallHeader(_Scaled):
    """The wall's title, the jurisdiction, the time and when the figures were read."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("wall_header")
        self.title = title
        self.clock_text = ""
        self.updated_text = ""

    def paintEvent(self, _event: Any) -> None:
        u = self.unit
        p = QPainter(self)
        r = QRectF(self.rect()).adjusted(u * 8, 0, -u * 8, 0)
        p.setPen(TEXT)
        p.setFont(_font(u * 46, bold=True))
        metrics = QFontMetricsF(p.font())
        clock_w = metrics.horizontalAdvance(self.clock_text) + u * 8
        updated_w = QFontMetricsF(_font(u * 28)).horizontalAdvance(self.updated_text) + u * 30
        title_room = r.adjusted(0, 0, -(clock_w + u * 30 + updated_w), 0)
        p.setFont(fitted_font(self.title, title_room, u * 46, u * 30))
        p.drawText(title_room, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.title)
        p.setFont(_font(u * 46, bold=True))
        p.drawText(r, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, self.clock_text)
        p.setPen(MUTED)
        p.setFont(_font(u * 28))
        p.drawText(
            r.adjusted(0, 0, -clock_w - u * 30, 0),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            self.updated_text,
        )
        p.end()


# -- the window --------------------------------------------------------------------------------------------


class WallWindow(QWidget):
    """The wall display. Build it, then :meth:`show_on` a screen; :meth:`refresh` after sync changes.

    Signals:
        figures_shown(object): the :class:`WallFigures` just put on screen.
        read_failed(str): reading the figures failed (the last ones stay on screen).
    """

    figures_shown = Signal(object)
    read_failed = Signal(str)

    def __init__(
        self,
        reader: WallReader,
        executor: DatabaseExecutor,
        names: Names,
        *,
        title: str | None = None,
        with_map: bool = False,
        map_config: Any = None,
        refresh_ms: int = REFRESH_MS,
        rotate_ms: int = ROTATE_MS,
        map_every: int = MAP_EVERY,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("wall")
        self.setWindowTitle(self.tr("Màn hình tổng hợp — IOC Console"))
        self.reader = reader
        self.executor = executor
        self.names = names
        self.locale = locale_for(names.lang)
        self.map_every = max(1, map_every)
        self._busy = False
        self._again = False
        self._reads = 0
        self._want_map = False
        self.figures: WallFigures | None = None
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(palette.ColorRole.Window, BACKGROUND)
        palette.setColor(palette.ColorRole.WindowText, TEXT)
        self.setPalette(palette)
        self.setCursor(Qt.CursorShape.BlankCursor)

        place = names.jurisdiction.name
        self.header = WallHeader(title or self.tr("Phản ánh hiện trường — %1").replace("%1", place), self)
        self.tiles = {
            "received_today": FigureTile("received_today", self.tr("Tiếp nhận hôm nay"), self),
            "waiting_ioc": FigureTile("waiting_ioc", self.tr("Chờ IOC xử lý"), self),
            "open_now": FigureTile("open_now", self.tr("Đang mở"), self),
            "overdue_now": FigureTile("overdue_now", self.tr("Quá hạn"), self),
            "on_time": FigureTile("on_time", self.tr("Tỷ lệ đúng hạn"), self),
            "first_contact": FigureTile("first_contact", self.tr("Thời gian đến lần liên hệ đầu"), self),
            "forwarding": FigureTile("forwarding", self.tr("Thời gian đến khi chuyển xử lý"), self),
        }
        right = Qt.AlignmentFlag.AlignRight
        self.league = RotatingBoard(
            "league",
            self.tr("Đơn vị xử lý, từ thấp nhất"),
            (
                Column(self.tr("Đơn vị"), 4.4),
                Column(self.tr("Đã xử lý"), 1.5, right),
                Column(self.tr("Đúng hạn"), 1.6, right),
                Column(self.tr("Quá hạn"), 1.5, right),
                Column(self.tr("Hài lòng"), 1.5, right),
            ),
            parent=self,
        )
        self.league.empty_text = self.tr("Chưa có phản ánh nào được chuyển xử lý.")
        self.ticker = RotatingBoard(
            "ticker",
            self.tr("Phản ánh mới nhất"),
            (
                Column(self.tr("Lúc"), 1.6),
                Column(self.tr("Lĩnh vực — trạng thái · địa bàn · kênh"), 8.0),
            ),
            two_lines=True,
            parent=self,
        )
        self.ticker.empty_text = self.tr("Chưa có phản ánh mới.")
        self.map: Any = None
        if with_map:
            from ioc_console.gui.map import MapConfig, MapWidget

            # Nobody touches a wall: no zoom buttons, no legend to fold; names read from afar.
            config = replace(map_config or MapConfig(), controls=False, label_scale=WALL_LABEL_SCALE)
            self.map = MapWidget(config, lang=names.lang, when=names.when, parent=self)
            self.map.setObjectName("wall_map")
            self.map.set_units(names.jurisdiction)
            self._want_map = True

        self._tile_row = QHBoxLayout()
        for tile in self.tiles.values():
            self._tile_row.addWidget(tile, 1)
        lower = QHBoxLayout()
        lower.addWidget(self.league, 12)
        # The map and the ticker take turns in the right-hand panel, each at its full height (a
        # third of the height each would leave the ticker two rows and the province a strip).
        self.side = QStackedWidget(self)
        self.side.setObjectName("wall_side")
        self.map_panel: MapPanel | None = None
        if self.map is not None:
            self.map_panel = MapPanel(self.map, self.tr("Bản đồ phản ánh đang mở"), self.side)
            self.side.addWidget(self.map_panel)
        self.side.addWidget(self.ticker)
        lower.addWidget(self.side, 11)
        self._map_ticks = 0
        self._layout = QVBoxLayout(self)
        self._layout.addWidget(self.header)
        self._layout.addLayout(self._tile_row)
        self._layout.addLayout(lower, 1)
        self._lower = lower
        self._apply_unit()

        self.refresh_timer = QTimer(self)
        self.refresh_timer.setInterval(refresh_ms)
        self.refresh_timer.timeout.connect(self.refresh)
        self.rotate_timer = QTimer(self)
        self.rotate_timer.setInterval(rotate_ms)
        self.rotate_timer.timeout.connect(self._on_rotate_timer_timeout)
        self.clock_timer = QTimer(self)
        self.clock_timer.setInterval(10_000)
        self.clock_timer.timeout.connect(self._show_clock)
        self._show_clock()

    # -- running ---------------------------------------------------------------------------------------

    def start(self) -> None:
        """Read the figures now and keep them current."""
        self.refresh_timer.start()
        self.rotate_timer.start()
        self.clock_timer.start()
        self.refresh()

    def stop(self) -> None:
        self.refresh_timer.stop()
        self.rotate_timer.stop()
        self.clock_timer.stop()

    def show_on(self, screen: QScreen | None) -> None:
        """Full screen on ``screen`` (the primary one when None), and start."""
        if screen is not None:
            self.setScreen(screen)
            self.setGeometry(screen.geometry())
        self.showFullScreen()
        self.start()

    def refresh(self, _changed: object = None) -> None:
        """Read the figures again (the sync applied changes, or the timer); runs coalesce."""
        if _changed:  # the sync changed reports: the map follows on this read
            self._want_map = True
        if self._busy:
            self._again = True
            return
        if self.executor.closed:
            return
        self._busy = True
        self._reads += 1
        want_map = self.map is not None and (self._want_map or self._reads % self.map_every == 0)
        self._want_map = False
        reader = self.reader
        Op(lambda: reader(want_map), self).on_success(self._on_read).on_failure(self._on_read_failed).run(
            self.executor
        )

    def _on_read(self, figures: WallFigures) -> None:
        self._busy = False
        self.show_figures(figures)
        if self._again:
            self._again = False
            self.refresh()

    def _on_read_failed(self, error: BaseException) -> None:
        self._busy = False
        log.error("the wall's figures could not be read", exc_info=error)
        self.header.updated_text = self.tr("Không đọc được số liệu; đang thử lại")
        self.header.update()
        self.read_failed.emit(str(error))
        if self._again:
            self._again = False
            self.refresh()

    # -- showing ---------------------------------------------------------------------------------------

    def show_figures(self, f: WallFigures) -> None:
        loc = self.locale
        n = loc.toString
        self.tiles["received_today"].show_value(n(f.received_today))
        self.tiles["waiting_ioc"].show_value(n(f.waiting_ioc), self.tr("chờ chuyển hoặc trả lời"))
        self.tiles["open_now"].show_value(n(f.open_now))
        self.tiles["overdue_now"].show_value(
            n(f.overdue_now),
            self.tr("cần xử lý ngay") if f.overdue_now else self.tr("không có"),
            alert=f.overdue_now > 0,
        )
        month = self.period_words(f.period)
        self.tiles["on_time"].show_value(format_percent(loc, f.on_time_pct), self.tr("tính cả quá hạn"))
        for key, value in (("first_contact", f.median_first_contact), ("forwarding", f.median_forwarding)):
            number, unit = duration_parts(loc, value)
            self.tiles[key].show_value(number, self.tr("%1, trung vị").replace("%1", unit) if unit else "")
        self.league.title = self.tr("Đơn vị xử lý, từ thấp nhất · %1").replace("%1", month)
        names = self.names
        league_rows = [
            BoardRow(
                (
                    wall_agency_name(names.agency(line.agency)),
                    n(line.handled),
                    format_percent(loc, line.on_time_pct, 0),
                    n(line.overdue),
                    format_percent(loc, line.satisfaction_pct, 0),
                ),
                alert_cells=frozenset({3}) if line.overdue else frozenset(),
            )
            for line in f.league
        ]
        self.league.set_rows(league_rows)
        ticker_rows = []
        today = (f.taken_at or datetime.now(names.tz)).astimezone(names.tz).date()
        for t in f.ticker:
            status = t.status.label(names.lang)
            if t.overdue:  # the word says it, not only the band's colour
                status = self.tr("Quá hạn") + " · " + status
            parts = [status, wall_agency_name(names.unit(t.unit_code)) or self.tr("chưa rõ địa bàn")]
            if t.channel is not None:
                parts.append(t.channel.label(names.lang))
            when = ""
            if t.received_at is not None:
                local = t.received_at.astimezone(names.tz)
                # Today's by the time, older ones by the day: a time alone would pass for today.
                when = local.strftime("%H:%M") if local.date() == today else local.strftime("%d/%m")
            ticker_rows.append(
                BoardRow((when, names.category(t.category)), flagged=t.overdue, subline=" · ".join(parts))
            )
        self.ticker.set_rows(ticker_rows)
        if f.taken_at is not None:
            self.header.updated_text = (
                self.tr("Số liệu %1 · cập nhật lúc %2")
                .replace("%1", month)
                .replace("%2", f.taken_at.astimezone(names.tz).strftime("%H:%M:%S"))
            )
            self.header.update()
        if self.map is not None and f.map_rows is not None:
            self.map.set_reports(f.map_rows)
        self.figures = f
        self.figures_shown.emit(f)

    def period_words(self, period: Any) -> str:
        """ "tháng 12/2026": the period of the wall's figures, as the statistics view names it."""
        if period is None:
            return ""
        start = period.start.astimezone(self.names.tz)
        return self.tr("tháng %1").replace("%1", f"{start.month:02d}/{start.year}")

    def texts(self) -> list[str]:
        """Every word on the wall, across all pages (what a test reads; the wall is painted)."""
        words = [self.header.title, self.header.updated_text]
        for tile in self.tiles.values():
            words.extend(tile.texts())
        return [*words, *self.league.texts(), *self.ticker.texts()]

    def _show_clock(self) -> None:
        now = datetime.now(self.names.tz)
        self.header.clock_text = now.strftime("%H:%M")
        self.header.update()

    def _on_rotate_timer_timeout(self) -> None:
        self.league.advance()
        self.rotate_side()

    def showing_map(self) -> bool:
        return self.map_panel is not None and self.side.currentWidget() is self.map_panel

    def rotate_side(self) -> None:
        """The right-hand panel's next page: the ticker's pages in turn, then the map for
        :data:`MAP_TICKS` turns (without a map, only the ticker's pages)."""
        if self.map_panel is None:
            self.ticker.advance()
            return
        if self.showing_map():
            self._map_ticks += 1
            if self._map_ticks >= MAP_TICKS:
                self.ticker.page = 0
                self.side.setCurrentWidget(self.ticker)
            return
        if self.ticker.page + 1 < self.ticker.page_count():
            self.ticker.advance()
            return
        self._map_ticks = 0
        self.side.setCurrentWidget(self.map_panel)

    # -- type follows the screen -------------------------------------------------------------------------

    def unit(self) -> float:
        """Pixels per point of a 1080-line screen: the wall's type and spacing scale with it."""
        return max(0.4, self.height() / 1080)

    def _apply_unit(self) -> None:
        u = self.unit()
        margin = round(u * 24)
        self._layout.setContentsMargins(margin, round(u * 10), margin, margin)
        self._layout.setSpacing(round(u * 14))
        self._tile_row.setSpacing(round(u * 14))
        self._lower.setSpacing(round(u * 14))
        self.header.setFixedHeight(round(u * 76))
        for tile in self.tiles.values():
            tile.setFixedHeight(round(u * 230))
        parts: list[_Scaled] = [self.header, *self.tiles.values(), self.league, self.ticker]
        if self.map_panel is not None:
            parts.append(self.map_panel)
        for part in parts:
            part.set_unit(u)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._apply_unit()

    def keyPressEvent(self, event: Any) -> None:
        # Nobody needs to touch the wall; whoever stands at its keyboard leaves it with Esc or
        # Ctrl+Q (closing the wall ends a console started as one).
        control = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if event.key() == Qt.Key.Key_Escape or (control and event.key() == Qt.Key.Key_Q):
            self.close()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: Any) -> None:
        self.stop()
        if self.map is not None:
            self.map.shutdown()
        super().closeEvent(event)


# -- the command line and the screen ---------------------------------------------------------------------


def add_wall_arguments(parser: argparse.ArgumentParser) -> None:
    """``--wall [--screen N]`` on the console's command line."""
    parser.add_argument(
        "--wall",
        action="store_true",
        help="màn hình tổng hợp toàn màn hình cho trưởng ca / the full-screen wall display for supervisors",
    )
    parser.add_argument(
        "--screen",
        type=int,
        default=None,
        metavar="N",
        help="màn hình số N (từ 1) cho màn hình tổng hợp / put the wall display on screen N (from 1)",
    )


def choose_screen(index: int | None) -> QScreen | None:
    """Screen ``index`` (counted from 1, as people count them); the primary one when None or unknown."""
    screens = QGuiApplication.screens()
    if index is not None and 1 <= index <= len(screens):
        return screens[index - 1]
    if index is not None:
        log.warning("screen %s asked for, %d present: the primary screen is used", index, len(screens))
    return QGuiApplication.primaryScreen()


__all__ = [
    "BoardRow",
    "Column",
    "FigureTile",
    "LeagueLine",
    "RotatingBoard",
    "TickerLine",
    "WallFigures",
    "WallReader",
    "WallWindow",
    "add_wall_arguments",
    "choose_screen",
    "format_duration",
    "format_percent",
    "statistics_reader",
]

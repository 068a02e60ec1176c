"""Statistics in the console: figures by period, category, agency, unit and channel, as a chart and
a table, exported to Excel or CSV with exactly the numbers on screen.

The figures come from :mod:`ioc_console.store.statistics` on the database worker; the export gets
the very rows the table shows (:mod:`ioc_console.exports`, also on the worker). A liaison's view is
scoped to their agency (``agency_scope``): the agency filter is fixed to it.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ioc_console.domain.jurisdiction import Jurisdiction
from ioc_console.domain.lifecycle import Channel
from ioc_console.store import LocalStore
from ioc_console.store import statistics as st

from ioc_console.gui.files import ask_save_path
from ioc_console.gui.operations import DatabaseExecutor, Op, words_of
from ioc_console.gui.present import DeadlineClock, Names
from ioc_console.gui.wall import wall_agency_name

log = logging.getLogger(__name__)

#: Groups drawn in the chart (the table holds all of them).
CHART_GROUPS = 12


def percent(rate: float | None, lang: str = "vi") -> str:
    """``85,9 %`` in Vietnamese, ``85.9 %`` in English."""
    if rate is None:
        return "—"
    text = f"{rate * 100:.1f} %"
    return text.replace(".", ",") if lang == "vi" else text


def total_of(rows: list[st.GroupRow]) -> st.Figures:
    """The figures of all the rows together (what the export's total line says)."""
    sums = [0] * 8
    for row in rows:
        f = row.figures
        for i, value in enumerate(
            (f.received, f.handled, f.on_time, f.late, f.overdue, f.open, f.rated, f.satisfied)
        ):
            sums[i] += value
    return st.Figures(*sums)


class GroupModel(QAbstractTableModel):
    """The grouped figures: one row per group, the numbers as the export writes them."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[st.GroupRow] = []
        self.group_title = ""
        self.lang = "vi"
        self.titles = (
            self.tr("Tiếp nhận"),
            self.tr("Đã xử lý"),
            self.tr("Đúng hạn"),
            self.tr("Trễ hạn"),
            self.tr("Quá hạn chưa xử lý"),
            self.tr("Tỷ lệ đúng hạn"),
            self.tr("Tỷ lệ hài lòng"),
        )

    def set_rows(self, rows: list[st.GroupRow], group_title: str) -> None:
        self.beginResetModel()
        self.rows, self.group_title = rows, group_title
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 1 + len(self.titles)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.group_title if section == 0 else self.titles[section - 1]
        return None

    def values(self, row: int) -> list[Any]:
        g = self.rows[row]
        f = g.figures
        return [
            g.label,
            f.received,
            f.handled,
            f.on_time,
            f.late,
            f.overdue,
            f.on_time_rate,
            f.satisfaction_rate,
        ]

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        value = self.values(index.row())[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() >= 6:
                return percent(value, self.lang)
            return str(value) if index.column() else value
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column():
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return value
        return None


class StatisticsView(QWidget):
    """Filters, a chart and a table of the figures; export to Excel/CSV.

    Signals:
        loaded(int): the figures were read (how many groups).
        exported(str): a file was written (its path).
        export_failed(str): the file could not be written (the words are for the user).
    """

    loaded = Signal(int)
    exported = Signal(str)
    export_failed = Signal(str)

    def __init__(
        self,
        store: LocalStore,
        jurisdiction: Jurisdiction,
        names: Names,
        clock: DeadlineClock,
        executor: DatabaseExecutor,
        *,
        agency_scope: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("statistics_view")
        self.store = store
        self.names = names
        self.clock = clock
        self.executor = executor
        self.agency_scope = agency_scope
        self.period: st.Period | None = None
        lang = names.lang

        self.period_box = QComboBox(self)
        self.period_box.setObjectName("period_box")
        for code, text in (
            ("month", self.tr("Tháng này")),
            ("last_month", self.tr("Tháng trước")),
            ("quarter", self.tr("Quý này")),
            ("last_quarter", self.tr("Quý trước")),
            ("this_year", self.tr("Năm nay")),
            ("last_year", self.tr("Năm trước")),
            ("week", self.tr("Tuần này")),
            ("today", self.tr("Hôm nay")),
            ("30d", self.tr("30 ngày qua")),
            ("year", self.tr("12 tháng qua")),
            ("custom", self.tr("Từ ngày… đến ngày…")),
        ):
            self.period_box.addItem(text, code)
        # A range of days of one's own: both days included, shown when "from… to…" is chosen.
        today = clock.now().astimezone(names.tz).date()
        self.from_edit = QDateEdit(QDate(today.year, today.month, 1), self)
        self.to_edit = QDateEdit(QDate(today.year, today.month, today.day), self)
        for edit in (self.from_edit, self.to_edit):
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.setCalendarPopup(True)
            edit.setVisible(False)
            edit.dateChanged.connect(self.reload)
        self.from_edit.setObjectName("from_edit")
        self.to_edit.setObjectName("to_edit")
        self.by_box = QComboBox(self)
        for by in (
            st.GroupBy.AGENCY,
            st.GroupBy.CATEGORY,
            st.GroupBy.DISTRICT,
            st.GroupBy.CHANNEL,
            st.GroupBy.DAY,
        ):
            vi, en = st.GROUP_LABELS[by]
            self.by_box.addItem(vi if lang == "vi" else en, by.value)
        everything = self.tr("Tất cả")
        self.category_box = QComboBox(self)
        self.category_box.addItem(self.tr("Lĩnh vực: %1").replace("%1", everything), None)
        for code in jurisdiction.categories:
            self.category_box.addItem(names.category(code), code)
        self.agency_box = QComboBox(self)
        self.agency_box.addItem(self.tr("Đơn vị xử lý: %1").replace("%1", everything), None)
        for code in jurisdiction.agencies:
            self.agency_box.addItem(names.agency(code), code)
        if agency_scope is not None:
            self.agency_box.setCurrentIndex(self.agency_box.findData(agency_scope))
            self.agency_box.setEnabled(False)
        self.unit_box = QComboBox(self)
        self.unit_box.addItem(self.tr("Địa bàn: %1").replace("%1", everything), None)
        for unit in jurisdiction.units.values():
            parent_unit = jurisdiction.units.get(unit.parent) if unit.parent else None
            if parent_unit is not None and parent_unit.kind == "province":  # the districts
                self.unit_box.addItem(unit.name, unit.code)
        self.channel_box = QComboBox(self)
        self.channel_box.addItem(self.tr("Kênh: %1").replace("%1", everything), None)
        for channel in Channel:
            self.channel_box.addItem(channel.label(lang), channel.value)
        self.export_button = QPushButton(self.tr("&Xuất Excel/CSV…"), self)
        self.export_button.setObjectName("export_button")
        self.export_button.clicked.connect(self._on_export_button_clicked)
        # The month's report (PDF for A4, or a workbook), for the IOC: this month or the last.
        self.monthly_button = QPushButton(self.tr("Báo cáo &tháng…"), self)
        self.monthly_button.setObjectName("monthly_button")
        self.monthly_button.setToolTip(
            self.tr("Báo cáo tình hình tiếp nhận, xử lý phản ánh của tháng đang chọn, in được trên khổ A4")
        )
        self.monthly_button.clicked.connect(self._on_monthly_button_clicked)
        self.monthly_button.setVisible(agency_scope is None)
        for box in (
            self.period_box,
            self.by_box,
            self.category_box,
            self.agency_box,
            self.unit_box,
            self.channel_box,
        ):
            box.currentIndexChanged.connect(self.reload)
            # Long names (categories, agencies) must not widen the window past a laptop's screen.
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(12)

        self.caption = QLabel(self)
        self.caption.setObjectName("statistics_caption")
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        #: The totals of the rows on screen (the export's "Tổng cộng" line).
        self.totals: st.Figures | None = None
        self.summary = QLabel(self)
        self.summary.setObjectName("statistics_summary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        font = self.summary.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.summary.setFont(font)
        self.chart = QChart()
        self.chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.chart_view = QChartView(self.chart, self)
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.model = GroupModel(self)
        self.model.lang = lang
        self.table = QTableView(self)
        self.table.setObjectName("statistics_table")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        self.model.modelReset.connect(
            lambda: header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # names take the room left
        )

        filters = QHBoxLayout()
        for w in (
            self.period_box,
            self.from_edit,
            self.to_edit,
            self.by_box,
            self.category_box,
            self.agency_box,
            self.unit_box,
            self.channel_box,
        ):
            filters.addWidget(w)
        filters.addStretch(1)
        filters.addWidget(self.monthly_button)
        filters.addWidget(self.export_button)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.chart_view)
        splitter.addWidget(self.table)
        splitter.setSizes([420, 380])
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.caption)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)
        self.reload()

    def keyPressEvent(self, event: Any) -> None:
        # Shown as a window of its own: Esc or Ctrl+W closes it, as a dialog would be.
        control = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        closing = event.key() == Qt.Key.Key_Escape or (control and event.key() == Qt.Key.Key_W)
        if closing and self.isWindow():
            self.close()
            return
        super().keyPressEvent(event)

    # -- reading -----------------------------------------------------------------------------------------

    def current_period(self) -> st.Period:
        now = self.clock.now()
        code = self.period_box.currentData()
        custom = code == "custom"
        self.from_edit.setVisible(custom)
        self.to_edit.setVisible(custom)
        local = now.astimezone(self.names.tz)
        quarter = (local.month - 1) // 3 + 1
        if custom:
            first, last = self.from_edit.date(), self.to_edit.date()
            a = date(first.year(), first.month(), first.day())
            b = date(last.year(), last.month(), last.day())
            return st.Period.days(min(a, b), max(a, b))
        if code == "quarter":
            return st.Period.quarter(local.year, quarter)
        if code == "last_quarter":
            return st.Period.quarter(local.year - (quarter == 1), (quarter - 2) % 4 + 1)
        if code == "this_year":
            return st.Period.year(local.year)
        if code == "last_year":
            return st.Period.year(local.year - 1)
        if code == "today":
            return st.Period.today(now)
        if code == "week":
            return st.Period.this_week(now)
        if code == "last_month":
            first = now.replace(day=1) - timedelta(days=1)
            return st.Period.month(first.year, first.month)
        if code == "30d":
            return st.Period(now - timedelta(days=30), now + timedelta(microseconds=1))
        if code == "year":
            return st.Period(now - timedelta(days=365), now + timedelta(microseconds=1))
        return st.Period.month(now.year, now.month)

    def current_filters(self) -> st.Filters:
        def chosen(box: QComboBox) -> tuple[str, ...]:
            value = box.currentData()
            return () if value is None else (value,)

        agencies = (self.agency_scope,) if self.agency_scope is not None else chosen(self.agency_box)
        return st.Filters(
            categories=chosen(self.category_box),
            agencies=agencies,
            units=chosen(self.unit_box),
            channels=chosen(self.channel_box),
        )

    def by(self) -> st.GroupBy:
        return st.GroupBy(self.by_box.currentData())

    def reload(self) -> None:
        if self.executor.closed:
            return
        period, filters, by, now, lang = (
            self.current_period(),
            self.current_filters(),
            self.by(),
            self.clock.now(),
            self.names.lang,
        )
        store = self.store
        scope = self.agency_scope

        def read() -> tuple[st.Period, st.GroupBy, list[st.GroupRow]]:
            rows = st.grouped(store, period, by, now, filters, lang=lang)
            if scope is not None and by is st.GroupBy.AGENCY:
                rows = [r for r in rows if r.key == scope]  # never another agency's line
            return period, by, rows

        Op(read, self).on_success(self._on_read).on_failure(
            lambda error: log.error("statistics could not be read", exc_info=error)
        ).run(self.executor)

    def _on_read(self, result: tuple[st.Period, st.GroupBy, list[st.GroupRow]]) -> None:
        period, by, rows = result
        self.period = period
        vi, en = st.GROUP_LABELS[by]
        self.model.set_rows(rows, vi if self.names.lang == "vi" else en)
        total = sum(r.figures.received for r in rows)
        last = period.end - timedelta(microseconds=1)
        self.caption.setText(
            self.tr("Từ %1 đến %2 · %3 phản ánh tiếp nhận")
            .replace("%1", period.start.astimezone(self.names.tz).strftime("%d/%m/%Y"))
            .replace("%2", last.astimezone(self.names.tz).strftime("%d/%m/%Y"))
            .replace("%3", str(total))
        )
        self.totals = totals = total_of(rows)
        lang = self.names.lang
        self.summary.setText(
            " · ".join(
                f"{title}: {value}"
                for title, value in (
                    (self.tr("Tiếp nhận"), str(totals.received)),
                    (self.tr("Đã xử lý"), str(totals.handled)),
                    (self.tr("Đúng hạn"), f"{totals.on_time} ({percent(totals.on_time_rate, lang)})"),
                    (self.tr("Trễ hạn"), str(totals.late)),
                    (self.tr("Quá hạn chưa xử lý (nhận trong kỳ)"), str(totals.overdue)),
                    (self.tr("Hài lòng"), percent(totals.satisfaction_rate, lang)),
                )
            )
        )
        # The status bar's "Quá hạn" counts every open report past its deadline, whenever received;
        # this one only those received in the period: each says what it counts.
        self.summary.setToolTip(
            self.tr(
                "Quá hạn chưa xử lý (nhận trong kỳ): phản ánh tiếp nhận trong kỳ này, chưa xử lý xong và đã "
                'quá hạn trả lời. Con số "Quá hạn" ở thanh trạng thái đếm mọi phản ánh đang mở đã quá hạn, '
                "dù tiếp nhận từ lúc nào."
            )
        )
        self._draw_chart(rows)
        self.loaded.emit(len(rows))

    def _draw_chart(self, rows: list[st.GroupRow]) -> None:
        chart = self.chart
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        shown = sorted(rows, key=lambda r: r.figures.received, reverse=True)[:CHART_GROUPS][::-1]
        received = QBarSet(self.tr("Tiếp nhận"))
        on_time = QBarSet(self.tr("Đúng hạn"))
        late = QBarSet(self.tr("Trễ hạn và quá hạn"))
        received.setColor(QColor("#3a6ea5"))
        on_time.setColor(QColor("#2e7d32"))
        late.setColor(QColor("#c62828"))
        for r in shown:
            received.append(r.figures.received)
            on_time.append(r.figures.on_time)
            late.append(r.figures.late + r.figures.overdue)
        # Bars run across, the groups' names down the left, whole.
        series = QHorizontalBarSeries()
        for bar_set in (received, on_time, late):
            series.append(bar_set)
        chart.addSeries(series)
        axis_x = QBarCategoryAxis()
        agencies = self.names.jurisdiction.agencies
        labels = []
        for r in shown:
            label = r.label
            if self.by() is st.GroupBy.AGENCY and isinstance(r.key, str) and r.key in agencies:
                # "Sở GTVT", "H. Ninh Sơn": the short name, so that the axis can show it
                label = wall_agency_name(agencies[r.key].short_name or label)
            elif self.by() in (st.GroupBy.DISTRICT, st.GroupBy.UNIT):
                label = wall_agency_name(label)  # "H. Ninh Sơn", "TP Phan Rang–Tháp Chàm"
            labels.append(label)
        # The axis lists its categories bottom up: the largest group goes on top.
        axis_x.append(labels)
        axis_x.setTruncateLabels(False)
        axis_y = QValueAxis()
        axis_y.setLabelFormat("%d")
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(axis_x)
        series.attachAxis(axis_y)
        axis_y.setRange(0, max([r.figures.received for r in shown] + [1]))
        axis_y.applyNiceNumbers()

    # -- export --------------------------------------------------------------------------------------------

    def _on_export_button_clicked(self) -> None:
        path = ask_save_path(
            self, self.tr("Xuất số liệu"), "thong-ke.xlsx", self.tr("Bảng tính Excel (*.xlsx);;CSV (*.csv)")
        )
        if path:
            self.export_to(path)

    def chosen_month(self) -> tuple[int, int] | None:
        """The month the period box names (this month or the last), else None."""
        if self.period_box.currentData() not in ("month", "last_month"):
            return None
        start = self.current_period().start.astimezone(self.names.tz)
        return start.year, start.month

    def _on_monthly_button_clicked(self) -> None:
        from ioc_console.exports import monthly_file_name

        month = self.chosen_month()
        if month is None:
            now = self.clock.now().astimezone(self.names.tz)
            month = (now.year, now.month)
        path = ask_save_path(
            self,
            self.tr("Lưu báo cáo tháng"),
            monthly_file_name(*month),
            self.tr("Tệp PDF (*.pdf);;Bảng tính Excel (*.xlsx)"),
        )
        if path:
            self.save_monthly(path, *month)

    def save_monthly(self, path: Path, year: int, month: int) -> None:
        """The month's report at ``path`` (.pdf or .xlsx) on the worker: :attr:`exported` or
        :attr:`export_failed`."""
        from ioc_console import exports

        store, now, lang = self.store, self.clock.now(), self.names.lang
        province = self.names.jurisdiction.name

        def write() -> Path:
            return exports.monthly_report(path, store, year, month, now, province=province)

        def failed(error: BaseException) -> None:
            self.export_failed.emit(words_of(error, lang))

        Op(write, self).on_success(lambda p: self.exported.emit(str(p))).on_failure(failed).run(self.executor)

    def export_to(self, path: Path) -> None:
        """Write the rows on screen to ``path`` (.xlsx or .csv) on the worker."""
        from ioc_console import exports

        rows, by, period = list(self.model.rows), self.by(), self.period
        lang = self.names.lang

        def write() -> Path:
            return exports.export_statistics(path, rows, by, period=period)

        def failed(error: BaseException) -> None:
            self.export_failed.emit(words_of(error, lang))

        Op(write, self).on_success(lambda p: self.exported.emit(str(p))).on_failure(failed).run(self.executor)


__all__ = ["GroupModel", "StatisticsView", "total_of"]

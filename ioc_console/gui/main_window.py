"""The console's main window: the report queue with its filters, and the selected report's details.

The window opens at once in a loading state; the composition root hands it the opened data
(:meth:`MainWindow.show_workspace`) or the reason it could not be opened (:meth:`show_error`).
The operator's workspace (:mod:`ioc_console.gui.workspace`) then adds its parts through the places
the window keeps for them: docks (:meth:`add_dock`), the Reports menu, the triage bar and extras
around the details (:meth:`attach_triage`) and a footer under the queue (:meth:`add_footer`).
Docks, splitter and columns are kept between runs (:meth:`restore_layout`, :meth:`save_geometry`);
the palette follows the system unless the user chose light or dark in the View menu.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QByteArray,
    QItemSelection,
    QLocale,
    QModelIndex,
    QSettings,
    QSize,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QFontMetrics, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDockWidget,
    QFrame,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ioc_console.domain.deadlines import DeadlineState
from ioc_console.domain.report import Report

from ioc_console.gui.agency_panel import DraggableQueueModel
from ioc_console.gui.arrivals import ArrivalsBar, QueueAnchor
from ioc_console.gui.detail_pane import ReportDetailPane
from ioc_console.gui.filter_bar import NEEDS_ACTION_VIEW, QueueFilterBar, filter_from_data, filter_to_data
from ioc_console.gui.look import ICON_SIZE, DeadlineLook
from ioc_console.gui.operations import DatabaseExecutor, Op
from ioc_console.gui.present import DeadlineClock, Names
from ioc_console.gui.queue_model import NumberRole, ReportQueueModel
from ioc_console.gui.queue_source import COLUMNS, QueueFilter, QueueSource
from ioc_console.gui.theme import DARK, LIGHT, SYSTEM, THEME_KEY, ThemeManager

log = logging.getLogger(__name__)

#: Next and previous report in the queue, from anywhere in the window.
NEXT_REPORT_SHORTCUT = "Alt+Down"
PREVIOUS_REPORT_SHORTCUT = "Alt+Up"

#: The window's size when nothing else decides it (the smallest screen the console is made for).
DEFAULT_SIZE = QSize(1366, 768)


def is_small_screen(available: QSize) -> bool:
    """Whether a screen whose free area is ``available`` is 1366×768 or less: the window is
    maximised there, since a window of the default size and its frame would not fit."""
    return available.width() <= DEFAULT_SIZE.width() or available.height() <= DEFAULT_SIZE.height()


#: The first shares of the queue and the details beside it (QSplitter weighs sizes relatively).
SPLITTER_SHARES = (64_000, 36_000)

#: Keys of the window's own geometry in QSettings (nothing else of the window is kept there).
GEOMETRY_KEY = "main_window/geometry"
SPLITTER_KEY = "main_window/splitter"
HEADER_KEY = "main_window/queue_header"
HEADER_COLUMNS_KEY = "main_window/queue_columns"
LANGUAGE_KEY = "ui/language"
#: Whether a new or newly overdue report sounds ("on"/"off"; off until the user turns it on).
SOUND_KEY = "alerts/sound"
#: The operator's saved views of the queue (JSON: name -> filter).
VIEWS_KEY = "queue/views"
#: The docks' places and sizes (QMainWindow.saveState), with its version below.
STATE_KEY = "main_window/state"
STATE_VERSION = 1

#: Refresh the queue this often so that deadline states move on without anyone asking.
REFRESH_MS = 60_000


class MainWindow(QMainWindow):
    """Signals:
    queue_ready(): the queue's first page for the current filter is on screen.
    report_selected(str): the user selected the report with this number.
    report_shown(str): the detail pane shows the report with this number.
    report_displayed(object): the :class:`Report` the detail pane now shows (read afresh).
    language_chosen(str): the user chose a language for the next start.
    theme_applied(str, bool): a theme was applied (its name, and whether its palette is dark).
    closing(): the window is closing (the console shuts down after it).
    """

    queue_ready = Signal()
    report_selected = Signal(str)
    report_shown = Signal(str)
    report_displayed = Signal(object)
    language_chosen = Signal(str)
    theme_applied = Signal(str, bool)
    closing = Signal()
    #: The window changed size while its panes still have their first shares (the workspace sizes
    #: its docks again); the user moving the splitter, or a layout kept from the last run, ends it.
    default_layout_wanted = Signal()

    def __init__(
        self,
        settings: QSettings,
        executor: DatabaseExecutor,
        lang: str,
        parent: QWidget | None = None,
        *,
        with_map: bool = True,
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self._executor = executor
        self._lang = lang
        #: Whether the workspace docks the live map (QtWebEngine); the console always does, tests
        #: that run without QtWebEngine turn it off before the data opens.
        self.with_map = with_map
        # Asked before the window closes; False keeps it open (see gui/unsent.py).
        self.close_guard: Callable[[], bool] | None = None
        self._wanted_report: str | None = None
        self.queue_model: ReportQueueModel | None = None
        self.queue_view: QTableView | None = None
        self.filter_bar: QueueFilterBar | None = None
        self.detail: ReportDetailPane | None = None
        self.detail_side: QWidget | None = None
        self.splitter: QSplitter | None = None
        self._workspace_layout: QVBoxLayout | None = None
        self._source: QueueSource | None = None
        self.docks: dict[str, QDockWidget] = {}
        self._layout_restored = False
        self._follow_layout = False
        self._layout_timer = QTimer(self)
        self._layout_timer.setSingleShot(True)
        self._layout_timer.setInterval(0)
        self._layout_timer.timeout.connect(self._apply_default_layout)

        # The product's name ends the title, once: the platform adds the application's display name
        # to a title that does not already end with it.
        self.base_title = self.tr("Phản ánh hiện trường — IOC Console")
        self.setWindowTitle(self.base_title)
        self.setObjectName("main_window")
        self.setDockNestingEnabled(True)
        self.setDockOptions(
            QMainWindow.DockOption.AnimatedDocks
            | QMainWindow.DockOption.AllowNestedDocks
            | QMainWindow.DockOption.AllowTabbedDocks
        )
        app = QApplication.instance()
        self.themes = ThemeManager(app, self) if isinstance(app, QApplication) else None
        self._pages = QStackedWidget(self)
        self.setCentralWidget(self._pages)
        self._loading = self._loading_page()
        self._pages.addWidget(self._loading)
        self._build_menus()
        self._build_status_bar()
        self._apply_saved_theme()
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setInterval(REFRESH_MS)
        self._refresh_timer.timeout.connect(self.refresh)
        self.resize(DEFAULT_SIZE)
        geometry = settings.value(GEOMETRY_KEY)
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)

    def open_on_screen(self) -> None:
        """Show the window: maximised on a screen of 1366×768 or less (a window manager's title
        bar would push the status bar, with the overdue counts and the online state, below the
        screen's edge), elsewhere as the user left it (or at :data:`DEFAULT_SIZE`). The window
        takes the screen's size before the workspace is laid out, so that its panes are shared
        out for the size it will have."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is not None and is_small_screen(screen.availableGeometry().size()):
            self.setGeometry(screen.availableGeometry())
            self.showMaximized()
            return
        self.show()

    # -- building ----------------------------------------------------------------------------------

    def _loading_page(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.addStretch(2)
        self.loading_label = QLabel(self.tr("Đang mở dữ liệu…"), page)
        self.loading_label.setObjectName("loading_label")
        self.loading_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.loading_label.setTextFormat(Qt.TextFormat.PlainText)
        self.loading_label.setWordWrap(True)
        bar = QProgressBar(page)
        bar.setRange(0, 0)
        bar.setFixedWidth(320)
        bar.setTextVisible(False)
        self._loading_bar = bar
        layout.addWidget(self.loading_label)
        layout.addWidget(bar, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(3)
        return page

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&Tệp"))
        self.refresh_action = QAction(self.tr("&Làm mới danh sách"), self)
        self.refresh_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        self.refresh_action.setEnabled(False)
        self.refresh_action.triggered.connect(self.refresh)
        file_menu.addAction(self.refresh_action)
        self.find_action = QAction(self.tr("&Tìm kiếm"), self)
        self.find_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Find))
        self.find_action.setEnabled(False)
        self.find_action.triggered.connect(self._on_find_triggered)
        file_menu.addAction(self.find_action)
        file_menu.addSeparator()
        quit_action = QAction(self.tr("&Thoát"), self)
        quit_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Quit))
        quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        # Filled by the workspace (hotline intake, forwarding); hidden until then.
        self.report_menu = self.menuBar().addMenu(self.tr("&Phản ánh"))
        self.report_menu.setObjectName("report_menu")
        self.report_menu.menuAction().setVisible(False)

        self.view_menu = self.menuBar().addMenu(self.tr("&Xem"))
        self.view_menu.setObjectName("view_menu")
        self.panels_menu = QMenu(self.tr("&Bảng"), self.view_menu)
        self.panels_menu.menuAction().setVisible(False)
        self.view_menu.addMenu(self.panels_menu)
        theme_menu = QMenu(self.tr("&Giao diện"), self.view_menu)
        theme_group = QActionGroup(self)
        theme_group.setExclusive(True)
        self.theme_actions: dict[str, QAction] = {}
        for code, name in (
            (SYSTEM, self.tr("Theo &hệ thống")),
            (LIGHT, self.tr("&Sáng")),
            (DARK, self.tr("&Tối")),
        ):
            action = QAction(name, self)
            action.setCheckable(True)
            action.setData(code)
            theme_group.addAction(action)
            theme_menu.addAction(action)
            self.theme_actions[code] = action
        theme_group.triggered.connect(self._on_theme_triggered)
        self.view_menu.addMenu(theme_menu)
        self.sound_action = QAction(self.tr("Â&m báo phản ánh mới và vừa quá hạn"), self)
        self.sound_action.setObjectName("sound_action")
        self.sound_action.setCheckable(True)
        self.sound_action.setChecked(str(self._settings.value(SOUND_KEY) or "") == "on")
        self.sound_action.toggled.connect(
            lambda on: self._settings.setValue(SOUND_KEY, "on" if on else "off")
        )
        self.view_menu.addAction(self.sound_action)
        self.view_menu.addSeparator()
        # From one report to the next without leaving the details (or the keyboard).
        self.next_action = QAction(self.tr("Phản ánh &tiếp theo"), self)
        self.next_action.setObjectName("next_report_action")
        self.next_action.setShortcut(QKeySequence(NEXT_REPORT_SHORTCUT))
        self.next_action.triggered.connect(lambda: self.select_adjacent(1))
        self.previous_action = QAction(self.tr("Phản ánh &trước"), self)
        self.previous_action.setObjectName("previous_report_action")
        self.previous_action.setShortcut(QKeySequence(PREVIOUS_REPORT_SHORTCUT))
        self.previous_action.triggered.connect(lambda: self.select_adjacent(-1))
        for action in (self.next_action, self.previous_action):
            # In the queue and the details only: elsewhere Alt+Down opens a combo box's list.
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.setEnabled(False)
            self.view_menu.addAction(action)
        self.view_menu.addSeparator()
        self.reset_layout_action = QAction(self.tr("&Đặt lại bố cục"), self)
        self.reset_layout_action.triggered.connect(self.reset_layout)
        self.reset_layout_action.setEnabled(False)
        self.view_menu.addAction(self.reset_layout_action)

        language_menu = self.menuBar().addMenu(self.tr("&Ngôn ngữ"))
        group = QActionGroup(self)
        group.setExclusive(True)
        self.language_actions: dict[str, QAction] = {}
        # Each language is named in itself, so that anyone can find their own.
        for code, name in (("vi", "Tiếng Việt"), ("en", "English")):
            action = QAction(name, self)
            action.setCheckable(True)
            action.setChecked(code == self._lang)
            action.setData(code)
            group.addAction(action)
            language_menu.addAction(action)
            self.language_actions[code] = action
        group.triggered.connect(self._on_language_triggered)

        help_menu = self.menuBar().addMenu(self.tr("&Trợ giúp"))
        about = QAction(self.tr("&Giới thiệu IOC Console"), self)
        about.setMenuRole(QAction.MenuRole.AboutRole)
        about.triggered.connect(self._on_about_triggered)
        help_menu.addAction(about)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.overdue_button = QToolButton(bar)
        self.overdue_button.setObjectName("status_overdue")
        self.overdue_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.overdue_button.setAutoRaise(True)
        self.overdue_button.setToolTip(self.tr("Chỉ hiện các phản ánh quá hạn"))
        self.overdue_button.clicked.connect(lambda: self._show_deadline_state(DeadlineState.OVERDUE))
        self.due_soon_button = QToolButton(bar)
        self.due_soon_button.setObjectName("status_due_soon")
        self.due_soon_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.due_soon_button.setAutoRaise(True)
        self.due_soon_button.setToolTip(self.tr("Chỉ hiện các phản ánh sắp đến hạn"))
        self.due_soon_button.clicked.connect(lambda: self._show_deadline_state(DeadlineState.DUE_SOON))
        self.source_label = QLabel(bar)
        self.source_label.setTextFormat(Qt.TextFormat.PlainText)
        for widget in (self.overdue_button, self.due_soon_button, self.source_label):
            widget.setVisible(False)
            bar.addPermanentWidget(widget)

    def show_progress(self, text: str) -> None:
        """Loading state: what is being done while the data opens."""
        self.loading_label.setText(text)

    def show_error(self, title: str, text: str) -> None:
        """The data could not be opened: say why, in words; nothing was changed on disk."""
        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.addStretch(2)
        heading = QLabel(title, page)
        heading.setTextFormat(Qt.TextFormat.PlainText)
        heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        heading.setFont(font)
        body = QLabel(text, page)
        body.setObjectName("error_text")
        body.setTextFormat(Qt.TextFormat.PlainText)
        body.setAlignment(Qt.AlignmentFlag.AlignCenter)
        body.setWordWrap(True)
        body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        body.setMaximumWidth(760)
        layout.addWidget(heading)
        layout.addWidget(body, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(3)
        self._pages.addWidget(page)
        self._pages.setCurrentWidget(page)

    def show_page(self, page: QWidget, source_text: str) -> None:
        """The data is open in a workspace other than the operator's queue (an agency liaison's)."""
        self.source_label.setText(source_text)
        self.source_label.setVisible(True)
        self._pages.addWidget(page)
        self._pages.setCurrentWidget(page)

    def show_warning(self, title: str, text: str) -> None:
        """A problem found while the user works: a message box that does not block, and the status bar."""
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, self)
        box.setObjectName("warning_box")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.statusBar().showMessage(title)

    def show_workspace(
        self, source: QueueSource, names: Names, clock: DeadlineClock, look: DeadlineLook, source_text: str
    ) -> None:
        """The data is open: build the queue and the detail pane over it, and run the first query."""
        self._source = source
        workspace = QWidget(self)
        layout = QVBoxLayout(workspace)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.filter_bar = QueueFilterBar(names, workspace)
        # Beside the docks on a small screen the filters scroll sideways rather than squeeze.
        filters = QScrollArea(workspace)
        filters.setObjectName("filter_scroll")
        filters.setFrameShape(QFrame.Shape.NoFrame)
        filters.setWidgetResizable(True)
        filters.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        filters.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        filters.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        filters.setWidget(self.filter_bar)
        self._filter_scroll = filters
        layout.addWidget(filters)
        QTimer.singleShot(0, self, self._fit_filter_scroll)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, workspace)
        self.splitter.setObjectName("main_splitter")
        self.splitter.setChildrenCollapsible(False)
        layout.addWidget(self.splitter, 1)
        self._workspace_layout = layout

        self.queue_model = DraggableQueueModel(source, self._executor, look, self)
        queue_side = QWidget(self.splitter)
        queue_side.setObjectName("queue_side")
        queue_layout = QVBoxLayout(queue_side)
        queue_layout.setContentsMargins(0, 0, 0, 0)
        queue_layout.setSpacing(0)
        self.arrivals_bar = ArrivalsBar(self.queue_model, queue_side)
        queue_layout.addWidget(self.arrivals_bar)
        view = QTableView(queue_side)
        queue_layout.addWidget(view, 1)
        view.setObjectName("queue_view")
        self.queue_view = view
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setWordWrap(False)
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        view.setCornerButtonEnabled(False)
        view.setAlternatingRowColors(True)
        view.verticalHeader().setVisible(False)
        view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
        header = view.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionsMovable(True)
        header.setStretchLastSection(True)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        view.setModel(self.queue_model)
        self.queue_anchor = QueueAnchor(view, self.queue_model)
        self.arrivals_bar.shown.connect(self.queue_anchor.show_top_next)
        self._size_columns(view)
        header_state = self._settings.value(HEADER_KEY)
        # Column widths and order as the user left them, unless the columns have changed since.
        if (
            isinstance(header_state, QByteArray)
            and not header_state.isEmpty()
            and self._settings.value(HEADER_COLUMNS_KEY) == ",".join(COLUMNS)
        ):
            header.restoreState(header_state)
        view.setSortingEnabled(False)
        header.setSortIndicatorShown(True)
        header.sortIndicatorChanged.connect(self._on_queue_sort_indicator_changed)
        header.setSectionsClickable(True)

        side = QWidget(self.splitter)
        side.setObjectName("detail_side")
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.setSpacing(0)
        self.detail = ReportDetailPane(names, clock, look, side)
        self.detail.setObjectName("detail_pane")
        side_layout.addWidget(self.detail, 1)
        side.setMinimumWidth(280)
        self.detail_side = side
        self.splitter.addWidget(queue_side)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        splitter_state = self._settings.value(SPLITTER_KEY)
        if isinstance(splitter_state, QByteArray) and not splitter_state.isEmpty():
            self.splitter.restoreState(splitter_state)
        else:
            self.splitter.setSizes(list(SPLITTER_SHARES))
            # Shared out again when the window is maximised or resized, until the user moves it.
            self._follow_layout = True
            self.splitter.splitterMoved.connect(self._stop_following_layout)

        view.selectionModel().selectionChanged.connect(self._on_queue_selection_changed)
        self.queue_model.count_changed.connect(self.filter_bar.set_count)
        self.queue_model.loading_started.connect(self._on_queue_loading_started)
        self.queue_model.reset_done.connect(self._on_queue_reset_done)
        self.queue_model.query_failed.connect(self._on_queue_query_failed)
        self.filter_bar.filter_edited.connect(self._on_filter_edited)

        self.overdue_button.setIcon(look.icon(DeadlineState.OVERDUE))
        self.due_soon_button.setIcon(look.icon(DeadlineState.DUE_SOON))
        self.source_label.setText(source_text)
        for widget in (self.overdue_button, self.due_soon_button, self.source_label):
            widget.setVisible(True)

        self._pages.addWidget(workspace)
        self._pages.setCurrentWidget(workspace)
        self.refresh_action.setEnabled(True)
        self.find_action.setEnabled(True)
        for action in (self.next_action, self.previous_action):
            action.setEnabled(True)
            view.addAction(action)
            side.addAction(action)
        self.filter_bar.set_saved_views(self._saved_views())
        self.filter_bar.current_filter = lambda: (
            self.queue_model.filter if self.queue_model else NEEDS_ACTION_VIEW
        )
        self.filter_bar.view_chosen.connect(self._on_view_chosen)
        self.filter_bar.views_changed.connect(self._on_views_changed)
        # The console opens on what needs action, nearest deadline first.
        self._on_view_chosen(self.filter_bar.apply_to(NEEDS_ACTION_VIEW))
        self._refresh_counters()
        self._refresh_timer.start()

    def _saved_views(self) -> dict[str, QueueFilter]:
        try:
            kept = json.loads(str(self._settings.value(VIEWS_KEY) or "{}"))
        except ValueError:
            kept = {}
        views = {}
        for name, data in kept.items() if isinstance(kept, dict) else ():
            found = filter_from_data(data)
            if isinstance(name, str) and found is not None:
                views[name] = found
        return views

    @Slot(object)
    def _on_views_changed(self, views: dict[str, QueueFilter]) -> None:
        data = {name: filter_to_data(f) for name, f in views.items()}
        self._settings.setValue(VIEWS_KEY, json.dumps(data, ensure_ascii=False))

    @Slot(object)
    def _on_view_chosen(self, chosen: QueueFilter) -> None:
        if self.queue_model is None:
            return
        self.queue_model.set_filter(chosen)
        self._show_sort_indicator()

    def _show_sort_indicator(self) -> None:
        if self.queue_view is None or self.queue_model is None:
            return
        header = self.queue_view.horizontalHeader()
        current = self.queue_model.filter
        header.blockSignals(True)
        header.setSortIndicator(
            COLUMNS.index(current.sort),
            Qt.SortOrder.DescendingOrder if current.descending else Qt.SortOrder.AscendingOrder,
        )
        header.blockSignals(False)
        header.viewport().update()

    def _fit_filter_scroll(self) -> None:
        scroll, bar = self._filter_scroll, self.filter_bar
        if bar is None:
            return
        needs_bar = bar.minimumSizeHint().width() > scroll.viewport().width()
        extra = scroll.horizontalScrollBar().sizeHint().height() if needs_bar else 0
        scroll.setFixedHeight(bar.sizeHint().height() + extra)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if getattr(self, "_filter_scroll", None) is not None:
            self._fit_filter_scroll()
        if self._follow_layout and event.oldSize().width() != event.size().width():
            self._layout_timer.start()  # once the window's own layout has followed

    def _apply_default_layout(self) -> None:
        if not self._follow_layout or self.splitter is None:
            return
        self.default_layout_wanted.emit()
        self.splitter.setSizes(list(SPLITTER_SHARES))

    @Slot()
    def _stop_following_layout(self) -> None:
        self._follow_layout = False

    # -- places for the workspace's parts ----------------------------------------------------------

    def add_dock(
        self,
        name: str,
        title: str,
        widget: QWidget,
        area: Qt.DockWidgetArea = Qt.DockWidgetArea.RightDockWidgetArea,
    ) -> QDockWidget:
        """Dock ``widget`` (its place is remembered under ``name``) and list it in View › Panels."""
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.addDockWidget(area, dock)
        self.docks[name] = dock
        self.panels_menu.addAction(dock.toggleViewAction())
        self.panels_menu.menuAction().setVisible(True)
        self.reset_layout_action.setEnabled(True)
        return dock

    def add_report_action(self, action: QAction) -> None:
        """An action on reports: in the Reports menu, and its shortcut anywhere in the window."""
        self.report_menu.addAction(action)
        self.report_menu.menuAction().setVisible(True)
        self.addAction(action)

    def attach_triage(self, bar: QWidget, extras: QWidget) -> None:
        """The triage toolbar above the report's details, photos and duplicates among them."""
        if self.detail_side is None or self.detail is None:
            raise RuntimeError("attach_triage needs the workspace shown first")
        bar.setParent(self.detail_side)
        layout = self.detail_side.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(0, bar)
        self.detail.add_section(extras)

    def add_footer(self, widget: QWidget) -> None:
        """A line under the queue and the details (the undo bar)."""
        if self._workspace_layout is None:
            raise RuntimeError("add_footer needs the workspace shown first")
        self._workspace_layout.addWidget(widget)

    def restore_layout(self) -> None:
        """Put the docks back where the user left them (call once every dock is added)."""
        state = self._settings.value(STATE_KEY)
        if isinstance(state, QByteArray) and not state.isEmpty():
            self._layout_restored = self.restoreState(state, STATE_VERSION)
        if self._layout_restored:
            self._follow_layout = False
        self._default_state = self.saveState(STATE_VERSION) if not self._layout_restored else None

    @property
    def settings(self) -> QSettings:
        """The window's settings file (what the user set up on this machine)."""
        return self._settings

    @property
    def layout_restored(self) -> bool:
        """Whether :meth:`restore_layout` found a kept layout and applied it."""
        return self._layout_restored

    @Slot()
    def reset_layout(self) -> None:
        """Every dock shown, in its first place and size."""
        for dock in self.docks.values():
            dock.setFloating(False)
            dock.setVisible(True)
        first = getattr(self, "_default_state", None)
        if first is not None:
            self.restoreState(first, STATE_VERSION)
        self._follow_layout = self.splitter is not None
        self._apply_default_layout()

    def set_title_counts(self, overdue: int, due_soon: int) -> None:
        """The window title with the counts ahead of it (a taskbar shows a title's start)."""
        from ioc_console.gui.notifier import compose_title

        self.setWindowTitle(compose_title(overdue, due_soon, self.base_title))

    def show_arrivals(self) -> None:
        """Show the reports that arrived since the queue was read (one typed in here, say)."""
        if self.queue_model is not None:
            self.queue_model.show_arrivals()

    def show_number(self, number: str) -> None:
        """Select report ``number`` in the queue when it is among the loaded rows, and show it."""
        view, model = self.queue_view, self.queue_model
        if view is not None and model is not None:
            row = model.row_of(number)
            if row is not None:
                if model.data(model.index(row, 0), NumberRole) != self._current_number():
                    view.selectRow(row)
                view.scrollTo(model.index(row, 0))
                return
            view.selectionModel().clearSelection()
        self.select_report(number)

    def _current_number(self) -> str | None:
        view, model = self.queue_view, self.queue_model
        if view is None or model is None:
            return None
        rows = view.selectionModel().selectedRows()
        if len(rows) != 1:
            return None
        return model.data(rows[0], NumberRole)

    def _apply_saved_theme(self) -> None:
        chosen = str(self._settings.value(THEME_KEY) or SYSTEM)
        if chosen not in self.theme_actions:
            chosen = SYSTEM
        self.theme_actions[chosen].setChecked(True)
        if self.themes is not None and chosen != SYSTEM:
            self.themes.apply(chosen)

    def apply_theme(self, code: str) -> None:
        """Apply a theme and remember it for the next start."""
        if code not in self.theme_actions:
            return
        self.theme_actions[code].setChecked(True)
        self._settings.setValue(THEME_KEY, code)
        if self.themes is not None:
            self.themes.apply(code)
            dark = self.themes.is_dark()
        else:
            dark = False
        self.theme_applied.emit(code, dark)

    @Slot(QAction)
    def _on_theme_triggered(self, action: QAction) -> None:
        self.apply_theme(str(action.data()))

    def _size_columns(self, view: QTableView) -> None:
        metrics = view.fontMetrics()
        bold = view.font()
        bold.setBold(True)
        bold_metrics = QFontMetrics(bold)
        # Typical widest contents; longer ones are elided, with the whole text in the detail pane.
        samples = {
            "number": "PA-2026-000000",
            "received": "00/00/0000 00:00",
            "deadline": "00/00/0000 00:00 · Sắp đến hạn",
            "status": "Đã chuyển xử lý",
            "priority": "Bình thường",
            "summary": "Đèn đường hỏng trước nhà số 12 đường",
            "category": "Vệ sinh môi trường",
            "unit": "Phường Phước Mỹ – Phan Rang",
            "agency": "UBND huyện Ninh Phước",
            "channel": "Đường dây nóng 1022",
        }
        header = view.horizontalHeader()
        for column, key in enumerate(COLUMNS):
            # New untriaged reports are bold throughout (the number with a mark): room for that.
            if key in ("deadline", "number"):
                width = bold_metrics.horizontalAdvance(samples[key]) + ICON_SIZE + 24
            elif key == "summary":
                width = metrics.horizontalAdvance(samples[key]) + 16
            else:
                width = bold_metrics.horizontalAdvance(samples[key]) + 16
            title = str(self.queue_model.headerData(column, Qt.Orientation.Horizontal))
            header.resizeSection(column, max(width, metrics.horizontalAdvance(title) + 30))

    # -- state ---------------------------------------------------------------------------------------

    @Slot()
    def refresh(self) -> None:
        if self.queue_model is None:
            return
        self.queue_model.refresh()
        self._refresh_counters()
        if self._wanted_report is not None:
            self.select_report(self._wanted_report)  # its details may have changed too

    def _refresh_counters(self) -> None:
        source = self._source
        if source is None or self._executor.closed:
            return
        Op(source.counters, self).on_success(self._on_counters).on_failure(
            lambda error: log.error("counting deadlines failed", exc_info=error)
        ).run(self._executor)

    def _on_counters(self, counts: tuple[int, int]) -> None:
        overdue, due_soon = counts
        self.overdue_button.setText(self.tr("Quá hạn: %s") % QLocale().toString(overdue))
        self.due_soon_button.setText(self.tr("Sắp đến hạn: %s") % QLocale().toString(due_soon))

    def _show_deadline_state(self, state: DeadlineState) -> None:
        if self.filter_bar is None:
            return
        if self.queue_model is not None and self.queue_model.filter.needs_action:
            self.filter_bar.choose_view("all")  # the counts are of every report
        combo = self.filter_bar.deadline
        index = combo.findData(state)
        if index >= 0:
            combo.setCurrentIndex(index)

    @property
    def wanted_report(self) -> str | None:
        """The report the detail pane shows or is about to show."""
        return self._wanted_report

    def select_report(self, number: str) -> None:
        """Show report ``number`` in the detail pane (as if selected in the queue)."""
        if self._source is None or self.detail is None:
            return
        self._wanted_report = number
        source = self._source
        Op(lambda: source.report(number), self).on_success(self._on_report_loaded).on_failure(
            lambda error: self._on_report_failed(number, error)
        ).run(self._executor)

    def _on_report_loaded(self, report: Report | None) -> None:
        if self.detail is None or report is None or report.number != self._wanted_report:
            return
        self.detail.show_report(report)
        self.report_shown.emit(report.number)
        self.report_displayed.emit(report)

    def _on_report_failed(self, number: str, error: BaseException) -> None:
        log.error("loading report %s failed", number, exc_info=error)
        self.statusBar().showMessage(self.tr("Không đọc được phản ánh %s.") % number, 10_000)

    # -- slots ---------------------------------------------------------------------------------------

    @Slot()
    def _on_filter_edited(self) -> None:
        if self.queue_model is not None and self.filter_bar is not None:
            self.queue_model.set_filter(self.filter_bar.apply_to(self.queue_model.filter))

    @Slot(int, Qt.SortOrder)
    def _on_queue_sort_indicator_changed(self, column: int, order: Qt.SortOrder) -> None:
        if self.queue_model is not None:
            self.queue_model.sort(column, order)
            self._show_sort_indicator()  # (a column without an order keeps the last one)

    @Slot()
    def _on_queue_loading_started(self) -> None:
        if self.filter_bar is not None:
            self.filter_bar.set_count(None)

    @Slot()
    def _on_queue_reset_done(self) -> None:
        # Keep the selected report selected when it is still among the rows.
        if self._wanted_report is not None and self.queue_model is not None and self.queue_view is not None:
            row = self.queue_model.row_of(self._wanted_report)
            if row is not None:
                self.queue_view.selectionModel().blockSignals(True)
                self.queue_view.selectRow(row)
                self.queue_view.selectionModel().blockSignals(False)
        self.queue_ready.emit()

    @Slot(str)
    def _on_queue_query_failed(self, text: str) -> None:
        self.statusBar().showMessage(text, 15_000)

    @Slot(QItemSelection, QItemSelection)
    def _on_queue_selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if not indexes or self.queue_model is None:
            return
        index: QModelIndex = indexes[0]
        number: Any = self.queue_model.data(index.siblingAtColumn(0), NumberRole)
        if not number:
            return
        self.report_selected.emit(number)
        self.select_report(number)

    def select_adjacent(self, step: int) -> None:
        """Select the report ``step`` rows below (or above) the current one in the queue, and show it."""
        view, model = self.queue_view, self.queue_model
        if view is None or model is None or model.rowCount() == 0:
            return
        current = view.currentIndex()
        row = current.row() + step if current.isValid() else (0 if step > 0 else model.rowCount() - 1)
        row = max(0, min(model.rowCount() - 1, row))
        index = model.index(row, max(current.column(), 0))
        view.setCurrentIndex(index)
        view.selectRow(row)
        view.scrollTo(index)

    @Slot()
    def _on_find_triggered(self) -> None:
        if self.filter_bar is not None:
            self.filter_bar.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.filter_bar.search.selectAll()

    @Slot(QAction)
    def _on_language_triggered(self, action: QAction) -> None:
        code = str(action.data())
        self._settings.setValue(LANGUAGE_KEY, code)
        self.language_chosen.emit(code)
        if code != self._lang:
            box = QMessageBox(
                QMessageBox.Icon.Information,
                self.tr("Ngôn ngữ"),
                self.tr("Ngôn ngữ mới được áp dụng khi mở lại IOC Console.")
                + "\n"
                + ("The new language applies when IOC Console is opened again." if code == "en" else ""),
                QMessageBox.StandardButton.Ok,
                self,
            )
            box.setTextFormat(Qt.TextFormat.PlainText)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()

    @Slot()
    def _on_about_triggered(self) -> None:
        QMessageBox.about(
            self,
            self.tr("Giới thiệu IOC Console"),
            self.tr(
                "IOC Console — bàn làm việc của Trung tâm Giám sát, điều hành đô thị thông minh "
                "cho dịch vụ Phản ánh hiện trường: tiếp nhận, phân loại, chuyển xử lý và theo dõi "
                "hạn trả lời phản ánh của người dân."
            ),
        )

    def save_geometry(self) -> None:
        self._settings.setValue(GEOMETRY_KEY, self.saveGeometry())
        if self.docks:
            self._settings.setValue(STATE_KEY, self.saveState(STATE_VERSION))
        if self.splitter is not None:
            self._settings.setValue(SPLITTER_KEY, self.splitter.saveState())
        if self.queue_view is not None:
            self._settings.setValue(HEADER_KEY, self.queue_view.horizontalHeader().saveState())
            self._settings.setValue(HEADER_COLUMNS_KEY, ",".join(COLUMNS))
        self._settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.close_guard is not None and not self.close_guard():
            event.ignore()  # the guard keeps the window open (it may close it later)
            return
        self._refresh_timer.stop()
        self.save_geometry()
        super().closeEvent(event)
        self.closing.emit()

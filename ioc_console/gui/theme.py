"""Light and dark palettes: the user's choice from the View menu, or the system's (the default).

A forced choice runs the Fusion style with the console's own palette, so that it looks the same on
every desktop; "follow the system" gives the platform's style and palette back untouched. The
deadline colours (:class:`ThemedLook`) have a dark variant, so that a flagged row stays readable
on a dark palette (a pale pink row under light text is not).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from ioc_console.domain.deadlines import DeadlineState

from ioc_console.gui.look import DeadlineLook

SYSTEM = "system"
LIGHT = "light"
DARK = "dark"
THEMES = (SYSTEM, LIGHT, DARK)
#: The user's choice in QSettings.
THEME_KEY = "ui/theme"

_G = QPalette.ColorGroup
_R = QPalette.ColorRole


def _palette(colours: dict[QPalette.ColorRole, str], disabled: dict[QPalette.ColorRole, str]) -> QPalette:
    palette = QPalette()
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    for role, colour in disabled.items():
        palette.setColor(_G.Disabled, role, QColor(colour))
    return palette


def light_palette() -> QPalette:
    return _palette(
        {
            _R.Window: "#f3f3f3",
            _R.WindowText: "#1b1b1b",
            _R.Base: "#ffffff",
            _R.AlternateBase: "#f5f7fa",
            _R.ToolTipBase: "#fff8dc",
            _R.ToolTipText: "#1b1b1b",
            _R.PlaceholderText: "#6e6e6e",
            _R.Text: "#1b1b1b",
            _R.Button: "#ececec",
            _R.ButtonText: "#1b1b1b",
            _R.BrightText: "#ffffff",
            _R.Light: "#ffffff",
            _R.Midlight: "#e3e3e3",
            _R.Mid: "#b8b8b8",
            _R.Dark: "#8f8f8f",
            _R.Shadow: "#5a5a5a",
            _R.Highlight: "#1565c0",
            _R.HighlightedText: "#ffffff",
            _R.Link: "#0b57d0",
            _R.LinkVisited: "#6a3fb5",
        },
        {_R.WindowText: "#8a8a8a", _R.Text: "#8a8a8a", _R.ButtonText: "#8a8a8a"},
    )


def dark_palette() -> QPalette:
    return _palette(
        {
            _R.Window: "#26282b",
            _R.WindowText: "#e6e6e6",
            _R.Base: "#1c1e20",
            _R.AlternateBase: "#24272a",
            _R.ToolTipBase: "#3a3520",
            _R.ToolTipText: "#f0f0f0",
            _R.PlaceholderText: "#9a9a9a",
            _R.Text: "#e6e6e6",
            _R.Button: "#313437",
            _R.ButtonText: "#e6e6e6",
            _R.BrightText: "#ffffff",
            _R.Light: "#45484c",
            _R.Midlight: "#3a3d41",
            _R.Mid: "#2b2e31",
            _R.Dark: "#141516",
            _R.Shadow: "#000000",
            _R.Highlight: "#3d7fd9",
            _R.HighlightedText: "#ffffff",
            _R.Link: "#8ab4f8",
            _R.LinkVisited: "#c58af9",
        },
        {_R.WindowText: "#7d7d7d", _R.Text: "#7d7d7d", _R.ButtonText: "#7d7d7d"},
    )


def palette_is_dark(palette: QPalette) -> bool:
    return palette.color(_R.Window).lightness() < 128


#: The platform's own style and palette, as found before any window changed them (per application).
_PLATFORM_LOOK: dict[int, tuple[str, QPalette]] = {}


def _platform_look(app: QApplication) -> tuple[str, QPalette]:
    found = _PLATFORM_LOOK.get(id(app))
    if found is None:
        style = app.style().name() if app.style() is not None else ""
        found = _PLATFORM_LOOK[id(app)] = (style, QPalette(app.palette()))
    return found


class ThemeManager(QObject):
    """Applies a theme to the application, and remembers the platform's look to give it back.

    Signals:
        theme_applied(str, bool): the theme now applied, and whether its palette is dark.
    """

    theme_applied = Signal(str, bool)

    def __init__(self, app: QApplication, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._app = app
        self._style, self._palette = _platform_look(app)
        self.theme = SYSTEM
        hints = QGuiApplication.styleHints()
        if hasattr(hints, "colorSchemeChanged"):
            hints.colorSchemeChanged.connect(self._on_system_scheme_changed)

    def is_dark(self) -> bool:
        return palette_is_dark(self._app.palette())

    def apply(self, theme: str) -> None:
        if theme not in THEMES:
            theme = SYSTEM
        previous, self.theme = self.theme, theme
        app = self._app
        hints = QGuiApplication.styleHints()
        if theme == SYSTEM:
            if previous == SYSTEM and app.style().name() == self._style:
                self.theme_applied.emit(theme, self.is_dark())
                return  # nothing was changed: leave the platform's look as it is
            if hasattr(hints, "unsetColorScheme"):
                hints.unsetColorScheme()
            if self._style:
                app.setStyle(self._style)
            app.setPalette(self._palette)
        else:
            if hasattr(hints, "setColorScheme"):
                hints.setColorScheme(Qt.ColorScheme.Dark if theme == DARK else Qt.ColorScheme.Light)
            app.setStyle("Fusion")
            app.setPalette(dark_palette() if theme == DARK else light_palette())
        self.theme_applied.emit(theme, self.is_dark())

    def _on_system_scheme_changed(self, _scheme: object) -> None:
        if self.theme == SYSTEM:
            self.theme_applied.emit(SYSTEM, self.is_dark())


_DARK_BACKGROUND = {
    DeadlineState.OVERDUE: QColor("#5a2220"),
    DeadlineState.DUE_SOON: QColor("#4d3b0c"),
}
_DARK_FOREGROUND = {
    DeadlineState.OVERDUE: QColor("#ff9e94"),
    DeadlineState.DUE_SOON: QColor("#ffd27a"),
}
_DARK_MUTED = QColor("#a5a5a5")


class ThemedLook(DeadlineLook):
    """The deadline look, with deep tints and light words while the palette is dark."""

    def __init__(self, dark: bool = False) -> None:
        super().__init__()
        self.dark = dark
        self._dark_backgrounds = {state: QBrush(colour) for state, colour in _DARK_BACKGROUND.items()}
        self._dark_foregrounds = {state: QBrush(colour) for state, colour in _DARK_FOREGROUND.items()}
        self._dark_muted = QBrush(_DARK_MUTED)

    def background(self, state: DeadlineState | None) -> QBrush | None:
        if not self.dark:
            return super().background(state)
        return self._dark_backgrounds.get(state) if state is not None else None

    def foreground(self, state: DeadlineState | None) -> QBrush | None:
        if not self.dark:
            return super().foreground(state)
        if state is None or state is DeadlineState.NONE:
            return self._dark_muted
        return self._dark_foregrounds.get(state)


__all__ = [
    "DARK",
    "LIGHT",
    "SYSTEM",
    "THEMES",
    "THEME_KEY",
    "ThemeManager",
    "ThemedLook",
    "dark_palette",
    "light_palette",
    "palette_is_dark",
]

"""The map's QWebEnginePage and the profile's request guard.

The page stays on its one file: every other navigation is refused (a link in the attribution opens
in the system's browser instead), no window can be opened, and JavaScript console messages become
log records — errors at error level (and kept, so tests can assert there were none), the rest at
debug level — instead of Qt warnings.

:class:`MapRequestGuard` lets the page load local files, Qt's resources and the configured tile
servers, and blocks anything else.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWebEngineCore import (
    QWebEnginePage,
    QWebEngineProfile,
    QWebEngineSettings,
    QWebEngineUrlRequestInfo,
    QWebEngineUrlRequestInterceptor,
)

log = logging.getLogger(__name__)

#: Schemes the page may always load from.
LOCAL_SCHEMES = frozenset({"file", "qrc", "data", "blob"})


class MapWebPage(QWebEnginePage):
    def __init__(
        self, profile: QWebEngineProfile, parent: QObject | None = None, *, remote_tiles: bool = False
    ) -> None:
        super().__init__(profile, parent)
        self._home: QUrl | None = None
        self.console_errors: list[str] = []
        settings = self.settings()
        for attribute, on in (
            (QWebEngineSettings.WebAttribute.JavascriptCanOpenWindows, False),
            (QWebEngineSettings.WebAttribute.JavascriptCanAccessClipboard, False),
            # A file:// page loads no remote image without it; the CSP and the request guard
            # still keep it to the tile servers.
            (QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls, remote_tiles),
            (QWebEngineSettings.WebAttribute.LocalContentCanAccessFileUrls, True),
            (QWebEngineSettings.WebAttribute.PluginsEnabled, False),
            (QWebEngineSettings.WebAttribute.PdfViewerEnabled, False),
            (QWebEngineSettings.WebAttribute.ErrorPageEnabled, False),
            (QWebEngineSettings.WebAttribute.FocusOnNavigationEnabled, False),
        ):
            settings.setAttribute(attribute, on)

    def set_home(self, url: QUrl) -> None:
        self._home = url

    def javaScriptConsoleMessage(
        self, level: QWebEnginePage.JavaScriptConsoleMessageLevel, message: str, line: int, source: str
    ) -> None:
        if level == QWebEnginePage.JavaScriptConsoleMessageLevel.ErrorMessageLevel:
            self.console_errors.append(f"{source}:{line}: {message}")
            log.error("map page: %s (%s:%d)", message, source, line)
        else:
            log.debug("map page: %s (%s:%d)", message, source, line)

    def acceptNavigationRequest(
        self, url: QUrl | str, navigation_type: QWebEnginePage.NavigationType, is_main_frame: bool
    ) -> bool:
        url = QUrl(url)
        if is_main_frame and self._home is not None and _same_document(url, self._home):
            return True
        if navigation_type == QWebEnginePage.NavigationType.NavigationTypeLinkClicked and url.scheme() in (
            "http",
            "https",
        ):
            QDesktopServices.openUrl(url)
        else:
            log.debug("map page: navigation to %s refused", url.toDisplayString())
        return False

    def createWindow(self, window_type: QWebEnginePage.WebWindowType) -> QWebEnginePage | None:
        return None


def _same_document(a: QUrl, b: QUrl) -> bool:
    return (a.scheme(), a.host(), a.path(), a.query()) == (b.scheme(), b.host(), b.path(), b.query())


class MapRequestGuard(QWebEngineUrlRequestInterceptor):
    """Allows local resources and the tile origins; blocks (and counts) everything else."""

    def __init__(self, origins: Iterable[str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._schemes = set(LOCAL_SCHEMES)
        self._origins: set[str] = set()
        for origin in origins:
            if origin.endswith(":"):
                self._schemes.add(origin[:-1])
            else:
                self._origins.add(origin.rstrip("/").lower())
        self.blocked = 0

    def allows(self, url: QUrl) -> bool:
        scheme = url.scheme().lower()
        if scheme in self._schemes:
            return True
        origin = f"{scheme}://{url.host().lower()}"
        if url.port() != -1:
            origin += f":{url.port()}"
        return origin in self._origins

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:
        url = info.requestUrl()
        if not self.allows(url):
            self.blocked += 1
            log.info("map page: request to %s blocked", url.toDisplayString())
            info.block(True)

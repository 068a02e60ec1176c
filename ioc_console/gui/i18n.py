"""The interface language: which one to use and loading its Qt Linguist catalog.

The source strings in the code are Vietnamese, so the console reads correctly in Vietnamese even
when no ``.qm`` file is found; English comes from ``resources/translations/ioc_console_en.qm``.
Domain labels (statuses, channels, deadline states...) are not Qt strings: they come from the
domain's own catalog through ``.label(lang)``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, QObject, QTranslator

from ioc_console.resources import resource_path

log = logging.getLogger(__name__)

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
ENV_VAR = "IOC_CONSOLE_LANG"
#: Lengthen every translated string by this factor (e.g. 1.4) to check that layouts still fit.
SCALE_ENV_VAR = "IOC_CONSOLE_TRANS_SCALE"
CATALOG = "ioc_console"


def translations_dir() -> Path:
    return resource_path("translations")


def resolve_language(cli: str | None, env: Mapping[str, str], saved: object) -> str:
    """The language to start in: the command line, then the environment, then the saved choice."""
    for candidate in (cli, env.get(ENV_VAR), saved):
        if isinstance(candidate, str) and candidate.strip().lower() in LANGUAGES:
            return candidate.strip().lower()
        if candidate:
            log.warning("ignoring unknown language %r (known: %s)", candidate, ", ".join(LANGUAGES))
    return DEFAULT_LANGUAGE


def install_translators(
    app: QCoreApplication, lang: str, directory: Path | None = None
) -> tuple[str, list[QTranslator]]:
    """Install the catalogs for ``lang`` on ``app``.

    Returns the language actually in use and the installed translators (the caller keeps them
    alive). Vietnamese needs no catalog; when another language's catalog is missing, the console
    falls back to Vietnamese as a whole rather than mixing languages.
    """
    directory = directory or translations_dir()
    installed: list[QTranslator] = []
    if lang != DEFAULT_LANGUAGE:
        path = directory / f"{CATALOG}_{lang}.qm"
        translator = QTranslator(app)
        if path.exists() and translator.load(str(path)):
            app.installTranslator(translator)
            installed.append(translator)
        else:
            log.warning("no usable translation catalog at %s; the interface stays in Vietnamese", path)
            lang = DEFAULT_LANGUAGE
    # Qt's own strings (standard buttons, context menus), when a catalog for them is shipped.
    extra = directory / f"qt_extra_{lang}.qm"
    if extra.exists():
        translator = QTranslator(app)
        if translator.load(str(extra)):
            app.installTranslator(translator)
            installed.append(translator)
    QLocale.setDefault(QLocale(QLocale.Language.Vietnamese if lang == "vi" else QLocale.Language.English))
    return lang, installed


class StretchingTranslator(QTranslator):
    """A pseudo-locale: each string comes back longer by ``scale`` (padding after its last character).

    Installed last, it is asked first; it stretches what the real catalogs (``catalogs``) give, and
    leaves placeholders alone.
    """

    def __init__(self, scale: float, catalogs: list[QTranslator], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._scale = scale
        self._catalogs = list(catalogs)

    def translate(self, context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str:
        if not source:
            return source
        text = source
        for catalog in self._catalogs:
            found = catalog.translate(context, source, disambiguation, n)
            if found:
                text = found
                break
        extra = max(0, round(len(text) * (self._scale - 1.0)))
        return text + "·" * extra

    def isEmpty(self) -> bool:
        return False


def install_stretching(
    app: QCoreApplication, env: Mapping[str, str], catalogs: list[QTranslator]
) -> QTranslator | None:
    """Install the pseudo-locale over ``catalogs`` when ``IOC_CONSOLE_TRANS_SCALE`` asks for it."""
    raw = env.get(SCALE_ENV_VAR)
    if not raw:
        return None
    try:
        scale = float(raw)
    except ValueError:
        log.warning("ignoring %s=%r: not a number", SCALE_ENV_VAR, raw)
        return None
    if not 1.0 < scale <= 3.0:
        return None
    translator = StretchingTranslator(scale, catalogs, app)
    app.installTranslator(translator)
    return translator

"""Choosing where to save or what to open: the file dialogs start in the user's Documents folder.

Qt's own dialog speaks Vietnamese through the console's catalog of Qt's strings
(``resources/translations/qt_extra_vi.ts``), since Qt ships none.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget


def documents_dir() -> Path:
    """The user's Documents folder (their home folder if there is none)."""
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if found and Path(found).is_dir():
        return Path(found)
    return Path.home()


def ask_save_path(parent: QWidget, caption: str, name: str, filters: str) -> Path | None:
    """Ask where to save a file, offering ``name`` in the Documents folder; None if cancelled."""
    chosen, _ = QFileDialog.getSaveFileName(parent, caption, str(documents_dir() / name), filters)
    return Path(chosen) if chosen else None


def ask_open_paths(parent: QWidget, caption: str, filters: str) -> list[Path]:
    """Ask for files to open, starting in the Documents folder."""
    chosen, _ = QFileDialog.getOpenFileNames(parent, caption, str(documents_dir()), filters)
    return [Path(p) for p in chosen]


__all__ = ["ask_open_paths", "ask_save_path", "documents_dir"]

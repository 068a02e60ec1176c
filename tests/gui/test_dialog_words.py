"""Dialogs speak the user's language: Qt's own file dialog in Vietnamese (from the console's catalog of
Qt's strings, since Qt ships none), the save dialogs open in the Documents folder, and "Hủy" is spelled
one way everywhere."""

from __future__ import annotations

import os
import re
from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QToolButton,
)

from ioc_console.gui.files import ask_save_path, documents_dir
from ioc_console.gui.i18n import install_translators

ROOT = Path(__file__).resolve().parents[2]
#: Words of Qt's English file dialog that must not show in Vietnamese mode.
ENGLISH = re.compile(
    r"\b(Look in|File name|Files of type|Save|Open|Cancel|Back|Forward|Parent Directory|Create New Folder|"
    r"List View|Detail View|Name|Size|Type|Date Modified|Computer|Folder|All Files)\b"
)


def _texts(dialog: QFileDialog) -> list[str]:
    words = [label.text() for label in dialog.findChildren(QLabel)]
    words += [button.text() for button in dialog.findChildren(QAbstractButton)]
    words += [button.toolTip() for button in dialog.findChildren(QToolButton)]
    for header in dialog.findChildren(QHeaderView):
        model = header.model()
        if model is not None:
            words += [str(model.headerData(i, header.orientation())) for i in range(header.count())]
    for combo in dialog.findChildren(QComboBox):
        words += [combo.itemText(i) for i in range(combo.count())]
    return [w.replace("&", "") for w in words if w]


def test_qts_file_dialog_speaks_vietnamese(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = QApplication.instance()
    lang, translators = install_translators(app, "vi")
    try:
        (tmp_path / "thư mục").mkdir()
        (tmp_path / "bao-cao.xlsx").write_bytes(b"x")
        dialog = QFileDialog(None, "Xuất số liệu", str(tmp_path), "Bảng tính Excel (*.xlsx);;CSV (*.csv)")
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setViewMode(QFileDialog.ViewMode.Detail)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(lambda: dialog.isVisible())
        qtbot.wait(300)
        words = _texts(dialog)
        for expected in (
            "Tìm trong:",
            "Tên tệp:",
            "Loại tệp:",
            "Lưu",
            "Hủy",
            "Tên",
            "Kích thước",
            "Ngày sửa đổi",
        ):
            assert expected in words, (expected, words)
        english = sorted({m.group(0) for w in words for m in ENGLISH.finditer(w)})
        assert not english, english
        shots = os.environ.get("IOC_CONSOLE_SHOTS")
        if shots:
            Path(shots).mkdir(parents=True, exist_ok=True)
            dialog.resize(900, 520)
            qtbot.wait(200)
            dialog.grab().save(str(Path(shots) / "file-dialog-vi.png"))
        dialog.close()
    finally:
        for translator in translators:
            app.removeTranslator(translator)
    assert lang == "vi"


def test_save_dialogs_open_in_the_documents_folder(qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    asked: list[str] = []
    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        staticmethod(lambda _p, _c, where, _f: (asked.append(where), ("", ""))[1]),
    )
    assert ask_save_path(None, "Lưu", "thong-ke.xlsx", "Excel (*.xlsx)") is None  # cancelled
    assert asked == [str(documents_dir() / "thong-ke.xlsx")]
    assert documents_dir().is_dir()
    # No dialog of ours starts in the program's folder any more.
    for path in (ROOT / "ioc_console" / "gui").rglob("*.py"):
        if path.name != "files.py":
            assert "QFileDialog.getSaveFileName(" not in path.read_text(encoding="utf-8"), path


def test_cancel_is_spelled_one_way_everywhere() -> None:
    other = "Hu\u1ef7"  # "Huỷ": the tone mark on the y
    found = []
    for folder in ("ioc_console", "ui", "resources/translations"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in (".py", ".ui", ".ts") and other in path.read_text(encoding="utf-8").replace(
                other.lower(), other
            ):
                found.append(str(path.relative_to(ROOT)))
    assert not found, found

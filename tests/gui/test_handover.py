"""The shift handover: the shift's reports, actions and late reports in the preview, the PDF and the
spreadsheet."""

from __future__ import annotations

import os
import shutil
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl

from ioc_console.store import LocalStore
from ioc_console.store import statistics as st

from ioc_console.gui.handover import HandoverDialog
from ioc_console.gui.present import DeadlineClock, Names

NOW = datetime(2026, 11, 27, 17, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
TIMEOUT = 15_000


def test_the_handover_holds_the_shifts_reports_in_preview_pdf_and_spreadsheet(
    qtbot, store: LocalStore, jurisdiction, executor, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    dialog = HandoverDialog(
        store, Names(jurisdiction, "vi"), DeadlineClock(jurisdiction, lambda: NOW), executor
    )
    qtbot.addWidget(dialog)
    dialog.show()
    start = NOW - timedelta(days=4)
    dialog.start_edit.setDateTime(dialog._qt(start))
    assert not dialog.pdf_button.isEnabled()  # nothing to save before the report is made
    with qtbot.waitSignal(dialog.report_ready, timeout=TIMEOUT):
        dialog.read_button.click()

    expected = st.handover(store, st.Period(start, NOW), NOW)
    assert expected.came_in and expected.late, "the demo history has a busy shift and late reports"
    text = dialog.document.toPlainText()
    assert "BÁO CÁO GIAO CA" in text
    for item in expected.came_in + expected.late:
        assert item.number in text
    assert f"Tiếp nhận trong ca: {len(expected.came_in)}" in text
    assert f"Thao tác trong ca: {len(expected.actions)}" in text
    # people by their names, as the hub names them
    assert any(a.actor_name and a.actor_name in text for a in expected.actions)

    # The file offered is named after the shift, in the user's Documents folder.
    from PySide6.QtWidgets import QFileDialog

    from ioc_console.gui.files import documents_dir

    offered: list[str] = []
    original = QFileDialog.getSaveFileName
    QFileDialog.getSaveFileName = staticmethod(  # type: ignore[method-assign]
        lambda _parent, _caption, where, _filters: (offered.append(where), ("", ""))[1]
    )
    try:
        dialog.pdf_button.click()
        dialog.sheet_button.click()
    finally:
        QFileDialog.getSaveFileName = original  # type: ignore[method-assign]
    assert offered == [
        str(documents_dir() / "giao-ca-2026-11-23-1730-2026-11-27-1730.pdf"),
        str(documents_dir() / "giao-ca-2026-11-23-1730-2026-11-27-1730.xlsx"),
    ]

    with qtbot.waitSignal(dialog.saved, timeout=TIMEOUT) as saved:
        dialog.save_pdf(tmp_path / "giao-ca.pdf")
    pdf = Path(saved.args[0])
    assert pdf.read_bytes().startswith(b"%PDF")
    assert not (tmp_path / "giao-ca.pdf.partial").exists()
    printed = pdf_text(pdf)
    assert "BÁO CÁO GIAO CA" in printed
    for item in expected.came_in + expected.late:
        assert item.number in printed  # the shift's reports are in the printed report
    assert "Tỉnh Ninh Thuận" in printed and "Lập lúc 27/11/2026 17:30" in printed

    with qtbot.waitSignal(dialog.saved, timeout=TIMEOUT) as saved:
        dialog.save_sheet(tmp_path / "giao-ca.xlsx")
    sheet = Path(saved.args[0])
    cells = {
        str(value)
        for ws in openpyxl.load_workbook(sheet).worksheets
        for row in ws.iter_rows(values_only=True)
        for value in row
        if value is not None
    }
    assert {item.number for item in expected.came_in} <= cells

    dialog.resize(1366, 768)
    shots = os.environ.get("IOC_CONSOLE_SHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        path = tmp_path / "handover.png"
        dialog.grab().save(str(path))
        shutil.copyfile(path, Path(shots) / "handover-vi-1366x768.png")


def pdf_text(path: Path) -> str:
    """Every page's text, as a reader of the file gets it (QtPdf)."""
    from PySide6.QtPdf import QPdfDocument

    document = QPdfDocument()
    assert document.load(str(path)) == QPdfDocument.Error.None_
    text = "\n".join(document.getAllText(page).text() for page in range(document.pageCount()))
    document.close()
    return text


def test_citizen_text_is_printed_as_text_never_as_markup(
    qtbot, store, jurisdiction, executor, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    dialog = HandoverDialog(
        store, Names(jurisdiction, "vi"), DeadlineClock(jurisdiction, lambda: NOW), executor
    )
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.report_ready, timeout=TIMEOUT):
        dialog.read()
    handover = dialog.handover
    assert handover is not None and handover.late
    item = handover.late[0]
    tricky = replace(item, category_name="<b>Rác</b> & <img src=x onerror=alert(1)>")
    html = dialog.render_html(replace(handover, late=[tricky, *handover.late[1:]]))
    assert "<img" not in html and "<b>Rác" not in html
    dialog.document.setHtml(html)
    assert "<b>Rác</b> & <img src=x onerror=alert(1)>" in dialog.document.toPlainText()


def test_an_unwritable_folder_is_told_in_words(qtbot, store, jurisdiction, executor, tmp_path) -> None:  # type: ignore[no-untyped-def]
    dialog = HandoverDialog(
        store, Names(jurisdiction, "vi"), DeadlineClock(jurisdiction, lambda: NOW), executor
    )
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.report_ready, timeout=TIMEOUT):
        dialog.read()
    from PySide6.QtWidgets import QMessageBox

    shown: list[str] = []
    original = QMessageBox.warning
    QMessageBox.warning = staticmethod(lambda _parent, _title, text: shown.append(text))  # type: ignore[method-assign]
    try:
        with qtbot.waitSignal(dialog.save_failed, timeout=TIMEOUT) as failed:
            dialog.save_pdf(tmp_path / "khong-co-thu-muc" / "giao-ca.pdf")
    finally:
        QMessageBox.warning = original  # type: ignore[method-assign]
    assert failed.args[0].startswith("Không ghi được tệp ") and shown == [failed.args[0]]
    assert not list(tmp_path.rglob("*.partial"))


def test_a_shift_that_ends_before_it_starts_is_refused_in_words(qtbot, store, jurisdiction, executor) -> None:  # type: ignore[no-untyped-def]
    dialog = HandoverDialog(
        store, Names(jurisdiction, "vi"), DeadlineClock(jurisdiction, lambda: NOW), executor
    )
    qtbot.addWidget(dialog)
    dialog.end_edit.setDateTime(dialog._qt(NOW - timedelta(days=2)))
    dialog.start_edit.setDateTime(dialog._qt(NOW - timedelta(days=1)))
    dialog.read()
    assert dialog.message.text() == "Thời điểm kết thúc ca phải sau thời điểm bắt đầu."
    assert dialog.handover is None

"""Errors of the exports, in words a user can act on (Vietnamese first, English second)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

_MESSAGES: Mapping[str, tuple[str, str]] = {
    "export.unwritable": (
        "Không ghi được tệp {path} ({detail}). Hãy chọn một thư mục khác có quyền ghi và còn chỗ trống; "
        "không có tệp nào bị ghi dở.",
        "Could not write the file {path} ({detail}). Choose another folder you may write to, with free "
        "space; no half-written file was left behind.",
    ),
    "export.format": (
        "Không hỗ trợ xuất ra định dạng «{detail}»; hãy chọn .xlsx hoặc .csv.",
        "Cannot export to the format “{detail}”; choose .xlsx or .csv.",
    ),
    "export.format_report": (
        "Không hỗ trợ xuất báo cáo ra định dạng «{detail}»; hãy chọn .pdf hoặc .xlsx.",
        "Cannot write the report in the format “{detail}”; choose .pdf or .xlsx.",
    ),
}


class ExportError(Exception):
    """An export could not be written; ``message(lang)`` says why and what to do."""

    def __init__(self, path: Path | str, detail: str = "", *, code: str = "export.unwritable") -> None:
        self.path = Path(path)
        self.detail = detail
        self.code = code
        super().__init__(self.message("en"))

    def message(self, lang: str = "vi") -> str:
        vi, en = _MESSAGES[self.code]
        return (en if lang == "en" else vi).format(path=self.path, detail=self.detail)

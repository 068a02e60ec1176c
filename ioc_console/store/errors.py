"""Errors of the local store, told apart by what the user can do about them.

The store never overwrites, resets or deletes the user's file to get past one of these: a locked file
is waited for and then reported, a file from a newer version is left for that version, a damaged file
is left where it is for the user (or support) to move away. Each error has a Vietnamese-first text
for people (:meth:`StoreError.message`) and a stable ``code``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

_MESSAGES: Mapping[str, tuple[str, str]] = {
    "store.locked": (
        "Không mở được dữ liệu cục bộ {path}: một chương trình khác (có thể là một cửa sổ IOC Console "
        "khác) đang giữ tệp này. Hãy đóng chương trình đó rồi thử lại.",
        "Cannot open the local data {path}: another program (perhaps another IOC Console window) is "
        "holding the file. Close that program and try again.",
    ),
    "store.too_new": (
        "Tệp dữ liệu cục bộ {path} do một phiên bản IOC Console mới hơn tạo ra (phiên bản lược đồ "
        "«{revision}»). Hãy cập nhật IOC Console; tệp được giữ nguyên, không bị thay đổi.",
        "The local data file {path} was written by a newer version of IOC Console (schema revision "
        "“{revision}”). Update IOC Console; the file has been left as it is.",
    ),
    "store.corrupt": (
        "Tệp dữ liệu cục bộ {path} bị hỏng ({detail}). Tệp được giữ nguyên; hãy chuyển nó sang chỗ "
        "khác (hoặc gửi cho bộ phận hỗ trợ) để IOC Console tải lại dữ liệu từ máy chủ.",
        "The local data file {path} is damaged ({detail}). The file has been left as it is; move it "
        "elsewhere (or send it to support) so that IOC Console downloads the data from the server again.",
    ),
    "store.foreign": (
        "Tệp {path} là một cơ sở dữ liệu nhưng không phải dữ liệu của IOC Console. Tệp được giữ "
        "nguyên; hãy chọn một tệp khác.",
        "The file {path} is a database but not IOC Console's data. The file has been left as it is; "
        "choose another file.",
    ),
    "store.io": (
        "Không đọc/ghi được dữ liệu cục bộ {path} ({detail}). Hãy kiểm tra dung lượng đĩa và quyền "
        "truy cập thư mục.",
        "Cannot read or write the local data {path} ({detail}). Check the free disk space and the "
        "folder's permissions.",
    ),
    "store.closed": (
        "Dữ liệu cục bộ đã được đóng.",
        "The local data has been closed.",
    ),
}


class StoreError(Exception):
    """The local store cannot do what was asked; ``message(lang)`` says why in words."""

    code = "store.io"

    def __init__(self, path: Path | str, detail: str = "", **params: str) -> None:
        self.path = Path(path)
        self.detail = detail
        self.params = dict(params)
        super().__init__(self.message("en"))

    def message(self, lang: str = "vi") -> str:
        vi, en = _MESSAGES[self.code]
        template = en if lang == "en" else vi
        return template.format(path=str(self.path), detail=self.detail, **self.params)


class StoreLocked(StoreError):
    """Another program holds the file (a write lock that did not go away within the timeout)."""

    code = "store.locked"


class StoreTooNew(StoreError):
    """The file's schema revision is unknown to this version: it was written by a newer one."""

    code = "store.too_new"

    def __init__(self, path: Path | str, revision: str) -> None:
        self.revision = revision
        super().__init__(path, revision=revision)


class StoreCorrupt(StoreError):
    """The file is not an SQLite database, fails the integrity check, or is not a console store."""

    code = "store.corrupt"

    def __init__(self, path: Path | str, detail: str = "", *, foreign: bool = False) -> None:
        self.foreign = foreign
        super().__init__(path, detail)

    def message(self, lang: str = "vi") -> str:
        if self.foreign:
            vi, en = _MESSAGES["store.foreign"]
            return (en if lang == "en" else vi).format(path=str(self.path))
        return super().message(lang)


class StoreIOError(StoreError):
    """The disk refused: full, read-only, or an I/O error."""

    code = "store.io"


class StoreClosed(StoreError):
    """The store was used after :meth:`LocalStore.close`."""

    code = "store.closed"

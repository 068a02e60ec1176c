"""Words of the sync layer for people: Vietnamese first, English second.

The same style as the domain's catalog (:mod:`ioc_console.domain.messages`): stable codes, templates
with named parameters, enum parameters rendered through their labels.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from ioc_console.domain.messages import Labelled

_MESSAGES: Final[dict[str, tuple[str, str]]] = {
    # -- connection ---------------------------------------------------------------------------------
    "hub.unreachable": (
        "Không kết nối được máy chủ {url} ({detail}).",
        "Cannot reach the server {url} ({detail}).",
    ),
    "hub.server_error": (
        "Máy chủ {url} đang gặp sự cố (mã {status}); sẽ thử lại sau.",
        "The server {url} has a problem (status {status}); will try again later.",
    ),
    "hub.certificate": (
        "Chứng chỉ bảo mật của máy chủ {url} không được tin cậy ({detail}). Hãy kiểm tra địa chỉ máy chủ "
        "hoặc cấu hình tệp chứng chỉ (CA) của cơ quan.",
        "The security certificate of the server {url} is not trusted ({detail}). Check the server's "
        "address or configure your organisation's CA bundle.",
    ),
    "hub.malformed": (
        "Máy chủ trả về dữ liệu không đúng định dạng ({detail}); dữ liệu này không được áp dụng.",
        "The server answered with malformed data ({detail}); it was not applied.",
    ),
    "auth.expired": (
        "Phiên đăng nhập đã hết hạn hoặc bị thu hồi; hãy đăng nhập lại. Các thao tác chưa gửi vẫn được giữ.",
        "The session has expired or was revoked; sign in again. Actions not yet sent are kept.",
    ),
    "auth.failed": (
        "Tên đăng nhập hoặc mật khẩu không đúng.",
        "Wrong user name or password.",
    ),
    # -- refused actions ----------------------------------------------------------------------------
    "refused.changed_by": (
        "Không thực hiện được việc «{action}» với phản ánh {number}: {who} đã {what} lúc {when}.",
        "Could not {action} report {number}: {who} already did “{what}” at {when}.",
    ),
    "refused.forwarded_by": (
        "Không thực hiện được việc «{action}» với phản ánh {number}: phản ánh đã được chuyển cho {agency} "
        "bởi {who} lúc {when}.",
        "Could not {action} report {number}: it was already forwarded to {agency} by {who} at {when}.",
    ),
    "refused.submit": (
        "Máy chủ không tiếp nhận phản ánh mới {number}: {reason}",
        "The server did not take in the new report {number}: {reason}",
    ),
    "refused.call_kept": (
        "Nội dung cuộc gọi được giữ lại làm bản nháp để sửa và gửi lại.",
        "The call's details are kept as a draft to correct and send again.",
    ),
    "refused.not_submitted": (
        "Phản ánh {number} chưa được máy chủ tiếp nhận nên việc «{action}» không gửi được.",
        "Report {number} was never taken in by the server, so “{action}” could not be sent.",
    ),
    "refused.conflict": (
        "Không thực hiện được việc «{action}» với phản ánh {number}: {reason}",
        "Could not {action} report {number}: {reason}",
    ),
    "refused.forbidden": (
        "Bạn không được phép «{action}» với phản ánh {number}: {reason}",
        "You may not {action} report {number}: {reason}",
    ),
    "refused.invalid": (
        "Máy chủ không nhận việc «{action}» với phản ánh {number}: {reason}",
        "The server did not accept “{action}” on report {number}: {reason}",
    ),
    "refused.not_found": (
        "Phản ánh {number} không còn trong phạm vi bạn được xem, nên việc «{action}» không được thực hiện.",
        "Report {number} is no longer visible to you, so “{action}” was not done.",
    ),
    "refused.restored": (
        "Bản trên máy đã được cập nhật theo máy chủ.",
        "The local copy now shows the server's version.",
    ),
    "refused.draft_kept": (
        "Nội dung bạn đã nhập được giữ lại làm bản nháp.",
        "The text you entered is kept as a draft.",
    ),
    "forwarded_to": (
        "chuyển xử lý đến {agency}",
        "forwarded it to {agency}",
    ),
    # -- status -------------------------------------------------------------------------------------
    "status.waiting": (
        "{count} thao tác chờ gửi",
        "{count} actions waiting",
    ),
    "status.first_sync": (
        "đã nhận {count} phản ánh (lần đầu)",
        "{count} reports received (first sync)",
    ),
    "status.offline_since": (
        "Mất kết nối từ {since}",
        "Offline since {since}",
    ),
    "status.keyring_missing": (
        "Máy này không có kho mật khẩu của hệ thống; phiên đăng nhập chỉ được giữ đến khi đóng "
        "chương trình.",
        "This computer has no system password store; the sign-in lasts only until the program is closed.",
    ),
}


def render(code: str, lang: str = "vi", /, **params: Any) -> str:
    """The message ``code`` in ``lang`` ("vi" or "en"); labelled enums become their labels."""
    vi, en = _MESSAGES[code]
    template = en if lang == "en" else vi
    values: Mapping[str, Any] = {
        k: (v.label(lang) if isinstance(v, Labelled) else v) for k, v in params.items()
    }
    try:
        return template.format(**values)
    except (KeyError, IndexError):
        return template


def codes() -> frozenset[str]:
    return frozenset(_MESSAGES)

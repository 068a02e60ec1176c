"""Message catalog of the domain: Vietnamese first, English second.

Keys are stable codes; values are ``str.format`` templates with named parameters. Parameters that are
enum members are rendered through :func:`label` so that statuses and roles read in the user's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Any

LANGUAGES = ("vi", "en")

_MESSAGES: dict[str, dict[str, str]] = {
    "demo_hub.unwritable": {
        "vi": "Không tạo được máy chủ mẫu trong thư mục {path}: {detail}. Dữ liệu đã có không bị thay đổi.",
        "en": "Could not create the demo hub in {path}: {detail}. Nothing already there was changed.",
    },
    "demo_hub.unreadable": {
        "vi": "Không mở được máy chủ mẫu {path}: {detail}. Tệp được giữ nguyên; "
        "hãy đổi tên hoặc xoá nó để tạo lại dữ liệu mẫu.",
        "en": "Could not open the demo hub {path}: {detail}. The file was left as it is; "
        "rename or delete it to build the demo data again.",
    },
    "demo_hub.not_served": {
        "vi": "Không khởi động được máy chủ mẫu trên {path}: {detail}. Dữ liệu mẫu không bị thay đổi.",
        "en": "Could not serve the demo hub on {path}: {detail}. The demo data was not changed.",
    },
    "console.outdated": {
        "vi": "Phiên bản IOC Console này ({version}) đã cũ: máy chủ IOC chỉ phục vụ từ phiên bản {oldest} "
        "trở lên. Hãy cập nhật IOC Console (cài bản mới do bộ phận công nghệ thông tin cung cấp) rồi mở lại. "
        "Dữ liệu và các thao tác chưa gửi trên máy này vẫn được giữ.",
        "en": "This IOC Console ({version}) is too old: the IOC hub serves version {oldest} and newer. "
        "Update IOC Console (install the new version your IT department provides) and open it again. "
        "The data and unsent actions on this machine are kept.",
    },
    "transition.not_allowed": {
        "vi": "Không thể {action} khi phản ánh đang ở trạng thái «{status}».",
        "en": "Cannot {action} while the report is “{status}”.",
    },
    "transition.role_forbidden": {
        "vi": "Vai trò «{role}» không được phép {action}.",
        "en": "The role “{role}” may not {action}.",
    },
    "transition.wrong_agency": {
        "vi": "Phản ánh này được chuyển cho đơn vị khác; cán bộ đầu mối chỉ xử lý phản ánh của đơn vị mình.",
        "en": "This report was forwarded to another agency; a liaison acts only on their own agency's reports.",
    },
    "field.required": {
        "vi": "Cần nhập «{field_label}».",
        "en": "“{field_label}” is required.",
    },
    "field.too_long": {
        "vi": "«{field_label}» dài quá {limit} ký tự.",
        "en": "“{field_label}” is longer than {limit} characters.",
    },
    "rating.repeated": {
        "vi": "Phản ánh số «{number}» đã được đánh giá cho lần trả lời này; mỗi lần trả lời chỉ đánh giá một lần.",
        "en": "Report “{number}” has already been rated for this reply; each reply is rated once.",
    },
    "field.unknown": {
        "vi": "Thao tác «{action}» không nhận trường «{field}».",
        "en": "The action “{action}” takes no field “{field}”.",
    },
    "field.invalid": {
        "vi": "«{field_label}» không hợp lệ: {detail}",
        "en": "“{field_label}” is not valid: {detail}",
    },
    "duplicate.self": {
        "vi": "Một phản ánh không thể trùng với chính nó.",
        "en": "A report cannot be a duplicate of itself.",
    },
    "duplicate.unknown_original": {
        "vi": "Không tìm thấy phản ánh gốc số «{original}».",
        "en": "There is no original report numbered “{original}”.",
    },
    "forward.same_agency": {
        "vi": "Phản ánh đã được chuyển cho đơn vị này rồi.",
        "en": "The report is already forwarded to this agency.",
    },
    "forward.outside_area": {
        "vi": "{agency} chỉ xử lý phản ánh trên địa bàn của mình; phản ánh này ở {unit}.",
        "en": "{agency} handles only reports in its own area; this report is in {unit}.",
    },
    "forward.unknown_agency": {
        "vi": "Không có đơn vị xử lý mã «{agency}» trong danh mục.",
        "en": "There is no agency with the code “{agency}”.",
    },
    "category.unknown": {
        "vi": "Không có lĩnh vực mã «{category}» trong danh mục.",
        "en": "There is no category with the code “{category}”.",
    },
    "category.inactive": {
        "vi": "Lĩnh vực «{category}» hiện không còn tiếp nhận.",
        "en": "The category “{category}” is no longer in use.",
    },
    "location.outside": {
        "vi": "Vị trí ({lat}, {lon}) nằm ngoài địa bàn tỉnh.",
        "en": "The location ({lat}, {lon}) lies outside the province.",
    },
    "unit.unknown": {
        "vi": "Không có đơn vị hành chính mã «{unit}».",
        "en": "There is no administrative unit with the code “{unit}”.",
    },
}

_FIELD_LABELS: dict[str, dict[str, str]] = {
    "reason": {"vi": "lý do", "en": "reason"},
    "result": {"vi": "kết quả xử lý", "en": "result"},
    "reply": {"vi": "nội dung trả lời", "en": "reply"},
    "original": {"vi": "phản ánh gốc", "en": "original report"},
    "agency": {"vi": "đơn vị xử lý", "en": "agency"},
    "category": {"vi": "lĩnh vực", "en": "category"},
    "note": {"vi": "ghi chú", "en": "note"},
    "outcome": {"vi": "kết quả cuộc gọi", "en": "call outcome"},
    "priority": {"vi": "mức ưu tiên", "en": "priority"},
    "location": {"vi": "vị trí", "en": "location"},
    "description": {"vi": "nội dung phản ánh", "en": "description"},
    "question": {"vi": "thông tin cần bổ sung", "en": "information requested"},
    "info": {"vi": "thông tin bổ sung", "en": "information supplied"},
    "phone": {"vi": "số điện thoại", "en": "phone number"},
    "satisfied": {"vi": "mức độ hài lòng", "en": "satisfaction"},
    "comment": {"vi": "ý kiến", "en": "comment"},
}


class Labelled(Enum):
    """An enum whose members have a Vietnamese and an English label (``_labels`` on the class)."""

    def label(self, lang: str = "vi") -> str:
        labels: Mapping[str, tuple[str, str]] = type(self)._labels()  # type: ignore[attr-defined]
        vi, en = labels[self.value]
        return vi if lang == "vi" else en


def field_label(field: str, lang: str = "vi") -> str:
    entry = _FIELD_LABELS.get(field)
    if entry is None:
        return field
    return entry.get(lang, entry["vi"])


def render(code: str, lang: str, params: Mapping[str, Any]) -> str:
    lang = lang if lang in LANGUAGES else "vi"
    entry = _MESSAGES.get(code)
    if entry is None:
        return code
    values: dict[str, Any] = {}
    for key, value in params.items():
        values[key] = value.label(lang) if isinstance(value, Labelled) else value
    if "field" in values and "field_label" not in values:
        values["field_label"] = field_label(str(values["field"]), lang)
    try:
        return entry[lang].format(**values)
    except (KeyError, IndexError):
        return entry[lang]

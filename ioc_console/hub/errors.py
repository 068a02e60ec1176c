"""Errors the hub answers with: a stable code, an HTTP status, and words in Vietnamese and English.

Domain refusals keep their domain code and text (:class:`DomainError`); the hub's own (sign-in, not
found, stale version, limits) come from the small catalog below, in the same style.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ioc_console.domain.errors import DomainError, PermissionDenied, TransitionError, ValidationError
from ioc_console.domain.messages import Labelled, field_label

_HUB_MESSAGES: dict[str, dict[str, str]] = {
    "auth.required": {
        "vi": "Cần đăng nhập (phiên làm việc không có hoặc đã hết hạn).",
        "en": "Sign-in required (no session, or it has expired).",
    },
    "auth.failed": {
        "vi": "Tên đăng nhập hoặc mật khẩu không đúng.",
        "en": "Wrong user name or password.",
    },
    "auth.throttled": {
        "vi": "Đăng nhập sai quá nhiều lần. Hãy đợi {wait} rồi thử lại.",
        "en": "Too many failed sign-ins. Wait {wait}, then try again.",
    },
    "auth.busy": {
        "vi": "Máy chủ đang bận kiểm tra các lần đăng nhập khác. Hãy đợi {wait} rồi thử lại.",
        "en": "The hub is busy checking other sign-ins. Wait {wait}, then try again.",
    },
    "auth.forbidden": {
        "vi": "Vai trò «{role}» không được phép làm việc này.",
        "en": "The role “{role}” may not do this.",
    },
    "report.not_found": {
        "vi": "Không tìm thấy phản ánh số «{number}».",
        "en": "There is no report numbered “{number}”.",
    },
    "basemap.none": {
        "vi": "Máy chủ không có bản đồ nền.",
        "en": "The hub has no basemap.",
    },
    "basemap.tile_not_found": {
        "vi": "Bản đồ nền không có ô {z}/{x}/{y}.",
        "en": "The basemap has no tile {z}/{x}/{y}.",
    },
    "attachment.not_found": {
        "vi": "Không tìm thấy tệp đính kèm «{id}».",
        "en": "There is no attachment “{id}”.",
    },
    "version.stale": {
        "vi": "Phản ánh đã được {actor} thay đổi lúc {at} (phiên bản {version}); hãy xem lại rồi thao tác lại.",
        "en": "The report was changed by {actor} at {at} (version {version}); review it and try again.",
    },
    "report.other_channel": {
        "vi": "Phản ánh số «{number}» không do kênh này gửi; kênh chỉ bổ sung thông tin và đánh giá phản ánh của mình.",
        "en": "Report “{number}” was not sent through this channel; a channel acts only on its own reports.",
    },
    "storage.full": {
        "vi": "Máy chủ đã hết chỗ lưu trữ nên chưa lưu được gì; hãy thử lại sau và báo quản trị viên.",
        "en": "The hub's storage is full, so nothing was saved; try again later and tell the administrator.",
    },
    "idempotency.reused": {
        "vi": "Mã chống gửi trùng «{key}» đã được dùng cho một thao tác khác.",
        "en": "The idempotency key “{key}” was already used for another request.",
    },
    "body.too_large": {
        "vi": "Dữ liệu gửi lên lớn quá {limit} byte.",
        "en": "The request body is larger than {limit} bytes.",
    },
    "body.slow": {
        "vi": "Dữ liệu gửi lên bị ngừng quá {seconds} giây; hãy gửi lại.",
        "en": "The request body stalled for more than {seconds} seconds; send it again.",
    },
    "body.malformed": {
        "vi": "Dữ liệu gửi lên không đọc được: {detail}",
        "en": "The request body cannot be read: {detail}",
    },
    "text.control": {
        "vi": "«{field_label}» chứa ký tự điều khiển không hợp lệ.",
        "en": "“{field_label}” contains invalid control characters.",
    },
    "attachment.type": {
        "vi": "Chỉ nhận ảnh JPEG, PNG hoặc WebP.",
        "en": "Only JPEG, PNG or WebP images are accepted.",
    },
    "attachment.too_big": {
        "vi": "Ảnh quá lớn ({width}×{height} điểm ảnh); chỉ nhận ảnh tối đa {limit} triệu điểm ảnh.",
        "en": "The image is too large ({width}×{height} pixels); at most {limit} megapixels are accepted.",
    },
    "attachment.unreadable": {
        "vi": "Không đọc được kích thước ảnh; tệp có thể bị hỏng.",
        "en": "The image's size cannot be read; the file may be damaged.",
    },
    "attachment.too_many": {
        "vi": "Mỗi phản ánh có tối đa {limit} tệp đính kèm.",
        "en": "A report has at most {limit} attachments.",
    },
    "attachment.unusable": {
        "vi": "Tệp đính kèm «{id}» không thuộc phản ánh này hoặc đã được dùng.",
        "en": "The attachment “{id}” does not belong to this report or is already used.",
    },
    "location.missing": {
        "vi": "Cần vị trí: tọa độ, địa chỉ hoặc đơn vị hành chính.",
        "en": "A location is required: coordinates, an address or an administrative unit.",
    },
    "user.exists": {
        "vi": "Đã có người dùng «{name}».",
        "en": "There is already a user “{name}”.",
    },
    "user.not_found": {
        "vi": "Không có người dùng «{name}».",
        "en": "There is no user “{name}”.",
    },
    "channel.exists": {
        "vi": "Đã có kênh «{name}».",
        "en": "There is already a channel “{name}”.",
    },
    "channel.not_found": {
        "vi": "Không có kênh «{name}».",
        "en": "There is no channel “{name}”.",
    },
    "pack.invalid": {
        "vi": "Bộ dữ liệu địa bàn không hợp lệ: {detail}",
        "en": "The jurisdiction pack is not valid: {detail}",
    },
    "not_found": {
        "vi": "Không có tài nguyên này.",
        "en": "No such resource.",
    },
    "method.not_allowed": {
        "vi": "Phương thức không được hỗ trợ ở địa chỉ này.",
        "en": "Method not allowed here.",
    },
}

_HUB_FIELD_LABELS: dict[str, dict[str, str]] = {
    "idempotency_key": {"vi": "mã chống gửi trùng", "en": "idempotency key"},
    "base_version": {"vi": "phiên bản gốc", "en": "base version"},
    "payload": {"vi": "dữ liệu thao tác", "en": "action data"},
    "title": {"vi": "tiêu đề", "en": "title"},
    "address": {"vi": "địa chỉ", "en": "address"},
    "name": {"vi": "họ tên", "en": "name"},
    "email": {"vi": "thư điện tử", "en": "email"},
    "attachments": {"vi": "tệp đính kèm", "en": "attachments"},
    "unit_code": {"vi": "đơn vị hành chính", "en": "administrative unit"},
    "channel": {"vi": "kênh tiếp nhận", "en": "channel"},
    "password": {"vi": "mật khẩu", "en": "password"},
    "role": {"vi": "vai trò", "en": "role"},
    "username": {"vi": "tên đăng nhập", "en": "user name"},
    "media_url": {"vi": "đường dẫn ảnh", "en": "media URL"},
    "lat": {"vi": "vĩ độ", "en": "latitude"},
    "long": {"vi": "kinh độ", "en": "longitude"},
    "lon": {"vi": "kinh độ", "en": "longitude"},
    "contact": {"vi": "thông tin liên hệ", "en": "contact"},
    "stage": {"vi": "giai đoạn", "en": "stage"},
}


class Wait:
    """A wait in words: "45 giây" / "45 seconds", "15 phút" / "15 minutes", "2 giờ" / "2 hours"."""

    def __init__(self, seconds: int) -> None:
        self.seconds = max(1, int(seconds))

    def label(self, lang: str = "vi") -> str:
        for size, vi, en in ((3600, "giờ", "hour"), (60, "phút", "minute"), (1, "giây", "second")):
            if self.seconds >= size or size == 1:
                count = -(-self.seconds // size)
                if lang == "en":
                    return f"{count} {en}" + ("" if count == 1 else "s")
                return f"{count} {vi}"
        raise AssertionError("unreachable")


def label_of(field: str, lang: str) -> str:
    entry = _HUB_FIELD_LABELS.get(field)
    if entry is not None:
        return entry["en" if lang == "en" else "vi"]
    return field_label(field, lang)


def _render(code: str, lang: str, params: Mapping[str, Any]) -> str:
    entry = _HUB_MESSAGES[code]
    values = {k: (v.label(lang) if isinstance(v, Labelled | Wait) else v) for k, v in params.items()}
    if "field" in values:
        values.setdefault("field_label", label_of(str(values["field"]), lang))
    try:
        return entry["en" if lang == "en" else "vi"].format(**values)
    except (KeyError, IndexError):
        return entry["en" if lang == "en" else "vi"]


class HubError(Exception):
    """A refusal with its HTTP status; ``extra`` is merged into the JSON answer."""

    def __init__(
        self,
        status: int,
        code: str,
        /,
        field: str | None = None,
        extra: Mapping[str, Any] | None = None,
        **params: Any,
    ) -> None:
        self.status = status
        self.code = code
        self.field = field
        self.params = dict(params)
        if field is not None:
            self.params.setdefault("field", field)
        self.extra: dict[str, Any] = dict(extra or {})
        super().__init__(self.message("en"))

    def message(self, lang: str = "vi") -> str:
        if self.code in _HUB_MESSAGES:
            return _render(self.code, lang, self.params)
        params = {k: v for k, v in self.params.items() if k not in ("field", "field_label")}
        if self.field is not None:
            params["field_label"] = label_of(self.field, lang)
        return DomainError(self.code, field=self.field, **params).message(lang)

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "error": self.code,
            "field": self.field,
            "message": {"vi": self.message("vi"), "en": self.message("en")},
        }
        out.update(self.extra)
        return out


def from_domain(error: DomainError, extra: Mapping[str, Any] | None = None) -> HubError:
    """The HTTP form of a domain refusal: 403 permission, 409 state, 422 input."""
    if isinstance(error, PermissionDenied):
        status = 403
    elif isinstance(error, TransitionError):
        status = 409
    elif isinstance(error, ValidationError):
        status = 422
    else:
        status = 422
    return HubError(status, error.code, field=error.field, extra=extra, **dict(error.params))


def invalid(field: str, detail: str) -> HubError:
    return HubError(422, "field.invalid", field=field, detail=detail)

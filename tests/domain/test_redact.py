"""The one redaction of public text: what must be blanked, and what must survive untouched."""

from __future__ import annotations

import re

import pytest

from ioc_console.domain.redact import MARK, redact
from ioc_console.domain.report import Contact

CITIZEN = Contact(name="Lê Văn Tâm", phone="0903 123 456", email="tam.le@gmail.com")
#: A citizen whose name shares syllables with places and common words.
PHUOC = Contact(name="Trần Phước", phone="", email="")
CONG = Contact(name="Lê Công", phone="", email="")
ZW = "\u200b"  # zero-width space
RLO = "\u202e"  # right-to-left override

# (text, contact, the secret that must be gone)
MUST_BLANK: list[tuple[str, Contact, str]] = [
    ("Gọi 0903 123 456 giúp tôi", CITIZEN, "0903 123 456"),
    ("Gọi 0903123456", CITIZEN, "0903123456"),
    ("Gọi 0903.123.456", CITIZEN, "0903.123.456"),
    ("Gọi 0903-123-456", CITIZEN, "0903-123-456"),
    ("Gọi 0903/123/456", CITIZEN, "0903/123/456"),
    ("Gọi (+84) 903 123 456", CITIZEN, "903 123 456"),
    ("Gọi (+84)903123456", CITIZEN, "903123456"),
    ("Gọi +84 (0) 903 123 456", CITIZEN, "903 123 456"),
    ("Gọi +84 903 123 456", CITIZEN, "903 123 456"),
    ("Gọi +84-903-123-456", CITIZEN, "903-123-456"),
    ("Gọi 84903123456", CITIZEN, "84903123456"),
    ("Số của tôi 903123456", CITIZEN, "903123456"),
    ("Gọi ０９０３ １２３ ４５６", CITIZEN, "４５６"),
    (f"Gọi 09{ZW}03 12{ZW}3 456", CITIZEN, "456"),
    (f"Gọi 0903{RLO}123456", CITIZEN, "123456"),
    ("Gọi 0914 555 666 (số người khác)", CITIZEN, "0914 555 666"),
    ("Gọi 0914.555.666 hoặc 0905-777-888", CITIZEN, "777"),
    ("Bàn (0259) 3822 123", CITIZEN, "3822 123"),
    ("Gọi 02593822123", CITIZEN, "02593822123"),
    ("CCCD 046090001234", CITIZEN, "046090001234"),
    ("CCCD 046 090 001 234", CITIZEN, "001 234"),
    ("CMND 225123456", CITIZEN, "225123456"),
    ("thư tam.le@gmail.com nhé", CITIZEN, "gmail"),
    ("thư tam.le(at)gmail.com nhé", CITIZEN, "gmail"),
    ("thư tam.le [at] gmail [dot] com", CITIZEN, "gmail"),
    ("thư tam.le @ gmail.com", CITIZEN, "gmail"),
    ("thư tam.le@ gmail . com", CITIZEN, "gmail"),
    ("thư ai.do＠yahoo.com.vn", CITIZEN, "yahoo"),
    ("thư TAM.LE@GMAIL.COM", CITIZEN, "GMAIL"),
    ("Tôi là Lê Văn Tâm, ở tổ 3", CITIZEN, "Tâm"),
    ("Tôi là Le Van Tam, ở tổ 3", CITIZEN, "Tam"),
    ("Tôi là LÊ VĂN TÂM", CITIZEN, "TÂM"),
    ("Tôi là Lê Văn TÂM", CITIZEN, "TÂM"),
    ("Tôi là lê văn tâm", CITIZEN, "tâm"),
    ("Tôi là Lê-Văn-Tâm", CITIZEN, "Tâm"),
    (f"Tôi là Lê{ZW} Văn Tâm", CITIZEN, "Tâm"),
    ("Tôi là Lê  Văn\nTâm", CITIZEN, "Tâm"),
    ("Kính gửi ông Tâm,", CITIZEN, "Tâm"),
    ("Kính gửi Ông TÂM,", CITIZEN, "TÂM"),
    ("cảm ơn anh Văn Tâm", CITIZEN, "Tâm"),
    ("Ông Trần Phước phản ánh", PHUOC, "Phước"),
    ("ông Phước phản ánh", PHUOC, "Phước"),
    ("Le Cong gui", CONG, "Cong"),
    # A channel's first and last name arrive in either order.
    ("Tôi là Lê Văn Tâm", Contact(name="Tâm Lê Văn"), "Tâm"),
    ("Tôi là Tâm Lê Văn", CITIZEN, "Tâm"),
]

# (text, contact): must come back exactly as it went in.
MUST_KEEP: list[tuple[str, Contact]] = [
    ("Ổ gà lớn ở phường Phước Mỹ", PHUOC),
    ("phuong Phuoc My ngap nuoc", PHUOC),
    ("Phường Phước Mỹ, thành phố Phan Rang–Tháp Chàm", PHUOC),
    ("Công ty cấp nước chưa sửa", CONG),
    ("Công ty Điện lực Ninh Thuận", CONG),
    ("CÔNG TY xây dựng", CONG),
    ("đường Lê Hồng Phong", CITIZEN),
    ("Văn phòng phường", CITIZEN),
    ("tâm lý người dân lo lắng", CITIZEN),
    ("trần nhà bị dột", PHUOC),
    ("Trả lời phản ánh số 2025-000123", CITIZEN),
    ("Phản ánh PA-2025-000005 đã xử lý", CITIZEN),
    ("Ngày 12/03/2025 lúc 07:30", CITIZEN),
    ("ngày 12-03-2025 14h30", CITIZEN),
    ("Phạt 150.000.000 đồng", CITIZEN),
    ("Phạt 2,500,000 đồng", CITIZEN),
    ("Chi phí 1.500.000đ", CITIZEN),
    ("Tọa độ 11.563412, 108.988712", CITIZEN),
    ("Nhà số 45/12 đường 16 tháng 4", CITIZEN),
    ("Km 1532+200 quốc lộ 1A", CITIZEN),
    ("Đường dây nóng 1022", CITIZEN),
    ("Tổng đài 113, 114, 115", CITIZEN),
    ("Lô B12, khu 3, tổ 7", CITIZEN),
    ("Biển số 85A-123.45", CITIZEN),
    ("Cao 2,5 m, dài 30 m", CITIZEN),
    ("Mã bưu chính 59000", CITIZEN),
    ("Quyết định 1234/QĐ-UBND", CITIZEN),
    ("Năm 2024 và 2025", CITIZEN),
    ("Tôi có tâm huyết với phố", CITIZEN),
    ("văn bản số 15", CITIZEN),
    ("Trung tâm Giám sát, điều hành đô thị thông minh", CITIZEN),
    ("Khu phố 3, phường Văn Hải", CITIZEN),
    ("bà con phản ánh", CITIZEN),
    ("Ông bà ta dặn", CITIZEN),
    ("Ninh Thuận, Việt Nam", CITIZEN),
    ("Trang web ninhthuan.gov.vn", CITIZEN),
    ("Gặp nhau at cửa hàng", CITIZEN),
    ("Gần chợ Phan Rang <đối diện>", CITIZEN),
    ("Đã xử lý 100%", CITIZEN),
    ("ngã ba Tâm Hải", CITIZEN),
    ("ngã ba Lê Duẩn – Văn Tâm?", Contact(name="Lê Thị Tâm")),
    ("", CITIZEN),
]


@pytest.mark.parametrize(("text", "contact", "secret"), MUST_BLANK)
def test_must_blank(text: str, contact: Contact, secret: str) -> None:
    result = redact(text, contact)
    assert MARK in result
    assert secret not in result
    # Whatever was blanked, no three digits of a number in a row are left to be read.
    assert not re.search(r"\d{3}", result.replace("２", "")), result
    assert ZW not in result and RLO not in result


@pytest.mark.parametrize(("text", "contact"), MUST_KEEP)
def test_must_keep(text: str, contact: Contact) -> None:
    assert redact(text, contact) == text


def test_the_table_has_forty_cases_each_way() -> None:
    assert len(MUST_BLANK) >= 40 and len(MUST_KEEP) >= 40


def test_what_is_kept_beside_what_is_blanked() -> None:
    text = "Tôi là Le Van Tam (0903.123.456), nhà ở phường Phước Mỹ gần Công ty Lê Công, ngày 12/03/2025."
    assert redact(text, CITIZEN) == (
        "Tôi là […] ([…]), nhà ở phường Phước Mỹ gần Công ty Lê Công, ngày 12/03/2025."
    )
    assert redact(text, CITIZEN, mark="•••").startswith("Tôi là ••• (•••)")


def test_contact_as_a_mapping_and_none() -> None:
    assert redact("ông Tâm", {"name": "Lê Văn Tâm"}) == "ông […]"
    assert redact("0903123456 ở Phước Mỹ", None) == "[…] ở Phước Mỹ"


def test_the_citizens_own_short_number_is_blanked() -> None:
    # A landline without its area code is too short to look like a phone, but it is the citizen's.
    assert redact("gọi 3822 123", Contact(phone="3822123")) == "gọi […]"
    assert redact("gọi 3822 123", Contact(phone="")) == "gọi 3822 123"


def test_every_invisible_format_character_is_dropped() -> None:
    import unicodedata

    from ioc_console.domain import redact as module

    every = "".join(chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Cf")
    assert module._FORMAT.sub("", every) == ""
    assert redact(f"Phước{every}Mỹ") == "PhướcMỹ"

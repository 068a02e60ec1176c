"""Citizens of the demo: Vietnamese full names, mobile numbers as people type them, e-mail addresses.

Family names follow their real frequency in Vietnam, with the Cham and Raglai names that are common
in Ninh Thuận. Mobile numbers are 10 digits with a current carrier prefix (03x, 05x, 07x, 08x, 09x).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from itertools import accumulate

from ioc_console.demo.draw import pick, pick_weighted
from ioc_console.demo.style import strip_tones

_FAMILY = (
    ("Nguyễn", 30.0),
    ("Trần", 10.5),
    ("Lê", 9.0),
    ("Phạm", 6.5),
    ("Huỳnh", 4.0),
    ("Hoàng", 2.0),
    ("Phan", 4.5),
    ("Võ", 4.0),
    ("Vũ", 1.0),
    ("Đặng", 2.0),
    ("Bùi", 2.0),
    ("Đỗ", 1.5),
    ("Hồ", 1.5),
    ("Ngô", 1.5),
    ("Dương", 1.0),
    ("Lý", 0.5),
    ("Trương", 1.0),
    ("Đinh", 0.8),
    ("Lưu", 0.6),
    ("Mai", 0.6),
    ("Tô", 0.4),
    ("Thái", 0.4),
    ("Châu", 0.5),
    # Cham family names, common around Phan Rang, Ninh Phước and Thuận Nam
    ("Đàng", 1.2),
    ("Thập", 0.6),
    ("Quảng", 0.6),
    ("Thiên", 0.3),
    ("Trượng", 0.3),
    ("Hán", 0.3),
    ("Phú", 0.3),
    ("Bá", 0.3),
)
# Raglai family names, frequent in Bác Ái and the hills of Ninh Sơn and Thuận Bắc.
_RAGLAI_FAMILY = ("Pi Năng", "Chamaléa", "Katơr", "Pinăng", "Mấu", "Cao")

_MIDDLE_MALE = (
    "Văn",
    "Văn",
    "Văn",
    "Hữu",
    "Minh",
    "Quốc",
    "Đức",
    "Thanh",
    "Công",
    "Ngọc",
    "Xuân",
    "Anh",
    "Tấn",
    "Hoàng",
)
_MIDDLE_FEMALE = (
    "Thị",
    "Thị",
    "Thị",
    "Thị",
    "Ngọc",
    "Thu",
    "Thanh",
    "Kim",
    "Mỹ",
    "Thùy",
    "Phương",
    "Hồng",
    "Bảo",
)
_GIVEN_MALE = (
    "An", "Bình", "Cường", "Dũng", "Duy", "Đạt", "Hải", "Hậu", "Hiếu", "Hòa", "Hùng", "Huy", "Khang",
    "Khánh", "Khoa", "Long", "Lộc", "Lợi", "Minh", "Nam", "Nghĩa", "Nhân", "Phong", "Phúc", "Phước",
    "Quang", "Sơn", "Tài", "Tâm", "Thắng", "Thành", "Thịnh", "Tiến", "Toàn", "Trí", "Trung", "Tuấn",
    "Tùng", "Vinh", "Vũ", "Hưng", "Thuận", "Tín", "Quý",
)  # fmt: skip
_GIVEN_FEMALE = (
    "Anh", "Chi", "Diễm", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa", "Hồng", "Hương",
    "Hường", "Lan", "Liên", "Linh", "Loan", "Ly", "Mai", "My", "Nga", "Ngân", "Nhi", "Nhung", "Oanh",
    "Phượng", "Quyên", "Tâm", "Thảo", "Thủy", "Trang", "Trinh", "Tuyết", "Vân", "Yến", "Xuân", "Ngọc",
)  # fmt: skip

_FAMILY_NAMES = tuple(name for name, _ in _FAMILY)
_FAMILY_CUM = tuple(accumulate(weight for _, weight in _FAMILY))

# Carrier prefixes in use since the 2018 renumbering (Viettel, Vinaphone, MobiFone, Vietnamobile, Gmobile).
_MOBILE_PREFIXES = (
    *("032", "033", "034", "035", "036", "037", "038", "039", "086", "096", "097", "098"),  # Viettel
    *("081", "082", "083", "084", "085", "088", "091", "094"),  # Vinaphone
    *("070", "076", "077", "078", "079", "089", "090", "093"),  # MobiFone
    *("052", "056", "058", "092", "059", "099"),  # Vietnamobile, Gmobile
)
_MAIL_DOMAINS = (
    "gmail.com",
    "gmail.com",
    "gmail.com",
    "gmail.com",
    "yahoo.com",
    "yahoo.com.vn",
    "outlook.com",
)


@dataclass(frozen=True)
class Person:
    family: str
    middle: str
    given: str
    male: bool

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.family, self.middle, self.given) if part)

    @property
    def first_name(self) -> str:
        """Open311's first_name: the middle and given names (Vietnamese names put the family first)."""
        return " ".join(part for part in (self.middle, self.given) if part)

    @property
    def last_name(self) -> str:
        return self.family

    @property
    def honorific(self) -> str:
        """How an office addresses the person in a reply: "ông" or "bà"."""
        return "ông" if self.male else "bà"


def person(rng: random.Random, *, raglai: bool = False) -> Person:
    male = rng.random() < 0.55
    if raglai and rng.random() < 0.7:
        family = pick(rng, _RAGLAI_FAMILY)
    else:
        family = pick_weighted(rng, _FAMILY_NAMES, _FAMILY_CUM)
    middle = pick(rng, _MIDDLE_MALE if male else _MIDDLE_FEMALE)
    given = pick(rng, _GIVEN_MALE if male else _GIVEN_FEMALE)
    if middle == given:
        middle = "Văn" if male else "Thị"
    return Person(family, middle, given, male)


def facebook_name(rng: random.Random, who: Person) -> str:
    """The name on a Facebook profile: often given-name first, sometimes without diacritics."""
    roll = rng.random()
    if roll < 0.35:
        return f"{who.given} {who.family}"
    if roll < 0.5:
        return strip_tones(f"{who.given} {who.family}")
    if roll < 0.6:
        return f"{who.family} {who.given}"
    return who.full_name


def mobile(rng: random.Random) -> str:
    """A 10-digit Vietnamese mobile number in national form, e.g. ``0905123456``."""
    return pick(rng, _MOBILE_PREFIXES) + f"{rng.randrange(10_000_000):07d}"


def typed_phone(rng: random.Random, number: str) -> str:
    """The number as someone types it in a message: grouped with spaces or dots, or as +84."""
    roll = rng.random()
    if roll < 0.45:
        return number
    if roll < 0.7:
        return f"{number[:4]} {number[4:7]} {number[7:]}"
    if roll < 0.85:
        return f"{number[:4]}.{number[4:7]}.{number[7:]}"
    if roll < 0.93:
        return f"{number[:3]} {number[3:6]} {number[6:]}"
    return f"+84 {number[1:4]} {number[4:7]} {number[7:]}"


def email(rng: random.Random, who: Person) -> str:
    base = strip_tones(who.given + who.family).lower().replace(" ", "")
    if rng.random() < 0.5:
        base = strip_tones(who.family[0] + who.middle[0] + who.given).lower().replace(" ", "")
    suffix = str(pick(rng, (rng.randint(1, 99), rng.randint(1960, 2005))))
    return f"{base}{suffix}@{pick(rng, _MAIL_DOMAINS)}"

"""Vietnamese search: folded words and prefixes, report numbers, and (for staff) phone numbers."""

from __future__ import annotations

import random
import sys
import unicodedata

import pytest
from store_support import CITY, COMMUNE_PHUONG_HAI, WARD_DO_VINH, make_report

from ioc_console.domain.jurisdiction import Jurisdiction
from ioc_console.domain.report import Contact, Location, Report
from ioc_console.domain.text import fold
from ioc_console.store import LocalStore, ReportQuery
from ioc_console.store import local as store_local
from ioc_console.store.folding import fast_fold, match_expression


def place(unit: str | None, address: str = "") -> Location:
    return Location(lat=11.56, lon=108.98, address=address, unit_code=unit)


@pytest.fixture
def searchable(store: LocalStore) -> dict[str, Report]:
    made = {
        "road": make_report(
            1,
            number="PA-2025-001234",
            description="Đường Nguyễn Văn Cừ hư hỏng nặng, nhiều ổ gà.",
            location=place(COMMUNE_PHUONG_HAI, "thôn Khánh Tường"),
            contact=Contact(name="Trần Thị Bích", phone="+84 905.123.456"),
        ),
        "flood": make_report(
            2,
            number="PA-2025-001240",
            description="Khu phố bị NGẬP NƯỚC sau cơn mưa chiều nay",
            location=place(COMMUNE_PHUONG_HAI, "xóm Bàu"),
            contact=Contact(name="Lê Văn Tám", phone="0918 777 000"),
        ),
        "city": make_report(
            3,
            number="PA-2025-002001",
            description="Rác thải tồn đọng lâu ngày chưa thu gom",
            location=place(WARD_DO_VINH, "khu phố 3"),
            contact=Contact(),
        ),
        "unaccented": make_report(
            4,
            number="PA-2025-002002",
            description="nuoc thai chay ra duong gay hoi thoi",
            location=place(CITY, ""),
            contact=Contact(phone="0259-3822-111"),
        ),
        "nowhere": make_report(
            5,
            number="PA-2026-000007",
            description="Bên ngoài khu vực, nhưng vẫn gửi phản ánh",
            location=place(None, ""),
            contact=Contact(),
        ),
    }
    store.upsert_reports(made.values())
    return made


def found(store: LocalStore, text: str, **options: object) -> set[str]:
    rows = store.query(ReportQuery(text=text, **options))  # type: ignore[arg-type]
    assert store.count(ReportQuery(text=text, **options)) == len(rows)  # type: ignore[arg-type]
    return {row.number for row in rows}


def names(searchable: dict[str, Report], *keys: str) -> set[str]:
    return {searchable[k].number for k in keys}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("duong", {"road", "unaccented"}),  # Đường, and "duong" typed without accents
        ("Đường", {"road", "unaccented"}),
        ("DUONG nguyen", {"road"}),
        ("ngap nuoc", {"flood"}),
        ("ngập nước", {"flood"}),
        ("nuoc", {"flood", "unaccented"}),
        ("phan rang", {"city", "unaccented"}),  # the unit's city: Phan Rang–Tháp Chàm
        ("Tháp Chàm", {"city", "unaccented"}),
        ("phan rang thap cham rac", {"city"}),
        ("ninh hai", {"road", "flood"}),  # the district above the commune
        ("phuong hai", {"road", "flood"}),
        ("xay dung", {"unaccented"}),  # its category: Trật tự xây dựng
        ("du lich", set()),  # a category none of them has
        ("khanh tuong", {"road"}),  # the address
        ("nguy", {"road"}),  # the last word is a prefix while typing
        ("ngu", {"road"}),
        ("ngap nu", {"flood"}),
        ("nguy ", set()),  # a finished word is a whole word
        ("hoi thoi", {"unaccented"}),
        ("ổ gà", {"road"}),
    ],
)
def test_folded_search(
    store: LocalStore, searchable: dict[str, Report], text: str, expected: set[str]
) -> None:
    assert found(store, text) == names(searchable, *expected)


def test_the_category_name_is_searchable(
    store: LocalStore, searchable: dict[str, Report], pack: Jurisdiction
) -> None:
    road = searchable["road"]
    category_name = pack.categories[road.category].name
    assert road.number in found(store, fold(category_name))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PA-2025-001234", {"road"}),
        ("pa-2025-001234", {"road"}),
        ("PA-2025-0012", {"road", "flood"}),
        ("PA-2025-00", {"road", "flood", "city", "unaccented"}),
        ("001240", {"flood"}),
        ("PA-2026", {"nowhere"}),
    ],
)
def test_search_by_report_number(
    store: LocalStore, searchable: dict[str, Report], text: str, expected: set[str]
) -> None:
    assert found(store, text) == names(searchable, *expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0905123456", {"road"}),
        ("0905 123 456", {"road"}),
        ("0905.123.456", {"road"}),
        ("+84 905 123 456", {"road"}),
        ("+84905", {"road"}),
        ("84905123456", {"road"}),
        ("0905", {"road"}),
        ("091877", {"flood"}),
        ("(0259) 3822 111", {"unaccented"}),
        ("0999", set()),
    ],
)
def test_staff_find_a_citizen_by_phone(
    store: LocalStore, searchable: dict[str, Report], text: str, expected: set[str]
) -> None:
    assert found(store, text) == names(searchable, *expected)


def test_without_phone_search_the_phone_finds_nothing(
    store: LocalStore, searchable: dict[str, Report]
) -> None:
    assert found(store, "0905 123 456", search_phone=False) == set()


def test_the_phone_is_not_in_the_full_text(store: LocalStore, searchable: dict[str, Report]) -> None:
    assert found(store, "Bích 0905", search_phone=True) == set()  # words and phone are not mixed


@pytest.mark.parametrize(
    "text", ['"', "*", "NOT", "duong OR", "a AND", "NEAR(", "^duong", "--", "'", "%", "_"]
)
def test_search_operators_are_only_text(store: LocalStore, searchable: dict[str, Report], text: str) -> None:
    store.query(ReportQuery(text=text))  # no FTS5 syntax error reaches the user


def test_search_combines_with_filters_and_sorts(store: LocalStore, searchable: dict[str, Report]) -> None:
    rows = store.query(ReportQuery(text="duong", units={CITY}, sort="number", descending=False))
    assert [row.number for row in rows] == [searchable["unaccented"].number]


def test_changed_text_is_searched_as_it_is_now(store: LocalStore, searchable: dict[str, Report]) -> None:
    road = searchable["road"]
    road.description = "Cây xanh gãy đổ chắn lối đi"
    road.version += 1
    store.upsert_reports([road])
    assert road.number not in found(store, "o ga")
    assert found(store, "cay xanh") == {road.number}
    # An older copy arriving late does not bring the old text back.
    stale = make_report(1, number=road.number, description="Ổ gà", version=1)
    store.upsert_reports([stale])
    assert found(store, "cay xanh") == {road.number}
    assert found(store, "o ga") == set()


def test_reports_written_before_the_jurisdiction_become_searchable_by_place(
    store_path: object, pack: Jurisdiction, tmp_path: object
) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "late.sqlite3"
    with LocalStore.open(path) as late:
        late.upsert_reports([make_report(1, location=place(WARD_DO_VINH, "khu phố 3"))])
        assert late.count(ReportQuery(text="phan rang")) == 0
        late.load_jurisdiction(pack)
        assert late.count(ReportQuery(text="phan rang")) == 1
        assert late.count(ReportQuery(text="khu pho")) == 1
        assert late.count(ReportQuery(units={CITY})) == 1


def test_match_expression() -> None:
    assert match_expression("Đường  ngập") == '"duong" "ngap"*'
    assert match_expression("Đường ngập ") == '"duong" "ngap"'
    assert match_expression('NOT "x" OR') == '"not" "x" "or"*'
    assert match_expression(" – … ") is None
    # One letter being typed waits for the second: it would match nearly everything.
    assert match_expression("duong n") == '"duong"'
    assert match_expression("duong ng") == '"duong" "ng"*'
    assert match_expression("d") is None
    assert match_expression("so 5 ") == '"so" "5"'


def test_a_single_letter_does_not_filter_yet(store: LocalStore, searchable: dict[str, Report]) -> None:
    assert found(store, "d") == set(names(searchable, *searchable))
    assert found(store, "ngap n") == names(searchable, "flood")


VIETNAMESE = [
    "Đường Nguyễn Văn Cừ bị ngập nước sâu khoảng 40cm, SĐT 0905.123.456",
    "Thành phố Phan Rang–Tháp Chàm",
    "“Quán karaoke” hát đến 1–2 giờ sáng…",
    "ĐỒNG KHỞI, Ưu tiên, Ơn giời, ỷ lại, Ỹ, ỵ",
    unicodedata.normalize("NFD", "Ngập nước – đường Yên Ninh"),  # decomposed input
    "Ångström, Kelvin K, İstanbul, façade, naïve, Straße, Ωmega",
    "tab\tnew\nline\u00a0nbsp\u2003em",
    "",
]


@pytest.mark.parametrize("text", VIETNAMESE)
def test_fast_fold_is_fold(text: str) -> None:
    assert fast_fold(text) == fold(text)


def test_fast_fold_is_fold_for_every_character() -> None:
    """Every assigned code point between letters (and the marks also after a decomposed accent)."""
    surrogates = range(0xD800, 0xE000)
    for code in range(sys.maxunicode + 1):
        if code in surrogates:
            continue
        char = chr(code)
        if code > 0xFFFF and unicodedata.category(char) in ("Cn", "Co"):
            continue  # unassigned and private use beyond the BMP: nothing to decompose
        text = f"a{char}b"
        assert fast_fold(text) == fold(text), hex(code)
        if unicodedata.combining(char):
            text = f"Đe\u0301{char}x"
            assert fast_fold(text) == fold(text), hex(code)


def test_fast_fold_is_fold_on_random_mixtures() -> None:
    rng = random.Random(5)
    alphabet = "aăâbcdđeêghiklmnoôơpqrstuưvxyÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆ –—.,;:!?“”…0123456789\u0301\u0303"
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 40)))
        assert fast_fold(text) == fold(text), text


PREFIXED = {
    "nguoi": "Người dân phản ánh cống bị tắc",
    "nguon": "Nguồn nước sinh hoạt bị nhiễm bẩn",
    "nguong": "Ngưỡng cửa nhà văn hóa bị vỡ",
    "nguyen": "Đường Nguyễn Huệ có ổ gà",
    "karaoke": "Hát karaoke ồn ào sau 22 giờ",
}


@pytest.mark.parametrize("most", [16, 1], ids=["terms", "too-many-terms"])
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("nguo", {"nguoi", "nguon", "nguong"}),  # three terms begin with "nguo"
        ("ngươ", {"nguoi", "nguon", "nguong"}),
        ("nguon", {"nguon", "nguong"}),  # a whole word, and the prefix of another
        ("phan anh nguo", {"nguoi"}),
        ("karao", {"karaoke"}),
        ("nguox", set()),  # no term begins with it
        ("nguoi ", {"nguoi"}),  # a finished word: not a prefix
    ],
)
def test_a_typed_prefix_finds_what_the_prefix_index_finds(
    monkeypatch: pytest.MonkeyPatch, store: LocalStore, text: str, expected: set[str], most: int
) -> None:
    """A last word of 4 letters or more is searched as the terms it begins (at most 16 of them,
    else as a prefix): the same reports either way, on both plans of a page and in the count."""
    monkeypatch.setattr(store_local, "_PREFIX_TERMS", most)
    made = {key: make_report(i, description=text_) for i, (key, text_) in enumerate(PREFIXED.items())}
    store.upsert_reports(made.values())
    wanted = {made[key].number for key in expected}
    assert found(store, text) == wanted
    monkeypatch.setattr(store_local, "FEW_MATCHES", -1)  # (the page read by windows or the sort's index)
    assert found(store, text) == wanted


def test_the_expression_names_the_terms_a_prefix_begins(store: LocalStore) -> None:
    store.upsert_reports(make_report(i, description=text) for i, text in enumerate(PREFIXED.values()))
    raw = store._raw
    assert raw is not None
    assert store_local.exact_terms(raw, '"phan" "nguo"*') == '"phan" AND ("nguoi" OR "nguon" OR "nguong")'
    assert store_local.exact_terms(raw, '"karao"*') == '"karaoke"'
    assert store_local.exact_terms(raw, '"ngu"*') == '"ngu"*'  # 3 letters: the prefix index has it
    assert store_local.exact_terms(raw, '"nguoi"') == '"nguoi"'

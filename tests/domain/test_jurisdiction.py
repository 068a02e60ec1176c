"""The jurisdiction pack: the Ninh Thuận demo as shipped, routing precedence, and every validation error."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest

from ioc_console.domain.errors import DomainError
from ioc_console.domain.jurisdiction import (
    PACK_FILES,
    Agency,
    Category,
    Jurisdiction,
    PackError,
    RoutingRule,
    Unit,
    load_pack,
)
from ioc_console.resources import default_pack_path

DEMO = default_pack_path()

SOURCE_CATEGORIES = [
    "Trật tự xây dựng",
    "Vệ sinh môi trường",
    "Hạ tầng đô thị",
    "An toàn giao thông",
    "Trật tự xã hội",
    "Chất lượng dịch vụ du lịch",
    "Cán bộ, công chức chậm trễ, gây phiền hà, vi phạm trong thủ tục hành chính",
    "Các vấn đề khác về dân sinh",
]


@pytest.fixture(scope="module")
def demo() -> Jurisdiction:
    return load_pack(DEMO)


# -- the demo pack ---------------------------------------------------------------------------------


def test_demo_pack_identity_policy_and_hours(demo: Jurisdiction) -> None:
    assert demo.id == "ninh-thuan"
    assert demo.name == "Tỉnh Ninh Thuận"
    assert demo.timezone == "Asia/Ho_Chi_Minh"
    south, west, north, east = demo.bbox
    assert 11.2 <= south < 11.4 and 12.1 <= north <= 12.3
    assert 108.4 <= west < 108.7 and 109.2 <= east <= 109.4
    assert demo.policy.reply_working_days == 6
    assert 0 < demo.policy.triage_working_hours <= demo.policy.acceptance_working_hours
    assert demo.office_hours.start == time(7, 30)
    assert demo.office_hours.end == time(17, 0)
    assert demo.overrides == ()


def test_demo_pack_has_the_city_six_districts_and_65_communes(demo: Jurisdiction) -> None:
    province = demo.root()
    assert province.name == "Tỉnh Ninh Thuận"
    assert province.kind == "province"
    top = {unit.name: unit for unit in demo.children(province.code)}
    assert set(top) == {
        "Thành phố Phan Rang–Tháp Chàm",
        "Huyện Bác Ái",
        "Huyện Ninh Hải",
        "Huyện Ninh Phước",
        "Huyện Ninh Sơn",
        "Huyện Thuận Bắc",
        "Huyện Thuận Nam",
    }
    counts = {name: len(demo.children(unit.code)) for name, unit in top.items()}
    assert counts == {
        "Thành phố Phan Rang–Tháp Chàm": 16,
        "Huyện Bác Ái": 9,
        "Huyện Ninh Hải": 9,
        "Huyện Ninh Phước": 9,
        "Huyện Ninh Sơn": 8,
        "Huyện Thuận Bắc": 6,
        "Huyện Thuận Nam": 8,
    }
    leaves = demo.leaf_units()
    assert len(leaves) == 65
    assert {unit.kind for unit in leaves} == {"ward", "commune", "township"}
    city = top["Thành phố Phan Rang–Tháp Chàm"]
    city_kinds = [unit.kind for unit in demo.children(city.code)]
    assert city_kinds.count("ward") == 15 and city_kinds.count("commune") == 1
    names = {unit.name for unit in leaves}
    for expected in (
        "Phường Đô Vinh",
        "Phường Kinh Dinh",
        "Phường Mỹ Hải",
        "Xã Thành Hải",
        "Thị trấn Khánh Hải",
        "Thị trấn Tân Sơn",
        "Thị trấn Phước Dân",
        "Xã Phước Bình",
        "Xã Cà Ná",
        "Xã Công Hải",
    ):
        assert expected in names
    townships = {unit.name for unit in leaves if unit.kind == "township"}
    assert townships == {"Thị trấn Khánh Hải", "Thị trấn Tân Sơn", "Thị trấn Phước Dân"}


def test_demo_pack_uses_the_statistics_office_codes(demo: Jurisdiction) -> None:
    assert demo.unit("58").name == "Tỉnh Ninh Thuận"
    assert demo.unit("582").name == "Thành phố Phan Rang–Tháp Chàm"
    assert demo.unit("22738").name == "Phường Đô Vinh"
    assert demo.unit("22834").name == "Thị trấn Khánh Hải"
    assert demo.unit("22910").name == "Xã Cà Ná"
    assert all(len(unit.code) == 5 and unit.code.isdigit() for unit in demo.leaf_units())


def test_every_centroid_is_in_the_province_and_nearest_to_itself(demo: Jurisdiction) -> None:
    for unit in demo.units.values():
        assert demo.contains(unit.lat, unit.lon), unit.name
    for unit in demo.leaf_units():
        assert demo.nearest_unit(unit.lat, unit.lon) == unit
    # Districts' centroids lie near their own communes, not in a neighbouring district.
    for district in demo.children("58"):
        nearest = demo.nearest_unit(district.lat, district.lon)
        assert nearest.parent == district.code, (district.name, nearest.name)


def test_geography_queries(demo: Jurisdiction) -> None:
    assert demo.contains(11.565, 108.99)  # Phan Rang
    assert not demo.contains(10.776, 106.700)  # Ho Chi Minh City
    assert not demo.contains(12.238, 109.196)  # Nha Trang, just north of the box
    assert demo.nearest_unit(11.6005, 109.0395).name == "Thị trấn Khánh Hải"
    assert demo.nearest_unit(11.335, 108.888).name == "Xã Cà Ná"


def test_categories_are_the_sources_eight_and_covid_ones_inactive(demo: Jurisdiction) -> None:
    active = demo.active_categories()
    assert [category.name for category in active] == SOURCE_CATEGORIES
    assert all(category.name_en for category in active)
    inactive = [category for category in demo.categories.values() if not category.active]
    assert len(inactive) == 3
    assert all("COVID-19" in category.name for category in inactive)
    assert demo.category("traffic-safety").name_en == "Traffic safety"


def test_every_active_category_routes_in_every_commune(demo: Jurisdiction) -> None:
    assert demo.unrouted() == []
    for category in demo.active_categories():
        for unit in demo.leaf_units():
            agency = demo.route(category.code, unit.code)
            assert agency is not None, (category.code, unit.name)
            # The agency really serves the place it is sent to.
            assert agency in demo.agencies_for_unit(unit.code), (category.code, unit.name, agency.code)


def test_demo_routing_matches_how_the_province_works(demo: Jurisdiction) -> None:
    def to(category: str, unit: str) -> str:
        agency = demo.route(category, unit)
        assert agency is not None
        return agency.short_name

    assert to("construction", "22738") == "UBND TP Phan Rang–Tháp Chàm"
    assert to("construction", "22783") == "UBND huyện Bác Ái"
    # The seed's story: waste water in Khánh Hải township went to the local government.
    assert to("environment", "22834") == "UBND huyện Ninh Hải"
    assert to("environment", "22759") == "Môi trường đô thị"
    assert to("urban-infrastructure", "22759") == "Môi trường đô thị"
    assert to("traffic-safety", "22910") == "Sở GTVT"
    assert to("social-order", "22759") == "Công an tỉnh"
    assert to("tourism", "22846") == "Sở VHTTDL"
    assert to("officials", "22783") == "Sở Nội vụ"
    assert to("daily-life", "22738") == "UBND phường Đô Vinh"
    assert to("daily-life", "22834") == "UBND thị trấn Khánh Hải"
    assert to("daily-life", "22783") == "UBND huyện Bác Ái"
    # Inactive categories still route, for the reports received while they were open.
    assert to("covid-vaccination", "22738") == "Sở Y tế"
    assert to("covid-social-support", "22910") == "Sở LĐ-TB&XH"


def test_demo_agencies(demo: Jurisdiction) -> None:
    kinds = {agency.kind for agency in demo.agencies.values()}
    assert kinds == {"department", "district_committee", "commune_committee", "police", "utility"}
    names = {agency.name for agency in demo.agencies.values()}
    for expected in (
        "Sở Xây dựng tỉnh Ninh Thuận",
        "Sở Tài nguyên và Môi trường tỉnh Ninh Thuận",
        "Sở Nội vụ tỉnh Ninh Thuận",
        "Công an tỉnh Ninh Thuận",
        "Ủy ban nhân dân thành phố Phan Rang–Tháp Chàm",
        "Ủy ban nhân dân huyện Thuận Nam",
        "Ủy ban nhân dân phường Kinh Dinh",
        "Công ty Điện lực Ninh Thuận",
        "Công ty Cổ phần Cấp nước Ninh Thuận",
    ):
        assert expected in names
    committees = [a for a in demo.agencies.values() if a.kind == "district_committee"]
    assert len(committees) == 7
    wards_with_committee = {a.units[0] for a in demo.agencies.values() if a.kind == "commune_committee"}
    assert {unit.code for unit in demo.children("582")} <= wards_with_committee


# -- unit tree and lookups ---------------------------------------------------------------------------


def test_ancestors_start_with_the_unit_itself(demo: Jurisdiction) -> None:
    assert [unit.code for unit in demo.ancestors("22738")] == ["22738", "582", "58"]
    assert [unit.code for unit in demo.ancestors("58")] == ["58"]


def test_descendants_depth_first(demo: Jurisdiction) -> None:
    city = demo.descendants("582")
    assert len(city) == 16 and all(unit.parent == "582" for unit in city)
    everything = demo.descendants("58")
    assert len(everything) == len(demo.units) - 1
    assert everything[0].code == "582" and everything[1].parent == "582"
    assert demo.descendants("22738") == []


def test_agencies_for_unit_nearest_first(demo: Jurisdiction) -> None:
    agencies = demo.agencies_for_unit("22738")
    codes = [agency.code for agency in agencies]
    assert codes[0] == "ubnd-22738"
    assert codes.index("ubnd-582") < codes.index("so-xd")
    assert "ubnd-584" not in codes and "ubnd-22741" not in codes
    assert {"so-xd", "ca-tinh", "dien-luc"} <= set(codes)


def test_unknown_codes_raise_domain_errors_that_read_well(demo: Jurisdiction) -> None:
    with pytest.raises(DomainError) as unit_error:
        demo.unit("99999")
    assert unit_error.value.code == "unit.unknown"
    assert "99999" in unit_error.value.message("vi")
    with pytest.raises(DomainError) as category_error:
        demo.category("flooding")
    assert category_error.value.code == "category.unknown"
    with pytest.raises(DomainError) as agency_error:
        demo.agency("nobody")
    assert agency_error.value.code == "forward.unknown_agency"
    with pytest.raises(DomainError, match="99999"):
        demo.route("construction", "99999")
    with pytest.raises(DomainError) as route_error:
        demo.route("flooding", "22738")
    assert route_error.value.code == "category.unknown"
    with pytest.raises(DomainError):
        demo.ancestors("99999")


# -- routing precedence on a small hand-made jurisdiction ----------------------------------------------


def _small(rules: list[tuple[str, str, str]]) -> Jurisdiction:
    units = [
        Unit("P", "Province", "province", None, 11.5, 109.0),
        Unit("C", "City", "city", "P", 11.5, 109.0),
        Unit("W1", "Ward 1", "ward", "C", 11.5, 109.0),
        Unit("W2", "Ward 2", "ward", "C", 11.6, 109.0),
        Unit("D", "District", "district", "P", 11.8, 108.8),
        Unit("V", "Village", "commune", "D", 11.8, 108.8),
    ]
    agencies = [Agency(code, code, code, "other", ("P",)) for code in sorted({r[2] for r in rules})]
    categories = [Category("env", "Môi trường", "Environment"), Category("road", "Đường", "Roads")]
    return Jurisdiction(
        id="small",
        name="Small",
        timezone="Asia/Ho_Chi_Minh",
        bbox=(11.0, 108.0, 12.0, 110.0),
        units={u.code: u for u in units},
        agencies={a.code: a for a in agencies},
        categories={c.code: c for c in categories},
        routing=tuple(RoutingRule(*rule) for rule in rules),
    )


PRECEDENCE_RULES = [
    ("*", "*", "fallback"),
    ("*", "W1", "ward-any"),
    ("env", "*", "env-anywhere"),
    ("env", "C", "env-city"),
    ("road", "D", "road-district"),
]


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize(
    ("category", "unit", "expected"),
    [
        # Exact category beats "*" even when the wildcard rule sits on a nearer unit.
        ("env", "W1", "env-city"),
        # Nearer unit beats farther unit, and a named unit beats unit "*".
        ("env", "W2", "env-city"),
        ("env", "V", "env-anywhere"),
        ("road", "V", "road-district"),
        # No rule for the category: the nearest wildcard-category rule, then the catch-all.
        ("road", "W1", "ward-any"),
        ("road", "W2", "fallback"),
        ("road", "C", "fallback"),
    ],
)
def test_route_precedence(category: str, unit: str, expected: str, reverse: bool) -> None:
    rules = list(reversed(PRECEDENCE_RULES)) if reverse else PRECEDENCE_RULES
    agency = _small(rules).route(category, unit)
    assert agency is not None and agency.code == expected


def test_route_without_any_matching_rule_is_none() -> None:
    small = _small([("env", "C", "env-city")])
    assert small.route("env", "V") is None
    assert small.route("road", "W1") is None
    assert [(c.code, u.code) for c, u in small.unrouted()] == [
        ("env", "V"),
        ("road", "W1"),
        ("road", "W2"),
        ("road", "V"),
    ]


# -- loading and validation --------------------------------------------------------------------------


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "pack"
    shutil.copytree(DEMO, target)
    return target


def _edit(folder: Path, name: str, change: Callable[[Any], Any]) -> None:
    path = folder / name
    data = json.loads(path.read_text(encoding="utf-8"))
    result = change(data)
    path.write_text(
        json.dumps(data if result is None else result, ensure_ascii=False, indent=1), encoding="utf-8"
    )


def _unit_index(folder: Path, code: str) -> int:
    units = json.loads((folder / "units.json").read_text(encoding="utf-8"))
    return next(i for i, unit in enumerate(units) if unit["code"] == code)


def _load_error(folder: Path) -> PackError:
    with pytest.raises(PackError) as caught:
        load_pack(folder)
    return caught.value


def test_load_accepts_the_pack_json_path_and_a_byte_order_mark(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    pack = folder / "pack.json"
    pack.write_bytes(b"\xef\xbb\xbf" + pack.read_bytes())
    assert load_pack(pack).id == "ninh-thuan"


def test_calendar_overrides_load(tmp_path: Path) -> None:
    folder = _copy(tmp_path)

    def add(pack: dict[str, Any]) -> None:
        pack["calendar_overrides"] = [
            {"day": "2021-04-16", "working": False, "note": "Ngày hội văn hóa địa phương"},
            {"day": "2021-04-24", "working": True},
        ]

    _edit(folder, "pack.json", add)
    overrides = load_pack(folder).overrides
    assert [(o.day, o.working) for o in overrides] == [(date(2021, 4, 16), False), (date(2021, 4, 24), True)]
    assert overrides[0].note == "Ngày hội văn hóa địa phương"


def test_the_example_error_reads_as_promised(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    index = _unit_index(folder, "22768")

    def break_parent(units: list[dict[str, Any]]) -> None:
        units[index]["parent"] = "xxx"

    _edit(folder, "units.json", break_parent)
    error = _load_error(folder)
    assert (error.file, error.entry, error.index, error.field) == ("units.json", "22768", index, "parent")
    assert (
        error.message("en")
        == f'units.json, entry "22768" (index {index}), field "parent": unknown unit "xxx"'
    )
    assert error.message("vi") == (
        f"units.json, mục «22768» (chỉ số {index}), trường «parent»: không có đơn vị hành chính «xxx»"
    )
    assert error.message() == error.message("vi")
    assert str(error) == error.message("en")
    assert isinstance(error, DomainError)


def test_json_syntax_error_names_line_and_column(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    text = (folder / "routing.json").read_text(encoding="utf-8").splitlines()
    text[2] = text[2].replace('"unit":', '"unit"')  # a missing colon on the third line
    (folder / "routing.json").write_text("\n".join(text), encoding="utf-8")
    error = _load_error(folder)
    assert error.file == "routing.json"
    assert error.line == 3 and error.column is not None and error.column > 1
    assert error.code == "pack.json_syntax"
    assert error.message("en").startswith(f"routing.json, line 3, column {error.column}: JSON syntax error")
    assert error.message("vi").startswith(f"routing.json, dòng 3, cột {error.column}: lỗi cú pháp JSON")


def test_missing_file_and_missing_folder(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "agencies.json").unlink()
    error = _load_error(folder)
    assert (error.file, error.code) == ("agencies.json", "pack.missing_file")
    assert error.message("en") == f'agencies.json: the pack folder "{folder}" has no such file'
    error = _load_error(tmp_path / "nowhere")
    assert error.code == "pack.not_found"
    assert "nowhere" in error.message("vi")


def test_duplicate_key_in_an_object(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    path = folder / "categories.json"
    path.write_text(
        path.read_text(encoding="utf-8").replace('"active": true,', '"active": true, "active": false,', 1),
        encoding="utf-8",
    )
    error = _load_error(folder)
    assert (error.file, error.code, error.params["key"]) == (
        "categories.json",
        "pack.duplicate_key",
        "active",
    )


def _set(path: list[str | int], value: Any) -> Callable[[Any], None]:
    def change(data: Any) -> None:
        for step in path[:-1]:
            data = data[step]
        data[path[-1]] = value

    return change


def _delete(path: list[str | int]) -> Callable[[Any], None]:
    def change(data: Any) -> None:
        for step in path[:-1]:
            data = data[step]
        del data[path[-1]]

    return change


def _append_copy(index: int, **changes: Any) -> Callable[[Any], None]:
    def change(data: list[dict[str, Any]]) -> None:
        data.append({**data[index], **changes})

    return change


# (file, change, code, entry, index, field); index None means a file-level field.
CASES: list[tuple[str, Callable[[Any], Any], str, str | None, int | None, str | None]] = [
    ("pack.json", _delete(["timezone"]), "pack.required", None, None, "timezone"),
    ("pack.json", _set(["timezone"], "Asia/Phan_Rang"), "pack.bad_timezone", None, None, "timezone"),
    ("pack.json", _set(["format"], 2), "pack.format", None, None, "format"),
    ("pack.json", _set(["id"], "ninh thuan"), "pack.bad_code", None, None, "id"),
    ("pack.json", _set(["name"], "  "), "pack.empty", None, None, "name"),
    ("pack.json", _set(["colour"], "blue"), "pack.unknown_field", None, None, "colour"),
    ("pack.json", _set(["bbox"], [11.3, 108.5, 12.2]), "pack.type", None, None, "bbox"),
    ("pack.json", _set(["bbox"], [12.2, 108.5, 11.3, 109.3]), "pack.bad_bbox", None, None, "bbox"),
    ("pack.json", _set(["office_hours", "start"], "7:30"), "pack.bad_time", None, None, "office_hours.start"),
    ("pack.json", _set(["office_hours", "end"], "25:00"), "pack.bad_time", None, None, "office_hours.end"),
    ("pack.json", _set(["office_hours", "end"], "07:00"), "pack.time_order", None, None, "office_hours.end"),
    (
        "pack.json",
        _set(["deadline_policy", "reply_working_days"], -1),
        "pack.too_small",
        None,
        None,
        "deadline_policy.reply_working_days",
    ),
    (
        "pack.json",
        _set(["deadline_policy", "reply_working_days"], 6.5),
        "pack.type",
        None,
        None,
        "deadline_policy.reply_working_days",
    ),
    (
        "pack.json",
        _delete(["deadline_policy", "reply_working_days"]),
        "pack.required",
        None,
        None,
        "deadline_policy.reply_working_days",
    ),
    (
        "pack.json",
        _set(["deadline_policy", "triage_working_hours"], 0),
        "pack.not_positive",
        None,
        None,
        "deadline_policy.triage_working_hours",
    ),
    (
        "pack.json",
        _set(["deadline_policy", "due_soon_working_days"], 6),
        "pack.due_soon_too_long",
        None,
        None,
        "deadline_policy.due_soon_working_days",
    ),
    (
        "pack.json",
        _set(["deadline_policy", "resolution_working_hours"], 80),
        "pack.stages_exceed_reply",
        None,
        None,
        "deadline_policy.resolution_working_hours",
    ),
    (
        "pack.json",
        _set(["deadline_policy", "pause_while_waiting_info"], "yes"),
        "pack.type",
        None,
        None,
        "deadline_policy.pause_while_waiting_info",
    ),
    (
        "pack.json",
        _set(["calendar_overrides"], [{"day": "2025-02-30", "working": False}]),
        "pack.bad_date",
        "2025-02-30",
        0,
        "calendar_overrides.day",
    ),
    (
        "pack.json",
        _set(["calendar_overrides"], [{"day": "2025-05-02", "working": "no"}]),
        "pack.type",
        "2025-05-02",
        0,
        "calendar_overrides.working",
    ),
    (
        "pack.json",
        _set(
            ["calendar_overrides"],
            [{"day": "2025-05-02", "working": False}, {"day": "2025-05-02", "working": True}],
        ),
        "pack.duplicate_day",
        "2025-05-02",
        1,
        "calendar_overrides.day",
    ),
    ("units.json", lambda data: [], "pack.empty", None, None, None),
    ("units.json", lambda data: {"units": data}, "pack.type", None, None, None),
    ("units.json", _set([9, "lat"], "11.59"), "pack.type", "22741", 9, "lat"),
    ("units.json", _set([9, "lon"], 106.7), "pack.outside_bbox", "22741", 9, "lon"),
    ("units.json", _set([9, "kind"], "hamlet"), "pack.bad_choice", "22741", 9, "kind"),
    ("units.json", _delete([9, "name"]), "pack.required", "22741", 9, "name"),
    ("units.json", _delete([9, "code"]), "pack.required", None, 9, "code"),
    ("units.json", _set([9, "code"], "22 741"), "pack.bad_code", None, 9, "code"),
    ("units.json", _set([9, "population"], 1000), "pack.unknown_field", "22741", 9, "population"),
    ("units.json", _set([9, "code"], "22738"), "pack.duplicate", "22738", 9, "code"),
    ("units.json", _set([9, "parent"], 582), "pack.type", "22741", 9, "parent"),
    ("units.json", _set([1, "parent"], "22738"), "pack.parent_cycle", "582", 1, "parent"),
    ("units.json", _set([2, "parent"], None), "pack.many_roots", "584", 2, "parent"),
    ("categories.json", _set([8, "active"], "no"), "pack.type", "covid-prevention", 8, "active"),
    ("categories.json", _delete([0, "name_en"]), "pack.required", "construction", 0, "name_en"),
    ("categories.json", _append_copy(1), "pack.duplicate", "environment", 11, "code"),
    ("agencies.json", _set([0, "units"], ["58", "xxx"]), "pack.unknown_unit", "so-xd", 0, "units"),
    ("agencies.json", _set([0, "units"], []), "pack.empty", "so-xd", 0, "units"),
    ("agencies.json", _set([0, "units"], "58"), "pack.type", "so-xd", 0, "units"),
    ("agencies.json", _set([0, "kind"], "ministry"), "pack.bad_choice", "so-xd", 0, "kind"),
    ("agencies.json", _append_copy(3), "pack.duplicate", "so-vhttdl", 41, "code"),
    (
        "routing.json",
        _set([0, "category"], "flooding"),
        "pack.unknown_category",
        "flooding / 582",
        0,
        "category",
    ),
    ("routing.json", _set([0, "unit"], "99999"), "pack.unknown_unit", "construction / 99999", 0, "unit"),
    ("routing.json", _set([0, "agency"], "so-xyz"), "pack.unknown_agency", "construction / 582", 0, "agency"),
    (
        "routing.json",
        _set([0, "agency"], "ubnd-584"),
        "pack.agency_not_serving",
        "construction / 582",
        0,
        "agency",
    ),
    (
        "routing.json",
        _append_copy(0, agency="so-xd"),
        "pack.duplicate_rule",
        "construction / 582",
        54,
        "unit",
    ),
    ("routing.json", _delete([0, "agency"]), "pack.required", "construction / 582", 0, "agency"),
]


@pytest.mark.parametrize(
    ("file", "change", "code", "entry", "index", "field"),
    CASES,
    ids=[f"{case[0]}-{case[2]}-{case[5]}-{n}" for n, case in enumerate(CASES)],
)
def test_broken_pack_names_file_entry_and_field(
    tmp_path: Path,
    file: str,
    change: Callable[[Any], Any],
    code: str,
    entry: str | None,
    index: int | None,
    field: str | None,
) -> None:
    folder = _copy(tmp_path)
    _edit(folder, file, change)
    error = _load_error(folder)
    assert (error.file, error.code, error.entry, error.index, error.field) == (
        file,
        code,
        entry,
        index,
        field,
    )
    for lang in ("vi", "en"):
        text = error.message(lang)
        assert text.startswith(file)
        if entry is not None:
            assert entry in text
        if index is not None:
            assert str(index) in text
        if field is not None:
            assert field in text
        # The detail was rendered from the catalog: no code and no unfilled placeholder.
        assert error.detail(lang) != error.code and "{" not in text
    assert error.message("vi") != error.message("en")


def test_messages_give_the_values_that_are_wrong(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder, "units.json", _set([1, "parent"], "22738"))
    assert _load_error(folder).detail("en") == "parent cycle: 582 → 22738 → 582"

    folder = _copy(tmp_path / "b")
    _edit(folder, "pack.json", _set(["office_hours", "end"], "07:00"))
    assert _load_error(folder).detail("vi") == "giờ bắt đầu 07:30 phải trước giờ kết thúc 07:00"

    folder = _copy(tmp_path / "c")
    _edit(folder, "units.json", _set([9, "lat"], "11.59"))
    error = _load_error(folder)
    assert error.detail("vi") == "phải là số"
    assert error.detail("en") == "must be a number"

    folder = _copy(tmp_path / "d")
    _edit(folder, "pack.json", _set(["deadline_policy", "resolution_working_hours"], 80))
    assert _load_error(folder).detail("en") == (
        "the stage targets add up to 92 working hours, more than the 6-working-day reply deadline (57 hours)"
    )


def test_every_pack_file_is_required(tmp_path: Path) -> None:
    for name in PACK_FILES:
        folder = _copy(tmp_path / name)
        (folder / name).unlink()
        assert _load_error(folder).file == name

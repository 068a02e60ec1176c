"""Where the demo's reports happen: units weighted by population, coordinates, addresses, landmarks.

The generator works for any jurisdiction: it needs only the units' names, kinds and centroids. For the
demo province it knows more — the streets of Phan Rang–Tháp Chàm, the landmarks people name
(chợ Phan Rang, bãi biển Ninh Chữ, tháp Po Klong Garai, cảng Cà Ná, vịnh Vĩnh Hy, hồ Tân Giang...)
and the district populations — matched by folded unit names, so a pack with other codes still fits.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from itertools import accumulate

from ioc_console.demo.draw import pick, pick_weighted
from ioc_console.domain.jurisdiction import Jurisdiction, Unit
from ioc_console.domain.text import fold

# --- what the demo knows about Ninh Thuận ---------------------------------------------------------

#: Approximate population (2019 census) of the city and districts, by folded name fragment.
_DISTRICT_POPULATION = {
    "phan rang": 167_000,
    "ninh phuoc": 133_000,
    "ninh hai": 93_000,
    "ninh son": 76_000,
    "thuan nam": 61_000,
    "thuan bac": 42_000,
    "bac ai": 30_000,
}
#: People in town report more (smartphones, the app, Zalo): reports per inhabitant, relative.
_PROPENSITY = {"ward": 2.6, "township": 1.6, "commune": 1.0}

CITY_STREETS = (
    "Thống Nhất", "16 Tháng 4", "Ngô Gia Tự", "Yên Ninh", "Lê Duẩn", "21 Tháng 8", "Trần Phú",
    "Lê Hồng Phong", "Hải Thượng Lãn Ông", "Minh Mạng", "Quang Trung", "Nguyễn Văn Cừ", "Trường Chinh",
    "Lê Lợi", "Hùng Vương", "Ngô Quyền", "Cao Thắng", "Nguyễn Thị Minh Khai", "Lê Thánh Tôn",
    "Trần Quang Diệu", "Tô Hiệu", "Bạch Đằng", "Nguyễn Trãi", "Phan Chu Trinh", "Lý Thường Kiệt",
    "Võ Thị Sáu", "Trần Hưng Đạo", "Nguyễn Du", "Lê Lai", "Phan Đình Phùng", "Hoàng Hoa Thám",
)  # fmt: skip
#: Streets weighted as people mention them (the main axes more often).
_CITY_STREET_CUM = tuple(accumulate((6, 5, 5, 4, 4, 4, 4) + (2,) * (len(CITY_STREETS) - 7)))


@dataclass(frozen=True)
class Landmark:
    name: str
    tags: frozenset[str]
    #: Folded names of the units it lies in; empty: anywhere in its district.
    units: tuple[str, ...] = ()


def _lm(name: str, tags: str, *units: str) -> Landmark:
    return Landmark(name, frozenset(tags.split()), tuple(fold(u) for u in units))


_LANDMARKS: dict[str, tuple[Landmark, ...]] = {
    "phan rang": (
        _lm("chợ Phan Rang", "market crowd", "Kinh Dinh", "Phủ Hà"),
        _lm("chợ Tháp Chàm", "market crowd", "Đô Vinh"),
        _lm("tháp Po Klong Garai", "tourist heritage crowd", "Đô Vinh"),
        _lm("ga Tháp Chàm", "station crowd", "Đô Vinh"),
        _lm("cảng cá Đông Hải", "port", "Đông Hải"),
        _lm("cầu Đạo Long", "road river", "Đạo Long"),
        _lm("bờ kè sông Dinh", "river", "Đạo Long", "Đông Hải"),
        _lm("bãi biển Bình Sơn", "beach tourist crowd", "Mỹ Hải", "Văn Hải", "Mỹ Bình"),
        _lm("bãi biển Ninh Chữ", "beach tourist crowd", "Văn Hải"),
        _lm("khu công nghiệp Thành Hải", "industrial", "Thành Hải"),
        _lm("quảng trường 16 Tháng 4", "crowd park"),
        _lm("Bệnh viện Đa khoa tỉnh", "hospital crowd"),
        _lm("bến xe Phan Rang", "station crowd"),
        _lm("công viên Đài Sơn", "park", "Đài Sơn"),
    ),
    "ninh hai": (
        _lm("bãi biển Ninh Chữ", "beach tourist crowd", "Khánh Hải"),
        _lm("chợ Khánh Hải", "market crowd", "Khánh Hải"),
        _lm("vịnh Vĩnh Hy", "beach tourist port", "Vĩnh Hải"),
        _lm("Hang Rái", "tourist", "Vĩnh Hải"),
        _lm("làng nho Thái An", "tourist", "Vĩnh Hải"),
        _lm("đầm Nại", "lake", "Tân Hải", "Hộ Hải", "Tri Hải", "Phương Hải"),
        _lm("làng chài Mỹ Tường", "port beach", "Nhơn Hải"),
        _lm("Hòn Đỏ", "tourist beach", "Thanh Hải"),
        _lm("đường tỉnh 702", "road", "Vĩnh Hải", "Thanh Hải", "Nhơn Hải", "Khánh Hải"),
    ),
    "ninh phuoc": (
        _lm("làng gốm Bàu Trúc", "tourist heritage", "Phước Dân"),
        _lm("chợ Phước Dân", "market crowd", "Phước Dân"),
        _lm("tháp Po Rome", "tourist heritage", "Phước Hữu"),
        _lm("đồi cát Nam Cương", "tourist", "An Hải"),
        _lm("Quốc lộ 1A", "road", "Phước Dân", "Phước Sơn", "Phước Hậu"),
        _lm("kênh Nam", "river", "Phước Sơn", "Phước Hậu", "Phước Thuận", "Phước Hữu", "Phước Thái"),
    ),
    "ninh son": (
        _lm("chợ Tân Sơn", "market crowd", "Tân Sơn"),
        _lm("Quốc lộ 27", "road", "Tân Sơn", "Quảng Sơn", "Lâm Sơn", "Nhơn Sơn", "Mỹ Sơn"),
        _lm("đèo Ngoạn Mục", "road", "Lâm Sơn"),
        _lm("kênh Bắc", "river", "Nhơn Sơn", "Mỹ Sơn", "Quảng Sơn"),
    ),
    "bac ai": (
        _lm("hồ Sông Sắt", "lake", "Phước Tân"),
        _lm("Vườn quốc gia Phước Bình", "tourist", "Phước Bình"),
        _lm("Quốc lộ 27B", "road", "Phước Đại", "Phước Tiến", "Phước Thắng", "Phước Chính"),
        _lm("chợ Phước Đại", "market crowd", "Phước Đại"),
    ),
    "thuan bac": (
        _lm("hồ Sông Trâu", "lake", "Bắc Phong", "Phước Kháng"),
        _lm("bãi Bình Tiên", "beach tourist", "Công Hải"),
        _lm("khu công nghiệp Du Long", "industrial", "Lợi Hải"),
        _lm("Quốc lộ 1A", "road", "Lợi Hải", "Bắc Phong", "Công Hải", "Bắc Sơn"),
    ),
    "thuan nam": (
        _lm("cảng Cà Ná", "port", "Cà Ná"),
        _lm("chợ Cà Ná", "market crowd", "Cà Ná"),
        _lm("bãi biển Cà Ná", "beach tourist", "Cà Ná"),
        _lm("hồ Tân Giang", "lake", "Phước Hà"),
        _lm("Mũi Dinh", "tourist beach", "Phước Dinh"),
        _lm("bãi biển Sơn Hải", "beach tourist", "Phước Dinh"),
        _lm("cánh đồng muối Phước Diêm", "industrial", "Phước Diêm"),
        _lm("Quốc lộ 1A", "road", "Phước Nam", "Phước Minh", "Cà Ná", "Phước Diêm"),
    ),
}

# Generic spots every ward or commune has; {u} is the unit's short name ("Thanh Sơn").
_WARD_SPOTS = (
    ("trường tiểu học {u}", "school crowd"),
    ("trạm y tế phường", "hospital"),
    ("nhà văn hóa khu phố {n}", "crowd"),
    ("trụ sở UBND phường", "office"),
    ("chợ {u}", "market crowd"),
)
_COMMUNE_SPOTS = (
    ("trường tiểu học {u}", "school crowd"),
    ("trạm y tế xã", "hospital"),
    ("nhà văn hóa thôn", "crowd"),
    ("trụ sở UBND xã", "office"),
    ("chợ {u}", "market crowd"),
    ("đường liên thôn", "road"),
    ("cầu tràn đầu thôn", "road river"),
)

_ROADS = ("đường", "Quốc lộ")  # a landmark that is itself a road

_KIND_WORDS = {
    "province": "tỉnh",
    "city": "thành phố",
    "district": "huyện",
    "town": "thị xã",
    "ward": "phường",
    "commune": "xã",
    "township": "thị trấn",
}


def short_name(unit: Unit) -> str:
    """The unit's proper name without its kind: "Phường Thanh Sơn" → "Thanh Sơn"."""
    name = unit.name
    word = _KIND_WORDS.get(unit.kind)
    if word and name.lower().startswith(word + " "):
        return name[len(word) + 1 :]
    return name


def label(unit: Unit) -> str:
    """The unit as written inside a sentence: "phường Thanh Sơn", "thành phố Phan Rang–Tháp Chàm"."""
    word = _KIND_WORDS.get(unit.kind)
    return f"{word} {short_name(unit)}" if word else unit.name


@dataclass
class Place:
    """A leaf unit as the generator uses it."""

    unit: Unit
    district: Unit | None
    #: Key of the district in the demo gazetteer, or "" for an unknown jurisdiction.
    key: str
    weight: float
    short: str
    label: str
    urban: bool
    raglai: bool
    landmarks: tuple[Landmark, ...] = ()
    spots: tuple[tuple[str, frozenset[str]], ...] = field(default=())
    #: How far (degrees of latitude) coordinates may stray from the centroid.
    radius: float = 0.004

    def landmark(self, rng: random.Random, tags: frozenset[str]) -> str | None:
        """A landmark of this unit carrying one of ``tags``, or a generic local spot, or ``None``."""
        found = [lm.name for lm in self.landmarks if lm.tags & tags]
        if found:
            return pick(rng, found)
        spots = [name for name, spot_tags in self.spots if spot_tags & tags]
        if spots:
            return pick(rng, spots).format(u=self.short, n=rng.randint(1, 8))
        return None


def _district_key(names: list[str]) -> str:
    for name in names:
        folded = fold(name)
        for key in _DISTRICT_POPULATION:
            if key in folded:
                return key
    return ""


def _nearest_distance(unit: Unit, others: list[Unit]) -> float:
    """Distance (in degrees of latitude) from the unit's centroid to the nearest other centroid."""
    scale = math.cos(math.radians(unit.lat))
    best = math.inf
    for other in others:
        if other.code != unit.code:
            best = min(best, math.hypot(other.lat - unit.lat, (other.lon - unit.lon) * scale))
    return best


def places(jurisdiction: Jurisdiction) -> list[Place]:
    """The leaf units with their weights and what the demo knows about them, in code order."""
    leaves = sorted(jurisdiction.leaf_units(), key=lambda u: u.code)
    by_parent: dict[str | None, list[Unit]] = {}
    for unit in leaves:
        by_parent.setdefault(unit.parent, []).append(unit)
    result: list[Place] = []
    for unit in leaves:
        ancestors = jurisdiction.ancestors(unit.code)
        district = ancestors[1] if len(ancestors) > 2 else None
        key = _district_key([a.name for a in ancestors[1:]])
        siblings = by_parent.get(unit.parent, [])
        population = getattr(unit, "population", None)
        if isinstance(population, (int, float)) and population > 0:
            base = float(population)
        elif key:
            base = _DISTRICT_POPULATION[key] / max(1, len(siblings))
        else:
            base = {"ward": 12_000.0, "township": 10_000.0}.get(unit.kind, 8_000.0)
        weight = base * _PROPENSITY.get(unit.kind, 1.0)
        folded = fold(short_name(unit))
        landmarks = tuple(
            lm
            for lm in _LANDMARKS.get(key, ())
            if (not lm.units and unit.kind == "ward") or folded in lm.units
        )
        urban = unit.kind in ("ward", "township")
        spot_table: tuple[tuple[str, str], ...] = _WARD_SPOTS if urban else _COMMUNE_SPOTS
        if unit.kind == "township":
            spot_table = tuple((n.replace("phường", "thị trấn"), t) for n, t in _WARD_SPOTS)
        spots = tuple((name, frozenset(tags.split())) for name, tags in spot_table)
        nearest = _nearest_distance(unit, leaves)
        # A point closer to its centroid than half the distance to the nearest other centroid is
        # nearer to its own unit than to any other (triangle inequality): jitter within that radius.
        radius = min(nearest / 2.0, 0.04) if math.isfinite(nearest) else 0.01
        result.append(
            Place(
                unit=unit,
                district=district,
                key=key,
                weight=weight,
                short=short_name(unit),
                label=label(unit),
                urban=urban,
                raglai=key == "bac ai",
                landmarks=landmarks,
                spots=spots,
                radius=radius,
            )
        )
    return result


def street(rng: random.Random, place: Place) -> str:
    """A street or road name (without "đường") people of this unit would name."""
    if place.key == "phan rang":
        return pick_weighted(rng, CITY_STREETS, _CITY_STREET_CUM)
    roads = [lm.name for lm in place.landmarks if "road" in lm.tags]
    if roads and rng.random() < 0.5:
        return pick(rng, roads)
    return ""


def coordinates(
    rng: random.Random, place: Place, bbox: tuple[float, float, float, float]
) -> tuple[float, float]:
    """A point near the unit's centroid, nearer to it than to any other unit, inside the bbox."""
    south, west, north, east = bbox
    unit = place.unit
    radius = place.radius
    sigma = radius / 2.0
    scale = 1.0 / math.cos(math.radians(unit.lat))
    for _ in range(12):
        dlat = rng.gauss(0.0, sigma)
        dlon = rng.gauss(0.0, sigma)
        if dlat * dlat + dlon * dlon >= radius * radius * 0.98:
            continue
        lat = round(unit.lat + dlat, 6)
        lon = round(unit.lon + dlon * scale, 6)
        if south <= lat <= north and west <= lon <= east:
            return lat, lon
    lat = min(max(unit.lat, south), north)
    lon = min(max(unit.lon, west), east)
    return lat, lon


@dataclass(frozen=True)
class Spot:
    """Where exactly a report is: how its text names the place, and the address line for the map."""

    #: Locative phrase for a sentence: "trên đường Ngô Gia Tự, đoạn gần chợ Phan Rang".
    at: str
    #: The place named alone: "đường Ngô Gia Tự".
    name: str
    #: The address line: "số 12 đường Thống Nhất, phường Thanh Sơn".
    address: str
    house: str = ""


def spot(rng: random.Random, place: Place, tags: frozenset[str], *, site: str = "street") -> Spot:
    """Pick the exact place of a report in ``place``, preferring landmarks with one of ``tags``.

    ``site`` is "street" (a spot on a street or near a landmark), "landmark" (near a landmark if
    the unit has one), "area" (a neighbourhood: khu phố, thôn) or "office" (an administration).
    """
    unit_label = place.label
    district = label(place.district) if place.district is not None and not place.urban else ""
    tail = f"{unit_label}, {district}" if district else unit_label
    hamlet = f"khu phố {rng.randint(1, 9)}" if place.urban else f"thôn {rng.randint(1, 6)}"
    if site == "office":
        return _office(rng, place, tail)
    landmark = place.landmark(rng, tags) if tags else None
    if site == "landmark" and landmark is not None:
        return Spot(f"tại {landmark}", landmark, f"{landmark}, {tail}")
    road = street(rng, place)
    if site == "area":
        return Spot(f"ở {hamlet}, {unit_label}", f"{hamlet}, {unit_label}", f"{hamlet}, {tail}")
    if landmark is not None and (not road or rng.random() < 0.55):
        if landmark.startswith(_ROADS):
            return Spot(f"trên {landmark}, đoạn qua {unit_label}", landmark, f"{landmark}, {tail}")
        if rng.random() < 0.5:
            return Spot(f"tại khu vực {landmark}", landmark, f"{landmark}, {tail}")
        return Spot(f"gần {landmark}", landmark, f"gần {landmark}, {tail}")
    if road:
        road_name = road if road.startswith(("Quốc lộ", "đường")) else f"đường {road}"
        number = pick(rng, (rng.randint(1, 60), rng.randint(1, 250), rng.randint(1, 500)))
        roll = rng.random()
        if roll < 0.35:
            house = f"số {number}"
            return Spot(f"trước nhà {house} {road_name}", road_name, f"{house} {road_name}, {tail}", house)
        if roll < 0.55 and not road.startswith(_ROADS):
            alley = f"hẻm {number}"
            return Spot(f"trong {alley} {road_name}", f"{alley} {road_name}", f"{alley} {road_name}, {tail}")
        if roll < 0.75 and landmark is not None and not landmark.startswith(_ROADS):
            return Spot(
                f"trên {road_name}, đoạn gần {landmark}", road_name, f"{road_name} (gần {landmark}), {tail}"
            )
        if roll < 0.85 and place.key == "phan rang":
            other = street(rng, place)
            if other != road:
                cross = f"ngã tư {road} – {other}"
                return Spot(f"tại {cross}", cross, f"{cross}, {tail}")
        return Spot(f"trên {road_name}", road_name, f"{road_name}, {tail}")
    return Spot(f"ở {hamlet}, {unit_label}", f"{hamlet}, {unit_label}", f"{hamlet}, {tail}")


def _office(rng: random.Random, place: Place, tail: str) -> Spot:
    """An administration's desk where a citizen dealt with officials."""
    roll = rng.random()
    if roll < 0.55 or place.district is None:
        name = f"UBND {place.label}"
        where = tail[len(place.label) + 2 :] if tail.startswith(place.label + ", ") else ""
        return Spot(f"tại bộ phận một cửa {name}", name, f"trụ sở {name}" + (f", {where}" if where else ""))
    district = label(place.district)
    if roll < 0.85:
        name = f"Chi nhánh Văn phòng đăng ký đất đai {district}"
    else:
        name = f"Bộ phận một cửa UBND {district}"
    return Spot(f"tại {name[:1].lower() + name[1:]}", name, name)

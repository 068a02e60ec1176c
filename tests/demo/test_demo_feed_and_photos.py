"""The citizen-feed simulator, demo photos, the staff, and a jurisdiction the demo knows nothing about."""

from __future__ import annotations

import random
import re
import struct
import zlib
from collections import Counter
from datetime import datetime, timedelta

from demo_support import NOW, TZ

from ioc_console.demo import (
    demo_photo,
    demo_photo_for,
    demo_photo_size,
    demo_staff,
    generate,
    media_seed,
    new_report,
    photo_seed,
)
from ioc_console.domain.jurisdiction import Agency, Category, Jurisdiction, RoutingRule, Unit
from ioc_console.domain.lifecycle import Action, Actor, Channel, Role, Status, check, payload_of
from ioc_console.domain.report import Report

OPEN311_FIELDS = {
    "service_code",
    "description",
    "lat",
    "long",
    "address_string",
    "first_name",
    "last_name",
    "phone",
    "email",
    "media_url",
}


def png_chunks(data: bytes) -> dict[bytes, bytes]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks: dict[bytes, bytes] = {}
    offset = 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        assert crc == zlib.crc32(kind + body)
        chunks[kind] = body
        offset += 12 + length
    return chunks


def test_demo_photo_is_a_valid_png_of_the_announced_size() -> None:
    seen = set()
    for seed in range(12):
        data = demo_photo(seed)
        assert len(data) == demo_photo_size(seed)
        chunks = png_chunks(data)
        assert set(chunks) == {b"IHDR", b"IDAT", b"IEND"}
        width, height, depth, colour = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
        assert (depth, colour) == (8, 2)
        raw = zlib.decompress(chunks[b"IDAT"])
        assert len(raw) == height * (1 + 3 * width)
        colours = {raw[i : i + 3] for i in range(1, 1 + 3 * width, 3)}
        assert len(colours) >= 1
        seen.add(data)
    assert len(seen) == 12
    assert demo_photo(5) == demo_photo(5)
    assert demo_photo_for("PA-2021-000001-1") == demo_photo(photo_seed("PA-2021-000001-1"))


def test_new_report_is_an_open311_post(ninh_thuan: Jurisdiction) -> None:
    rng = random.Random(1)
    active = {c.code for c in ninh_thuan.active_categories()}
    posts = [new_report(ninh_thuan, rng, NOW + timedelta(minutes=7 * i)) for i in range(300)]
    for post in posts:
        assert set(post) == OPEN311_FIELDS
        assert post["service_code"] in active
        assert post["description"].strip()
        assert post["address_string"]
        if post["lat"] is not None:
            assert ninh_thuan.contains(post["lat"], post["long"])
        if post["phone"]:
            assert re.fullmatch(r"0[35789]\d{8}", post["phone"])
        if post["media_url"]:
            seed = media_seed(post["media_url"])
            assert seed is not None and demo_photo(seed)[:4] == b"\x89PNG"
    assert sum(p["lat"] is None for p in posts) > 10
    assert sum(bool(p["media_url"]) for p in posts) > 60
    assert sum(bool(p["email"]) for p in posts) > 10
    assert len(Counter(p["service_code"] for p in posts)) == len(active)
    # Same generator state, same post.
    again = random.Random(1)
    assert new_report(ninh_thuan, again, NOW) == posts[0]


def test_staff_cover_every_agency_and_channel(ninh_thuan: Jurisdiction) -> None:
    staff = demo_staff(ninh_thuan)
    assert set(staff.liaisons) == set(ninh_thuan.agencies)
    assert all(a.role is Role.LIAISON and a.agency == code for code, a in staff.liaisons.items())
    assert set(staff.channels) == set(Channel)
    names = [a.name for a in (*staff.operators, *staff.supervisors, *staff.liaisons.values())]
    assert len(names) == len(set(names))
    assert all(name.isascii() for name in names)


def tiny() -> Jurisdiction:
    """A made-up province with codes and categories the demo's vocabulary does not know."""
    units = {
        "P": Unit("P", "Tỉnh Thử Nghiệm", "province", None, 10.5, 106.5),
        "D": Unit("D", "Huyện Một", "district", "P", 10.5, 106.5),
        "W1": Unit("W1", "Xã An Bình", "commune", "D", 10.45, 106.45),
        "W2": Unit("W2", "Xã An Phú", "commune", "D", 10.55, 106.55),
        "T": Unit("T", "Thị trấn Một", "township", "D", 10.5, 106.52),
    }
    agencies = {
        "ubnd-d": Agency(
            "ubnd-d", "Ủy ban nhân dân huyện Một", "UBND huyện Một", "district_committee", ("D",)
        ),
        "ca": Agency("ca", "Công an tỉnh Thử Nghiệm", "Công an tỉnh", "police", ("P",)),
    }
    categories = {
        "flood": Category("flood", "Ngập nước", "Flooding"),
        "noise": Category("noise", "Trật tự xã hội", "Social order"),
        "old": Category("old", "Hỗ trợ dịch bệnh", "Epidemic support", active=False),
    }
    routing = (RoutingRule("noise", "*", "ca"), RoutingRule("*", "D", "ubnd-d"))
    return Jurisdiction(
        "tiny",
        "Tỉnh Thử Nghiệm",
        "Asia/Ho_Chi_Minh",
        (10.3, 106.3, 10.7, 106.7),
        units,
        agencies,
        categories,
        routing,
    )


def test_any_jurisdiction_gets_a_legal_history() -> None:
    jurisdiction = tiny()
    reports: list[Report] = list(generate(jurisdiction, now=NOW, count=400, seed=3))
    assert len(reports) == 400
    assert {r.category for r in reports} == {"flood", "noise"}
    assert {r.location.unit_code for r in reports if r.location.unit_code} == {"W1", "W2", "T"}
    for report in reports:
        status = Status.NEW
        agency = None
        for event in report.history[1:]:
            actor = Actor(event.actor, event.role, agency if event.role is Role.LIAISON else None)
            payload = payload_of(event.action, event.data)
            status = check(event.action, status, actor, agency, payload, report_id=report.number)
            if event.action is Action.FORWARD:
                agency = event.data["agency"]
            elif event.action is Action.RETURN:
                agency = None
        assert status is report.status
        if report.location.lat is not None:
            assert jurisdiction.contains(report.location.lat, report.location.lon or 0.0)
            assert jurisdiction.nearest_unit(report.location.lat, report.location.lon or 0.0).code == (
                report.location.unit_code
            )
        assert "Ninh Thuận" not in report.description
    closed = sum(r.status is Status.CLOSED for r in reports)
    assert closed > 0.7 * len(reports)
    assert all(r.agency in ("ubnd-d", "ca") for r in reports if r.status is Status.CLOSED)


def test_naive_times_are_local(ninh_thuan: Jurisdiction) -> None:
    naive = datetime(2021, 6, 30, 16, 0)
    local = list(generate(ninh_thuan, now=naive, count=20))
    aware = list(generate(ninh_thuan, now=NOW, count=20))
    assert [r.received_at for r in local] == [r.received_at for r in aware]
    assert all(
        r.received_at.tzinfo is not None and r.received_at.utcoffset() == TZ.utcoffset(naive) for r in local
    )

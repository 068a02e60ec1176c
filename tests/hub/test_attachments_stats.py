"""Attachments (photos) up and down with their limits, and the statistics of the dashboards."""

from __future__ import annotations

import struct
import zlib
from datetime import timedelta
from typing import Any

import httpx
import pytest
from hub_support import AGENCY_A, AGENCY_B, PASSWORD, Hub, in_state


def png(width: int = 2, height: int = 2) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


#: Headers enough for the hub to read the size (2×2) of a JPEG (its SOF0 frame) and a WebP (VP8).
JPEG = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    + b"\xff\xc0\x00\x11\x08\x00\x02\x00\x02\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01"
    + b"\x00" * 64
    + b"\xff\xd9"
)
WEBP = (
    b"RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00"
    + b"\x00\x00\x00\x9d\x01\x2a\x02\x00\x02\x00"
    + b"\x00" * 14
)


def upload(
    client: httpx.Client, number: str, data: bytes, stage: str = "result", **headers: str
) -> httpx.Response:
    return client.post(
        f"/api/v1/reports/{number}/attachments",
        params={"stage": stage},
        content=data,
        headers={"Content-Type": "application/octet-stream", **headers},
    )


@pytest.mark.parametrize(
    ("data", "content_type"), [(png(), "image/png"), (JPEG, "image/jpeg"), (WEBP, "image/webp")]
)
def test_photos_go_up_and_come_back_identical(hub: Hub, data: bytes, content_type: str) -> None:
    number = in_state(hub, "in_progress")
    lia = hub.client("lia_a")
    r = upload(lia, number, data)
    assert r.status_code == 201, r.text
    meta = r.json()
    assert (meta["content_type"], meta["size"], meta["stage"]) == (content_type, len(data), "result")
    down = hub.client("op").get(meta["url"])
    assert down.status_code == 200
    assert down.content == data
    assert down.headers["content-type"] == content_type
    assert down.headers["x-content-type-options"] == "nosniff"
    # Uploaded but not yet part of the report until an action names it.
    assert hub.report(number)["attachments"] == []
    result = hub.ok("lia_a", number, "resolve", {"result": "Đã khắc phục", "attachments": [meta["id"]]})
    attached = result["report"]["attachments"]
    assert [(a["id"], a["stage"], a["content_type"], a["size"]) for a in attached] == [
        (meta["id"], "result", content_type, len(data))
    ]
    assert result["event"]["data"]["attachments"] == [meta["id"]]
    # An attachment is used once.
    r = hub.act("op", number, "publish_reply", {"reply": "Xong", "attachments": [meta["id"]]})
    assert r.status_code == 422 and r.json()["error"] == "attachment.unusable"


def test_attachment_type_is_sniffed_not_trusted(hub: Hub) -> None:
    number = in_state(hub, "in_progress")
    lia = hub.client("lia_a")
    for data in (b"GIF89a" + b"\x00" * 20, b"<svg onload=alert(1)>", b"MZ\x90\x00 executable", b"%PDF-1.7"):
        r = upload(lia, number, data, **{"Content-Type": "image/jpeg"})
        assert r.status_code == 415, r.text
        assert r.json()["error"] == "attachment.type"
    assert upload(lia, number, b"").status_code == 422
    assert upload(lia, number, png(), stage="nowhere").json()["field"] == "stage"


def big_png(width: int, height: int) -> bytes:
    """A real grey PNG of ``width`` × ``height``: a few kilobytes that unpack to width × height bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    packer = zlib.compressobj(9)
    row = b"\x00" * (width + 1)
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def test_a_photo_over_the_pixel_budget_is_refused_however_small_the_file(hub: Hub) -> None:
    number = in_state(hub, "in_progress")
    lia = hub.client("lia_a")
    bomb = big_png(8000, 8000)  # 64 megapixels in about 60 KB
    assert len(bomb) < 200_000
    r = upload(lia, number, bomb)
    assert r.status_code == 413, r.text
    assert r.json()["error"] == "attachment.too_big"
    assert "8000×8000" in r.json()["message"]["vi"] and "50" in r.json()["message"]["en"]
    # A header that gives no size is refused too; a phone's 48-megapixel photo is taken.
    r = upload(lia, number, b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    assert r.status_code == 422 and r.json()["error"] == "attachment.unreadable"
    assert upload(lia, number, big_png(8000, 6000)).status_code == 201
    assert len(hub.report(number, "lia_a")["attachments"]) == 0  # uploaded, not yet attached


def test_attachment_size_and_count_limits(hub: Hub) -> None:
    number = in_state(hub, "new")
    op = hub.client("op")
    big = JPEG[:4] + b"\x00" * (10_000_000 + 1)
    r = upload(op, number, big, stage="report")
    assert r.status_code == 413 and r.json()["error"] == "body.too_large"
    for _ in range(30):
        assert upload(op, number, png(), stage="report").status_code == 201
    r = upload(op, number, png(), stage="report")
    assert r.status_code == 422 and r.json()["error"] == "attachment.too_many"


def test_attachments_of_another_report_or_agency_are_out_of_reach(hub: Hub) -> None:
    mine = in_state(hub, "in_progress", agency=AGENCY_A)
    theirs = in_state(hub, "in_progress", agency=AGENCY_B)
    theirs_photo = upload(hub.client("lia_b"), theirs, png()).json()
    assert upload(hub.client("lia_a"), theirs, png()).status_code == 404
    assert hub.client("lia_a").get(theirs_photo["url"]).status_code == 404
    assert hub.client("lia_a").get("/api/v1/attachments/000000000000000000000000").status_code == 404
    # Another report's upload cannot be attached here.
    r = hub.act("lia_a", mine, "note_progress", {"note": "Ảnh", "attachments": [theirs_photo["id"]]})
    assert r.status_code == 422 and r.json()["field"] == "attachments"
    # The IOC sees all of them.
    assert hub.client("op").get(theirs_photo["url"]).status_code == 200


# -- statistics --------------------------------------------------------------------------------------


def stats(hub: Hub, user: str) -> dict[str, Any]:
    r = hub.client(user).get("/api/v1/stats")
    assert r.status_code == 200, r.text
    result: dict[str, Any] = r.json()
    return result


def test_statistics_count_what_changed(hub: Hub) -> None:
    before = stats(hub, "op")
    before_a = stats(hub, "lia_a")
    a = in_state(hub, "in_progress", agency=AGENCY_A)
    in_state(hub, "new")
    closed = in_state(hub, "closed", agency=AGENCY_A)
    after = stats(hub, "op")
    assert after["total"] == before["total"] + 3
    assert after["by_status"].get("in_progress", 0) == before["by_status"].get("in_progress", 0) + 1
    assert after["by_status"].get("closed", 0) == before["by_status"].get("closed", 0) + 1
    assert after["by_category"]["environment"] == before["by_category"].get("environment", 0) + 3
    assert after["by_agency"][AGENCY_A] == before["by_agency"].get(AGENCY_A, 0) + 2
    assert after["open_by_agency"][AGENCY_A] == before["open_by_agency"].get(AGENCY_A, 0) + 1
    assert sum(after["by_deadline_state"].values()) == sum(before["by_deadline_state"].values()) + 2
    # A liaison's statistics cover their agency only.
    mine = stats(hub, "lia_a")
    assert mine["scope"] == AGENCY_A
    assert set(mine["by_agency"]) == {AGENCY_A}
    assert mine["total"] == before_a["total"] + 2
    # Satisfaction, rated by the citizen through the channel (Open311 extension).
    r = hub.client().post(
        f"/open311/v2/requests/{closed}/rating.json", data={"api_key": hub.api_key, "satisfied": "true"}
    )
    assert r.status_code == 200, r.text
    r = hub.client().post(
        f"/open311/v2/requests/{a}/rating.json", data={"api_key": hub.api_key, "satisfied": "no"}
    )
    assert r.status_code == 400  # not closed yet: nothing to rate
    rated = stats(hub, "lia_a")["satisfaction"]
    assert rated["rated"] == before_a["satisfaction"]["rated"] + 1
    assert rated["satisfied"] == before_a["satisfaction"]["satisfied"] + 1
    assert rated["by_agency"][AGENCY_A]["satisfied"] >= 1


def test_overdue_reports_are_counted_as_time_passes(hub: Hub) -> None:
    saved = hub.clock.now
    try:
        number = in_state(hub, "forwarded", agency=AGENCY_B)
        base = stats(hub, "lia_b")["by_deadline_state"]
        assert hub.report(number)["due_at"]
        hub.clock.advance(timedelta(days=30))
        with httpx.Client(base_url=hub.url) as c:  # the cached session has expired meanwhile
            login = c.post("/api/v1/auth/login", json={"username": "lia_b", "password": PASSWORD})
            r = c.get("/api/v1/stats", headers={"Authorization": f"Bearer {login.json()['token']}"})
        later = r.json()
        assert later["by_deadline_state"]["overdue"] >= base["overdue"] + 1
        assert later["overdue_by_agency"][AGENCY_B] >= 1
    finally:
        hub.clock.set(saved)

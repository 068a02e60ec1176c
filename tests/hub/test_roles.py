"""Roles are enforced by the hub: a liaison of agency A walks every endpoint and finds nothing of
agency B's; only administrators manage users, channels and the pack."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import httpx
import pytest
from hub_support import AGENCY_A, AGENCY_B, PASSWORD, Hub, in_state
from test_attachments_stats import png, upload
from test_feed_events import listen, pull

from ioc_console.hub.service import STAFF_ACTIONS


@pytest.fixture(scope="module")
def world(hub: Hub) -> dict[str, Any]:
    """Reports of agency B in every stage (with photos), one of A's, and one that moved from A to B."""
    b_reports = [
        in_state(hub, state, agency=AGENCY_B) for state in ("forwarded", "in_progress", "resolved", "closed")
    ]
    photo = upload(hub.client("lia_b"), b_reports[1], png()).json()
    hub.ok("lia_b", b_reports[1], "note_progress", {"note": "Ảnh hiện trường", "attachments": [photo["id"]]})
    pending = upload(hub.client("op"), b_reports[0], png(), stage="report").json()
    moved = in_state(hub, "forwarded", agency=AGENCY_A)
    hub.ok("sup", moved, "forward", {"agency": AGENCY_B})
    hub.ok("lia_b", moved, "accept")
    hub.ok("lia_b", moved, "note_progress", {"note": "Bí mật nội bộ của đơn vị B"})
    own = in_state(hub, "in_progress", agency=AGENCY_A)
    return {
        "b_reports": [*b_reports, moved],
        "b_attachments": [photo["id"], pending["id"]],
        "moved": moved,
        "own": own,
        "secret": "Bí mật nội bộ của đơn vị B",
    }


def _assert_nothing_of_b(
    text: str, world: dict[str, Any], *, allow_moved_number: bool = False, reference_data: bool = False
) -> None:
    for number in world["b_reports"]:
        if allow_moved_number and number == world["moved"]:
            continue
        assert number not in text, number
    for ident in world["b_attachments"]:
        assert ident not in text, ident
    assert world["secret"] not in text
    if not reference_data:  # the jurisdiction (all agencies' codes and names) is reference data
        assert AGENCY_B not in text


def endpoints(world: dict[str, Any]) -> list[tuple[str, str, dict[str, Any] | None, set[int]]]:
    """(method, path, json body, statuses a liaison of A may get) for every staff endpoint."""
    calls: list[tuple[str, str, dict[str, Any] | None, set[int]]] = [
        ("GET", "/api/v1/auth/me", None, {200}),
        ("GET", "/api/v1/jurisdiction", None, {200}),
        ("GET", "/api/v1/stats", None, {200}),
        ("GET", f"/api/v1/reports/{world['own']}", None, {200}),
        (
            "POST",
            "/api/v1/reports",
            {"idempotency_key": "x", "category": "environment", "description": "d"},
            {403},
        ),
        ("GET", "/api/v1/audit", None, {403}),
        ("GET", "/api/v1/admin/users", None, {403}),
        ("POST", "/api/v1/admin/users", {"name": "x", "role": "admin", "password": "12345678"}, {403}),
        ("PATCH", "/api/v1/admin/users/lia_b", {"agency": AGENCY_A}, {403}),
        ("GET", "/api/v1/admin/channels", None, {403}),
        ("POST", "/api/v1/admin/channels", {"name": "x", "kind": "web"}, {403}),
        ("POST", "/api/v1/admin/channels/zalo-oa/disable", None, {403}),
        ("PUT", "/api/v1/admin/pack", {"files": {}}, {403}),
    ]
    for number in world["b_reports"]:
        calls.append(("GET", f"/api/v1/reports/{number}", None, {404}))
        for action in STAFF_ACTIONS:
            body = {"idempotency_key": uuid.uuid4().hex, "base_version": 1, "payload": {}}
            calls.append(("POST", f"/api/v1/reports/{number}/actions/{action.value}", body, {404}))
    for ident in world["b_attachments"]:
        calls.append(("GET", f"/api/v1/attachments/{ident}", None, {404}))
    return calls


def test_a_liaison_finds_nothing_of_another_agency_on_any_endpoint(hub: Hub, world: dict[str, Any]) -> None:
    client = hub.client("lia_a")
    identifiers = [*world["b_reports"], *world["b_attachments"]]
    for method, path, body, statuses in endpoints(world):
        r = client.request(method, path, json=body)
        assert r.status_code in statuses, (method, path, r.status_code, r.text)
        text = r.text
        for ident in identifiers:
            if ident in path:
                # A refusal may repeat what was asked, and reads exactly as for something that does
                # not exist at all: whether B has such a report does not leak either.
                twin = client.request(method, path.replace(ident, "1999-000000"), json=body)
                assert (twin.status_code, twin.text.replace("1999-000000", ident)) == (r.status_code, text)
                text = text.replace(ident, "")
        _assert_nothing_of_b(text, world, reference_data=path == "/api/v1/jurisdiction")
    for number in world["b_reports"]:
        r = upload(client, number, png())
        assert r.status_code == 404
        _assert_nothing_of_b(r.text.replace(number, ""), world)
    # The feed: A's own reports, and for the one that moved to B only its removal.
    changes, _ = pull(hub, "lia_a")
    text = json.dumps(changes, ensure_ascii=False)
    _assert_nothing_of_b(text, world, allow_moved_number=True)
    moved = [c for c in changes if c["number"] == world["moved"]]
    assert moved == [{"seq": moved[0]["seq"], "kind": "remove", "number": world["moved"]}]
    assert {c["report"]["agency"] for c in changes if c["kind"] == "upsert"} == {AGENCY_A}
    # Statistics cover A only.
    stats = client.get("/api/v1/stats").json()
    assert set(stats["by_agency"]) <= {AGENCY_A}
    assert stats["total"] == len([c for c in changes if c["kind"] == "upsert"])


def test_a_liaison_hears_no_event_of_another_agency(hub: Hub, world: dict[str, Any]) -> None:
    async def scenario() -> None:
        async with listen(hub.url, hub.token("lia_a")) as lia_a, listen(hub.url, hub.token("lia_b")) as lia_b:
            await asyncio.to_thread(
                hub.ok, "lia_b", world["b_reports"][1], "note_progress", {"note": "Tiến độ"}
            )
            _, data = await lia_b.next()
            assert data["number"] == world["b_reports"][1]
            assert await lia_a.quiet(1.0) == []

    asyncio.run(scenario())


def test_operators_and_supervisors_see_the_province(hub: Hub, world: dict[str, Any]) -> None:
    for user in ("op", "sup"):
        client = hub.client(user)
        for number in world["b_reports"]:
            assert client.get(f"/api/v1/reports/{number}").status_code == 200
        for ident in world["b_attachments"]:
            assert client.get(f"/api/v1/attachments/{ident}").status_code == 200
        assert client.get("/api/v1/admin/users").status_code == 403
        assert client.get("/api/v1/admin/channels").status_code == 403


def test_only_admins_manage_users_channels_and_the_pack(hub: Hub) -> None:
    admin = hub.client("admin")
    name = f"lia-{uuid.uuid4().hex[:6]}"
    r = admin.post(
        "/api/v1/admin/users",
        json={"name": name, "role": "liaison", "agency": AGENCY_B, "password": PASSWORD},
    )
    assert r.status_code == 201, r.text
    assert r.json() == {
        "name": name,
        "display_name": "",
        "role": "liaison",
        "agency": AGENCY_B,
        "active": True,
    }
    assert "password" not in json.dumps(admin.get("/api/v1/admin/users").json())
    dup = admin.post("/api/v1/admin/users", json={"name": name, "role": "operator", "password": PASSWORD})
    assert dup.status_code == 409
    no_agency = admin.post(
        "/api/v1/admin/users", json={"name": name + "x", "role": "liaison", "password": PASSWORD}
    )
    assert no_agency.status_code == 422 and no_agency.json()["field"] == "agency"
    bad_agency = admin.post(
        "/api/v1/admin/users",
        json={"name": name + "y", "role": "liaison", "agency": "nope", "password": PASSWORD},
    )
    assert bad_agency.status_code == 422 and bad_agency.json()["field"] == "agency"
    weak = admin.post(
        "/api/v1/admin/users", json={"name": name + "z", "role": "operator", "password": "short"}
    )
    assert weak.status_code == 422 and weak.json()["field"] == "password"
    # The new liaison signs in and sees B's reports; moved to agency A, their session ends.
    with httpx.Client(base_url=hub.url) as c:
        token = c.post("/api/v1/auth/login", json={"username": name, "password": PASSWORD}).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        assert c.get("/api/v1/auth/me", headers=headers).json()["agency"] == AGENCY_B
        assert admin.patch(f"/api/v1/admin/users/{name}", json={"agency": AGENCY_A}).status_code == 200
        assert c.get("/api/v1/auth/me", headers=headers).status_code == 401
        assert admin.patch(f"/api/v1/admin/users/{name}", json={"active": False}).status_code == 200
        login = c.post("/api/v1/auth/login", json={"username": name, "password": PASSWORD})
        assert login.status_code == 401
    assert admin.patch("/api/v1/admin/users/nobody", json={"active": False}).status_code == 404
    # Channels: the key is shown once; a disabled channel's key stops working.
    r = admin.post("/api/v1/admin/channels", json={"name": f"web-{name}", "kind": "web"})
    assert r.status_code == 201
    key = r.json()["api_key"]
    assert key not in json.dumps(admin.get("/api/v1/admin/channels").json())
    data = {
        "api_key": key,
        "service_code": "environment",
        "lat": "11.58",
        "long": "108.99",
        "description": "Rác",
    }
    assert hub.client().post("/open311/v2/requests.json", data=data).status_code == 201
    assert admin.post(f"/api/v1/admin/channels/web-{name}/disable").status_code == 200
    assert hub.client().post("/open311/v2/requests.json", data=data).status_code == 403
    assert admin.post("/api/v1/admin/channels", json={"name": "x", "kind": "pigeon"}).status_code == 422
    # The pack: a broken one is refused with the loader's words; the current one is kept.
    files = hub.client("op").get("/api/v1/jurisdiction").json()["files"]
    broken = {**files, "routing.json": '[{"category": "nope", "unit": "*", "agency": "so-xd"}]'}
    r = admin.put("/api/v1/admin/pack", json={"files": broken})
    assert r.status_code == 422 and r.json()["error"] == "pack.invalid"
    assert "routing.json" in r.json()["message"]["en"]
    r = admin.put("/api/v1/admin/pack", json={"files": files})
    assert r.status_code == 200 and r.json()["id"] == "ninh-thuan"
    assert hub.client("op").get("/api/v1/jurisdiction").json()["revision"] == r.json()["revision"]

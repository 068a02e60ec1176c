"""The staff API's actions on a running hub: for each action its happy path, a replayed idempotency
key, a stale version, a forbidden role and invalid input; hotline intake; the audit log."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa
from hub_support import AGENCY_A, AGENCY_B, OUTSIDE, Hub, in_state

from ioc_console.hub.db import Database


@dataclass(frozen=True)
class Case:
    action: str
    state: str
    actor: str
    payload: dict[str, Any]
    status: str
    #: The field a payload without it is refused for (None: the action takes no input).
    required: str | None
    #: Someone who sees the report but whose role may not take the action.
    forbidden: str


CASES = [
    Case("classify", "new", "op", {"category": "construction"}, "new", "category", "lia_a"),
    Case("relocate", "new", "op", {"location": {"lat": 11.6, "lon": 108.95}}, "new", "location", "lia_a"),
    Case("set_priority", "new", "op", {"priority": "urgent"}, "new", "priority", "lia_a"),
    Case(
        "log_call", "new", "op", {"outcome": "Đã gọi, người dân xác nhận địa chỉ"}, "new", "outcome", "lia_a"
    ),
    Case("request_info", "new", "op", {"question": "Xin cho biết số nhà"}, "needs_info", "question", "lia_a"),
    Case("provide_info", "needs_info", "op", {"info": "Số nhà 12"}, "new", "info", "lia_a"),
    Case("forward", "new", "op", {"agency": AGENCY_A}, "forwarded", "agency", "lia_a"),
    Case("accept", "forwarded", "lia_a", {}, "in_progress", None, "op"),
    Case("return", "forwarded", "lia_a", {"reason": "Không thuộc thẩm quyền"}, "returned", "reason", "op"),
    Case("note_progress", "in_progress", "lia_a", {"note": "Đã cử đội xuống"}, "in_progress", "note", "op"),
    Case("resolve", "in_progress", "lia_a", {"result": "Đã khắc phục"}, "resolved", "result", "op"),
    Case("publish_reply", "resolved", "op", {"reply": "Đã xử lý xong"}, "closed", "reply", "lia_a"),
    Case("reject", "new", "sup", {"reason": "Không thuộc phạm vi"}, "rejected", "reason", "lia_a"),
    Case("mark_duplicate", "new", "op", {"original": "ORIGINAL"}, "duplicate", "original", "lia_a"),
    Case("reopen", "closed", "sup", {"reason": "Người dân chưa hài lòng"}, "reopened", "reason", "lia_a"),
    Case("remind", "in_progress", "op", {"note": "Đề nghị khẩn trương xử lý"}, "in_progress", "note", "lia_a"),
]
IDS = [c.action for c in CASES]


def _payload(hub: Hub, case: Case) -> dict[str, Any]:
    if case.action == "mark_duplicate":
        return {"original": hub.submit()}
    return dict(case.payload)


def _body(version: int, payload: dict[str, Any], key: str | None = None) -> dict[str, Any]:
    return {"idempotency_key": key or uuid.uuid4().hex, "base_version": version, "payload": payload}


def _url(number: str, action: str) -> str:
    return f"/api/v1/reports/{number}/actions/{action}"


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_happy_path_then_replay(hub: Hub, case: Case) -> None:
    number = in_state(hub, case.state)
    before = hub.report(number)
    payload = _payload(hub, case)
    client = hub.client(case.actor, console="ws-7")
    body = _body(before["version"], payload)
    first = client.post(_url(number, case.action), json=body)
    assert first.status_code == 200, first.text
    answer = first.json()
    report = answer["report"]
    assert report["status"] == case.status
    assert report["version"] == before["version"] + 1
    assert answer["event"]["action"] == case.action
    assert answer["event"]["actor"] == case.actor
    assert report["history"][-1] == answer["event"]
    assert len(report["history"]) == len(before["history"]) + 1
    if case.action == "forward":
        assert report["agency"] == AGENCY_A
    if case.action == "set_priority":
        assert report["priority"] == "urgent"
    if case.action == "relocate":
        assert report["location"]["lat"] == pytest.approx(11.6)
        assert report["location"]["unit_code"]  # the commune of the new point
    # The same key again: the first answer, and nothing applied twice.
    again = client.post(_url(number, case.action), json=body)
    assert again.status_code == 200
    assert again.json() == answer
    assert again.headers["Idempotent-Replay"] == "true"
    # Even on top of the version the client now sees (it lost the first answer).
    later = client.post(_url(number, case.action), json={**body, "base_version": report["version"]})
    assert later.status_code == 200 and later.json() == answer
    assert hub.report(number)["version"] == report["version"]
    # The action is in the feed at the new version.
    feed = hub.client("op").get("/api/v1/feed", params={"after": answer["seq"] - 1}).json()
    assert [c["report"]["version"] for c in feed["changes"] if c["number"] == number] == [report["version"]]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_stale_version_gets_409_naming_who_changed_it(hub: Hub, case: Case) -> None:
    number = in_state(hub, case.state)
    old = hub.report(number)["version"]
    hub.ok("sup", number, "log_call", {"outcome": "Gọi lại cho người dân"})
    r = hub.client(case.actor).post(_url(number, case.action), json=_body(old, _payload(hub, case)))
    assert r.status_code == 409, r.text
    body = r.json()
    assert body["error"] == "version.stale"
    assert body["field"] == "base_version"
    assert body["changed_by"]["name"] == "sup"
    assert body["changed_by"]["role"] == "supervisor"
    assert body["changed_by"]["at"]
    assert body["report"]["version"] == old + 1
    assert "sup" in body["message"]["vi"] and "sup" in body["message"]["en"]
    assert hub.report(number)["version"] == old + 1


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_forbidden_role_gets_403_with_the_reason(hub: Hub, case: Case) -> None:
    # A report the forbidden user can see: forwarded to their agency (liaison) or any (operator).
    number = in_state(hub, "forwarded")
    version = hub.report(number)["version"]
    r = hub.client(case.forbidden).post(_url(number, case.action), json=_body(version, _payload(hub, case)))
    assert r.status_code == 403, r.text
    body = r.json()
    assert body["error"] == "transition.role_forbidden"
    assert body["message"]["vi"].startswith("Vai trò")
    assert body["message"]["en"].startswith("The role")
    assert hub.report(number)["version"] == version


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_invalid_input_gets_422_naming_the_field(hub: Hub, case: Case) -> None:
    number = in_state(hub, case.state)
    version = hub.report(number)["version"]
    client = hub.client(case.actor)
    if case.required is not None:
        payload = {k: v for k, v in _payload(hub, case).items() if k != case.required}
        field = case.required
    else:
        payload = {"attachments": "not-a-list"}
        field = "attachments"
    r = client.post(_url(number, case.action), json=_body(version, payload))
    assert r.status_code == 422, r.text
    assert r.json()["field"] == field
    assert r.json()["message"]["vi"] and r.json()["message"]["en"]
    # A control character in any text of the payload is refused, naming the field.
    if case.required is not None and isinstance(case.payload.get(case.required), str):
        bad = {**_payload(hub, case), case.required: "Đã xong\x00<img src=x onerror=alert(1)>"}
        r = client.post(_url(number, case.action), json=_body(version, bad))
        assert r.status_code == 422, r.text
        assert r.json()["field"] == case.required
        assert r.json()["error"] == "text.control"
    assert hub.report(number)["version"] == version


@pytest.mark.parametrize(
    ("action", "payload", "field", "error"),
    [
        ("classify", {"category": "no-such-category"}, "category", "category.unknown"),
        ("forward", {"agency": "no-such-agency"}, "agency", "forward.unknown_agency"),
        ("relocate", {"location": {"lat": OUTSIDE[0], "lon": OUTSIDE[1]}}, "location", "location.outside"),
        ("relocate", {"location": {"lat": 11.6}}, "location", "field.required"),
        ("relocate", {"location": "somewhere"}, "location", "field.invalid"),
        ("set_priority", {"priority": "huge"}, "priority", "field.invalid"),
        ("set_priority", {"priority": 3}, "priority", "field.invalid"),
        ("mark_duplicate", {"original": "1999-000001"}, "original", "duplicate.unknown_original"),
        ("log_call", {"outcome": "x" * 2001}, "outcome", "field.too_long"),
        ("log_call", {"outcome": "null\x00byte"}, "outcome", "text.control"),
    ],
)
def test_invalid_values_name_their_field(
    hub: Hub, action: str, payload: dict[str, Any], field: str, error: str
) -> None:
    number = in_state(hub, "new")
    r = hub.act("op", number, action, payload)
    assert r.status_code == 422, r.text
    assert (r.json()["field"], r.json()["error"]) == (field, error)


@pytest.mark.parametrize(
    ("state", "user", "action", "payload", "key"),
    [
        ("new", "op", "classify", {"category": "environment", "actor_name": "Chủ tịch UBND"}, "actor_name"),
        ("new", "op", "forward", {"agency": AGENCY_A, "previous_agency": AGENCY_B}, "previous_agency"),
        ("resolved", "op", "publish_reply", {"reply": "Đã xử lý xong.", "actor_name": "x"}, "actor_name"),
        ("in_progress", "lia_a", "resolve", {"result": "Đã xử lý.", "photos": []}, "photos"),
        ("forwarded", "lia_a", "accept", {"at": "2020-01-01T00:00:00+07:00"}, "at"),
    ],
)
def test_a_key_the_action_does_not_define_is_refused_by_name(
    hub: Hub, state: str, user: str, action: str, payload: dict[str, Any], key: str
) -> None:
    """History cannot be forged: who acted, and under what name, is the hub's to write."""
    payload = dict(payload)
    number = in_state(hub, state)
    version = hub.report(number)["version"]
    r = hub.act(user, number, action, payload)
    assert r.status_code == 422, r.text
    assert (r.json()["field"], r.json()["error"]) == (key, "field.unknown")
    assert key in r.json()["message"]["vi"] and key in r.json()["message"]["en"]
    assert hub.report(number)["version"] == version
    # Without the stray key the same action goes through, and the history names the real actor.
    del payload[key]
    done = hub.ok(user, number, action, payload)
    assert done["event"]["actor"] == user and done["event"]["data"].get("actor_name") != "Chủ tịch UBND"


def test_mark_duplicate_of_itself_is_refused(hub: Hub) -> None:
    number = in_state(hub, "new")
    r = hub.act("op", number, "mark_duplicate", {"original": number})
    assert r.status_code == 422 and r.json()["error"] == "duplicate.self"


def test_action_not_allowed_in_this_status_gets_409_with_the_report(hub: Hub) -> None:
    number = in_state(hub, "in_progress")
    r = hub.act("lia_a", number, "accept")
    assert r.status_code == 409, r.text
    assert r.json()["error"] == "transition.not_allowed"
    assert r.json()["report"]["status"] == "in_progress"


def test_malformed_action_requests(hub: Hub) -> None:
    number = in_state(hub, "new")
    client = hub.client("op")
    url = _url(number, "log_call")
    for body, field in [
        ({"base_version": 1, "payload": {"outcome": "x"}}, "idempotency_key"),
        ({"idempotency_key": "k", "base_version": "1", "payload": {}}, "base_version"),
        ({"idempotency_key": "k", "base_version": 0, "payload": {}}, "base_version"),
        ({"idempotency_key": "k", "base_version": 1, "payload": []}, "payload"),
        ({"idempotency_key": "", "base_version": 1, "payload": {}}, "idempotency_key"),
        ({"idempotency_key": "k", "base_version": 1, "payload": {}, "extra": 1}, "extra"),
    ]:
        r = client.post(url, json=body)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["field"] == field, (body, r.json())
    r = client.post(url, content=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["error"] == "body.malformed"
    assert client.post(_url(number, "explode"), json=_body(1, {})).status_code == 404
    assert client.post(_url("1999-000404", "log_call"), json=_body(1, {"outcome": "x"})).status_code == 404


def test_idempotency_key_reused_for_another_request_is_refused(hub: Hub) -> None:
    a, b = in_state(hub, "new"), in_state(hub, "new")
    client = hub.client("op")
    body = _body(1, {"outcome": "Đã gọi"}, key="same-key-" + uuid.uuid4().hex)
    assert client.post(_url(a, "log_call"), json=body).status_code == 200
    r = client.post(_url(b, "log_call"), json=body)
    assert r.status_code == 422 and r.json()["field"] == "idempotency_key"
    # Keys belong to their user: another user may use the same one.
    assert hub.client("sup").post(_url(b, "log_call"), json=body).status_code == 200


def test_liaison_acts_only_on_their_own_agency(hub: Hub) -> None:
    number = in_state(hub, "forwarded", agency=AGENCY_A)
    # Another agency's liaison does not even see it.
    assert hub.act("lia_b", number, "accept", base_version=2).status_code == 404
    # A colleague of the same agency may accept it.
    assert hub.act("lia_a2", number, "accept").status_code == 200


def test_admin_may_take_any_action(hub: Hub) -> None:
    number = in_state(hub, "forwarded", agency=AGENCY_B)
    assert hub.act("admin", number, "accept").status_code == 200


# -- hotline intake --------------------------------------------------------------------------------


def _intake(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "idempotency_key": uuid.uuid4().hex,
        "category": "traffic-safety",
        "description": "Đèn tín hiệu giao lộ không hoạt động",
        "priority": "high",
        "location": {"address": "Ngã tư Thống Nhất – 21 Tháng 8, Phường Phủ Hà"},
        "contact": {"name": "Lê Văn Cường", "phone": "0905111222"},
    }
    body.update(changes)
    return body


def test_hotline_intake_by_an_operator(hub: Hub) -> None:
    client = hub.client("op")
    body = _intake()
    r = client.post("/api/v1/reports", json=body)
    assert r.status_code == 201, r.text
    report = r.json()["report"]
    assert report["channel"] == "hotline"
    assert report["status"] == "new"
    assert report["priority"] == "high"
    assert report["contact"]["phone"] == "0905111222"
    assert report["location"]["unit_code"] == "22747"  # found from "Phường Phủ Hà" in the address
    assert report["history"][0]["action"] == "submit" and report["history"][0]["actor"] == "op"
    assert report["due_at"] and report["stage_due_at"]
    again = client.post("/api/v1/reports", json=body)
    assert again.status_code == 201 and again.json() == r.json()
    assert hub.report(report["number"])["version"] == 1


@pytest.mark.parametrize(
    ("changes", "status", "field"),
    [
        ({"category": "nope"}, 422, "category"),
        ({"location": {"lat": OUTSIDE[0], "lon": OUTSIDE[1]}}, 422, "lat"),
        ({"location": {}}, 422, "location"),
        ({"location": {"unit_code": "00000"}}, 422, "unit_code"),
        ({"description": "   "}, 422, "description"),
        ({"description": "Đèn hỏng\x07"}, 422, "description"),
        ({"priority": "whenever"}, 422, "priority"),
        ({"channel": "pigeon"}, 422, "channel"),
        ({"contact": {"name": "A", "ssn": "1"}}, 422, "contact"),
        ({"description": 12}, 422, "description"),
    ],
)
def test_hotline_intake_refuses_invalid_input(
    hub: Hub, changes: dict[str, Any], status: int, field: str
) -> None:
    r = hub.client("op").post("/api/v1/reports", json=_intake(**changes))
    assert r.status_code == status, r.text
    assert r.json()["field"] == field


def test_liaison_may_not_take_hotline_calls(hub: Hub) -> None:
    r = hub.client("lia_a").post("/api/v1/reports", json=_intake())
    assert r.status_code == 403 and r.json()["error"] == "auth.forbidden"


# -- the audit log --------------------------------------------------------------------------------


def test_every_action_is_audited_with_user_time_and_console(hub: Hub) -> None:
    number = in_state(hub, "new")
    client = hub.client("op", console="IOC-ws-3")
    ok = client.post(_url(number, "set_priority"), json=_body(1, {"priority": "high"}))
    assert ok.status_code == 200
    refused = hub.client("lia_a", console="agency-pc").post(
        _url(number, "set_priority"), json=_body(2, {"priority": "low"})
    )
    assert refused.status_code == 404  # not theirs: not audited as an action on it
    stale = client.post(_url(number, "set_priority"), json=_body(1, {"priority": "low"}))
    assert stale.status_code == 409
    log = hub.client("admin").get("/api/v1/audit", params={"limit": 5000}).json()
    mine = [e for e in log if e["target"] == number and e["action"] == "set_priority"]
    assert [(e["user"], e["console"], e["outcome"]) for e in mine] == [
        ("op", "IOC-ws-3", 200),
        ("op", "IOC-ws-3", 409),
    ]
    assert all(e["at"] for e in mine)
    assert any(e["action"] == "submit" and e["target"] == number and e["user"] == "zalo-oa" for e in log)
    # Operators do not read the audit log; supervisors do.
    assert hub.client("op").get("/api/v1/audit").status_code == 403
    assert hub.client("sup").get("/api/v1/audit").status_code == 200


def test_the_audit_log_is_append_only_in_the_database(hub: Hub) -> None:
    db = Database(hub.db_url, pool_size=1)
    try:
        for statement in ("UPDATE audit SET user_name = 'someone else'", "DELETE FROM audit"):
            with pytest.raises(sa.exc.DBAPIError, match="append-only"), db.write() as conn:
                conn.execute(sa.text(statement))
        with db.read() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM audit")).scalar_one() > 0
    finally:
        db.dispose()


def test_a_committee_is_forwarded_only_reports_in_its_own_area_whatever_client_asks(hub: Hub) -> None:
    from ioc_console.domain.jurisdiction import LOCAL_KINDS, Reach, load_pack
    from ioc_console.resources import default_pack_path

    j = load_pack(default_pack_path())
    number = hub.submit(description="Nắp cống bị vỡ trên vỉa hè, người đi bộ dễ sụp chân")
    unit = hub.report(number)["location"]["unit_code"]
    committees = [a for a in j.agencies.values() if a.kind in LOCAL_KINDS]
    outside = next(a for a in committees if j.reach(a.code, unit) is Reach.OUTSIDE_REFUSED)
    own = next(a for a in committees if j.reach(a.code, unit) is Reach.SERVES)
    version = hub.report(number)["version"]

    r = hub.act("op", number, "forward", {"agency": outside.code})
    assert r.status_code == 422, r.text
    body = r.json()
    assert (body["error"], body["field"]) == ("forward.outside_area", "agency")
    assert body["message"]["vi"] == (
        f"{outside.name} chỉ xử lý phản ánh trên địa bàn của mình; phản ánh này ở {j.unit_path(unit)}."
    )
    assert outside.name in body["message"]["en"] and "its own area" in body["message"]["en"]
    after = hub.report(number)
    assert (after["version"], after["status"], after.get("agency")) == (version, "new", None)

    assert hub.ok("op", number, "forward", {"agency": own.code})["report"]["agency"] == own.code

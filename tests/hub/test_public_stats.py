"""The public per-agency statistics on a real hub: open to anyone, counts only, moved by what happens
to reports (a rating, a closing, time passing), and an unsatisfied rating reopens the report."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from hub_support import AGENCY_A, AGENCY_B, Hub, in_state

from ioc_console.domain.jurisdiction import load_pack
from ioc_console.resources import default_pack_path

URL = "/open311/v2/stats/agencies.json"
NAME = ("Lê", "Thị Mai")
PHONE = "0912 345 678"
EMAIL = "mai.le@example.vn"
DESCRIPTION = "Ống nước vỡ trước số nhà 17 hẻm Cây Me từ sáng"


def public(hub: Hub, **params: Any) -> dict[str, Any]:
    with httpx.Client(base_url=hub.url, timeout=30) as anyone:  # no session, no key
        r = anyone.get(URL, params=params)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = r.json()
    return body


def agency(body: dict[str, Any], code: str) -> dict[str, Any]:
    found = [a for a in body["agencies"] if a["agency_code"] == code]
    if not found:
        return {k: 0 for k in ("received", "handled", "on_time", "late", "overdue", "rated", "satisfied")}
    entry: dict[str, Any] = found[0]
    return entry


def closed_with_contact(hub: Hub, agency_code: str = AGENCY_A) -> str:
    number = hub.submit(
        first_name=NAME[0], last_name=NAME[1], phone=PHONE, email=EMAIL, description=DESCRIPTION
    )
    liaison = "lia_a" if agency_code == AGENCY_A else "lia_b"
    hub.ok("op", number, "forward", {"agency": agency_code})
    hub.ok(liaison, number, "accept")
    hub.ok(liaison, number, "resolve", {"result": "Đã thay ống"})
    hub.ok("op", number, "publish_reply", {"reply": "Đã xử lý xong."})
    return number


def rate(hub: Hub, number: str, satisfied: str, comment: str = "") -> httpx.Response:
    return hub.client().post(
        f"/open311/v2/requests/{number}/rating.json",
        data={"api_key": hub.api_key, "satisfied": satisfied, "comment": comment},
    )


def test_counts_per_agency_and_month_without_personal_data(hub: Hub) -> None:
    before = agency(public(hub), AGENCY_A)
    number = closed_with_contact(hub)
    body = public(hub)
    after = agency(body, AGENCY_A)
    assert after["received"] == before["received"] + 1
    assert after["handled"] == before["handled"] + 1
    assert after["on_time"] == before["on_time"] + 1
    pack = load_pack(default_pack_path())
    assert after["agency_name"] == pack.agencies[AGENCY_A].name
    month = hub.clock.now.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).strftime("%Y-%m")
    assert body["months"][-1] == month and len(body["months"]) == 12
    assert after["months"][-1]["month"] == month
    assert sum(m["received"] for m in after["months"]) == after["received"]
    assert body["total"]["received"] >= after["received"]
    assert "vi" in body["definitions"] and "en" in body["definitions"]
    # Nothing of the citizen, of the report's text or of the agencies' contacts.
    with httpx.Client(base_url=hub.url, timeout=30) as anyone:
        texts = [anyone.get(URL).text, anyone.get(URL.replace(".json", ".xml")).text]
    for text in texts:
        for secret in (
            *NAME,
            PHONE,
            "0912345678",
            "345 678",
            EMAIL,
            "example.vn",
            DESCRIPTION,
            "Cây Me",
            number,
        ):
            assert secret not in text
        for code in (AGENCY_A, AGENCY_B):
            a = pack.agencies[code]
            for contact in (a.phone, a.email):
                assert not contact or contact not in text
    assert texts[1].startswith('<?xml version="1.0" encoding="utf-8"?>\n<agency_statistics>')


def test_a_rating_moves_the_satisfaction_and_an_unsatisfied_one_reopens(hub: Hub) -> None:
    happy = closed_with_contact(hub, AGENCY_B)
    unhappy = closed_with_contact(hub, AGENCY_B)
    before = agency(public(hub), AGENCY_B)
    r = rate(hub, happy, "true", "Cảm ơn")
    assert r.status_code == 200, r.text
    assert r.json()[0]["status"] == "closed"
    middle = agency(public(hub), AGENCY_B)
    assert (middle["rated"], middle["satisfied"]) == (before["rated"] + 1, before["satisfied"] + 1)
    assert middle["satisfaction_rate"] == round(middle["satisfied"] / middle["rated"], 4)

    r = rate(hub, unhappy, "false", "Ống vẫn rò rỉ")
    assert r.status_code == 200, r.text
    assert r.json()[0]["status"] == "open"  # before the IOC again
    after = agency(public(hub), AGENCY_B)
    assert (after["rated"], after["satisfied"]) == (middle["rated"] + 1, middle["satisfied"])
    assert after["satisfaction_rate"] < middle["satisfaction_rate"]
    assert after["handled"] == middle["handled"] - 1  # reopened: no longer handled
    report = hub.report(unhappy)
    assert report["status"] == "reopened"
    assert report["satisfied"] is False and report["rating_comment"] == "Ống vẫn rò rỉ"
    rated, reopened = report["history"][-2:]
    assert (rated["action"], reopened["action"]) == ("rate", "reopen")
    assert reopened["data"]["rating"] == "unsatisfied"
    assert reopened["data"]["reason"] == "Người dân không hài lòng với kết quả xử lý: Ống vẫn rò rỉ"
    assert report["due_at"] and report["due_at"] > reopened["at"]  # a fresh reply deadline
    # The satisfied one is left as it was.
    assert hub.report(happy)["status"] == "closed"


def test_overdue_reports_count_against_their_agency(hub: Hub) -> None:
    saved = hub.clock.now
    try:
        number = in_state(hub, "forwarded", agency=AGENCY_A)
        assert hub.report(number)["due_at"]
        base = agency(public(hub), AGENCY_A)
        hub.clock.advance(timedelta(days=30))
        later = agency(public(hub, months=3), AGENCY_A)
        assert later["overdue"] >= base["overdue"] + 1
        assert later["on_time_rate"] < 1
    finally:
        hub.clock.set(saved)


def test_questions_it_cannot_answer(hub: Hub) -> None:
    with httpx.Client(base_url=hub.url, timeout=30) as anyone:
        assert anyone.get(URL, params={"months": "0"}).status_code == 400
        assert anyone.get(URL, params={"months": "x"}).status_code == 400
        assert anyone.get(URL, params={"jurisdiction_id": "ha-noi"}).status_code == 404
        assert anyone.get("/open311/v2/stats/agencies.csv").status_code == 404
        only = anyone.get(URL, params={"agency": AGENCY_B}).json()
    assert {a["agency_code"] for a in only["agencies"]} <= {AGENCY_B}

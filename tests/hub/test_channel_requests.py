"""A channel's key acts only on its own reports, rates each reply once, and may retry a POST safely."""

from __future__ import annotations

import threading
import uuid
from typing import Any

import httpx
import pytest
from hub_support import AGENCY_A, INSIDE, Hub, in_state

_WEB_KEYS: dict[str, str] = {}


def other_channel(hub: Hub) -> str:
    """The API key of a second channel (made once per hub)."""
    if hub.url not in _WEB_KEYS:
        r = hub.client("admin").post("/api/v1/admin/channels", json={"name": "web-portal", "kind": "web"})
        assert r.status_code == 201, r.text
        _WEB_KEYS[hub.url] = r.json()["api_key"]
    return _WEB_KEYS[hub.url]


def post(hub: Hub, path: str, **data: Any) -> httpx.Response:
    return hub.client().post(f"/open311/v2/requests/{path}", data=data)


def test_another_channels_key_cannot_add_to_rate_or_reopen_a_report(hub: Hub) -> None:
    web = other_channel(hub)
    asking = in_state(hub, "needs_info")
    r = post(hub, f"{asking}/info.json", api_key=web, info="Thông tin giả mạo")
    assert r.status_code == 403, r.text
    assert "không do kênh này gửi" in r.json()[0]["description"]
    assert "not sent through this channel" in r.json()[0]["description"]
    assert hub.report(asking)["status"] == "needs_info"

    closed = in_state(hub, "closed")
    r = post(hub, f"{closed}/rating.xml", api_key=web, satisfied="false", comment="mở lại giúp")
    assert r.status_code == 403, r.text
    assert "<description>" in r.text and "không do kênh này gửi" in r.text
    assert hub.report(closed)["status"] == "closed" and hub.report(closed)["satisfied"] is None

    # The submitting channel may; so may another that holds the request's token.
    assert post(hub, f"{asking}/info.json", api_key=hub.api_key, info="Gần chợ").status_code == 200
    token = httpx.get(f"{hub.url}/open311/v2/requests/{closed}.json").json()[0]
    assert "token" not in token  # the token is never public
    first = (
        hub.client()
        .post(
            "/open311/v2/requests.json",
            data={
                "api_key": hub.api_key,
                "service_code": "environment",
                "lat": INSIDE[0],
                "long": INSIDE[1],
                "description": "Đèn đường hỏng",
            },
        )
        .json()[0]
    )
    number = first["service_request_id"]
    hub.ok("op", number, "forward", {"agency": AGENCY_A})
    hub.ok("lia_a", number, "accept")
    hub.ok("lia_a", number, "resolve", {"result": "Đã thay bóng"})
    hub.ok("op", number, "publish_reply", {"reply": "Đã thay bóng đèn."})
    wrong = post(hub, f"{number}/rating.json", api_key=web, satisfied="true", token="not-the-token")
    assert wrong.status_code == 403
    ok = post(hub, f"{number}/rating.json", api_key=web, satisfied="true", token=first["token"])
    assert ok.status_code == 200, ok.text
    assert hub.report(number)["satisfied"] is True


def test_a_reply_is_rated_once_and_a_repeat_is_refused_in_words(hub: Hub) -> None:
    number = in_state(hub, "closed")
    assert post(hub, f"{number}/rating.json", api_key=hub.api_key, satisfied="true").status_code == 200
    again = post(hub, f"{number}/rating.json", api_key=hub.api_key, satisfied="false", comment="đổi ý")
    assert again.status_code == 400, again.text
    words = again.json()[0]["description"]
    assert "đã được đánh giá cho lần trả lời này" in words and "already been rated" in words
    report = hub.report(number)
    assert report["status"] == "closed" and report["satisfied"] is True
    assert [e["action"] for e in report["history"]].count("rate") == 1

    # Unsatisfied: reopened; once replied to again, the new reply may be rated.
    unhappy = in_state(hub, "closed")
    r = post(hub, f"{unhappy}/rating.json", api_key=hub.api_key, satisfied="false", comment="Chưa sửa")
    assert r.status_code == 200 and hub.report(unhappy)["status"] == "reopened"
    hub.ok("op", unhappy, "forward", {"agency": AGENCY_A})
    hub.ok("lia_a", unhappy, "accept")
    hub.ok("lia_a", unhappy, "resolve", {"result": "Đã sửa lần hai"})
    hub.ok("op", unhappy, "publish_reply", {"reply": "Đã sửa lần hai."})
    assert post(hub, f"{unhappy}/rating.json", api_key=hub.api_key, satisfied="true").status_code == 200


def request_data(hub: Hub, description: str) -> dict[str, Any]:
    return {
        "api_key": hub.api_key,
        "service_code": "environment",
        "lat": INSIDE[0],
        "long": INSIDE[1],
        "description": description,
        "phone": "0905123456",
        "account_id": "zalo-42",
    }


def count_reports(hub: Hub, description: str) -> int:
    rows = httpx.get(f"{hub.url}/open311/v2/requests.json", params={"page_size": 1000}).json()
    return sum(1 for row in rows if row["description"] == description)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_retried_post_with_the_same_key_answers_the_first_answer(hub: Hub, fmt: str) -> None:
    key = uuid.uuid4().hex
    description = f"Cây đổ chắn đường ({key[:6]})"
    url = f"/open311/v2/requests.{fmt}"
    first = hub.client().post(url, data=request_data(hub, description), headers={"Idempotency-Key": key})
    assert first.status_code == 201, first.text
    again = hub.client().post(url, data=request_data(hub, description), headers={"Idempotency-Key": key})
    assert again.status_code == 201
    assert again.content == first.content  # the same number, token, notice and account
    assert again.headers["Idempotent-Replay"] == "true" and "Idempotent-Replay" not in first.headers
    assert count_reports(hub, description) == 1

    # The documented form parameter does the same, for clients that cannot set a header.
    other = f"Ổ gà sâu ({key[:6]})"
    data = {**request_data(hub, other), "idempotency_key": key + "-form"}
    one = hub.client().post(url, data=data)
    two = hub.client().post(url, data=data)
    assert one.status_code == two.status_code == 201 and one.content == two.content
    assert count_reports(hub, other) == 1

    # The key used again for a different request is refused in words; nothing is made.
    changed = hub.client().post(
        url, data=request_data(hub, description + " và rác"), headers={"Idempotency-Key": key}
    )
    assert changed.status_code == 422, changed.text
    assert "đã được dùng cho một thao tác khác" in changed.text
    assert count_reports(hub, description + " và rác") == 0
    # Without a key, two posts are two reports (as before).
    plain = f"Không có khóa ({key[:6]})"
    for _ in range(2):
        assert hub.client().post(url, data=request_data(hub, plain)).status_code == 201
    assert count_reports(hub, plain) == 2


def test_retries_racing_each_other_make_one_report(hub: Hub) -> None:
    key = uuid.uuid4().hex
    description = f"Ngập sâu sau mưa ({key[:6]})"
    answers: list[httpx.Response] = []

    def send() -> None:
        with httpx.Client(base_url=hub.url, timeout=30) as c:
            answers.append(
                c.post(
                    "/open311/v2/requests.json",
                    data=request_data(hub, description),
                    headers={"Idempotency-Key": key},
                )
            )

    threads = [threading.Thread(target=send) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [a.status_code for a in answers] == [201] * 6
    assert len({a.json()[0]["service_request_id"] for a in answers}) == 1
    assert count_reports(hub, description) == 1


def test_a_rating_does_not_move_a_closed_requests_updated_datetime(hub: Hub) -> None:
    from datetime import timedelta

    number = in_state(hub, "closed")

    def updated() -> str:
        r = httpx.get(f"{hub.url}/open311/v2/requests/{number}.json")
        assert r.status_code == 200, r.text
        value: str = r.json()[0]["updated_datetime"]
        return value

    closed = updated()
    hub.clock.advance(timedelta(hours=3))
    assert post(hub, f"{number}/rating.json", api_key=hub.api_key, satisfied="true").status_code == 200
    assert hub.report(number)["satisfied"] is True
    assert updated() == closed  # the public sees the request as it was when it was closed

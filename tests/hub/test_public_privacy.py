"""Nothing a citizen wrote about themselves reaches the public, whatever form it takes.

A report whose description, address and contact carry every way of writing a phone number, an ID
number, an e-mail address and the citizen's name is walked through forward, accept, resolve and a
published reply whose public part an operator typed naming the citizen. Every public answer, JSON
and XML, is then searched for every form; place names in the same texts must survive.
"""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET
from datetime import timedelta

import httpx
from hub_support import AGENCY_A, Hub

from ioc_console.domain.text import fold

NAME_FIRST, NAME_LAST = "Tâm", "Lê Văn"
DESCRIPTION = (
    "Tôi là Le Van Tam (LÊ VĂN TÂM), gọi (+84) 903 123 456, +84 (0) 903 123 457, 903123458, "
    "0903/123/459, ０９０３ １２３ ４６０ hoặc 09\u200b03 12\u202e3 461; thư tam.le(at)gmail.com hoặc "
    "tam.le @ yahoo . com; CCCD 046090001234, CMND 225123456. Nước ngập ở phường Phước Mỹ, "
    "trước Công ty cấp nước."
)
ADDRESS = "Số 12 đường 16 tháng 4, phường Phước Mỹ (nhà ông Tâm, 0903.123.462)"
REPLY = "Trả lời ông Lê Văn Tâm (0903 123 456, tam.le@gmail.com): đã xử lý nước ngập ở phường Phước Mỹ."
LETTER = "Kính gửi ông/bà Lê Văn Tâm, số 12 đường 16 tháng 4: nước ngập đã được xử lý."
#: Pieces of the secrets above that no public answer may hold (after NFKC, format characters gone).
DIGITS = ("903", "0460", "2251")
WORDS = ("gmail", "yahoo", "tam.le", "tam le", "tam(at)")
FOLDED = ("le van tam", "van tam", "tam le", "ong tam")


def visible(text: str) -> str:
    """``text`` as a reader (or a scraper) sees it."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(c for c in text if unicodedata.category(c) != "Cf")


def assert_clean(where: str, text: str) -> None:
    seen = visible(text)
    for piece in (*DIGITS, *WORDS):
        assert piece not in seen.lower(), f"{where}: {piece!r} in {seen[:2000]}"
    folded = fold(seen)
    for piece in FOLDED:
        assert not re.search(rf"\b{piece}\b", folded), f"{where}: {piece!r} in {seen[:2000]}"


def answers(hub: Hub, number: str, token: str) -> dict[str, str]:
    """Every public answer about the report, by its path."""
    c = httpx.Client(base_url=hub.url, timeout=30)
    found: dict[str, str] = {}
    for fmt in ("json", "xml"):
        for path in (
            f"/open311/v2/requests.{fmt}",
            f"/open311/v2/requests.{fmt}?service_request_id={number}",
            f"/open311/v2/requests/{number}.{fmt}",
            f"/open311/v2/requests.{fmt}?status=closed",
            f"/open311/v2/servicerequestupdates.{fmt}",
            f"/open311/v2/servicerequestupdates.{fmt}?service_request_id={number}",
            f"/open311/v2/tokens/{token}.{fmt}",
            f"/open311/v2/stats/agencies.{fmt}",
        ):
            r = c.get(path)
            assert r.status_code == 200, (path, r.text)
            if fmt == "xml":
                ET.fromstring(r.content)  # well-formed
            found[path] = r.text
    c.close()
    return found


def test_no_public_answer_carries_any_form_of_the_citizens_contact(hub: Hub) -> None:
    hub.clock.advance(timedelta(minutes=1))
    r = hub.client().post(
        "/open311/v2/requests.json",
        data={
            "api_key": hub.api_key,
            "service_code": "environment",
            "address_string": ADDRESS,
            "address_id": "",
            "description": DESCRIPTION,
            "first_name": NAME_FIRST,
            "last_name": NAME_LAST,
            "phone": "(+84) 903 123 456",
            "email": "tam.le@gmail.com",
        },
    )
    assert r.status_code == 201, r.text
    assert_clean("POST requests", r.text)
    number, token = r.json()[0]["service_request_id"], r.json()[0]["token"]
    # Staff see everything the citizen gave.
    doc = hub.report(number)
    assert doc["description"] == DESCRIPTION and doc["contact"]["email"] == "tam.le@gmail.com"

    hub.ok("op", number, "forward", {"agency": AGENCY_A})
    hub.ok("lia_a", number, "accept")
    hub.ok("lia_a", number, "resolve", {"result": "Đã khơi thông cống tại phường Phước Mỹ."})
    published = hub.ok("op", number, "publish_reply", {"reply": REPLY, "letter": LETTER})
    # The letter is kept for staff (in the report's history), the reply as typed too.
    assert published["event"]["data"]["letter"] == LETTER
    assert hub.report(number)["reply"] == REPLY
    hub.clock.advance(timedelta(minutes=1))

    found = answers(hub, number, token)
    for path, text in found.items():
        assert_clean(path, text)
        assert LETTER not in text and "Kính gửi" not in text
    # What is not personal survives, in the description, the address and the reply.
    one = httpx.get(f"{hub.url}/open311/v2/requests/{number}.json").json()[0]
    assert "phường Phước Mỹ" in one["description"] and "Công ty cấp nước" in one["description"]
    assert one["address"].startswith("Số 12 đường 16 tháng 4, phường Phước Mỹ (nhà ông […], […])")
    assert one["status_notes"] == "Trả lời ông […] ([…], […]): đã xử lý nước ngập ở phường Phước Mỹ."
    updates = httpx.get(
        f"{hub.url}/open311/v2/servicerequestupdates.json", params={"service_request_id": number}
    ).json()
    assert one["status_notes"] in [u["description"] for u in updates]
    xml = found[f"/open311/v2/requests/{number}.xml"]
    assert "đã xử lý nước ngập ở phường Phước Mỹ" in xml and "Công ty cấp nước" in xml

    # The answers to a channel's rating hold nothing either, however the comment is written.
    rated = hub.client().post(
        f"/open311/v2/requests/{number}/rating.xml",
        data={"api_key": hub.api_key, "satisfied": "true", "comment": "Cảm ơn, Lê Văn Tâm 0903123456"},
    )
    assert rated.status_code == 200, rated.text
    assert_clean("POST rating", rated.text)

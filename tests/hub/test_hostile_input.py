"""Hostile or odd input that must neither be lost nor break anything for anybody else."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import httpx
from hub_support import INSIDE, Hub

#: What citizens write, markup-like or not: kept verbatim, shown as text.
WORDS = [
    "Rác ở <gần chợ Phan Rang>, bốc mùi",
    'Đèn hỏng <img src=x onerror="alert(1)"> từ tuần trước',
    "Nước ngập > 30 cm & kéo dài; <b>khẩn</b>",
    "<script>alert(1)</script> cống tắc",
]


def post(hub: Hub, description: str, fmt: str = "json", **extra: str) -> httpx.Response:
    data = {
        "api_key": hub.api_key,
        "service_code": "environment",
        "lat": str(INSIDE[0]),
        "long": str(INSIDE[1]),
        "description": description,
        **extra,
    }
    return hub.client().post(f"/open311/v2/requests.{fmt}", data=data)


def test_citizen_text_that_looks_like_markup_is_kept_and_escaped_on_output(hub: Hub) -> None:
    for words in WORDS:
        r = post(hub, words, address_string="Ngõ <3>, phường Phước Mỹ")
        assert r.status_code == 201, r.text
        number = r.json()[0]["service_request_id"]
        assert hub.report(number)["description"] == words  # stored verbatim
        one = httpx.get(f"{hub.url}/open311/v2/requests/{number}.json").json()[0]
        assert one["description"] == words
        xml = httpx.get(f"{hub.url}/open311/v2/requests/{number}.xml")
        assert "<img" not in xml.text and "<script" not in xml.text and "<b>" not in xml.text
        # Escaped, so that any XML reader gets the citizen's words back as text.
        (request,) = ET.fromstring(xml.content)
        assert request.findtext("description") == words
        assert request.findtext("address") == "Ngõ <3>, phường Phước Mỹ"
    # Staff text too: an operator quoting the citizen keeps the quote.
    number = post(hub, "Cây đổ").json()[0]["service_request_id"]
    r = hub.act("op", number, "request_info", {"question": "Chỗ <gần chợ> là chợ nào ạ?"})
    assert r.status_code == 200, r.text
    assert hub.report(number)["history"][-1]["data"]["question"] == "Chỗ <gần chợ> là chợ nào ạ?"


def test_a_character_xml_cannot_carry_does_not_break_the_public_list(hub: Hub) -> None:
    odd = "Ổ gà \uffff sâu \ufffe và \U0001f600 lớn"
    r = post(hub, odd)
    assert r.status_code == 201, r.text
    number = r.json()[0]["service_request_id"]
    assert hub.report(number)["description"] == odd  # kept as the citizen sent it
    for path in ("/open311/v2/requests.xml", f"/open311/v2/requests/{number}.xml"):
        xml = httpx.get(f"{hub.url}{path}")
        assert xml.status_code == 200
        requests = ET.fromstring(xml.content)  # the whole document still reads
        mine = next(r for r in requests if r.findtext("service_request_id") == number)
        assert mine.findtext("description") == "Ổ gà \ufffd sâu \ufffd và \U0001f600 lớn"
    assert httpx.get(f"{hub.url}/open311/v2/requests/{number}.json").json()[0]["description"] == odd

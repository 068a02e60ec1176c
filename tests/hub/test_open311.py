"""Open311 GeoReport v2 on a running hub: every method in JSON and XML has the shape of the
specification's examples, errors have the spec's form and codes, no citizen's contact details leak,
and paging and date filters select what they say."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from hub_support import AGENCY_A, INSIDE, OUTSIDE, SAMPLES, Hub

from ioc_console.domain.jurisdiction import load_pack
from ioc_console.hub.open311 import ENDPOINTS_CHANGED, service_definition_of
from ioc_console.resources import default_pack_path

#: Keys the hub adds to the specification's request (an extension) and to the POST answer (the spec's
#: own optional ``token``).
REQUEST_EXTENSIONS = {"extended_attributes"}
POST_EXTENSIONS = {"token"}


def _strip_status_line(text: str) -> str:
    if text.startswith("HTTP/"):
        return text.split("\n\n", 1)[1]
    return text


def sample_json(name: str) -> Any:
    text = _strip_status_line((SAMPLES / name).read_text(encoding="utf-8"))
    # The spec's examples write numbers with leading zeros (service_code 001): not valid JSON.
    text = re.sub(r"(:\s*)(0\d+)(\s*[,}\]])", r'\1"\2"\3', text)
    return json.loads(text)


def sample_xml(name: str) -> ET.Element:
    return ET.fromstring(_strip_status_line((SAMPLES / name).read_text(encoding="utf-8")).encode())


def children(element: ET.Element) -> list[str]:
    return [child.tag for child in element]


def assert_request_shape(ours: dict[str, Any], sample: dict[str, Any]) -> None:
    assert set(sample) <= set(ours), set(sample) - set(ours)
    assert set(ours) - set(sample) <= REQUEST_EXTENSIONS


def assert_xml_request_shape(ours: ET.Element, sample: ET.Element) -> None:
    expected = children(sample)
    # Same elements, in the specification's order, with only the documented extension added.
    assert [tag for tag in children(ours) if tag in expected] == expected
    assert set(children(ours)) - set(expected) <= REQUEST_EXTENSIONS


def get_xml(client: httpx.Client, path: str, expect: int = 200, **params: Any) -> ET.Element:
    r = client.get(path, params=params)
    assert r.status_code == expect, r.text
    assert r.headers["content-type"].startswith("text/xml")
    assert r.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(r.content)


def get_json(client: httpx.Client, path: str, expect: int = 200, **params: Any) -> Any:
    r = client.get(path, params=params)
    assert r.status_code == expect, r.text
    assert r.headers["content-type"].startswith("application/json")
    return r.json()


@pytest.fixture
def public(hub: Hub) -> httpx.Client:
    return hub.client()


# -- shapes of every method ---------------------------------------------------------------------------


def test_discovery_has_the_shape_of_the_spec_example(public: httpx.Client) -> None:
    sample = sample_json("spec_discovery.json")
    ours = get_json(public, "/open311/v2/discovery.json")
    assert set(ours) == set(sample)
    assert set(ours["endpoints"][0]) == set(sample["endpoints"][0])
    assert ours["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert ours["endpoints"][0]["url"].endswith("/open311/v2")
    assert set(ours["endpoints"][0]["formats"]) == {"text/xml", "application/json"}

    xml_sample = sample_xml("spec_discovery.xml")
    xml = get_xml(public, "/open311/v2/discovery.xml")
    assert xml.tag == xml_sample.tag == "discovery"
    assert set(children(xml)) == set(children(xml_sample))
    endpoint = xml.find("endpoints/endpoint")
    sample_endpoint = xml_sample.find("endpoints/endpoint")
    assert endpoint is not None and sample_endpoint is not None
    assert set(children(endpoint)) == set(children(sample_endpoint))
    assert [f.text for f in endpoint.findall("formats/format")] == ["text/xml", "application/json"]
    # The discovery document is also served one level up, where clients look for it first.
    assert get_json(public, "/open311/discovery.json")["endpoints"] == ours["endpoints"]
    # Its changeset says when the endpoints last changed, so it stays the same from one ask to the
    # next (a client reads the discovery again only when it moves), not the current minute.
    assert ours["changeset"] == ours["endpoints"][0]["changeset"] == ENDPOINTS_CHANGED


@pytest.mark.parametrize(("method", "path", "allowed"), [
    ("DELETE", "/open311/v2/requests.json", {"GET", "POST"}),
    ("PUT", "/open311/v2/services.xml", {"GET"}),
])  # fmt: skip
def test_a_method_an_address_does_not_take_is_405_naming_those_it_does(
    public: httpx.Client, method: str, path: str, allowed: set[str]
) -> None:
    r = public.request(method, path)
    assert r.status_code == 405
    assert {m.strip() for m in r.headers["allow"].split(",")} - {"HEAD"} == allowed


def test_service_list_in_json_and_xml(public: httpx.Client) -> None:
    sample = sample_json("spec_v2_json-service-list.json")
    ours = get_json(public, "/open311/v2/services.json")
    codes = [s["service_code"] for s in ours]
    assert "environment" in codes and "construction" in codes
    for service in ours:
        assert set(service) == set(sample[0])
        assert service["type"] == "realtime"
        assert isinstance(service["metadata"], bool)
    env = next(s for s in ours if s["service_code"] == "environment")
    assert env["service_name"] == "Vệ sinh môi trường"
    assert "Environmental sanitation" in env["keywords"]

    xml_sample = sample_xml("spec_v2_xml-service-list.xml")
    xml = get_xml(public, "/open311/v2/services.xml")
    assert xml.tag == "services" and children(xml) == ["service"] * len(ours)
    first_sample = xml_sample.find("service")
    assert first_sample is not None
    assert children(xml[0]) == children(first_sample)
    assert xml[0].findtext("metadata") in ("true", "false")


def test_service_definition_in_json_and_xml(public: httpx.Client) -> None:
    sample = sample_json("spec_v2_json-service-definition.json")
    ours = get_json(public, "/open311/v2/services/environment.json")
    assert set(ours) == set(sample)
    assert ours["service_code"] == "environment"
    assert ours["attributes"] == []

    xml = get_xml(public, "/open311/v2/services/environment.xml")
    xml_sample = sample_xml("spec_v2_xml-service-definition.xml")
    assert xml.tag == xml_sample.tag == "service_definition"
    assert children(xml) == children(xml_sample)


def test_service_definition_renders_attributes_like_the_spec() -> None:
    sample = sample_json("spec_v2_json-service-definition.json")
    attribute = SimpleNamespace(
        variable=True,
        code="DEPTH",
        datatype="singlevaluelist",
        required=True,
        datatype_description=None,
        order=1,
        description="Nước ngập sâu bao nhiêu?",
        values=(("1", "Dưới 20 cm"), ("2", "Trên 20 cm")),
    )
    ours = service_definition_of(SimpleNamespace(code="flood", attributes=(attribute,)))
    assert set(ours) == set(sample)
    assert set(ours["attributes"][0]) == set(sample["attributes"][0])
    assert set(ours["attributes"][0]["values"][0]) == set(sample["attributes"][0]["values"][0])


def test_post_request_then_get_it_back_in_both_formats(hub: Hub, public: httpx.Client) -> None:
    data = {
        "api_key": hub.api_key,
        "service_code": "environment",
        "lat": str(INSIDE[0]),
        "long": str(INSIDE[1]),
        "address_string": "Đường 16 Tháng 4, Phường Mỹ Bình",
        "description": "Cống thoát nước bị tắc, nước tràn ra đường",
        "media_url": "https://cdn.example.vn/photos/abc.jpg",
        "account_id": "zalo-user-42",
        "device_id": "device-1",
        "attribute[DEPTH]": "2",
    }
    sample_post = sample_json("spec_v2_json-service-request-post.json")
    r = public.post("/open311/v2/requests.json", data=data)
    assert r.status_code == 201, r.text
    posted = r.json()
    assert len(posted) == 1
    assert set(sample_post[0]) <= set(posted[0]) <= set(sample_post[0]) | POST_EXTENSIONS
    number = posted[0]["service_request_id"]
    assert posted[0]["account_id"] == "zalo-user-42"
    assert number in posted[0]["service_notice"]

    r = public.post("/open311/v2/requests.xml", data=data)
    assert r.status_code == 201, r.text
    xml_post = ET.fromstring(r.content)
    xml_sample_post = sample_xml("spec_v2_xml-service-request-post.xml")
    assert xml_post.tag == xml_sample_post.tag == "service_requests"
    request = xml_post.find("request")
    sample_request = xml_sample_post.find("request")
    assert request is not None and sample_request is not None
    assert (
        set(children(sample_request))
        <= set(children(request))
        <= set(children(sample_request)) | POST_EXTENSIONS
    )

    sample = sample_json("spec_v2_json-service-request.json")[0]
    ours = get_json(public, f"/open311/v2/requests/{number}.json")
    assert len(ours) == 1
    one = ours[0]
    assert_request_shape(one, sample)
    assert one["service_request_id"] == number
    assert one["status"] == "open"
    assert one["extended_attributes"]["status"] == "new"
    assert one["service_code"] == "environment"
    assert one["service_name"] == "Vệ sinh môi trường"
    assert one["lat"] == pytest.approx(INSIDE[0]) and one["long"] == pytest.approx(INSIDE[1])
    assert one["media_url"] == "https://cdn.example.vn/photos/abc.jpg"
    assert one["address"] == "Đường 16 Tháng 4, Phường Mỹ Bình"
    assert one["extended_attributes"]["channel"] == "zalo"
    # The citizen's deadline: six working days, at the close of office hours, in local time.
    expected = datetime.fromisoformat(one["expected_datetime"])
    assert expected.utcoffset() == timedelta(hours=7)
    assert (expected.hour, expected.minute) == (17, 0)
    assert expected > datetime.fromisoformat(one["requested_datetime"]) + timedelta(days=6)

    xml = get_xml(public, f"/open311/v2/requests/{number}.xml")
    xml_sample = sample_xml("spec_v2_xml-service-request.xml")
    assert xml.tag == "service_requests"
    element = xml.find("request")
    sample_element = xml_sample.find("request")
    assert element is not None and sample_element is not None
    assert_xml_request_shape(element, sample_element)
    assert element.findtext("service_request_id") == number
    assert element.findtext("status") == "open"

    # The token answer.
    token = posted[0]["token"]
    sample_token = sample_json("spec_v2_json-request-from-token.json")
    ours_token = get_json(public, f"/open311/v2/tokens/{token}.json")
    assert set(ours_token[0]) == set(sample_token[0])
    assert ours_token[0] == {"service_request_id": number, "token": token}
    xml_token = get_xml(public, f"/open311/v2/tokens/{token}.xml")
    xml_sample_token = sample_xml("spec_v2_xml-request-from-token.xml")
    assert xml_token.tag == xml_sample_token.tag
    token_request = xml_token.find("request")
    sample_token_request = xml_sample_token.find("request")
    assert token_request is not None and sample_token_request is not None
    assert children(token_request) == children(sample_token_request)


def test_request_list_in_both_formats(hub: Hub, public: httpx.Client) -> None:
    numbers = [hub.submit(), hub.submit(service_code="construction")]
    sample = sample_json("spec_v2_json-service-requests.json")
    ours = get_json(public, "/open311/v2/requests.json", service_request_id=",".join(numbers))
    assert sorted(r["service_request_id"] for r in ours) == sorted(numbers)
    for item in ours:
        assert_request_shape(item, sample[0])
    xml = get_xml(public, "/open311/v2/requests.xml", service_request_id=",".join(numbers))
    xml_sample = sample_xml("spec_v2_xml-service-requests.xml")
    assert xml.tag == xml_sample.tag == "service_requests"
    assert children(xml) == ["request", "request"]
    sample_element = xml_sample.find("request")
    assert sample_element is not None
    for element in xml:
        assert_xml_request_shape(element, sample_element)


def test_published_reply_is_status_notes_and_agency_is_named(hub: Hub, public: httpx.Client) -> None:
    number = hub.submit()
    hub.ok("op", number, "forward", {"agency": AGENCY_A})
    hub.ok("lia_a", number, "accept")
    hub.ok("lia_a", number, "resolve", {"result": "Đã thu gom rác"})
    hub.ok("op", number, "publish_reply", {"reply": "Rác đã được thu gom, cảm ơn bạn."})
    one = get_json(public, f"/open311/v2/requests/{number}.json")[0]
    assert one["status"] == "closed"
    assert one["extended_attributes"]["status"] == "closed"
    assert one["status_notes"] == "Rác đã được thu gom, cảm ơn bạn."
    assert one["agency_responsible"] == load_pack(default_pack_path()).agencies[AGENCY_A].name
    xml = get_xml(public, f"/open311/v2/requests/{number}.xml")
    assert xml.findtext("request/status_notes") == "Rác đã được thu gom, cảm ơn bạn."
    assert xml.findtext("request/status") == "closed"


def test_service_request_updates_like_fixmystreet(hub: Hub, public: httpx.Client) -> None:
    number = hub.submit()
    hub.ok("op", number, "log_call", {"outcome": "Đã gọi cho anh Tuấn 0977000111, hẹn gặp tại hiện trường"})
    hub.ok("op", number, "forward", {"agency": AGENCY_A})
    fms = sample_xml("fixture_not_real/fms_test_get_servicerequestupdates.xml")
    adapter = sample_xml("fixture_not_real/adapter_confirm_test_get_servicerequestupdates.xml")
    allowed = set(children(fms[0])) | set(children(adapter[0]))
    xml = get_xml(public, "/open311/v2/servicerequestupdates.xml", service_request_id=number)
    assert xml.tag == fms.tag == "service_requests_updates"
    updates = xml.findall("request_update")
    assert [u.findtext("external_status_code") for u in updates] == ["new", "forwarded"]
    assert [u.findtext("status") for u in updates] == ["open", "action_scheduled"]
    for update in updates:
        assert set(children(fms[0])) <= set(children(update)) <= allowed
        assert update.findtext("service_request_id") == number
    # A call logged by the IOC is internal: neither the step nor its words are published.
    assert (
        b"0977000111"
        not in httpx.get(
            f"{hub.url}/open311/v2/servicerequestupdates.json", params={"service_request_id": number}
        ).content
    )
    data = get_json(public, "/open311/v2/servicerequestupdates.json", service_request_id=number)
    assert [d["status"] for d in data] == ["open", "action_scheduled"]
    assert set(data[0]) == {c for c in children(updates[0])}


# -- errors -----------------------------------------------------------------------------------------


def assert_error(r: httpx.Response, status: int, fmt: str, *words: str) -> str:
    assert r.status_code == status, r.text
    if fmt == "json":
        sample = sample_json("spec_v2_json-errors.json")
        body = r.json()
        assert isinstance(body, list) and len(body) == 1
        assert set(body[0]) == set(sample[0])
        assert body[0]["code"] == status
        description: str = body[0]["description"]
    else:
        sample_x = sample_xml("spec_v2_xml-errors.xml")
        root = ET.fromstring(r.content)
        assert root.tag == sample_x.tag == "errors"
        error = root.find("error")
        sample_error = sample_x.find("error")
        assert error is not None and sample_error is not None
        assert children(error) == children(sample_error)
        assert error.findtext("code") == str(status)
        description = error.findtext("description") or ""
    for word in words:
        assert word.lower() in description.lower(), description
    return description


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_errors_have_the_spec_form_and_codes(hub: Hub, public: httpx.Client, fmt: str) -> None:
    url = f"/open311/v2/requests.{fmt}"
    good = {
        "api_key": hub.api_key,
        "service_code": "environment",
        "lat": str(INSIDE[0]),
        "long": str(INSIDE[1]),
        "description": "Đèn đường hỏng",
    }

    def post(**changes: Any) -> httpx.Response:
        data = {**good, **changes}
        return public.post(url, data={k: v for k, v in data.items() if v is not None})

    assert_error(post(api_key=None), 403, fmt, "api_key")
    assert_error(post(api_key="ch_not-a-key"), 403, fmt, "api_key")
    assert_error(post(service_code=None), 400, fmt, "service_code")
    assert_error(post(service_code="no-such-service"), 404, fmt, "no-such-service")  # the spec's code
    assert_error(post(lat=str(OUTSIDE[0]), long=str(OUTSIDE[1])), 400, fmt, "outside the province")
    assert_error(post(long=None), 400, fmt, "longitude")
    assert_error(post(lat="north", long="east"), 400, fmt, "latitude")
    assert_error(post(lat=None, long=None), 400, fmt, "location")
    assert_error(post(description="Đèn hỏng\x1b[31m"), 400, fmt, "control")
    assert_error(post(description="x" * 4001), 400, fmt, "4000")
    assert_error(post(email="not-an-email"), 400, fmt, "email")
    assert_error(post(media_url="javascript:alert(1)"), 400, fmt)
    assert_error(post(jurisdiction_id="ho-chi-minh"), 404, fmt, "jurisdiction_id")
    assert_error(post(address_id="99999999", lat=None, long=None), 400, fmt, "99999999")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_get_errors_have_the_spec_form_and_codes(public: httpx.Client, fmt: str) -> None:
    assert_error(public.get(f"/open311/v2/requests/1999-999999.{fmt}"), 404, fmt, "1999-999999")
    assert_error(public.get(f"/open311/v2/tokens/nothing.{fmt}"), 404, fmt, "token")
    assert_error(public.get(f"/open311/v2/services/nothing.{fmt}"), 404, fmt, "service_code")
    assert_error(public.get(f"/open311/v2/requests.{fmt}", params={"start_date": "yesterday"}), 400, fmt)
    assert_error(
        public.get(
            f"/open311/v2/requests.{fmt}", params={"start_date": "2024-01-01", "end_date": "2024-06-01"}
        ),
        400,
        fmt,
        "90 days",
    )
    assert_error(public.get(f"/open311/v2/requests.{fmt}", params={"page": "0"}), 400, fmt, "page")
    assert_error(
        public.get(f"/open311/v2/requests.{fmt}", params={"page_size": "abc"}), 400, fmt, "page_size"
    )
    assert_error(public.get(f"/open311/v2/requests.{fmt}", params={"status": "burning"}), 400, fmt, "status")
    assert_error(public.get(f"/open311/v2/services.{fmt}", params={"jurisdiction_id": "x"}), 404, fmt)
    assert_error(public.get(f"/open311/v2/no-such-method.{fmt}"), 404, fmt)
    assert_error(public.put(f"/open311/v2/requests.{fmt}"), 405, fmt)


def test_unknown_format_is_404_in_json(public: httpx.Client) -> None:
    assert_error(public.get("/open311/v2/services.yaml"), 404, "json", "format")


# -- privacy ------------------------------------------------------------------------------------------


def test_public_output_never_carries_the_citizens_contact(hub: Hub, public: httpx.Client) -> None:
    name, phone, email = "Trần Thị Bích", "0912 345 678", "bich.tran@example.vn"
    number = hub.submit(
        first_name="Trần Thị",
        last_name="Bích",
        phone=phone,
        email=email,
        description="Tôi là Trần Thị Bích, số 0912345678, thư bich.tran@example.vn: cây đổ chắn đường",
        address_string="Nhà bà Bích, gọi +84 912 345 678",
    )
    token = get_json(public, f"/open311/v2/requests/{number}.json")
    assert token[0]["description"].endswith("cây đổ chắn đường")
    hub.ok("op", number, "forward", {"agency": AGENCY_A})
    hub.ok("lia_a", number, "accept")
    hub.ok("lia_a", number, "resolve", {"result": "Đã dọn cây"})
    hub.ok("op", number, "publish_reply", {"reply": "Đã xử lý xong."})
    # Staff see the contact...
    assert hub.report(number)["contact"]["phone"] == "0912345678"
    # ...the public never does, in any method or format.
    paths = [
        f"/open311/v2/requests/{number}.json",
        f"/open311/v2/requests/{number}.xml",
        f"/open311/v2/requests.json?service_request_id={number}",
        f"/open311/v2/requests.xml?service_request_id={number}",
        "/open311/v2/requests.json",
        "/open311/v2/requests.xml",
        f"/open311/v2/servicerequestupdates.json?service_request_id={number}",
        f"/open311/v2/servicerequestupdates.xml?service_request_id={number}",
    ]
    for path in paths:
        text = public.get(path).text
        for secret in (name, "Bích", email, "0912345678", "912 345 678", "912345678"):
            assert secret not in text, (path, secret)


# -- paging and date filters ----------------------------------------------------------------------


def test_paging_and_date_filters(hub: Hub, public: httpx.Client) -> None:
    saved = hub.clock.now
    try:
        made: list[str] = []
        for day in range(1, 8):
            # 10:00 in Ninh Thuận on 1..7 January 2024.
            hub.clock.set(datetime(2024, 1, day, 3, 0, tzinfo=UTC))
            made.append(hub.submit(service_code="environment" if day % 2 else "construction"))
        window = {"start_date": "2024-01-01", "end_date": "2024-01-31"}

        def ids(fmt: str = "json", **params: Any) -> list[str]:
            if fmt == "xml":
                root = get_xml(public, "/open311/v2/requests.xml", **params)
                return [e.findtext("service_request_id") or "" for e in root]
            return [r["service_request_id"] for r in get_json(public, "/open311/v2/requests.json", **params)]

        newest_first = list(reversed(made))
        assert ids(**window) == newest_first
        assert ids("xml", **window) == newest_first
        pages = [ids(**window, page_size=3, page=p) for p in (1, 2, 3, 4)]
        assert pages == [newest_first[0:3], newest_first[3:6], newest_first[6:7], []]
        assert ids("xml", **window, page_size=3, page=2) == newest_first[3:6]
        # Date-only bounds include their whole days; times with an offset are exact.
        assert ids(start_date="2024-01-03", end_date="2024-01-05") == newest_first[2:5]
        assert ids(start_date="2024-01-03T10:00:00+07:00", end_date="2024-01-05T09:59:59+07:00") == [
            made[3],
            made[2],
        ]
        assert ids(start_date="2024-01-03T03:00:00Z", end_date="2024-01-03T03:00:01Z") == [made[2]]
        # Filters by service code and status.
        assert ids(**window, service_code="construction") == [n for n in newest_first if made.index(n) % 2]
        assert ids(**window, service_code="construction,environment") == newest_first
        assert ids(**window, status="closed") == []
        assert ids(**window, status="open") == newest_first
        assert ids(**window, status="new") == newest_first
        # Repeated parameters count every value (clients repeat them rather than join them).
        assert ids(**window, service_code=["construction", "environment"]) == newest_first
        assert ids(**window, status=["closed", "open"]) == newest_first
        assert ids("xml", **window, status=["closed", "new"]) == newest_first
        # A cut list says where the rest is; the last page does not.
        cut = public.get("/open311/v2/requests.json", params={**window, "page_size": 3, "page": 2})
        assert cut.headers["link"].endswith('; rel="next"') and "page=3" in cut.headers["link"]
        following = cut.headers["link"][1 : cut.headers["link"].index(">")]
        assert [r["service_request_id"] for r in public.get(following).json()] == newest_first[6:7]
        assert "link" not in public.get("/open311/v2/requests.json", params={**window, "page_size": 7}).headers
        # Without dates: the last 90 days before now.
        hub.clock.set(datetime(2024, 1, 8, 3, 0, tzinfo=UTC))
        assert ids() == newest_first
        hub.clock.set(datetime(2024, 6, 1, 3, 0, tzinfo=UTC))
        assert ids() == []
        # updated_after / updated_before (an action on one report moves its updated time).
        hub.clock.set(datetime(2024, 1, 10, 3, 0, tzinfo=UTC))
        hub.ok("op", made[4], "set_priority", {"priority": "high"})
        assert ids(**window, updated_after="2024-01-09T00:00:00+07:00") == [made[4]]
        assert ids(updated_after="2024-01-09T00:00:00+07:00", updated_before="2024-01-11") == [made[4]]
        assert made[4] not in ids(**window, updated_before="2024-01-09T00:00:00+07:00")
    finally:
        hub.clock.set(saved)


def test_a_request_posted_with_the_api_key_in_the_query_string_is_taken(hub: Hub, public: httpx.Client) -> None:
    form = {
        "service_code": "environment",
        "lat": str(INSIDE[0]),
        "long": str(INSIDE[1]),
        "description": "Cống thoát nước bị tắc trước chợ",
    }
    r = public.post("/open311/v2/requests.json", params={"api_key": hub.api_key}, data=form)
    assert r.status_code == 201, r.text
    assert r.json()[0]["service_request_id"]

"""Real Open311 clients against a running hub, in JSON and XML: the ``georeport`` client from PyPI
(services, service definitions, request lists, one request) and the calls FixMyStreet's Open311 client
makes (POST with attributes and a photo address, token lookup, request list and
``servicerequestupdates`` by date window), read with the standard XML parser as FixMyStreet reads
them."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta
from typing import Any

import httpx
import pytest
from georeport import GeoReport
from hub_support import AGENCY_A, INSIDE, Hub

FORMATS = ["json", "xml"]


def _as_list(value: Any) -> list[Any]:
    """xmltodict gives one element as a mapping and several as a list."""
    return value if isinstance(value, list) else [value]


@pytest.mark.parametrize("fmt", FORMATS)
def test_georeport_client_reads_the_hub(hub: Hub, fmt: str) -> None:
    client = GeoReport(f"{hub.url}/open311/v2", output_format=fmt)

    services = _as_list(client.get_service_list())
    by_code = {s["service_code"]: s for s in services}
    assert by_code["environment"]["service_name"] == "Vệ sinh môi trường"
    definition = client.get_service_definition("environment")
    assert definition["service_code"] == "environment"

    numbers = [hub.submit(), hub.submit(service_code="construction")]
    listed = _as_list(client.get_service_requests(service_request_id=",".join(numbers)))
    assert sorted(r["service_request_id"] for r in listed) == sorted(numbers)
    assert {r["status"] for r in listed} == {"open"}

    # A request answered and closed by the IOC reads as closed, its reply as the status notes.
    closed = numbers[0]
    hub.ok("op", closed, "forward", {"agency": AGENCY_A})
    hub.ok("lia_a", closed, "accept")
    hub.ok("lia_a", closed, "resolve", {"result": "Đã thu gom rác"})
    hub.ok("op", closed, "publish_reply", {"reply": "Rác đã được thu gom, cảm ơn bạn."})
    one = client.get_service_request(closed)
    assert one["service_request_id"] == closed
    assert one["status"] == "closed"
    assert one["status_notes"] == "Rác đã được thu gom, cảm ơn bạn."
    assert float(one["lat"]) == pytest.approx(INSIDE[0])

    # ``service_request_id`` overrides every other filter (the spec): filter by status alone.
    closed_list = {r["service_request_id"] for r in _as_list(client.get_service_requests(status="closed"))}
    open_list = {r["service_request_id"] for r in _as_list(client.get_service_requests(status="open"))}
    assert closed in closed_list and closed not in open_list
    assert numbers[1] in open_list and numbers[1] not in closed_list
    both = {r["service_request_id"] for r in _as_list(client.get_service_requests(status="open,closed"))}
    assert set(numbers) <= both


def _read(r: httpx.Response, fmt: str, status: int = 200) -> list[dict[str, Any]]:
    """An answer as FixMyStreet reads it: a list of records, XML children as text fields."""
    assert r.status_code == status, r.text
    if fmt == "json":
        data = r.json()
        assert isinstance(data, list)
        return data
    root = ET.fromstring(r.content)
    return [{child.tag: child.text for child in item} for item in root]


@pytest.mark.parametrize("fmt", FORMATS)
def test_fixmystreet_flow(hub: Hub, fmt: str) -> None:
    with httpx.Client(base_url=f"{hub.url}/open311/v2", timeout=30) as web:
        _fixmystreet_flow(hub, web, fmt)


def _fixmystreet_flow(hub: Hub, web: httpx.Client, fmt: str) -> None:
    services = _read(web.get(f"/services.{fmt}"), fmt)
    assert "environment" in {s["service_code"] for s in services}

    posted = _read(
        web.post(
            f"/requests.{fmt}",
            data={
                "api_key": hub.api_key,
                "service_code": "environment",
                "lat": str(INSIDE[0]),
                "long": str(INSIDE[1]),
                "address_string": "Đường 16 Tháng 4",
                "description": "Cống thoát nước bị tắc",
                "media_url": "https://cdn.example.vn/photos/fms.jpg",
                "attribute[easting]": "581234",
                "attribute[report_url]": "https://fms.example.vn/report/42",
                "first_name": "An",
                "last_name": "Nguyễn",
                "email": "an@example.vn",
            },
        ),
        fmt,
        201,
    )
    assert len(posted) == 1
    number = posted[0]["service_request_id"]
    token = posted[0]["token"]
    assert number and token

    # FixMyStreet polls the token when the POST gave only a token; here both must agree.
    looked_up = _read(web.get(f"/tokens/{token}.{fmt}"), fmt)
    assert looked_up == [{"service_request_id": number, "token": token}]

    now = hub.clock.now
    window = {
        "start_date": (now - timedelta(hours=1)).isoformat(),
        "end_date": (now + timedelta(hours=1)).isoformat(),
    }
    listed = _read(web.get(f"/requests.{fmt}", params=window), fmt)
    mine = [r for r in listed if r["service_request_id"] == number]
    assert len(mine) == 1
    assert mine[0]["media_url"] == "https://cdn.example.vn/photos/fms.jpg"
    assert mine[0]["status"] == "open"
    # The citizen's contact details are never published.
    assert "an@example.vn" not in web.get(f"/requests.{fmt}", params=window).text

    hub.ok("op", number, "forward", {"agency": AGENCY_A})
    updates = _read(web.get(f"/servicerequestupdates.{fmt}", params=window), fmt)
    ours = [u for u in updates if u["service_request_id"] == number]
    assert [u["status"] for u in ours] == ["open", "action_scheduled"]
    assert [u["external_status_code"] for u in ours] == ["new", "forwarded"]
    assert len({u["update_id"] for u in ours}) == 2

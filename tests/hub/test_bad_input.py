"""Bad input from the network gets a 4xx with a message, never a 500: a table of known cases, and a
property-based run (hypothesis) over every operation of the hub's OpenAPI document."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hub_support import INSIDE, OUTSIDE, Hub, in_state
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


def assert_refused_in_words(r: httpx.Response, *statuses: int) -> None:
    """A 4xx (one of ``statuses`` when given) whose body says why, in the API's error form."""
    assert 400 <= r.status_code < 500, (r.status_code, r.text[:300])
    if statuses:
        assert r.status_code in statuses, (r.status_code, r.text[:300])
    path = r.request.url.path
    if path.startswith("/open311"):
        if path.endswith(".xml"):
            assert b"<errors>" in r.content and b"<description>" in r.content, r.text[:300]
        else:
            body = r.json()
            assert isinstance(body, list) and body[0]["code"] == r.status_code and body[0]["description"]
    else:
        body = r.json()
        assert body["error"] and body["message"]["vi"] and body["message"]["en"], body


def _chunks(size: int) -> Iterator[bytes]:
    block = b"x" * 65536
    sent = 0
    while sent < size:
        yield block
        sent += len(block)


def test_bad_bodies(hub: Hub) -> None:
    number = in_state(hub, "new")
    op = hub.client("op")
    action = f"/api/v1/reports/{number}/actions/log_call"
    public = hub.client()
    cases: list[tuple[httpx.Response, tuple[int, ...]]] = [
        # Malformed JSON, not UTF-8, the wrong type of document, the wrong content type.
        (
            op.post(
                action,
                content=b'{"idempotency_key": "k", "base_',
                headers={"Content-Type": "application/json"},
            ),
            (400,),
        ),
        (
            op.post(action, content=b"\xff\xfe\x00garbage", headers={"Content-Type": "application/json"}),
            (400, 422),
        ),
        (op.post(action, json=[1, 2, 3]), (422,)),
        (op.post(action, content=b"idempotency_key=k", headers={"Content-Type": "text/plain"}), (400, 422)),
        # Oversized: declared, and streamed without a length.
        (
            op.post(
                action,
                json={"idempotency_key": "k", "base_version": 1, "payload": {"outcome": "x" * 1_100_000}},
            ),
            (413,),
        ),
        (op.post(action, content=_chunks(1_200_000), headers={"Content-Type": "application/json"}), (413,)),
        (
            public.post(
                "/open311/v2/requests.json",
                content=_chunks(1_200_000),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            ),
            (400, 413),  # the form parser's field limit may answer first
        ),
        (
            public.post(
                "/open311/v2/requests.xml", data={"api_key": hub.api_key, "description": "x" * 1_100_000}
            ),
            (413,),
        ),
        # Wrong types and deep nesting in a payload.
        (op.post(action, json={"idempotency_key": 5, "base_version": 1, "payload": {}}), (422,)),
        (op.post(action, json={"idempotency_key": "k", "base_version": 1.5, "payload": {}}), (422,)),
        (op.post(action, json={"idempotency_key": "k", "base_version": 10**30, "payload": {}}), (422,)),
        (
            op.post(action, json={"idempotency_key": "k", "base_version": 1, "payload": {"outcome": ["a"]}}),
            (422,),
        ),
        (
            op.post(
                action,
                json={"idempotency_key": "k", "base_version": 1, "payload": {"a": [[[[[[[["deep"]]]]]]]]}},
            ),
            (422,),
        ),
        (op.post(action, json={"idempotency_key": "k\x00", "base_version": 1, "payload": {}}), (422,)),
        # Unknown codes, out-of-range values, coordinates outside the province, control characters.
        (op.get("/api/v1/feed", params={"after": "9" * 20}), (422,)),
        (op.get(f"/api/v1/reports/{quote(chr(0))}"), (400,)),
        (op.get("/api/v1/reports/" + "9" * 5000), (404,)),
        (public.get("/open311/v2/requests.json", params={"start_date": "9999-12-31"}), (400,)),
        (public.get("/open311/v2/requests.json", params={"end_date": "0001-01-01"}), (400,)),
        (public.get("/open311/v2/requests.json", params={"service_request_id": "\x00"}), (400,)),
        (public.get("/open311/v2/requests.json", params={"page_size": "100000"}), (400,)),
        (
            public.post(
                "/open311/v2/requests.json",
                data={
                    "api_key": hub.api_key,
                    "service_code": "environment",
                    "lat": "1e400",
                    "long": "108.9",
                    "description": "x",
                },
            ),
            (400,),
        ),
        (
            public.post(
                "/open311/v2/requests.json",
                data={
                    "api_key": hub.api_key,
                    "service_code": "environment",
                    "lat": str(OUTSIDE[0]),
                    "long": str(OUTSIDE[1]),
                    "description": "x",
                },
            ),
            (400,),
        ),
        (
            public.post(
                "/open311/v2/requests.json",
                data={
                    "api_key": hub.api_key,
                    "service_code": "environment",
                    "lat": str(INSIDE[0]),
                    "long": str(INSIDE[1]),
                    "description": "Đèn hỏng\x1b[31m",
                },
            ),
            (400,),
        ),
        (
            public.post(
                "/open311/v2/requests.json",
                files={"media": ("a.jpg", b"\xff\xd8\xff", "image/jpeg")},
                data={"api_key": hub.api_key},
            ),
            (400,),
        ),
        (
            op.post("/api/v1/reports", json={"idempotency_key": "k", "category": "nope", "description": "x"}),
            (422,),
        ),
        (hub.client("admin").put("/api/v1/admin/pack", json={"files": {"../../etc/passwd": "x"}}), (422,)),
    ]
    for response, statuses in cases:
        assert_refused_in_words(response, *statuses)
    # Nothing of all that reached the report.
    assert hub.report(number)["version"] == 1


# -- property-based: every operation of the OpenAPI document --------------------------------------

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
NASTY_TEXT = st.sampled_from(
    [
        "",
        " ",
        "0",
        "-1",
        "1e999",
        "NaN",
        "../../etc/passwd",
        "%00",
        "\x00",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "2025-02-30",
        "9" * 40,
        "đường ngập",
        "\u202e",
        "null",
        "[]",
        "{}",
    ]
)
TEXT = st.text(max_size=30) | NASTY_TEXT
FIELDS = [
    "api_key",
    "service_code",
    "lat",
    "long",
    "address_string",
    "address_id",
    "description",
    "media_url",
    "email",
    "phone",
    "first_name",
    "last_name",
    "account_id",
    "jurisdiction_id",
    "attribute[X]",
    "satisfied",
    "comment",
    "info",
    "start_date",
    "end_date",
    "status",
    "page",
    "page_size",
    "updated_after",
    "updated_before",
    "service_request_id",
    "after",
    "limit",
    "stage",
    "idempotency_key",
    "base_version",
    "payload",
    "category",
    "location",
    "contact",
    "priority",
    "channel",
    "username",
    "password",
    "name",
    "role",
    "agency",
    "kind",
    "files",
    "active",
]


@pytest.fixture(scope="module")
def operations(hub: Hub) -> list[tuple[str, str, list[str]]]:
    spec = httpx.get(f"{hub.url}/openapi.json").json()
    found = []
    for path, methods in spec["paths"].items():
        if path == "/api/v1/events":
            continue  # an endless stream (tested in test_feed_events)
        for method, operation in methods.items():
            names = [p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"]
            found.append((method.upper(), path, names))
    assert len(found) >= 30
    return found


@st.composite
def requests(
    draw: st.DrawFn, operations: list[tuple[str, str, list[str]]], real: dict[str, str]
) -> dict[str, Any]:
    method, template, query_names = draw(st.sampled_from(operations))
    path = template
    while "{" in path:
        start = path.index("{")
        end = path.index("}", start)
        name = path[start + 1 : end]
        choices = [real.get(name, "x"), "json", "xml"] if name == "fmt" else [real.get(name, "x")]
        value = draw(st.sampled_from(choices) | TEXT)
        path = path[:start] + quote(value, safe="") + path[end + 1 :]
    names = st.sampled_from(query_names + FIELDS) if query_names else st.sampled_from(FIELDS)
    params = draw(st.dictionaries(names, TEXT, max_size=4))
    kind = draw(st.sampled_from(["none", "json", "shaped", "form", "bytes"]))
    body: dict[str, Any] = {}
    if kind == "json":
        body["json"] = draw(JSON_VALUES)
    elif kind == "shaped":
        body["json"] = draw(st.dictionaries(st.sampled_from(FIELDS), JSON_VALUES, max_size=6))
    elif kind == "form":
        body["data"] = draw(st.dictionaries(st.sampled_from(FIELDS), TEXT, max_size=8))
    elif kind == "bytes":
        body["content"] = draw(st.binary(max_size=200))
        body["headers"] = {
            "Content-Type": draw(
                st.sampled_from(
                    [
                        "application/json",
                        "multipart/form-data; boundary=x",
                        "application/x-www-form-urlencoded",
                        "image/png",
                    ]
                )
            )
        }
    user = draw(st.sampled_from([None, "op", "lia_a", "admin"]))
    return {"method": method, "url": path, "params": params, "user": user, **body}


def test_no_input_makes_the_hub_fail(hub: Hub, operations: list[tuple[str, str, list[str]]]) -> None:
    number = in_state(hub, "forwarded")
    real = {"number": number, "action": "accept", "code": "environment", "name": "lia_b", "fmt": "json"}

    @settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(requests(operations, real))
    def run(request: dict[str, Any]) -> None:
        user = request.pop("user")
        client = hub.client(user, console="fuzz")
        headers = request.pop("headers", {})
        r = client.request(**request, headers=headers, timeout=30)
        assert r.status_code < 500, (request, r.status_code, r.text[:500])
        if r.status_code >= 400 and r.request.url.path != "/openapi.json":
            assert_refused_in_words(r)

    run()


def test_openapi_document_names_both_apis(hub: Hub) -> None:
    spec = httpx.get(f"{hub.url}/openapi.json").json()
    paths = set(spec["paths"])
    assert "/open311/v2/requests.{fmt}" in paths
    assert "/api/v1/reports/{number}/actions/{action}" in paths
    assert json.dumps(spec)  # a complete, serialisable document

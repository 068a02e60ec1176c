"""The change feed and the live events on a running hub (and on a second hub sharing its database)."""

from __future__ import annotations

import asyncio
import gzip
import json
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, suppress
from typing import Any

import httpx
import pytest
from hub_support import AGENCY_A, AGENCY_B, Hub, in_state

from ioc_console.hub.api import feed_answer
from ioc_console.hub.server import BackgroundHub
from ioc_console.hub.settings import HubSettings


def pull(hub: Hub, user: str, after: str = "0", limit: int = 500) -> tuple[list[dict[str, Any]], str]:
    """Every change after ``after``, page by page; returns the changes and the final cursor."""
    client = hub.client(user)
    changes: list[dict[str, Any]] = []
    cursor = after
    while True:
        r = client.get("/api/v1/feed", params={"after": cursor, "limit": limit})
        assert r.status_code == 200, r.text
        page = r.json()
        assert len(page["changes"]) <= limit
        changes.extend(page["changes"])
        cursor = page["cursor"]
        if not page["more"]:
            return changes, cursor


def test_feed_pages_in_a_stable_order_each_report_at_its_latest_version(hub: Hub) -> None:
    numbers = [hub.submit() for _ in range(5)]
    hub.ok("op", numbers[1], "set_priority", {"priority": "high"})
    changes, cursor = pull(hub, "op", limit=3)
    seqs = [c["seq"] for c in changes]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    by_number = {c["number"]: c for c in changes}
    assert len(by_number) == len(changes)  # a report appears once, at its latest change
    for number in numbers:
        assert by_number[number]["kind"] == "upsert"
        assert by_number[number]["report"] == hub.report(number)
    assert by_number[numbers[1]]["report"]["version"] == 2
    # Paging does not change what is seen.
    assert pull(hub, "op", limit=1000)[0] == changes
    # From the final cursor: nothing new until something changes, then only that.
    assert pull(hub, "op", after=cursor) == ([], cursor)
    hub.ok("op", numbers[3], "log_call", {"outcome": "Đã gọi"})
    later, _ = pull(hub, "op", after=cursor)
    assert [(c["number"], c["report"]["version"]) for c in later] == [(numbers[3], 2)]


def test_liaison_feed_has_their_agency_only_and_drops_what_leaves_it(hub: Hub) -> None:
    _, start_a = pull(hub, "lia_a")
    _, start_b = pull(hub, "lia_b")
    new = in_state(hub, "new")
    moving = in_state(hub, "forwarded", agency=AGENCY_A)
    a_changes, cursor_a = pull(hub, "lia_a", after=start_a)
    assert [(c["number"], c["kind"]) for c in a_changes] == [(moving, "upsert")]
    assert new not in json.dumps(a_changes)
    # Re-routed to agency B: A's console is told to drop it, B's receives it.
    hub.ok("sup", moving, "forward", {"agency": AGENCY_B})
    a_changes, cursor_a = pull(hub, "lia_a", after=cursor_a)
    assert a_changes == [{"seq": a_changes[0]["seq"], "kind": "remove", "number": moving}]
    b_changes, cursor_b = pull(hub, "lia_b", after=start_b)
    assert [(c["number"], c["kind"], c["report"]["agency"]) for c in b_changes] == [
        (moving, "upsert", AGENCY_B)
    ]
    # B returns it (not theirs): B drops it; A hears nothing more.
    hub.ok("lia_b", moving, "return", {"reason": "Không thuộc thẩm quyền"})
    b_changes, cursor_b = pull(hub, "lia_b", after=cursor_b)
    assert [(c["number"], c["kind"]) for c in b_changes] == [(moving, "remove")]
    assert "report" not in b_changes[0]
    assert pull(hub, "lia_a", after=cursor_a)[0] == []
    # Forwarded back to A: A receives it again, whole.
    hub.ok("op", moving, "forward", {"agency": AGENCY_A})
    a_changes, _ = pull(hub, "lia_a", after=cursor_a)
    assert [(c["number"], c["kind"], c["report"]["status"]) for c in a_changes] == [
        (moving, "upsert", "forwarded")
    ]
    # A fresh console of A sees the report once, as an upsert, and nothing of the others'.
    fresh, _ = pull(hub, "lia_a")
    assert [c["kind"] for c in fresh if c["number"] == moving] == ["upsert"]
    assert all(c["report"]["agency"] == AGENCY_A for c in fresh if c["kind"] == "upsert")


def _compact(page: Any) -> bytes:
    return json.dumps(page, ensure_ascii=False, separators=(",", ":")).encode()


def test_feed_pages_are_compact_utf8_json_documents_spliced_in_as_stored(hub: Hub) -> None:
    """The hub builds a page from the stored documents' bytes: what it sends is exactly the compact
    JSON of what it holds (letters in UTF-8, quotes, backslashes and line breaks escaped once), the
    cursor last, for a province user and for a liaison whose page holds a ``remove``."""
    text = 'Cống "Trần Phú" \\ số 5\nngập sâu 30% — Đường ĐT.652 ✓'
    number = hub.submit(description=text)
    _, start_a = pull(hub, "lia_a")
    moving = in_state(hub, "forwarded", agency=AGENCY_A)
    hub.ok("sup", moving, "forward", {"agency": AGENCY_B})
    r = hub.client("op").get("/api/v1/feed", params={"after": "0", "limit": 1000})
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    page = json.loads(r.content)
    assert r.content == _compact(page)
    assert list(page) == ["changes", "cursor", "more"] and page["more"] is False
    assert r.content.endswith(b'"cursor":"%s","more":false}' % page["cursor"].encode())
    [mine] = [c for c in page["changes"] if c["number"] == number]
    assert list(mine) == ["seq", "kind", "number", "report"]
    assert mine["report"] == hub.report(number) and mine["report"]["description"] == text
    # A page that ends early says so, its cursor at its last change.
    r = hub.client("op").get("/api/v1/feed", params={"after": "0", "limit": 1})
    short = json.loads(r.content)
    assert r.content == _compact(short)
    assert short["more"] is True and short["cursor"] == str(short["changes"][-1]["seq"])
    r = hub.client("lia_a").get("/api/v1/feed", params={"after": start_a})
    liaison = json.loads(r.content)
    assert r.content == _compact(liaison)
    assert liaison["changes"][-1] == {
        "seq": liaison["changes"][-1]["seq"],
        "kind": "remove",
        "number": moving,
    }


@pytest.mark.parametrize("params", [{"after": "abc"}, {"after": "-1"}, {"limit": "0"}, {"limit": "x"}])
def test_feed_refuses_bad_cursors(hub: Hub, params: dict[str, str]) -> None:
    r = hub.client("op").get("/api/v1/feed", params=params)
    assert r.status_code == 422
    assert r.json()["field"] in ("after", "limit")


def test_feed_needs_a_valid_token(hub: Hub) -> None:
    assert hub.client().get("/api/v1/feed").status_code == 401
    bad = httpx.get(f"{hub.url}/api/v1/feed", headers={"Authorization": "Bearer ioc_forged"})
    assert bad.status_code == 401 and bad.json()["error"] == "auth.required"


def test_tokens_expire(hub: Hub) -> None:
    with httpx.Client(base_url=hub.url) as c:
        token = c.post("/api/v1/auth/login", json={"username": "sup", "password": "mật-khẩu-thử-1"}).json()[
            "token"
        ]
        headers = {"Authorization": f"Bearer {token}"}
        assert c.get("/api/v1/auth/me", headers=headers).status_code == 200
        saved = hub.clock.now
        try:
            hub.clock.advance(HubSettings().token_ttl)
            assert c.get("/api/v1/auth/me", headers=headers).status_code == 401
        finally:
            hub.clock.set(saved)
        assert c.post("/api/v1/auth/logout", headers=headers).status_code == 200
        assert c.get("/api/v1/auth/me", headers=headers).status_code == 401
        wrong = c.post("/api/v1/auth/login", json={"username": "sup", "password": "wrong password"})
        assert wrong.status_code == 401 and wrong.json()["error"] == "auth.failed"


# -- live events ---------------------------------------------------------------------------------


class EventStream:
    def __init__(self, events: asyncio.Queue[tuple[float, str, dict[str, Any]]]) -> None:
        self.events = events

    async def next(self, event: str = "change", timeout: float = 5.0) -> tuple[float, dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no {event!r} event within {timeout} s")
            at, name, data = await asyncio.wait_for(self.events.get(), left)
            if name == event:
                return at, data

    async def quiet(self, seconds: float) -> list[dict[str, Any]]:
        """The change events that arrive within ``seconds`` (none expected)."""
        seen = []
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                _, name, data = await asyncio.wait_for(self.events.get(), left)
            except TimeoutError:
                break
            if name == "change":
                seen.append(data)
        return seen


@asynccontextmanager
async def listen(url: str, token: str) -> AsyncIterator[EventStream]:
    events: asyncio.Queue[tuple[float, str, dict[str, Any]]] = asyncio.Queue()
    ready = asyncio.Event()

    async def read() -> None:
        headers = {"Authorization": f"Bearer {token}"}
        async with (
            httpx.AsyncClient(base_url=url, timeout=None) as client,
            client.stream("GET", "/api/v1/events", headers=headers) as response,
        ):
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            name = ""
            async for line in response.aiter_lines():
                if line.startswith("event: "):
                    name = line[7:]
                elif line.startswith("data: "):
                    await events.put((time.monotonic(), name, json.loads(line[6:])))
                    if name == "hello":
                        ready.set()

    task = asyncio.create_task(read())
    try:
        await asyncio.wait_for(ready.wait(), 10)
        yield EventStream(events)
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task


async def act_later(hub: Hub, *args: Any) -> float:
    started = time.monotonic()
    await asyncio.to_thread(hub.ok, *args)
    return started


@pytest.fixture(scope="module")
def second_hub(hub: Hub) -> Iterator[str]:
    """Another hub server (its own app, pool and poller) on the same database."""
    server = BackgroundHub(HubSettings(database_url=hub.db_url, clock=hub.clock)).start()
    try:
        yield server.url
    finally:
        server.stop()


def test_a_change_reaches_every_console_within_a_second(hub: Hub, second_hub: str) -> None:
    number = in_state(hub, "forwarded", agency=AGENCY_A)

    async def scenario() -> None:
        async with (
            listen(hub.url, hub.token("op")) as op,
            listen(second_hub, hub.token("sup")) as sup_elsewhere,
            listen(hub.url, hub.token("lia_a")) as lia_a,
            listen(second_hub, hub.token("lia_b")) as lia_b,
        ):
            started = await act_later(hub, "lia_a", number, "accept")
            for stream in (op, sup_elsewhere, lia_a):
                at, data = await stream.next()
                while data["number"] != number:
                    at, data = await stream.next()
                assert data["kind"] == "upsert"
                assert at - started < 1.0, at - started
            assert await lia_b.quiet(1.0) == []

    asyncio.run(scenario())


def test_events_of_a_report_leaving_an_agency(hub: Hub, second_hub: str) -> None:
    number = in_state(hub, "forwarded", agency=AGENCY_B)

    async def scenario() -> None:
        async with (
            listen(second_hub, hub.token("lia_a")) as lia_a,
            listen(hub.url, hub.token("lia_b")) as lia_b,
        ):
            await act_later(hub, "sup", number, "forward", {"agency": AGENCY_A})
            _, removed = await lia_b.next()
            assert (removed["number"], removed["kind"]) == (number, "remove")
            _, added = await lia_a.next()
            assert (added["number"], added["kind"]) == (number, "upsert")

    asyncio.run(scenario())


def test_events_need_a_valid_token(hub: Hub) -> None:
    r = hub.client().get("/api/v1/events")
    assert r.status_code == 401


@pytest.mark.parametrize(
    ("header", "gzip_taken"),
    [
        ("gzip, deflate", True),
        ("GZIP", True),
        ("br;q=1.0, gzip;q=0.5", True),
        ("*", True),
        ("gzip;q=0", False),
        ("*, gzip;q=0", False),
        ("identity", False),
        ("deflate, br", False),
        ("gzip;q=nonsense", False),
        ("", False),
        (None, False),
    ],
)
def test_a_feed_page_is_compressed_only_for_a_client_that_takes_gzip(
    header: str | None, gzip_taken: bool
) -> None:
    page = json.dumps(
        {"changes": [{"seq": i, "kind": "remove", "number": f"2025-{i:06d}"} for i in range(3000)]}
    )
    body = page.encode()
    answer = feed_answer(body, header, smallest=64 * 1024)
    assert answer.headers["vary"] == "Accept-Encoding"
    if gzip_taken:
        assert answer.headers["content-encoding"] == "gzip"
        assert gzip.decompress(answer.body) == body and len(answer.body) * 4 < len(body)
    else:
        assert "content-encoding" not in answer.headers and answer.body == body
    # A short page, or a hub set never to compress, sends the page as it is.
    for short, smallest in ((body[:1000], 64 * 1024), (body, None)):
        plain = feed_answer(short, header, smallest)
        assert "content-encoding" not in plain.headers and plain.body == short

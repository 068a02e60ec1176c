"""The Open311 importer end to end: the real sample files served by a small server on loopback (with
date windows, ``updated_after`` and pages), imported into a real hub database on SQLite."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from hub_support import Clock, new_database, prepare_database
from sqlalchemy import func, select

from ioc_console.domain.lifecycle import Action, Role
from ioc_console.hub import schema
from ioc_console.hub.db import Database
from ioc_console.hub.importer.mapping import ServiceMap
from ioc_console.hub.importer.poller import ImportFailed, ImportReport, Poller, Source, source_from_url
from ioc_console.hub.importer.sink import HubImportSink, marker
from ioc_console.hub.importer.state import ImportState, Link
from ioc_console.hub.jurisdiction_store import PackHolder
from ioc_console.hub.service import HubService, Principal
from ioc_console.hub.settings import HubSettings

LA = ZoneInfo("America/Los_Angeles")


def samples_dir() -> Path:
    shared = os.environ.get("IOC_SHARED_DIR")
    base = Path(shared) if shared else Path(__file__).resolve().parents[2].parent / "shared"
    folder = base / "open311-samples"
    if not folder.is_dir():
        pytest.fail(f"the Open311 samples are not at {folder}: set IOC_SHARED_DIR to the shared folder")
    return folder


# -- a GeoReport server made of the sample files --------------------------------------------------------


def split_json_array(text: str) -> list[str]:
    """The items of a top-level JSON array as they are written (works on the spec's invalid JSON too)."""
    items: list[str] = []
    depth = 0
    start = None
    in_string = escaped = False
    for i, c in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif c == "\\":
                escaped = True
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
        elif c in "[{":
            depth += 1
            if depth == 2:
                start = i
        elif c in "]}":
            if depth == 2 and start is not None:
                items.append(text[start : i + 1])
            depth -= 1
    return items


@dataclass
class Feed:
    """One sample file served as ``/<name>/requests.<fmt>``, filtered and paged as a server would."""

    file: str
    zone: tzinfo = UTC
    paging: bool = True
    #: Statuses (with an optional Retry-After) answered before the real answer, one per request.
    failures: list[tuple[int, str | None]] = field(default_factory=list)
    #: Replaces the answer of these pages with (status, body).
    broken_pages: dict[int, tuple[int, bytes]] = field(default_factory=dict)
    #: Replaces the whole answer.
    body: tuple[int, bytes] | None = None

    def __post_init__(self) -> None:
        raw = (samples_dir() / self.file).read_text(encoding="utf-8")
        self.fmt = "xml" if self.file.endswith(".xml") else "json"
        if self.fmt == "xml":
            self.records = re.findall(r"<request>.*?</request>", raw, flags=re.DOTALL)
            first = raw.index("<request>")
            self.head, self.tail = raw[:first], raw[raw.rindex("</request>") + len("</request>") :]
        else:
            self.records = split_json_array(raw)
            self.head, self.tail = "[", "]"

    def _time(self, record: str, name: str) -> datetime | None:
        pattern = rf"<{name}>([^<]+)</{name}>" if self.fmt == "xml" else rf'"{name}"\s*:\s*"([^"]+)"'
        match = re.search(pattern, record)
        if match is None:
            return None
        moment = datetime.fromisoformat(match.group(1).replace(" ", "T"))
        return moment if moment.tzinfo else moment.replace(tzinfo=self.zone)

    def answer(self, params: dict[str, str]) -> tuple[int, bytes, dict[str, str]]:
        if self.failures:
            status, retry_after = self.failures.pop(0)
            return status, b"busy", {"Retry-After": retry_after} if retry_after else {}
        if self.body is not None:
            return self.body[0], self.body[1], {}
        chosen = []
        start = datetime.fromisoformat(params["start_date"]) if "start_date" in params else None
        end = datetime.fromisoformat(params["end_date"]) if "end_date" in params else None
        after = datetime.fromisoformat(params["updated_after"]) if "updated_after" in params else None
        for record in self.records:
            requested = self._time(record, "requested_datetime")
            updated = self._time(record, "updated_datetime") or requested
            if start and (requested is None or requested < start):
                continue
            if end and (requested is None or requested > end):
                continue
            if after and (updated is None or updated <= after):
                continue
            chosen.append(record)
        page = int(params.get("page", "1"))
        if self.paging and "page_size" in params:
            size = int(params["page_size"])
            if page in self.broken_pages:
                status, body = self.broken_pages[page]
                return status, body, {}
            chosen = chosen[(page - 1) * size : page * size]
        joiner = "," if self.fmt == "json" else "\n"
        return 200, (self.head + joiner.join(chosen) + self.tail).encode(), {}


class SampleServer:
    def __init__(self, feeds: dict[str, Feed]) -> None:
        self.feeds = feeds
        self.log: list[tuple[str, dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                params = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                server.log.append((parts.path, params))
                match = re.fullmatch(r"/([\w-]+)/requests\.(json|xml)", parts.path)
                if match is None or match.group(1) not in server.feeds:
                    status, body, headers = 404, b"not found", {}
                else:
                    status, body, headers = server.feeds[match.group(1)].answer(params)
                self.send_response(status)
                kind = "text/xml" if match and match.group(2) == "xml" else "application/json"
                self.send_header("Content-Type", f"{kind}; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, feed: str) -> str:
        return f"{self.base}/{feed}/requests.{self.feeds[feed].fmt}"

    def requests(self, feed: str) -> list[dict[str, str]]:
        return [params for path, params in self.log if path.startswith(f"/{feed}/")]


@pytest.fixture
def serve() -> Iterator[Callable[..., SampleServer]]:
    servers: list[SampleServer] = []

    def start(**feeds: Feed) -> SampleServer:
        server = SampleServer(feeds)
        server.thread.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.httpd.shutdown()
        server.httpd.server_close()
        server.thread.join(5)


# -- a real hub database ----------------------------------------------------------------------------------


@dataclass
class HubDb:
    service: HubService
    path: Path
    states: list[ImportState] = field(default_factory=list)

    def state(self, name: str = "import.sqlite3") -> ImportState:
        state = ImportState(self.path / name)
        self.states.append(state)
        return state

    def reports(self) -> int:
        with self.service.db.read() as conn:
            return int(conn.execute(select(func.count()).select_from(schema.reports)).scalar_one())

    def doc(self, number: str) -> dict[str, Any]:
        viewer = Principal(0, "t", Role.ADMIN, None)
        result: dict[str, Any] = json.loads(self.service.report_json(viewer, number))
        return result

    def marked(self, source: str) -> dict[str, str]:
        """External id → report number, from the markers the hub holds."""
        e, r = schema.events, schema.reports
        with self.service.db.read() as conn:
            rows = conn.execute(
                select(e.c.data, r.c.number).select_from(e.join(r, e.c.report_id == r.c.id)).where(e.c.n == 1)
            ).all()
        out: dict[str, str] = {}
        prefix = marker(source, "")
        for data, number in rows:
            via = json.loads(data).get("via", "")
            if via.startswith(prefix):
                assert via[len(prefix) :] not in out, "two reports for one external request"
                out[via[len(prefix) :]] = number
        return out


@pytest.fixture(scope="module")
def prepared_hub(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Clock]:
    """A hub database made once (migrations, the demo pack, users), copied for each test."""
    path = tmp_path_factory.mktemp("hub") / "hub.sqlite3"
    _key, clock = prepare_database(f"sqlite:///{path}")
    return path, clock


@pytest.fixture
def hub_db(tmp_path: Path, prepared_hub: tuple[Path, Clock]) -> Iterator[HubDb]:
    path = tmp_path / "hub.sqlite3"
    shutil.copyfile(prepared_hub[0], path)
    url = f"sqlite:///{path}"
    clock = prepared_hub[1]
    db = Database(url, pool_size=2)
    packs = PackHolder()
    with db.read() as conn:
        packs.load(conn)
    result = HubDb(HubService(HubSettings(database_url=url, clock=clock), db, packs), tmp_path)
    yield result
    for state in result.states:
        state.close()
    db.dispose()


EVERYTHING = ServiceMap(unmapped="daily-life")
JUNE_2012 = datetime(2012, 6, 1, tzinfo=UTC)


def poller(
    hub: HubDb,
    source: Source,
    *,
    state: ImportState | None = None,
    service_map: ServiceMap = EVERYTHING,
    now: datetime = JUNE_2012,
    editor: str | None = None,
    sleeps: list[float] | None = None,
) -> Poller:
    state = state or hub.state()
    sink = HubImportSink(hub.service, state, editor=editor)

    async def sleep(seconds: float) -> None:
        if sleeps is not None:
            sleeps.append(seconds)

    return Poller(source, sink, state, service_map, clock=lambda: now, sleep=sleep, jitter=lambda: 0.5)


def run(p: Poller, since: datetime | None = None) -> ImportReport:
    return asyncio.run(p.poll_once(since))


# -- tests --------------------------------------------------------------------------------------------------


def test_sf_imported_twice_is_one_report_each(serve: Callable[..., SampleServer], hub_db: HubDb) -> None:
    server = serve(sf=Feed("sf_2012_get_requests.xml", zone=LA))
    source = source_from_url(server.url("sf"), name="sf311", zone=LA, page_size=20)
    state = hub_db.state()
    first = run(poller(hub_db, source, state=state), datetime(2012, 5, 1, tzinfo=UTC))
    assert (first.received, first.created, first.updated, first.unchanged) == (56, 56, 0, 0)
    assert first.pages == 3 and first.windows == 1
    assert [p["page"] for p in server.requests("sf")] == ["1", "2", "3"]
    assert all(p["page_size"] == "20" for p in server.requests("sf"))
    assert server.requests("sf")[0]["start_date"] == "2012-05-01T00:00:00Z"
    assert server.requests("sf")[0]["end_date"] == "2012-06-01T00:00:00Z"
    assert hub_db.reports() == 56
    marked = hub_db.marked("sf311")
    assert len(marked) == 56
    # The rules that made the file readable are in the report, with counts.
    assert first.tolerated.counts["status_case"] == 56 and first.tolerated.counts["xsi_nil"] == 68
    assert any("status_case ×56" in line for line in first.lines())
    # San Francisco is not in Ninh Thuận: coordinates are not kept, the address is.
    doc = hub_db.doc(marked["1129792"])
    assert (
        doc["location"]["lat"] is None
        and doc["location"]["address"] == "INTERSECTION of FALMOUTH ST and FOLSOM ST"
    )
    assert doc["title"] == "Illegal Dumping" and doc["category"] == "daily-life"
    assert doc["history"][0]["actor"] == "Open311 sf311" and doc["history"][0]["role"] == "channel"
    outside = [n for n in first.notes if n.kind == "outside"]
    assert len(outside) == 56 - 9  # the 9 with 0.0, 0.0 had no coordinates to drop

    second = run(poller(hub_db, source, state=state), datetime(2012, 5, 1, tzinfo=UTC))
    assert (second.received, second.created, second.updated, second.unchanged) == (56, 0, 0, 56)
    assert hub_db.reports() == 56 and hub_db.marked("sf311") == marked


def test_windows_keep_to_ninety_days_and_the_cursor_resumes(
    serve: Callable[..., SampleServer], hub_db: HubDb
) -> None:
    server = serve(blo=Feed("bloomington_2012_get_requests.json"))
    source = source_from_url(server.url("blo"), name="bloomington", page_size=50)
    state = hub_db.state()
    report = run(poller(hub_db, source, state=state), datetime(2012, 1, 1, tzinfo=UTC))
    windows = [
        (datetime.fromisoformat(p["start_date"]), datetime.fromisoformat(p["end_date"]))
        for p in server.requests("blo")
    ]
    assert len(windows) == report.windows == 2
    assert all(end - start <= timedelta(days=90) for start, end in windows)
    assert windows[0][0] == datetime(2012, 1, 1, tzinfo=UTC) and windows[-1][1] == JUNE_2012
    assert windows[0][1] == windows[1][0]
    assert report.created == 21 and state.cursor("bloomington") == JUNE_2012
    # The next poll starts a day before the cursor (late filings), finds nothing new.
    later = datetime(2012, 6, 10, tzinfo=UTC)
    again = run(poller(hub_db, source, state=state, now=later))
    assert server.requests("blo")[-1]["start_date"] == "2012-05-31T00:00:00Z"
    assert (again.created, again.unchanged) == (0, 0) and state.cursor("bloomington") == later
    assert hub_db.reports() == 21


def test_a_server_that_ignores_pages_is_read_once(serve: Callable[..., SampleServer], hub_db: HubDb) -> None:
    server = serve(blo=Feed("bloomington_2012_get_requests.json", paging=False))
    source = source_from_url(server.url("blo"), name="bloomington", page_size=10)
    report = run(poller(hub_db, source), datetime(2012, 5, 1, tzinfo=UTC))
    assert [p["page"] for p in server.requests("blo")] == ["1", "2"]
    assert report.created == 21 and report.pages == 2
    assert report.stops and "page 2 repeats page 1" in report.stops[0]
    assert hub_db.reports() == 21
    feedback = hub_db.doc(hub_db.marked("bloomington")["4fbd12bcb1fe2c1c7d000001"])
    assert [a["url"] for a in feedback["attachments"]] == [
        "https://bloomington.in.gov/crm/media/2012/05/23/4fbd12bcb1fe2c1c7d000001/media.jpg"
    ]
    first = hub_db.doc(hub_db.marked("bloomington")["4fbd40b2b1fe2c4b02000001"])
    assert first["description"].endswith("large pickup.\n\nThanks.")


def test_spec_json_with_leading_zeros_mapped_to_a_category(
    serve: Callable[..., SampleServer], hub_db: HubDb
) -> None:
    server = serve(spec=Feed("spec_v2_json-service-requests.json", paging=False))
    source = source_from_url(server.url("spec"), name="spec", page_size=None)
    service_map = ServiceMap.from_json({"codes": {"006": "urban-infrastructure"}})
    report = run(poller(hub_db, source, service_map=service_map), datetime(2010, 3, 1, tzinfo=UTC))
    assert "page" not in server.requests("spec")[0]
    assert report.created == 2 and report.tolerated.counts["json_leading_zero"] == 2
    doc = hub_db.doc(hub_db.marked("spec")["638344"])
    assert doc["category"] == "urban-infrastructure" and doc["title"] == "Sidewalk and Curb Issues"
    assert [a["url"] for a in doc["attachments"]] == [
        "http://city.gov.s3.amazonaws.com/requests/media/638344.jpg"
    ]


def test_unmapped_codes_are_left_out_and_listed(serve: Callable[..., SampleServer], hub_db: HubDb) -> None:
    server = serve(chi=Feed("chicago_2014_get_requests.json"))
    source = source_from_url(server.url("chi"), name="chicago")
    report = run(poller(hub_db, source, service_map=ServiceMap(), now=datetime(2014, 8, 1, tzinfo=UTC)))
    assert report.received == 2 and report.created == 0 and hub_db.reports() == 0
    assert report.unmapped == {
        "4ffa9cad6018277d4000007b": ("Alley Light Out", 1),
        "4fd3bd72e750846c530000cd": ("Building Violation", 1),
    }
    assert any("4ffa9cad6018277d4000007b (Alley Light Out): 1" in line for line in report.lines())


def test_retries_back_off_and_honour_retry_after(serve: Callable[..., SampleServer], hub_db: HubDb) -> None:
    feed = Feed("toronto_2018_get_requests.xml", failures=[(503, None), (429, "7"), (502, None)])
    server = serve(tor=feed)
    source = source_from_url(server.url("tor"), name="toronto", backoff=1.0)
    sleeps: list[float] = []
    report = run(poller(hub_db, source, sleeps=sleeps, now=datetime(2018, 8, 10, tzinfo=UTC)))
    # Attempt 0: 1 s × 0.75 (jitter), attempt 1: the server's Retry-After, attempt 2: 4 s × 0.75.
    assert sleeps == [0.75, 7.0, 3.0]
    assert report.retries == 3 and report.created == 2 and len(server.requests("tor")) == 4


def test_retries_give_up_with_the_reason(serve: Callable[..., SampleServer], hub_db: HubDb) -> None:
    server = serve(tor=Feed("toronto_2018_get_requests.xml", failures=[(503, None)] * 5))
    source = source_from_url(server.url("tor"), name="toronto", retries=2)
    with pytest.raises(ImportFailed) as caught:
        run(poller(hub_db, source, sleeps=[], now=datetime(2018, 8, 10, tzinfo=UTC)))
    assert "toronto: GET http://127.0.0.1:" in str(caught.value)
    assert "HTTP 503 (after 3 attempts)" in str(caught.value)
    # No server at all: a network error, retried the same way.
    closed = Source(name="nowhere", endpoint=f"{server.base}/../gone/", retries=1)
    server.httpd.shutdown()
    server.httpd.server_close()
    with pytest.raises(ImportFailed, match=r"ConnectError.*after 2 attempts"):
        run(poller(hub_db, closed, sleeps=[]))


def test_broken_page_stops_with_its_position_and_nothing_is_lost(
    serve: Callable[..., SampleServer], hub_db: HubDb
) -> None:
    raw = (samples_dir() / "sf_2012_get_requests.xml").read_bytes()
    feed = Feed("sf_2012_get_requests.xml", zone=LA, broken_pages={2: (200, raw[:3000])})
    server = serve(sf=feed)
    source = source_from_url(server.url("sf"), name="sf311", zone=LA, page_size=20)
    state = hub_db.state()
    since = datetime(2012, 5, 1, tzinfo=UTC)
    with pytest.raises(ImportFailed) as caught:
        run(poller(hub_db, source, state=state), since)
    message = str(caught.value)
    assert message.startswith("sf311: http://127.0.0.1:") and "page=2" in message
    assert re.search(r"at line 2, column \d+: not well-formed XML", message)
    assert caught.value.report.created == 20
    # The first page is stored; the window is not complete, so the cursor has not moved.
    assert hub_db.reports() == 20 and state.cursor("sf311") is None
    feed.broken_pages.clear()
    again = run(poller(hub_db, source, state=state), since)
    assert (again.created, again.unchanged) == (36, 20)
    assert hub_db.reports() == 56 and len(hub_db.marked("sf311")) == 56


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (200, b"<html><body>Service Unavailable</body></html>", "at line 1, column 1: expected JSON"),
        (
            200,
            b'[{"service_request_id":"1","status":"open"',
            "at line 1, column 43: the JSON document ends too early",
        ),
        (403, None, "HTTP 403: 403: Invalid api_key received"),
    ],
)
def test_unreadable_answers_name_the_source(
    serve: Callable[..., SampleServer], hub_db: HubDb, status: int, body: bytes | None, expected: str
) -> None:
    errors = (samples_dir() / "spec_v2_json-errors.json").read_bytes()
    server = serve(blo=Feed("bloomington_2012_get_requests.json", body=(status, body or errors)))
    source = source_from_url(server.url("blo"), name="bloomington")
    with pytest.raises(ImportFailed) as caught:
        run(poller(hub_db, source), datetime(2012, 5, 1, tzinfo=UTC))
    assert str(caught.value).startswith("bloomington: ") and expected in str(caught.value)
    assert hub_db.reports() == 0


def test_changes_reclassify_unless_staff_changed_the_category(
    serve: Callable[..., SampleServer], hub_db: HubDb
) -> None:
    server = serve(tor=Feed("toronto_2018_get_requests.xml"))
    source = source_from_url(server.url("tor"), name="toronto")
    state = hub_db.state()
    now = datetime(2018, 8, 10, tzinfo=UTC)

    def with_map(category: str) -> ImportReport:
        service_map = ServiceMap.from_json({"codes": {"CSROWR-12": category}})
        p = poller(hub_db, source, state=state, service_map=service_map, now=now, editor="op")
        return run(p, since=datetime(2018, 7, 1, tzinfo=UTC))

    assert with_map("urban-infrastructure").created == 2
    numbers = hub_db.marked("toronto")
    second = with_map("traffic-safety")
    assert (second.created, second.updated) == (0, 2)
    for number in numbers.values():
        doc = hub_db.doc(number)
        assert doc["category"] == "traffic-safety"
        assert [(h["action"], h["actor"]) for h in doc["history"]] == [
            ("submit", "Open311 toronto"),
            ("classify", "op"),
        ]
    # An operator puts the first one in another category; the source's change no longer applies to it.
    first = numbers["101005420892"]
    op = HubImportSink(hub_db.service, state, editor="op").editor
    assert op is not None
    hub_db.service.act(
        op,
        first,
        Action.CLASSIFY.value,
        key="staff-1",
        base_version=hub_db.doc(first)["version"],
        payload={"category": "construction"},
    )
    third = with_map("environment")
    assert third.updated == 2
    assert hub_db.doc(first)["category"] == "construction"
    assert hub_db.doc(numbers["101005420894"])["category"] == "environment"
    assert [n.kind for n in third.notes] == ["kept"]
    assert hub_db.reports() == 2


def test_without_a_staff_account_changes_are_reported_not_applied(
    serve: Callable[..., SampleServer], hub_db: HubDb
) -> None:
    server = serve(tor=Feed("toronto_2018_get_requests.xml"))
    source = source_from_url(server.url("tor"), name="toronto")
    state = hub_db.state()
    now = datetime(2018, 8, 10, tzinfo=UTC)
    since = datetime(2018, 7, 1, tzinfo=UTC)
    run(poller(hub_db, source, state=state, now=now, service_map=ServiceMap(unmapped="environment")), since)
    report = run(
        poller(hub_db, source, state=state, now=now, service_map=ServiceMap(unmapped="construction")), since
    )
    assert report.updated == 2 and {n.kind for n in report.notes} == {"no_editor"}
    assert {hub_db.doc(n)["category"] for n in hub_db.marked("toronto").values()} == {"environment"}


def test_a_lost_state_file_does_not_duplicate(serve: Callable[..., SampleServer], hub_db: HubDb) -> None:
    server = serve(sf=Feed("sf_2012_get_requests.xml", zone=LA))
    source = source_from_url(server.url("sf"), name="sf311", zone=LA)
    since = datetime(2012, 5, 1, tzinfo=UTC)
    run(poller(hub_db, source, state=hub_db.state("first.sqlite3")), since)
    report = run(poller(hub_db, source, state=hub_db.state("fresh.sqlite3")), since)
    assert (report.created, report.updated) == (0, 56)
    assert [n.detail for n in report.notes if n.kind == "relinked"] == [
        "56 reports imported before were linked again from the hub"
    ]
    assert hub_db.reports() == 56


def test_a_creation_interrupted_before_its_link_is_found_again(
    serve: Callable[..., SampleServer], hub_db: HubDb
) -> None:
    server = serve(tor=Feed("toronto_2018_get_requests.xml"))
    source = source_from_url(server.url("tor"), name="toronto")
    now = datetime(2018, 8, 10, tzinfo=UTC)
    state = hub_db.state()
    real_save = state.save_link
    calls: list[Link] = []

    def crash_after_create(link: Link) -> None:
        calls.append(link)
        if link.number is not None:
            raise RuntimeError("power cut")
        real_save(link)

    state.save_link = crash_after_create  # type: ignore[method-assign]
    with pytest.raises(RuntimeError, match="power cut"):
        run(poller(hub_db, source, state=state, now=now))
    assert hub_db.reports() == 1 and state.link("toronto", "101005420892") == Link(
        "toronto", "101005420892", None, calls[0].fingerprint
    )
    state.save_link = real_save  # type: ignore[method-assign]
    report = run(poller(hub_db, source, state=state, now=now))
    assert (report.created, report.updated) == (1, 1)
    assert hub_db.reports() == 2 and len(hub_db.marked("toronto")) == 2


def test_updated_after_mode_follows_the_newest_update(
    serve: Callable[..., SampleServer], hub_db: HubDb
) -> None:
    server = serve(blo=Feed("bloomington_2012_get_requests.json"))
    source = source_from_url(server.url("blo"), name="bloomington", mode="updated", page_size=None)
    state = hub_db.state()
    since = datetime(2012, 5, 23, 12, 0, tzinfo=ZoneInfo("America/Indiana/Indianapolis"))
    report = run(poller(hub_db, source, state=state), since)
    asked = server.requests("blo")[0]
    assert asked == {"updated_after": "2012-05-23T16:00:00Z"}
    raw = (samples_dir() / "bloomington_2012_get_requests.json").read_text()
    later = [m for m in re.findall(r'"updated_datetime":"([^"]+)"', raw) if datetime.fromisoformat(m) > since]
    assert report.created == len(later) > 0
    newest = max(datetime.fromisoformat(m) for m in later)
    assert state.cursor("bloomington") == newest
    again = run(poller(hub_db, source, state=state))
    assert server.requests("blo")[1]["updated_after"] == (newest - timedelta(days=1)).astimezone(
        UTC
    ).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert again.created == 21 - len(later) and again.unchanged == len(later)
    assert hub_db.reports() == 21


# -- the command line ---------------------------------------------------------------------------------------


def cli(*argv: str) -> int:
    import argparse

    from ioc_console.hub import cli_import

    parser = argparse.ArgumentParser(prog="ioc-hub")
    cli_import.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    result: int = args.handler(args)
    return result


def test_command_line_imports_once_and_reports(
    serve: Callable[..., SampleServer], hub_db: HubDb, capsys: pytest.CaptureFixture[str]
) -> None:
    server = serve(sf=Feed("sf_2012_get_requests.xml", zone=LA))
    service_map = hub_db.path / "sf-map.json"
    service_map.write_text(json.dumps({"codes": {"015": "environment"}, "unmapped": "daily-life"}))
    db_url = hub_db.service.db.url
    argv = (
        "import", "open311", server.url("sf"), "--db", db_url, "--service-map", str(service_map),
        "--timezone", "America/Los_Angeles", "--since", "2012-05-01", "--source", "sf311", "--once",
    )  # fmt: skip
    assert cli(*argv) == 0
    out = capsys.readouterr().out
    assert "Nguồn / source sf311: nhận / received 56, thêm mới / created 56" in out
    assert "status_case ×56" in out and "datetime_without_zone" in out
    # The state file sits beside the hub's database.
    assert (hub_db.path / "hub.open311-import.sqlite3").is_file()
    numbers = hub_db.marked("sf311")
    assert hub_db.doc(numbers["1129792"])["category"] == "environment"  # service code 015
    assert cli(*argv) == 0
    assert "thêm mới / created 0, cập nhật / updated 0, không đổi / unchanged 56" in capsys.readouterr().out
    assert hub_db.reports() == 56
    # Every window the command asked for keeps to the 90-day cap.
    spans = [
        datetime.fromisoformat(p["end_date"]) - datetime.fromisoformat(p["start_date"])
        for p in server.requests("sf")
    ]
    assert len(spans) > 2 and max(spans) <= timedelta(days=90)


def test_command_line_failures_say_where(
    serve: Callable[..., SampleServer], hub_db: HubDb, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = (samples_dir() / "toronto_2018_get_requests.xml").read_bytes()
    # "</lat" without its ">" on line 19: expat finds it at the next tag, line 20, column 5.
    server = serve(tor=Feed("toronto_2018_get_requests.xml", body=(200, raw.replace(b"</lat>", b"</lat", 1))))
    db_url = hub_db.service.db.url
    code = cli(
        "import",
        "open311",
        server.url("tor"),
        "--db",
        db_url,
        "--unmapped",
        "daily-life",
        "--since",
        "2018-07-01",
    )
    assert code == 1
    err = capsys.readouterr().err
    assert re.search(
        r"dừng / stopped: 127\.0\.0\.1:\d+/tor: http://\S+ at line 20, column 5: not well-formed XML", err
    )
    bad_map = hub_db.path / "bad.json"
    bad_map.write_text(json.dumps({"codes": {"CSROWR-12": "potholes"}}))
    assert cli("import", "open311", server.url("tor"), "--db", db_url, "--service-map", str(bad_map)) == 1
    assert "codes['CSROWR-12']: unknown category 'potholes'" in capsys.readouterr().err
    assert hub_db.reports() == 0


def test_polling_at_an_interval_reports_each_poll_and_survives_a_failure(
    serve: Callable[..., SampleServer], hub_db: HubDb
) -> None:
    feed = Feed("toronto_2018_get_requests.xml", body=(500, b"down"))
    server = serve(tor=feed)
    source = source_from_url(server.url("tor"), name="toronto", retries=0)
    p = poller(hub_db, source, now=datetime(2018, 8, 10, tzinfo=UTC))
    seen: list[ImportReport | ImportFailed] = []

    async def main() -> None:
        stop = asyncio.Event()

        def on_report(result: ImportReport | ImportFailed) -> None:
            seen.append(result)
            feed.body = None  # the server comes back after the first poll
            if len(seen) == 2:
                stop.set()

        await p.run(0.01, on_report, stop, since=datetime(2018, 7, 1, tzinfo=UTC))

    asyncio.run(main())
    assert isinstance(seen[0], ImportFailed) and "HTTP 500 (after 1 attempts)" in str(seen[0])
    # The failed poll moved no cursor: the next one starts from the given start again.
    assert isinstance(seen[1], ImportReport) and seen[1].created == 2
    assert [p["start_date"] for p in server.requests("tor")] == ["2018-07-01T00:00:00Z"] * 2


@pytest.mark.postgres
def test_on_postgresql_no_duplicates_and_links_found_again(
    serve: Callable[..., SampleServer], tmp_path: Path, pg_session: list[str]
) -> None:
    url = new_database("postgres", tmp_path, pg_session)
    _key, clock = prepare_database(url)
    db = Database(url, pool_size=2)
    packs = PackHolder()
    with db.read() as conn:
        packs.load(conn)
    hub = HubDb(HubService(HubSettings(database_url=url, clock=clock), db, packs), tmp_path)
    try:
        server = serve(blo=Feed("bloomington_2012_get_requests.json"))
        source = source_from_url(server.url("blo"), name="bloomington", page_size=8)
        since = datetime(2012, 5, 1, tzinfo=UTC)
        first = run(poller(hub, source, state=hub.state("a.sqlite3")), since)
        assert (first.created, first.pages) == (21, 3)
        again = run(poller(hub, source, state=hub.state("a.sqlite3")), since)
        assert again.unchanged == 21
        # A new state file: the links are found again from the markers (a LIKE on PostgreSQL).
        fresh = run(poller(hub, source, state=hub.state("b.sqlite3")), since)
        assert (fresh.created, fresh.updated) == (0, 21)
        assert hub.reports() == 21 and len(hub.marked("bloomington")) == 21
    finally:
        for state in hub.states:
            state.close()
        db.dispose()


# -- the cursor never moves past a request not stored ---------------------------------------------------------


def test_a_first_run_without_a_map_only_lists_codes_and_the_next_run_takes_the_history(
    serve: Callable[..., SampleServer], hub_db: HubDb
) -> None:
    server = serve(sf=Feed("sf_2012_get_requests.xml", zone=LA))
    source = source_from_url(server.url("sf"), name="sf311", zone=LA, page_size=20)
    state = hub_db.state()
    listing = run(poller(hub_db, source, state=state, service_map=ServiceMap()))
    assert (listing.received, listing.created) == (56, 0)
    assert sum(n for _, n in listing.unmapped.values()) == 56
    assert listing.cursor_after is None and state.cursor("sf311") is None
    assert hub_db.reports() == 0

    taken = run(poller(hub_db, source, state=state))  # the documented next run, with the map
    assert (taken.received, taken.created) == (56, 56)
    assert hub_db.reports() == 56
    assert state.cursor("sf311") == JUNE_2012


def test_an_unreadable_record_is_listed_kept_for_the_next_run_and_the_run_exits_3(
    serve: Callable[..., SampleServer], hub_db: HubDb, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = Feed("sf_2012_get_requests.xml", zone=LA)
    broken_at = next(i for i, r in enumerate(feed.records) if "<service_request_id>1129792<" in r)
    intact = feed.records[broken_at]
    feed.records[broken_at] = intact.replace("service_request_id>", "service_request_idx>")
    server = serve(sf=feed)
    service_map = hub_db.path / "sf-map.json"
    service_map.write_text(json.dumps({"unmapped": "daily-life"}))
    argv = (
        "import", "open311", server.url("sf"), "--db", hub_db.service.db.url, "--service-map", str(service_map),
        "--timezone", "America/Los_Angeles", "--since", "2012-05-01", "--source", "sf311", "--once",
    )  # fmt: skip
    assert cli(*argv) == 3
    out = capsys.readouterr().out
    assert "nhận / received 55, thêm mới / created 55" in out
    assert "Bản ghi không đọc được / records that could not be read:" in out
    assert hub_db.reports() == 55

    feed.records[broken_at] = intact  # the source mends it: the next run takes it, once
    assert cli(*argv) == 0
    out = capsys.readouterr().out
    assert "thêm mới / created 1, cập nhật / updated 0, không đổi / unchanged 55" in out
    assert hub_db.reports() == 56 and "1129792" in hub_db.marked("sf311")


def test_a_body_with_a_utf8_byte_order_mark_is_read(
    serve: Callable[..., SampleServer], hub_db: HubDb
) -> None:
    feed = Feed("sf_2012_get_requests.xml", zone=LA)
    feed.head = "\ufeff" + feed.head
    server = serve(sf=feed)
    source = source_from_url(server.url("sf"), name="sf311", zone=LA, page_size=20)
    report = run(poller(hub_db, source), datetime(2012, 5, 1, tzinfo=UTC))
    assert (report.received, report.created, report.record_errors) == (56, 56, [])
    assert report.tolerated.counts["utf8_bom"] == 3  # one mark a page


def test_open_requests_held_by_an_agency_of_the_pack_are_forwarded_once(
    serve: Callable[..., SampleServer], hub_db: HubDb
) -> None:
    feed = Feed("toronto_2018_get_requests.xml")
    # The first is held at the source by an agency of the pack (its short name, written another way);
    # the second keeps the capture's "311 Toronto", which is none.
    feed.records[0] = feed.records[0].replace("311 Toronto", "SỞ XÂY DỰNG")
    server = serve(tor=feed)
    source = source_from_url(server.url("tor"), name="toronto")
    state = hub_db.state()
    now = datetime(2018, 8, 10, tzinfo=UTC)
    since = datetime(2018, 7, 1, tzinfo=UTC)

    first = run(poller(hub_db, source, state=state, now=now, editor="op"), since)
    assert first.created == 2
    numbers = hub_db.marked("toronto")
    held = hub_db.doc(numbers["101005420892"])
    assert (held["status"], held["agency"]) == ("forwarded", "so-xd")
    assert [(h["action"], h["actor"]) for h in held["history"]] == [
        ("submit", "Open311 toronto"),
        ("forward", "op"),
    ]
    assert hub_db.doc(numbers["101005420894"])["status"] == "new"

    # A later run, the source changed (a status note) and with a lost state file: still one forward.
    feed.records[0] = feed.records[0].replace("has been scheduled", "is being repaired")
    again = run(poller(hub_db, source, state=state, now=now, editor="op"), since)
    assert again.updated == 1
    lost = run(poller(hub_db, source, state=hub_db.state("other.sqlite3"), now=now, editor="op"), since)
    assert lost.created == 0
    history = hub_db.doc(numbers["101005420892"])["history"]
    assert [h["action"] for h in history] == ["submit", "forward"]
    assert hub_db.reports() == 2


def test_a_later_closure_at_the_source_is_reported_once(
    serve: Callable[..., SampleServer], hub_db: HubDb
) -> None:
    feed = Feed("toronto_2018_get_requests.xml")
    server = serve(tor=feed)
    source = source_from_url(server.url("tor"), name="toronto")
    state = hub_db.state()
    now = datetime(2018, 8, 10, tzinfo=UTC)
    since = datetime(2018, 7, 1, tzinfo=UTC)

    def closures() -> list[str]:
        report = run(poller(hub_db, source, state=state, now=now, editor="op"), since)
        return [f"{n.external_id}: {n.detail}" for n in report.notes if n.kind == "closed_at_source"]

    assert closures() == []
    number = hub_db.marked("toronto")["101005420892"]
    feed.records[0] = (
        feed.records[0]
        .replace("<status>open</status>", "<status>closed</status>")
        .replace("In progress - The request has been scheduled.", "Closed - The pot hole was filled.")
    )
    assert closures() == [
        f"101005420892: {number} is closed at the source: Closed - The pot hole was filled."
    ]
    assert closures() == []  # seen closed before: not listed again

"""The wire schema as the console reads it: everything the hub writes comes back whole; anything
malformed is refused whole, with where and what."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from sync_support import pack

from ioc_console.demo import generate
from ioc_console.domain.lifecycle import Status
from ioc_console.domain.report import Report
from ioc_console.hub.wire import report_to_wire
from ioc_console.store.compact import attachments_text, history_text
from ioc_console.store.rows import RowReference
from ioc_console.sync import fastfeed
from ioc_console.sync.engine import backoff_delay
from ioc_console.sync.errors import Conflict, Forbidden, Invalid, NotFound, Unauthorized, refused
from ioc_console.sync.wire import (
    WireError,
    decode_action_result,
    decode_feed_page,
    decode_refusal,
    decode_report,
    decode_session,
    feed_page_tail,
)

NOW = datetime(2025, 6, 2, 3, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def reports() -> list[Report]:
    return list(generate(pack(), count=60, seed=7, now=NOW))


def _page(docs: list[dict[str, Any]], cursor: int | None = None, more: bool = False) -> dict[str, Any]:
    changes = [
        {"seq": n + 1, "kind": "upsert", "number": d["number"], "report": d} for n, d in enumerate(docs)
    ]
    return {"changes": changes, "cursor": str(cursor if cursor is not None else len(docs)), "more": more}


def test_every_report_the_hub_writes_decodes_to_the_same_report(reports: list[Report]) -> None:
    docs = [report_to_wire(r) for r in reports]
    page = decode_feed_page(json.dumps(_page(docs), ensure_ascii=False).encode())
    assert page.reports == reports
    assert page.cursor == len(docs) and not page.more and page.removed == []
    assert any(r.history and r.attachments for r in page.reports)


def test_a_compact_page_keeps_histories_as_the_store_writes_them(reports: list[Report]) -> None:
    """The sync engine's way: the same reports, their histories and attachments as the exact texts
    the store would make of the typed ones."""
    docs = [report_to_wire(r) for r in reports]
    page = decode_feed_page(json.dumps(_page(docs), ensure_ascii=False).encode(), compact=True)
    assert page.reports == [replace(r, history=[], attachments=[]) for r in reports]
    assert page.kept == {
        r.number: (history_text(r.history), attachments_text(r.attachments)) for r in reports
    }
    assert any(len(h) > 2 and len(a) > 2 for h, a in page.kept.values())


def test_the_next_cursor_is_read_off_a_pages_last_bytes(reports: list[Report]) -> None:
    """What lets the engine ask for the next page before this one is parsed: exactly the parsed
    cursor, or nothing when the page does not end the hub's way."""
    doc = _page([report_to_wire(r) for r in reports], cursor=987, more=True)
    body = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()
    page = decode_feed_page(body)
    assert feed_page_tail(body) == (page.cursor, page.more) == (987, True)
    assert feed_page_tail(json.dumps(doc).encode()) is None  # spaced: not the hub's way
    compact = b'{"changes":[],"cursor":"12","more":false}\n'
    assert feed_page_tail(compact) == (12, False)
    assert feed_page_tail(b'{"cursor":"12","more":true,"changes":[]}') is None
    assert feed_page_tail(b"") is None


def test_a_page_naming_a_report_twice_keeps_its_later_change(reports: list[Report]) -> None:
    doc = report_to_wire(reports[0])
    newer = dict(doc, version=doc["version"] + 1)
    body = {
        "changes": [
            {"seq": 4, "kind": "upsert", "number": doc["number"], "report": doc},
            {"seq": 5, "kind": "remove", "number": "2025-000001"},
            {"seq": 7, "kind": "upsert", "number": doc["number"], "report": newer},
            {"seq": 8, "kind": "upsert", "number": "2025-000001", "report": dict(doc, number="2025-000001")},
        ],
        "cursor": "9",
        "more": True,
    }
    page = decode_feed_page(json.dumps(body))
    assert [(r.number, r.version) for r in page.reports] == [
        (doc["number"], doc["version"] + 1),
        ("2025-000001", doc["version"]),
    ]
    assert page.removed == [] and page.cursor == 9 and page.more and page.changes == 4


def _broken(reports: list[Report], path: tuple[Any, ...], value: Any) -> bytes:
    docs = [report_to_wire(r) for r in reports[:3]]
    body: Any = _page(docs)
    target = body
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return json.dumps(body).encode()


R1 = ("changes", 1, "report")


@pytest.mark.parametrize(
    ("path", "value", "where", "words"),
    [
        ((*R1, "version"), "3", "changes[1].report.version", "expected an integer, got a string '3'"),
        ((*R1, "version"), True, "changes[1].report.version", "expected an integer, got a boolean"),
        ((*R1, "status"), "lost", "changes[1].report.status", "unknown status 'lost'"),
        ((*R1, "received_at"), "2025-03-10 09:00", "changes[1].report.received_at", "without an offset"),
        ((*R1, "received_at"), "hôm qua", "changes[1].report.received_at", "ISO 8601"),
        ((*R1, "number"), KeyError, "changes[1].report.number", "missing"),
        ((*R1, "location", "lat"), "11.5", "changes[1].report.location.lat", "expected a number"),
        ((*R1, "contact"), [], "changes[1].report.contact", "expected an object, got a list"),
        ((*R1, "satisfied"), 1, "changes[1].report.satisfied", "true, false or null"),
        ((*R1, "history", 0, "role"), "hacker", "changes[1].report.history[0].role", "unknown role"),
        ((*R1, "history", 0, "data"), "x", "changes[1].report.history[0].data", "expected an object"),
        ((*R1, "attachments"), {}, "changes[1].report.attachments", "expected a list"),
        ((*R1, "history", 1, "at"), "2025-03-10", "changes[1].report.history[1].at", "without an offset"),
        ((*R1, "history", 0, "seq"), None, "changes[1].report.history[0].seq", "expected an integer"),
        ((*R1, "history", 0, "to_status"), "gone", "changes[1].report.history[0].to_status", "unknown"),
        (("changes", 2, "kind"), "delete", "changes[2].kind", "'upsert' or 'remove'"),
        (("changes", 2, "seq"), 1, "changes[2].seq", "out of order"),
        (("changes", 0, "number"), "other", "changes[0].report.number", "differs"),
        (("cursor",), 3, "cursor", "a string of digits"),
        (("cursor",), "1", "cursor", "behind the page's last change"),
        (("more",), "no", "more", "true or false"),
        (("changes",), None, "changes", "expected a list, got null"),
    ],
)
@pytest.mark.parametrize("mode", ["typed", "compact", "fast"])
def test_a_malformed_page_is_refused_saying_where_and_what(
    reports: list[Report], path: tuple[Any, ...], value: Any, where: str, words: str, mode: str
) -> None:
    body = _broken(reports, path, value)
    with pytest.raises(WireError) as caught:
        if mode == "fast":
            fastfeed.decode_feed_page(body)
        else:
            decode_feed_page(body, compact=mode == "compact")
    assert caught.value.where == where
    assert words in caught.value.problem


def test_a_page_that_is_not_json_is_refused() -> None:
    with pytest.raises(WireError, match="not JSON"):
        decode_feed_page(b"<html>502 Bad Gateway</html>")


def test_refusals_become_typed_errors_with_the_hubs_words(reports: list[Report]) -> None:
    current = report_to_wire(reports[0])
    body = {
        "error": "version.stale",
        "field": "base_version",
        "message": {"vi": "Phản ánh đã được hung.tv thay đổi", "en": "The report was changed by hung.tv"},
        "report": current,
        "changed_by": {"name": "hung.tv", "role": "operator", "at": "2025-03-10T02:15:00+00:00"},
    }
    error = refused(decode_refusal(409, json.dumps(body)))
    assert isinstance(error, Conflict)
    assert error.who == "hung.tv" and error.when == datetime(2025, 3, 10, 2, 15, tzinfo=UTC)
    assert error.current == reports[0]
    assert error.message("vi").startswith("Phản ánh đã được hung.tv")
    assert error.field == "base_version"

    kinds = {401: Unauthorized, 403: Forbidden, 404: NotFound, 422: Invalid, 413: Invalid}
    for status, kind in kinds.items():
        assert type(refused(decode_refusal(status, b'{"error": "x"}'))) is kind
    proxy = refused(decode_refusal(403, b"<html>Forbidden by proxy</html>"))
    assert isinstance(proxy, Forbidden) and "403" in proxy.message("vi")
    with pytest.raises(WireError, match=r"report\.status"):
        decode_refusal(409, json.dumps(dict(body, report=dict(current, status=7))))


def test_answers_to_sign_in_and_actions_are_checked(reports: list[Report]) -> None:
    session = decode_session(
        json.dumps(
            {
                "token": "ioc_secret",
                "token_type": "bearer",
                "expires_at": "2025-03-10T14:00:00+00:00",
                "user": {
                    "name": "lan.nt",
                    "display_name": "Nguyễn Thị Lan",
                    "role": "operator",
                    "agency": None,
                },
            }
        )
    )
    assert session.user.display_name == "Nguyễn Thị Lan" and "ioc_secret" not in repr(session)
    with pytest.raises(WireError, match=r"user\.role"):
        decode_session(
            json.dumps({"token": "t", "expires_at": "2025-03-10T14:00:00+00:00", "user": {"name": "x"}})
        )
    doc = report_to_wire(reports[1])
    result = decode_action_result(json.dumps({"report": doc, "event": doc["history"][-1], "seq": 12}), True)
    assert result.report == reports[1] and result.seq == 12 and result.replayed
    assert result.event == reports[1].history[-1]
    assert decode_report(doc).status is Status(doc["status"])


def test_retries_back_off_exponentially_with_jitter_up_to_a_cap() -> None:
    rng = random.Random(4)
    for failures, ceiling in [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (7, 30.0), (60, 30.0)]:
        delays = [backoff_delay(failures, 0.5, 30.0, rng) for _ in range(200)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays), (failures, min(delays), max(delays))
        assert max(delays) - min(delays) > ceiling / 4, "jittered, not all the same"


def test_the_fast_decoder_gives_exactly_the_strict_decoders_page(reports: list[Report]) -> None:
    docs = [report_to_wire(r) for r in reports]
    body = json.dumps(_page(docs, cursor=75, more=True), ensure_ascii=False).encode()
    fast = fastfeed.decode_feed_page(body)
    assert fast == decode_feed_page(body, compact=True)
    assert fast.reports and fast.kept and fast.cursor == 75 and fast.more


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ((*R1, "received_at"), "2025-03-10T09:00:00.1+07:00"),  # other ISO 8601 forms
        ((*R1, "history", 0, "at"), "20250310T090000+0700"),
        ((*R1, "attachments"), None),
        ((*R1, "contact"), None),
        ((*R1, "priority"), KeyError),
    ],
)
def test_what_the_fast_decoder_is_stricter_about_is_still_taken(
    reports: list[Report], path: tuple[Any, ...], value: Any
) -> None:
    body = _broken(reports, path, value)
    assert fastfeed.decode_feed_page(body) == decode_feed_page(body, compact=True)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("more",), True),
        ((*R1, "contact"), None),
        ((*R1, "contact"), KeyError),
        ((*R1, "contact", "phone"), "0905 123 456"),
        ((*R1, "paused_seconds"), 3600),
        ((*R1, "priority"), KeyError),
        ((*R1, "agency"), None),
        ((*R1, "history", 0, "at"), "20250310T090000+0700"),  # (taken by the strict decoder)
    ],
)
def test_rows_built_while_decoding_are_the_rows_of_the_strict_decoders_reports(
    reports: list[Report], path: tuple[Any, ...], value: Any
) -> None:
    """A first sync's decoding process builds the store's rows straight from what it decoded; they
    are the rows the store makes of the reports the strict decoder reads from the same page."""
    body = _broken(reports, path, value)
    reference = RowReference.of(pack())
    strict = decode_feed_page(body, compact=True)
    prepared = fastfeed.prepare_feed_page(body, reference)
    assert prepared.reports == [reference.prepare(r, *strict.kept[r.number]) for r in strict.reports]
    assert len(prepared.reports) == 3
    assert (prepared.removed, prepared.cursor, prepared.more, prepared.changes, prepared.kept) == (
        strict.removed,
        strict.cursor,
        strict.more,
        strict.changes,
        {},
    )


def test_rows_built_while_decoding_keep_a_reports_later_change_and_removals(reports: list[Report]) -> None:
    doc = report_to_wire(reports[1])
    body = json.dumps(
        {
            "changes": [
                {"seq": 4, "kind": "upsert", "number": doc["number"], "report": doc},
                {"seq": 5, "kind": "remove", "number": "2025-000001"},
                {"seq": 7, "kind": "upsert", "number": doc["number"], "report": dict(doc, version=9)},
                {"seq": 8, "kind": "remove", "number": "2025-000002"},
            ],
            "cursor": "9",
            "more": False,
        }
    ).encode()
    prepared = fastfeed.prepare_feed_page(body, RowReference.of(pack()))
    assert [(r.number, r.version) for r in prepared.reports] == [(doc["number"], 9)]
    assert prepared.removed == ["2025-000001", "2025-000002"] and prepared.cursor == 9


def test_a_boolean_is_not_a_number_for_the_fast_decoder_either(reports: list[Report]) -> None:
    for field in ("lat", "lon"):
        body = _broken(reports, (*R1, "location", field), True)
        with pytest.raises(WireError, match="expected a number"):
            fastfeed.decode_feed_page(body)
    with pytest.raises(WireError, match="expected an integer"):
        fastfeed.decode_feed_page(_broken(reports, (*R1, "version"), 2.0))

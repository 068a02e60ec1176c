"""The queue's queries: every filter, every sort both ways, paging, and plans that read indexes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest
from store_support import CITY, COMMUNE_PHUONG_HAI, NINH_HAI, T0, WARD_DO_VINH, make_report

from ioc_console.domain.deadlines import DeadlineState, deadline_state
from ioc_console.domain.jurisdiction import Jurisdiction
from ioc_console.domain.lifecycle import Action, Channel, Priority, Status
from ioc_console.domain.report import Report
from ioc_console.store import SORT_KEYS, LocalStore, ReportQuery, local

N = 150


@pytest.fixture(scope="module")
def reports() -> list[Report]:
    return [make_report(i) for i in range(N)]


@pytest.fixture(scope="module")
def filled(
    tmp_path_factory: pytest.TempPathFactory, pack: Jurisdiction, reports: list[Report]
) -> Iterator[LocalStore]:
    """One store with the reports, shared by the tests that only read."""
    store = LocalStore.open(tmp_path_factory.mktemp("queries") / "console.sqlite3")
    store.load_jurisdiction(pack)
    assert store.upsert_reports(reports, with_history=False) == N
    yield store
    store.close()


def numbers(rows: list[Any]) -> list[str]:
    return [row.number for row in rows]


def expected_order(reports: list[Report], pack: Jurisdiction, sort: str) -> list[str]:
    """The order the store must give, computed from the reports and the pack independently."""
    arrival = {r.number: i for i, r in enumerate(reports)}
    root = pack.root()
    unit_order = [root.code] + [u.code for u in pack.descendants(root.code)]
    categories = list(pack.categories)
    agencies = list(pack.agencies)

    def rank(values: list[str], value: str | None) -> tuple[int, int]:
        # SQLite puts NULL (an unknown code) first in ascending order.
        return (0, 0) if value is None or value not in values else (1, values.index(value))

    def nullable(value: Any) -> tuple[int, Any]:
        return (0, 0) if value is None else (1, value)

    keys: dict[str, Callable[[Report], Any]] = {
        "number": lambda r: r.number,
        "received_at": lambda r: (r.received_at, arrival[r.number]),
        "category": lambda r: (rank(categories, r.category), r.received_at, arrival[r.number]),
        "unit": lambda r: (rank(unit_order, r.location.unit_code), r.received_at, arrival[r.number]),
        "channel": lambda r: (r.channel.value, r.received_at, arrival[r.number]),
        "status": lambda r: (list(Status).index(r.status), r.received_at, arrival[r.number]),
        "agency": lambda r: (rank(agencies, r.agency), r.received_at, arrival[r.number]),
        "due_at": lambda r: (nullable(r.due_at), arrival[r.number]),
        "priority": lambda r: (list(Priority).index(r.priority), r.received_at, arrival[r.number]),
        "updated_at": lambda r: (nullable(r.updated_at), arrival[r.number]),
    }
    return [r.number for r in sorted(reports, key=keys[sort])]


@pytest.mark.parametrize("sort", SORT_KEYS)
@pytest.mark.parametrize("descending", [False, True])
def test_sort_by_each_column_both_ways(
    filled: LocalStore, reports: list[Report], pack: Jurisdiction, sort: str, descending: bool
) -> None:
    expected = expected_order(reports, pack, sort)
    if descending:
        expected.reverse()
    got = numbers(filled.query(ReportQuery(sort=sort, descending=descending)))  # type: ignore[arg-type]
    assert got == expected


def test_status_sorts_along_the_lifecycle_not_alphabetically(
    filled: LocalStore, reports: list[Report]
) -> None:
    rows = filled.query(ReportQuery(sort="status", descending=False))
    seen = list(dict.fromkeys(row.status for row in rows))
    assert seen == list(Status)  # new, needs info, forwarded, ... not closed, duplicate, forwarded...


def test_priority_sorts_from_low_to_urgent(filled: LocalStore, reports: list[Report]) -> None:
    rows = filled.query(ReportQuery(sort="priority", descending=True))
    assert rows[0].priority is Priority.URGENT
    assert rows[-1].priority is Priority.LOW


@pytest.mark.parametrize("sort", ["received_at", "status", "due_at", "number"])
def test_pages_put_together_are_the_whole_order(filled: LocalStore, reports: list[Report], sort: str) -> None:
    whole = numbers(filled.query(ReportQuery(sort=sort)))  # type: ignore[arg-type]
    pages: list[str] = []
    offset = 0
    while True:
        page = filled.query(ReportQuery(sort=sort, offset=offset, limit=17))  # type: ignore[arg-type]
        if not page:
            break
        assert len(page) <= 17
        pages.extend(numbers(page))
        offset += 17
    assert pages == whole
    assert len(whole) == N == filled.count(ReportQuery(sort=sort, offset=5, limit=3))  # type: ignore[arg-type]


def check_filter(
    filled: LocalStore, reports: list[Report], query: ReportQuery, keep: Callable[[Report], bool]
) -> None:
    expected = {r.number for r in reports if keep(r)}
    assert expected, "the filter must select something"
    assert len(expected) < len(reports), "the filter must leave something out"
    assert set(numbers(filled.query(query))) == expected
    assert filled.count(query) == len(expected)


def test_filter_by_status(filled: LocalStore, reports: list[Report]) -> None:
    wanted = {Status.NEW, Status.FORWARDED}
    check_filter(filled, reports, ReportQuery(statuses=frozenset(wanted)), lambda r: r.status in wanted)


def test_filter_by_category(filled: LocalStore, reports: list[Report]) -> None:
    check_filter(
        filled,
        reports,
        ReportQuery(categories=frozenset({"environment"})),
        lambda r: r.category == "environment",
    )


def test_filter_by_agency_and_by_no_agency(filled: LocalStore, reports: list[Report]) -> None:
    check_filter(filled, reports, ReportQuery(agencies=frozenset({"so-xd"})), lambda r: r.agency == "so-xd")
    check_filter(filled, reports, ReportQuery(agencies=frozenset({None})), lambda r: r.agency is None)
    check_filter(
        filled,
        reports,
        ReportQuery(agencies=frozenset({"so-tnmt", None})),
        lambda r: r.agency in ("so-tnmt", None),
    )


def test_filter_by_channel(filled: LocalStore, reports: list[Report]) -> None:
    check_filter(
        filled,
        reports,
        ReportQuery(channels=frozenset({Channel.HOTLINE})),
        lambda r: r.channel is Channel.HOTLINE,
    )


def test_filter_by_a_district_finds_its_communes(filled: LocalStore, reports: list[Report]) -> None:
    check_filter(
        filled,
        reports,
        ReportQuery(units=frozenset({NINH_HAI})),
        lambda r: r.location.unit_code == COMMUNE_PHUONG_HAI,
    )
    # The city: reports placed on the city itself and in its ward.
    check_filter(
        filled,
        reports,
        ReportQuery(units=frozenset({CITY})),
        lambda r: r.location.unit_code in (CITY, WARD_DO_VINH),
    )
    check_filter(
        filled,
        reports,
        ReportQuery(units=frozenset({WARD_DO_VINH})),
        lambda r: r.location.unit_code == WARD_DO_VINH,
    )


def test_rows_carry_the_district(filled: LocalStore, reports: list[Report]) -> None:
    rows = {row.number: row for row in filled.query(ReportQuery())}
    for r in reports:
        expected = {WARD_DO_VINH: CITY, CITY: CITY, COMMUNE_PHUONG_HAI: NINH_HAI, None: None}[
            r.location.unit_code
        ]
        assert rows[r.number].district_code == expected


def test_filter_by_period(filled: LocalStore, reports: list[Report]) -> None:
    start, end = T0 + timedelta(days=5), T0 + timedelta(days=12)
    check_filter(
        filled,
        reports,
        ReportQuery(received_from=start, received_to=end),
        lambda r: start <= r.received_at < end,
    )
    exact = reports[40].received_at
    assert numbers(
        filled.query(ReportQuery(received_from=exact, received_to=exact + timedelta(microseconds=1)))
    ) == [reports[40].number]


@pytest.mark.parametrize("state", list(DeadlineState))
def test_filter_by_deadline_state_agrees_with_the_domain(
    filled: LocalStore, reports: list[Report], state: DeadlineState
) -> None:
    now = T0 + timedelta(days=20)
    boundary = now + timedelta(days=1)

    def keep(r: Report) -> bool:
        return deadline_state(r.due_at, now, boundary, r.status.is_terminal) is state

    check_filter(
        filled, reports, ReportQuery(deadline_states=frozenset({state}), now=now, boundary=boundary), keep
    )


def test_deadline_state_at_the_exact_edges(store: LocalStore) -> None:
    now = datetime(2025, 5, 5, 9, 0, tzinfo=T0.tzinfo)
    boundary = now + timedelta(hours=9)
    edges = {
        "at-now": now,
        "before-now": now - timedelta(microseconds=1),
        "at-boundary": boundary,
        "after-boundary": boundary + timedelta(microseconds=1),
    }
    store.upsert_reports(
        [
            make_report(i, number=name, status=Status.NEW, due_at=due)
            for i, (name, due) in enumerate(edges.items())
        ]
    )
    found = {
        state: set(numbers(store.query(ReportQuery(deadline_states={state}, now=now, boundary=boundary))))
        for state in DeadlineState
    }
    assert found[DeadlineState.OVERDUE] == {"before-now"}
    assert found[DeadlineState.DUE_SOON] == {"at-now", "at-boundary"}
    assert found[DeadlineState.ON_TRACK] == {"after-boundary"}


def test_deadline_counts_cover_every_report(filled: LocalStore, reports: list[Report]) -> None:
    now = T0 + timedelta(days=20)
    boundary = now + timedelta(days=1)
    counts = filled.deadline_counts(ReportQuery(), now, boundary)
    expected = dict.fromkeys(DeadlineState, 0)
    for r in reports:
        expected[deadline_state(r.due_at, now, boundary, r.status.is_terminal)] += 1
    assert counts == expected
    assert all(counts[s] > 0 for s in DeadlineState)
    # With another filter, and ignoring the query's own deadline filter.
    hotline = ReportQuery(
        channels={Channel.HOTLINE}, deadline_states={DeadlineState.OVERDUE}, now=now, boundary=boundary
    )
    hotline_expected = dict.fromkeys(DeadlineState, 0)
    for r in reports:
        if r.channel is Channel.HOTLINE:
            hotline_expected[deadline_state(r.due_at, now, boundary, r.status.is_terminal)] += 1
    assert filled.deadline_counts(hotline, now, boundary) == hotline_expected


def test_filters_combine(filled: LocalStore, reports: list[Report]) -> None:
    query = ReportQuery(
        statuses={Status.NEW, Status.REOPENED, Status.FORWARDED, Status.IN_PROGRESS}, units={CITY}
    )
    check_filter(
        filled,
        reports,
        query,
        lambda r: r.status in query.statuses and r.location.unit_code in (CITY, WARD_DO_VINH),
    )


def test_rows_show_what_the_queue_needs(store: LocalStore) -> None:
    long = make_report(500, description="Rất dài " * 100)
    store.upsert_reports([long])
    (row,) = store.query(ReportQuery(text=long.number))
    assert row.number == long.number
    assert row.received_at == long.received_at and row.received_at.utcoffset() == timedelta(0)
    assert row.description == long.description[:200]
    assert (row.category, row.unit_code, row.channel, row.status, row.agency, row.priority) == (
        long.category,
        long.location.unit_code,
        long.channel,
        long.status,
        long.agency,
        long.priority,
    )
    assert (row.due_at, row.stage_due_at, row.closed, row.pending) == (
        long.due_at,
        long.stage_due_at,
        long.status.is_terminal,
        False,
    )
    assert (row.address, row.lat, row.lon, row.title) == (
        long.location.address,
        long.location.lat,
        long.location.lon,
        long.title,
    )


def test_query_arguments_are_checked() -> None:
    with pytest.raises(ValueError, match="sort"):
        ReportQuery(sort="colour")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="now"):
        ReportQuery(deadline_states={DeadlineState.OVERDUE})
    with pytest.raises(ValueError, match="negative"):
        ReportQuery(offset=-1)
    # Values may be given as their strings and in any iterable.
    assert ReportQuery(statuses=["new"], channels=("web",)).statuses == frozenset({Status.NEW})  # type: ignore[arg-type]


@pytest.mark.parametrize("sort", SORT_KEYS)
@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize(
    "query",
    [
        ReportQuery(),
        ReportQuery(statuses={Status.NEW, Status.FORWARDED, Status.IN_PROGRESS, Status.RETURNED}),
        ReportQuery(agencies={"so-xd"}, received_from=T0),
    ],
    ids=["all", "statuses", "agency+period"],
)
def test_sorts_read_an_index_without_sorting(
    filled: LocalStore, reports: list[Report], sort: str, descending: bool, query: ReportQuery
) -> None:
    plan = filled.query_plan(replace(query, sort=sort, descending=descending, offset=40, limit=200))  # type: ignore[arg-type]
    text = " | ".join(plan)
    assert "TEMP B-TREE" not in text, text
    assert "USING INDEX" in text or "USING COVERING INDEX" in text, text


@pytest.mark.parametrize("sort", SORT_KEYS)
def test_the_second_plan_looks_the_matches_up_by_index(filled: LocalStore, sort: str) -> None:
    plan = filled.query_plan(ReportQuery(channels={Channel.ZALO}, sort=sort, limit=200), scan=False)  # type: ignore[arg-type]
    assert plan[0].startswith("SEARCH reports USING INDEX ix_reports_channel_received_at"), plan


FILTERS = [
    ReportQuery(statuses={Status.REOPENED}),
    ReportQuery(categories={"environment", "no-such-category"}, channels={Channel.WEB, Channel.APP}),
    ReportQuery(units={NINH_HAI}, agencies={None, "so-xd"}),
    ReportQuery(received_from=T0 + timedelta(days=10), received_to=T0 + timedelta(days=20)),
    ReportQuery(text="chi tiet 1"),
    ReportQuery(text="PA-2025-0010"),
    ReportQuery(text="0905 01"),
]


@pytest.mark.parametrize("by_filter_index", [True, False], ids=["by-filter-index", "by-sort-index"])
@pytest.mark.parametrize("sort", ["number", "status", "unit", "due_at"])
@pytest.mark.parametrize("query", FILTERS)
def test_both_plans_give_the_same_pages(
    monkeypatch: pytest.MonkeyPatch,
    filled: LocalStore,
    reports: list[Report],
    pack: Jurisdiction,
    by_filter_index: bool,
    sort: str,
    query: ReportQuery,
) -> None:
    """A zero budget interrupts the sort-index plan at once; a large one lets it finish. A text
    search goes by its matches when they are "few", by the sort's index otherwise."""
    monkeypatch.setattr(local, "SCAN_BUDGET", 0.0 if by_filter_index else 10.0)
    monkeypatch.setattr(local, "FEW_MATCHES", 10**9 if by_filter_index else -1)
    monkeypatch.setattr(local, "PROGRESS_STEP", 10)
    filled._search_first.clear()
    everything = numbers(filled.query(replace(query, sort=sort, descending=False)))  # type: ignore[arg-type]
    assert everything, "the filter must select something"
    order = expected_order(reports, pack, sort)
    assert everything == [n for n in order if n in set(everything)]
    assert len(everything) == filled.count(query)
    page = numbers(filled.query(replace(query, sort=sort, descending=True, offset=2, limit=3)))  # type: ignore[arg-type]
    assert page == list(reversed(everything))[2:5]
    if not query.text:
        interrupted = replace(query, sort=sort, descending=False) in filled._search_first
        assert interrupted == by_filter_index


#: Texts without digits (a digit searches the number too, which the windows leave alone).
WINDOWED = ["phan anh", "do vinh", "phuong hai", "nguoi da"]


@pytest.mark.parametrize("descending", [False, True], ids=["asc", "desc"])
@pytest.mark.parametrize("sort", SORT_KEYS)
@pytest.mark.parametrize("text", WINDOWED)
def test_a_search_matching_many_pages_by_windows_as_the_full_plan_does(
    monkeypatch: pytest.MonkeyPatch, filled: LocalStore, text: str, sort: str, descending: bool
) -> None:
    """Windows of 5 reports in the sort's order (the store's are thousands): the pages must be those
    of the plan that builds every match first, and the default sort (ids follow arrival) must be
    answered by the windows."""
    monkeypatch.setattr(local, "FEW_MATCHES", -1)
    monkeypatch.setattr(local, "SCAN_BUDGET", 10.0)
    monkeypatch.setattr(local, "_WINDOW", 5)
    pages = [(0, 7), (3, 4), (18, 30), (140, 20), (N + 5, 10)]
    base = ReportQuery(text=text, sort=sort, descending=descending)  # type: ignore[arg-type]
    monkeypatch.setattr(local, "_WINDOW_ROUNDS", 0)  # (the windows give up at once)
    everything = numbers(filled.query(base))
    assert len(everything) == filled.count(base) > 10
    answered: list[bool] = []
    window = LocalStore._search_window

    def spy(self: LocalStore, *args: Any) -> Any:
        found = window(self, *args)
        answered.append(found is not None)
        return found

    monkeypatch.setattr(LocalStore, "_search_window", spy)
    monkeypatch.setattr(local, "_WINDOW_ROUNDS", 50)
    for offset, limit in pages:
        page = numbers(filled.query(replace(base, offset=offset, limit=limit)))
        assert page == everything[offset : offset + limit], (offset, limit)
    assert len(answered) == len(pages)
    if sort == "received_at":
        assert all(answered)


def test_a_search_not_found_within_its_windows_is_answered_by_the_full_plan(
    monkeypatch: pytest.MonkeyPatch, filled: LocalStore
) -> None:
    monkeypatch.setattr(local, "FEW_MATCHES", -1)
    monkeypatch.setattr(local, "_WINDOW", 5)
    monkeypatch.setattr(local, "_WINDOW_ROUNDS", 1)
    query = ReportQuery(text="phuong hai", limit=20)
    page = numbers(filled.query(query))
    assert len(page) == 20  # one in four reports matches: not all within the first window of 5
    with filled._engine.connect() as conn:
        assert filled._search_window(conn, query, '"phuong" "hai"*') is None


def test_map_points_are_every_placed_report_with_its_deadline_state(
    tmp_path, pack: Jurisdiction, reports: list[Report]
) -> None:
    from ioc_console.domain.report import Location

    placed = list(reports)
    # Two reports without a position: the map cannot draw them.
    placed[3] = replace(placed[3], location=Location(lat=None, lon=None, address="?", unit_code=None))
    placed[7] = replace(placed[7], location=Location(lat=11.6, lon=None, address="?", unit_code=None))
    store = LocalStore.open(tmp_path / "console.sqlite3")
    try:
        store.load_jurisdiction(pack)
        store.upsert_reports(placed, with_history=False)
        now = T0 + timedelta(days=20)
        boundary = now + timedelta(days=1)
        points = {p.number: p for p in store.map_points(now, boundary)}
        expected = {r.number: r for r in placed if r.location.lat is not None and r.location.lon is not None}
        assert set(points) == set(expected)
        assert len(points) == N - 2
        states = set()
        for number, r in expected.items():
            p = points[number]
            assert (p.lat, p.lon) == (r.location.lat, r.location.lon)
            assert p.status is r.status
            assert p.category == r.category
            assert p.deadline_state is deadline_state(r.due_at, now, boundary, r.status.is_terminal)
            assert p.pending is False
            states.add(p.deadline_state)
        assert states == set(DeadlineState)
        # An action waiting for the hub marks its report pending on the map.
        waiting = next(iter(expected))
        store.enqueue_action(waiting, Action.LOG_CALL, {"outcome": "Đã gọi"}, base_version=None)
        assert [p.number for p in store.map_points(now, boundary) if p.pending] == [waiting]
    finally:
        store.close()


def test_map_points_read_in_parts_are_the_whole(filled: LocalStore) -> None:
    now = T0 + timedelta(days=20)
    boundary = now + timedelta(days=1)
    whole = filled.map_points(now, boundary)
    parts: list = []
    after = 0
    while True:
        part = filled.map_points(now, boundary, after=after, limit=40)
        assert len(part) <= 40
        if not part:
            break
        parts.extend(part)
        after = part[-1].row
    assert parts == whole and len(whole) == N

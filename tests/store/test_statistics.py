"""Statistics over the local store: each figure against reports whose outcome is known by hand, and
against the same figures counted in Python over a varied set."""

from __future__ import annotations

import statistics as pystats
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from store_support import CITY, COMMUNE_PHUONG_HAI, NINH_HAI, TZ, WARD_DO_VINH, make_report

from ioc_console.domain.lifecycle import TERMINAL, Action, Channel, Role, Status
from ioc_console.domain.report import Contact, Event, Location, Report
from ioc_console.store import LocalStore
from ioc_console.store import statistics as st

MARCH = st.Period(datetime(2025, 3, 1, tzinfo=TZ), datetime(2025, 4, 1, tzinfo=TZ))
NOW = datetime(2025, 3, 18, 12, 0, tzinfo=TZ)
H = timedelta(hours=1)


def report(n: int, received: datetime, status: Status, **fields: object) -> Report:
    r = Report(
        number=f"PA-2025-{n:06d}",
        channel=Channel.WEB,
        category="construction",
        description=f"Phản ánh {n}",
        location=Location(11.56, 108.99, "", WARD_DO_VINH),
        received_at=received,
        status=status,
        agency="so-xd",
        due_at=received + timedelta(days=5),
    )
    for name, value in fields.items():
        setattr(r, name, value)
    return r


@pytest.fixture
def known(store: LocalStore) -> LocalStore:
    t = datetime(2025, 3, 10, 9, 0, tzinfo=TZ)
    store.upsert_reports(
        [
            # Closed on time, satisfied; first contact after 1 h, forwarded after 2 h.
            report(
                1,
                t,
                Status.CLOSED,
                closed_at=t + 2 * 24 * H,
                satisfied=True,
                first_contact_at=t + H,
                forwarded_at=t + 2 * H,
            ),
            # Closed a day late, not satisfied; first contact after 3 h, forwarded after 4 h.
            report(
                2,
                t,
                Status.CLOSED,
                closed_at=t + 6 * 24 * H,
                satisfied=False,
                first_contact_at=t + 3 * H,
                forwarded_at=t + 4 * H,
                agency="so-tnmt",
                category="environment",
            ),
            # Open, its deadline passed: against the on-time rate.
            report(3, t - 8 * 24 * H, Status.IN_PROGRESS, first_contact_at=t - 8 * 24 * H + 2 * H),
            # Open, not yet due.
            report(
                4,
                t + 5 * 24 * H,
                Status.FORWARDED,
                agency="so-tnmt",
                category="environment",
                location=Location(11.6, 109.0, "", COMMUNE_PHUONG_HAI),
                channel=Channel.HOTLINE,
            ),
            # Resolved before its deadline (resolution = the start of its current stage).
            report(5, t, Status.RESOLVED, stage_started_at=t + 24 * H, due_at=t + 10 * 24 * H),
            # Rejected with no deadline running: on time.
            report(6, t, Status.REJECTED, closed_at=t + H, due_at=None, agency=None),
            # Received in February, open and overdue: only in the figures "now".
            report(7, datetime(2025, 2, 10, 9, 0, tzinfo=TZ), Status.NEW, agency=None),
        ]
    )
    return store


def test_figures_of_a_period(known: LocalStore) -> None:
    s = st.summary(known, MARCH, NOW)
    f = s.figures
    assert (f.received, f.handled, f.on_time, f.late, f.overdue, f.open) == (6, 4, 3, 1, 1, 3)
    assert (f.rated, f.satisfied) == (2, 1)
    assert f.on_time_rate == pytest.approx(3 / 5)
    assert f.satisfaction_rate == pytest.approx(0.5)
    assert (s.open_now, s.overdue_now) == (4, 2)
    # First contacts after 1 h, 3 h and 2 h; forwarding after 2 h and 4 h.
    assert s.median_first_contact_s == pytest.approx(2 * 3600)
    assert s.median_forwarding_s == pytest.approx(3 * 3600)


def test_an_empty_period_has_no_rates(known: LocalStore) -> None:
    s = st.summary(known, st.Period.month(2024, 1), NOW)
    assert s.figures == st.Figures()
    assert s.figures.on_time_rate is None and s.figures.satisfaction_rate is None
    assert s.median_first_contact_s is None


def test_filters(known: LocalStore) -> None:
    assert st.figures(known, MARCH, NOW, st.Filters(categories={"environment"})).received == 2
    assert st.figures(known, MARCH, NOW, st.Filters(agencies={"so-tnmt"})).received == 2
    assert st.figures(known, MARCH, NOW, st.Filters(channels={Channel.HOTLINE})).received == 1
    # A district covers its communes; a ward only itself.
    assert st.figures(known, MARCH, NOW, st.Filters(units={NINH_HAI})).received == 1
    assert st.figures(known, MARCH, NOW, st.Filters(units={CITY})).received == 5
    assert st.figures(known, MARCH, NOW, st.Filters(units={WARD_DO_VINH})).received == 5
    backlog = st.summary(known, MARCH, NOW, st.Filters(agencies={"so-xd"}))
    assert (backlog.open_now, backlog.overdue_now) == (2, 1)


def test_groups_and_the_league(known: LocalStore) -> None:
    by_agency = {g.key: g for g in st.grouped(known, MARCH, st.GroupBy.AGENCY, NOW)}
    assert by_agency["so-xd"].figures.received == 3
    assert by_agency["so-xd"].label == "Sở Xây dựng tỉnh Ninh Thuận"
    assert by_agency[None].label == "Chưa chuyển"  # not yet forwarded, in the office's words
    assert sum(g.figures.received for g in by_agency.values()) == 6
    by_channel = {g.key: g.label for g in st.grouped(known, MARCH, "channel", NOW)}
    assert by_channel == {"web": "Cổng thông tin", "hotline": "Đường dây nóng 1022"}

    table = st.league(known, MARCH, NOW)
    # so-xd: 2 on time, 1 overdue; so-tnmt: one late, one not yet due (not judged).
    assert [(row.rank, row.agency) for row in table] == [(1, "so-xd"), (2, "so-tnmt")]
    xd, tnmt = table
    assert xd.figures.on_time_rate == pytest.approx(2 / 3)
    assert tnmt.figures.on_time_rate == pytest.approx(0.0)
    assert (xd.overdue_now, tnmt.overdue_now) == (1, 0)
    assert (tnmt.figures.rated, tnmt.figures.satisfied) == (1, 0)


def test_the_league_ranks_by_on_time_rate_then_satisfaction(store: LocalStore) -> None:
    t = datetime(2025, 3, 10, 9, 0, tzinfo=TZ)
    store.upsert_reports(
        [
            report(1, t, Status.CLOSED, closed_at=t + H, agency="so-xd", satisfied=False),
            report(2, t, Status.CLOSED, closed_at=t + H, agency="so-tnmt", satisfied=True),
            report(3, t, Status.CLOSED, closed_at=t + 9 * 24 * H, agency="so-gtvt", satisfied=True),
            report(4, t + 5 * 24 * H, Status.FORWARDED, agency="so-yt"),
        ]
    )
    table = st.league(store, MARCH, NOW)
    assert [(r.rank, r.agency) for r in table] == [(1, "so-tnmt"), (2, "so-xd"), (3, "so-gtvt"), (4, "so-yt")]
    assert table[3].figures.on_time_rate is None


def test_days_are_vietnamese_days(store: LocalStore) -> None:
    store.upsert_reports(
        [
            report(1, datetime(2025, 3, 10, 23, 30, tzinfo=TZ), Status.NEW),
            report(2, datetime(2025, 3, 11, 0, 30, tzinfo=TZ), Status.NEW),
            report(3, datetime(2025, 3, 11, 23, 59, tzinfo=TZ), Status.NEW),
        ]
    )
    days = st.grouped(store, MARCH, st.GroupBy.DAY, NOW)
    assert [(g.key, g.label, g.figures.received) for g in days] == [
        (date(2025, 3, 10), "10/03/2025", 1),
        (date(2025, 3, 11), "11/03/2025", 2),
    ]
    # 18:00 UTC on the 10th is 01:00 on the 11th in Vietnam.
    now = datetime(2025, 3, 10, 18, 0, tzinfo=UTC)
    today = st.Period.today(now)
    assert today.start == datetime(2025, 3, 11, tzinfo=TZ)
    assert st.figures(store, today, now).received == 2
    week = st.Period.this_week(now)
    assert (week.start.date(), week.end.date()) == (date(2025, 3, 10), date(2025, 3, 17))
    assert st.figures(store, week, now).received == 3


def test_the_ticker_has_no_names_or_phone_numbers(store: LocalStore) -> None:
    t = datetime(2025, 3, 10, 9, 0, tzinfo=TZ)
    store.upsert_reports(
        [
            report(
                i,
                t + i * H,
                Status.NEW,
                contact=Contact(name="Nguyễn Văn An", phone="0905 123 456", email="an@example.vn"),
                description=(
                    f"Tôi là Nguyễn Văn An, gọi 0905.123.456 hoặc +84 905 123 456, thư an@example.vn. "
                    f"Ổ gà lớn số {i} trước nhà, rất nguy hiểm cho người đi đường vào ban đêm khi trời mưa to."
                ),
            )
            for i in range(1, 6)
        ]
    )
    items = st.ticker(store, 3)
    assert [i.number for i in items] == ["PA-2025-000005", "PA-2025-000004", "PA-2025-000003"]
    for item in items:
        shown = repr(item)
        for secret in ("Nguyễn Văn An", "0905", "123", "456", "an@example.vn", "example"):
            assert secret not in shown
        assert len(item.text) <= st.TICKER_CHARS
        assert item.text.startswith("Tôi là •••, gọi ••• hoặc •••")
        assert item.category_name == "Trật tự xây dựng" and item.unit_name == "Phường Đô Vinh"
        assert item.channel is Channel.WEB
        assert item.due_at == item.received_at + timedelta(days=5)
    # Overdue: open and past the reply deadline; a closed report never is.
    newest = items[0]
    assert newest.due_at is not None
    assert not newest.overdue(newest.due_at) and newest.overdue(newest.due_at + timedelta(seconds=1))
    assert not replace(newest, status=Status.CLOSED).overdue(newest.due_at + H)


def test_the_handover_holds_the_shifts_items(store: LocalStore) -> None:
    start = datetime(2025, 3, 10, 7, 0, tzinfo=TZ)
    shift = st.Period(start, start + 8 * H)
    now = start + 8 * H

    def event(seq: int, at: datetime, action: Action, source: Status | None, target: Status) -> Event:
        return Event(
            seq, at, "ioc.lan", Role.OPERATOR, action, source, target, {"actor_name": "Nguyễn Thị Lan"}
        )

    before = report(1, start - 30 * 24 * H, Status.FORWARDED, updated_at=start + H)
    before.history = [
        event(1, before.received_at, Action.SUBMIT, None, Status.NEW),
        event(2, start + H, Action.FORWARD, Status.NEW, Status.FORWARDED),
    ]
    came = report(2, start + 2 * H, Status.IN_PROGRESS, updated_at=start + 3 * H)
    came.history = [
        event(1, start + 2 * H, Action.SUBMIT, None, Status.NEW),
        event(2, start + 2 * H + 5 * timedelta(minutes=1), Action.LOG_CALL, Status.NEW, Status.NEW),
        event(3, start + 3 * H, Action.FORWARD, Status.NEW, Status.FORWARDED),
        event(4, start + 9 * H, Action.ACCEPT, Status.FORWARDED, Status.IN_PROGRESS),  # after the shift
    ]
    quiet = report(3, start - 2 * 24 * H, Status.NEW, updated_at=start - 24 * H)
    store.upsert_reports([before, came, quiet])
    h = st.handover(store, shift, now)
    assert [i.number for i in h.came_in] == ["PA-2025-000002"]
    assert [(c.number, c.action, c.to_status) for c in h.changes] == [
        ("PA-2025-000001", "forward", Status.FORWARDED),
        ("PA-2025-000002", "forward", Status.FORWARDED),
    ]
    assert h.changed_to == {Status.FORWARDED: 2}
    # What was done, by whom (a call taken at the hotline, a call that kept the status too), named
    # as the hub names the person.
    assert [(c.number, c.action) for c in h.actions] == [
        ("PA-2025-000001", "forward"),
        ("PA-2025-000002", "submit"),
        ("PA-2025-000002", "log_call"),
        ("PA-2025-000002", "forward"),
    ]
    assert {c.actor_name for c in h.actions} == {"Nguyễn Thị Lan"}
    assert h.by_actor == {"Nguyễn Thị Lan": 4}
    assert [i.number for i in h.late] == ["PA-2025-000001"]
    assert h.late_total == 1
    assert st.handover(store, shift, now, late_limit=0).late == []


# -- the same figures counted in Python over a varied set -----------------------------------------


def expected(reports: list[Report], period: st.Period, now: datetime) -> st.Figures:
    counts = dict.fromkeys(
        ("received", "handled", "on_time", "late", "overdue", "open", "rated", "satisfied"), 0
    )
    for r in reports:
        if not period.start <= r.received_at < period.end:
            continue
        counts["received"] += 1
        handled = r.status in st.HANDLED
        at = r.closed_at if r.status in TERMINAL else r.stage_started_at
        if handled:
            counts["handled"] += 1
            if r.due_at is None or at is None or at <= r.due_at:
                counts["on_time"] += 1
            else:
                counts["late"] += 1
        elif r.due_at is not None and r.due_at < now:
            counts["overdue"] += 1
        counts["open"] += r.status not in TERMINAL
        counts["rated"] += r.satisfied is not None
        counts["satisfied"] += r.satisfied is True
    return st.Figures(**counts)


def test_figures_agree_with_a_count_in_python(store: LocalStore) -> None:
    made = []
    for i in range(400):
        r = make_report(i)
        if i % 5 == 0:
            r.satisfied = i % 10 == 0
        if r.status is Status.RESOLVED:
            r.stage_started_at = r.received_at + timedelta(days=(i % 12))
        if r.closed_at is not None and i % 3 == 0:
            r.closed_at = r.received_at + timedelta(days=10)
        if i % 4 == 1:
            r.first_contact_at = r.received_at + timedelta(minutes=7 * i)
        made.append(r)
    store.upsert_reports(made)
    now = datetime(2025, 5, 1, tzinfo=TZ)
    for period in (st.Period.month(2025, 3), st.Period.month(2025, 4), st.Period(made[0].received_at, now)):
        want = expected(made, period, now)
        assert st.figures(store, period, now) == want
        for by in st.GroupBy:
            rows = st.grouped(store, period, by, now)
            assert sum(g.figures.received for g in rows) == want.received
            assert sum(g.figures.on_time for g in rows) == want.on_time
            assert sum(g.figures.overdue for g in rows) == want.overdue
    period = st.Period.month(2025, 3)
    waits = [
        (r.first_contact_at - r.received_at).total_seconds()
        for r in made
        if r.first_contact_at is not None and period.start <= r.received_at < period.end
    ]
    assert st.summary(store, period, now).median_first_contact_s == pytest.approx(pystats.median(waits))
    open_ = [r for r in made if r.status not in TERMINAL]
    s = st.summary(store, period, now)
    assert s.open_now == len(open_)
    assert s.overdue_now == sum(r.due_at is not None and r.due_at < now for r in open_)
    league = st.league(store, period, now)
    assert [row.agency for row in league] == sorted(
        (row.agency for row in league),
        key=lambda a: -(next(r.figures.on_time_rate for r in league if r.agency == a) or 0.0),
    )
    assert replace(st.Filters(), categories=frozenset()) == st.NO_FILTERS


@pytest.mark.parametrize("mostly_overdue", [False, True])
def test_the_league_agrees_with_a_count_in_python(
    store: LocalStore, monkeypatch: pytest.MonkeyPatch, mostly_overdue: bool
) -> None:
    # Overdue reports read through the deadline index or by reading the table: the same figures.
    monkeypatch.setattr(st, "_mostly_overdue", lambda _raw, _now: mostly_overdue)
    made = [make_report(i) for i in range(300)]
    for i, r in enumerate(made):
        if i % 4 == 0:
            r.satisfied = i % 8 == 0
    store.upsert_reports(made)
    now = datetime(2025, 5, 1, tzinfo=TZ)
    overdue_now: dict[str, int] = {}
    for r in made:
        if r.agency and r.status not in TERMINAL and r.due_at is not None and r.due_at < now:
            overdue_now[r.agency] = overdue_now.get(r.agency, 0) + 1
    # A short period (read through the indexes) and a long one (one pass over the table).
    for period in (st.Period.month(2025, 3), st.Period(made[0].received_at, now)):
        league = st.league(store, period, now)
        agencies = {r.agency for r in made if r.agency and period.start <= r.received_at < period.end}
        assert {row.agency for row in league} == agencies
        for row in league:
            mine = [r for r in made if r.agency == row.agency]
            assert row.figures == expected(mine, period, now)
            assert row.overdue_now == overdue_now.get(row.agency, 0)
        rates = [(row.figures.on_time_rate or 0.0) for row in league]
        assert rates == sorted(rates, reverse=True)
        assert [row.rank for row in league] == list(range(1, len(league) + 1))


def test_reports_reopened_by_an_unsatisfied_citizen(store: LocalStore) -> None:
    t = datetime(2025, 3, 10, 9, 0, tzinfo=TZ)
    store.upsert_reports(
        [
            # Rated unsatisfied, reopened by the hub: before the IOC again.
            report(1, t, Status.REOPENED, satisfied=False, updated_at=t + 3 * 24 * H),
            report(2, t, Status.REOPENED, satisfied=False, updated_at=t + 4 * 24 * H, agency="so-tnmt"),
            # Satisfied, or unsatisfied but closed again by the IOC: nothing to review.
            report(3, t, Status.CLOSED, satisfied=True, closed_at=t + 24 * H),
            report(4, t, Status.CLOSED, satisfied=False, closed_at=t + 5 * 24 * H),
            # Open, never rated.
            report(5, t, Status.NEW),
        ]
    )
    assert [i.number for i in st.unsatisfied(store)] == ["PA-2025-000002", "PA-2025-000001"]
    assert [i.number for i in st.unsatisfied(store, st.Filters(agencies={"so-xd"}))] == ["PA-2025-000001"]
    assert [i.number for i in st.unsatisfied(store, limit=1)] == ["PA-2025-000002"]
    assert st.unsatisfied(store)[0].status is Status.REOPENED


def test_medians_of_a_large_period_are_exact(store: LocalStore, monkeypatch: pytest.MonkeyPatch) -> None:
    t = datetime(2025, 1, 1, 8, 0, tzinfo=TZ)
    made = []
    for i in range(1201):
        r = report(
            i, t + i * timedelta(minutes=97), Status.CLOSED, closed_at=t + i * timedelta(minutes=97) + H
        )
        # Skewed waits, some missing: the median is not the mean.
        r.first_contact_at = r.received_at + timedelta(seconds=(i * 7919) % 20011 + (i % 5) ** 4)
        r.forwarded_at = None if i % 3 == 0 else r.received_at + timedelta(minutes=(i * 31) % 1009)
        made.append(r)
    store.upsert_reports(made)
    now = t + 200 * 24 * H

    def want(period: st.Period, attribute: str) -> float:
        waits: list[float] = [
            (getattr(r, attribute) - r.received_at).total_seconds()
            for r in made
            if getattr(r, attribute) is not None and period.start <= r.received_at < period.end
        ]
        return pystats.median(waits)

    periods = (st.Period(t, now), st.Period.month(2025, 2), st.Period(t, t + 13 * 24 * H))
    # Every value of a period of few reports; the values near the median (bounded by a sample of
    # the store) when a period holds more than a few.
    for take_all in (st._TAKE_ALL, 0):
        monkeypatch.setattr(st, "_TAKE_ALL", take_all)
        for period in periods:
            s = st.summary(store, period, now)
            assert s.median_first_contact_s == pytest.approx(want(period, "first_contact_at"))
            assert s.median_forwarding_s == pytest.approx(want(period, "forwarded_at"))
            assert s.figures == st.figures(store, period, now)
    with st._reading(store) as raw:
        windows = st._median_windows(
            raw, (st._TO_CONTACT, st._TO_FORWARD), st._Where(st.NO_FILTERS, periods[0])
        )
    assert all(w is not None and w[0] < w[1] for w in windows)
    # A sample that misses the median: still exact (sorted in the store instead).
    monkeypatch.setattr(st, "_median_windows", lambda *_args: [(0, 1), (0, 1)])
    s = st.summary(store, periods[0], now)
    assert s.median_first_contact_s == pytest.approx(want(periods[0], "first_contact_at"))
    assert s.median_forwarding_s == pytest.approx(want(periods[0], "forwarded_at"))
    assert s.figures == st.figures(store, periods[0], now)

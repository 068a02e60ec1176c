"""A deterministic history of citizens' field reports for a jurisdiction.

:func:`generate` yields :class:`~ioc_console.domain.report.Report` objects in order of receipt, each
with the whole history it has had by ``now``. Every step of that history is taken through
:func:`ioc_console.domain.deadlines.apply_action`, which checks it against the lifecycle and records
the event, so a history is legal by construction and its deadlines are those the domain computes.

How a report is made:

1. **When**: days weighted by weekday (fewer on weekends and holidays) and by a slow growth of the
   service over the period; hours of the day weighted as people are awake (a few at night).
2. **Where**: a leaf unit weighted by population (town people report more), a point near its
   centroid that is still nearer to it than to any other unit, an address line.
3. **What**: a category in the source's mix, a problem of that category, a description in a voice
   that fits the channel (:mod:`ioc_console.demo.texts`), photos, the citizen's private contact.
4. **What happened**: a scenario is drawn (handled on time or late, needing information, returned by
   an agency and forwarded again, reopened, stalled, rejected, duplicate), planned with delays in
   office hours of the working calendar, then played until ``now``: steps after ``now`` have not
   happened yet, so recent reports are still open.

All randomness is drawn while planning, never while playing, so the same seed, period and count give
the same reports whatever ``now`` is; a later ``now`` only lets their histories go further.
"""

from __future__ import annotations

import math
import random
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import accumulate
from typing import Any
from zoneinfo import ZoneInfo

from ioc_console.demo import issues as vocab
from ioc_console.demo import texts
from ioc_console.demo.draw import pick, pick_weighted
from ioc_console.demo.issues import Issue, kind_of
from ioc_console.demo.people import Person, email, facebook_name, mobile, person
from ioc_console.demo.photos import demo_photo_size, photo_seed
from ioc_console.demo.places import Place, Spot, coordinates, label, places, spot
from ioc_console.domain.calendar import WorkingCalendar
from ioc_console.domain.deadlines import apply_action, compute_deadlines
from ioc_console.domain.jurisdiction import Agency, Category, DeadlinePolicy, Jurisdiction
from ioc_console.domain.lifecycle import Action, Actor, Channel, Role, Status
from ioc_console.domain.report import Attachment, Contact, Event, Location, Report
from ioc_console.domain.text import fold

#: Reports a year in the source province's first year of the service.
PER_YEAR = 600
#: URL scheme of demo photos in simulated Open311 posts: ``demo://photo/<seed>.png``.
MEDIA_URL_PREFIX = "demo://photo/"

_CHANNELS = (Channel.APP, Channel.ZALO, Channel.WEB, Channel.FACEBOOK, Channel.HOTLINE)
#: Channel mix by day and by night (the hotline is mostly called in office hours).
_CHANNEL_DAY = tuple(accumulate((30.0, 22.0, 17.0, 15.0, 16.0)))
_CHANNEL_NIGHT = tuple(accumulate((38.0, 28.0, 14.0, 16.0, 4.0)))
#: Channels of simulated Open311 posts (adapters of the app, Zalo, the web portal and Facebook).
_CHANNEL_POSTS = tuple(accumulate((50.0, 25.0, 15.0, 10.0)))
_HOURS = tuple(range(24))
#: Reports by hour of the day (0-23): people report while awake, most in the morning.
_HOUR_WEIGHTS = tuple(
    accumulate(
        (
            *(0.35, 0.2, 0.15, 0.12, 0.15, 0.5, 1.6, 3.6, 5.0, 5.6, 5.5, 4.6),
            *(3.0, 3.0, 4.6, 5.0, 5.0, 4.5, 3.4, 3.9, 4.3, 3.4, 2.0, 1.0),
        )
    )
)
_WEEKDAY = (1.15, 1.0, 1.0, 1.0, 0.95, 0.7, 0.6)
#: Share of reports where a citizen left no name nor phone, per channel.
_ANONYMOUS = {
    Channel.WEB: 0.14,
    Channel.APP: 0.04,
    Channel.ZALO: 0.0,
    Channel.FACEBOOK: 0.0,
    Channel.HOTLINE: 0.2,
}
#: Chance a report arrives with map coordinates (the app sends GPS; the hotline none).
_HAS_POINT = {
    Channel.WEB: 0.55,
    Channel.APP: 0.97,
    Channel.ZALO: 0.45,
    Channel.FACEBOOK: 0.2,
    Channel.HOTLINE: 0.0,
}
_PHOTO_FACTOR = {
    Channel.WEB: 0.6,
    Channel.APP: 1.0,
    Channel.ZALO: 1.0,
    Channel.FACEBOOK: 0.9,
    Channel.HOTLINE: 0.0,
}

# Shares of the scenarios that keep a report from a published reply (tuned so that about 80% of a
# year's reports end closed with a reply, as the source reported).
_JUNK = 0.05  # spam and out-of-scope messages, rejected
_DUPLICATE = 0.04
_NEVER_ACCEPTED = 0.015
_NEVER_RESOLVED = 0.045
_NEVER_PUBLISHED = 0.01
#: Accepted but left lying: the supervisor takes it back and forwards it to the committee above.
_ESCALATED = 0.012

_OFFICE_QUESTIONS = tuple(q for q in vocab.QUESTIONS if q[0] == "office")
_PLACE_QUESTIONS = tuple(q for q in vocab.QUESTIONS if q[0] != "office")

_OPERATOR_NAMES = ("nhung", "tuan", "hoa", "khanh", "trang", "phuoc")
_SUPERVISOR_NAMES = ("minh", "lan")
_LIAISON_NAMES = ("an", "binh", "chi", "dung", "giang", "hai", "huong", "long", "mai", "nam", "quyen", "son")


# --- staff --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoStaff:
    """The people who act in the demo's histories (the hub's demo can create them as users)."""

    operators: tuple[Actor, ...]
    supervisors: tuple[Actor, ...]
    #: One liaison per agency code.
    liaisons: Mapping[str, Actor]
    #: The adapter of each channel, acting for citizens (receipt, information, rating).
    channels: Mapping[Channel, Actor]


def demo_staff(jurisdiction: Jurisdiction) -> DemoStaff:
    """Operators, supervisors, one liaison per agency and the channel adapters (user names ASCII)."""
    operators = tuple(Actor(f"ioc.{name}", Role.OPERATOR) for name in _OPERATOR_NAMES)
    supervisors = tuple(Actor(f"ioc.truongca.{name}", Role.SUPERVISOR) for name in _SUPERVISOR_NAMES)
    liaisons = {
        code: Actor(f"{code}.{_LIAISON_NAMES[i % len(_LIAISON_NAMES)]}", Role.LIAISON, code)
        for i, code in enumerate(sorted(jurisdiction.agencies))
    }
    channels = {channel: Actor(f"kenh.{channel.value}", Role.CHANNEL) for channel in Channel}
    return DemoStaff(operators, supervisors, liaisons, channels)


# --- what the generator knows about the jurisdiction ----------------------------------------------------


@dataclass
class _Setting:
    jurisdiction: Jurisdiction
    calendar: WorkingCalendar
    policy: DeadlinePolicy
    tz: ZoneInfo
    places: list[Place]
    place_weights: tuple[float, ...]
    categories: list[Category]
    category_kinds: list[str]
    category_weights: tuple[float, ...]
    issues: dict[str, tuple[Issue, ...]]
    issue_weights: dict[str, tuple[float, ...]]
    #: The catch-all category ("other matters") a miscategorised message lands in, if any.
    other_category: str | None
    staff: DemoStaff
    province: str
    #: Per agency: how slow it is (a multiplier of the delays), stable per agency code.
    slowness: dict[str, float]
    routes: dict[tuple[str, str], Agency | None] = field(default_factory=dict)
    hints: dict[tuple[str, str], Agency | None] = field(default_factory=dict)
    issue_places: dict[str, tuple[list[Place], tuple[float, ...]]] = field(default_factory=dict)
    agencies_by_unit: dict[str, list[Agency]] = field(default_factory=dict)

    def serving(self, unit: str) -> list[Agency]:
        """The agencies serving ``unit``, nearest first (cached)."""
        found = self.agencies_by_unit.get(unit)
        if found is None:
            found = self.jurisdiction.agencies_for_unit(unit)
            self.agencies_by_unit[unit] = found
        return found

    def route(self, category: str, unit: str) -> Agency | None:
        key = (category, unit)
        if key not in self.routes:
            self.routes[key] = self.jurisdiction.route(category, unit)
        return self.routes[key]


def _setting(jurisdiction: Jurisdiction) -> _Setting:
    found = places(jurisdiction)
    if not found:
        raise ValueError("the jurisdiction has no units to place reports in")
    categories = jurisdiction.active_categories()
    if not categories:
        raise ValueError("the jurisdiction has no active category")
    kinds = [kind_of(c) for c in categories]
    per_kind: dict[str, int] = {}
    for kind in kinds:
        per_kind[kind] = per_kind.get(kind, 0) + 1
    weights = [vocab.KIND_WEIGHTS[kind] / per_kind[kind] for kind in kinds]
    table = vocab.by_kind()
    other = next((c.code for c, k in zip(categories, kinds, strict=True) if k == "daily"), None)
    slowness = {}
    for code in jurisdiction.agencies:
        # A stable spread of speeds: most agencies near 1, a few clearly slow or quick.
        r = random.Random(f"slowness:{code}").random()
        slowness[code] = 0.6 + 1.4 * r * r
    return _Setting(
        jurisdiction=jurisdiction,
        calendar=WorkingCalendar.for_jurisdiction(jurisdiction),
        policy=jurisdiction.policy,
        tz=ZoneInfo(jurisdiction.timezone),
        places=found,
        place_weights=tuple(accumulate(p.weight for p in found)),
        categories=categories,
        category_kinds=kinds,
        category_weights=tuple(accumulate(weights)),
        issues=table,
        issue_weights={k: tuple(accumulate(i.weight for i in v)) for k, v in table.items()},
        other_category=other,
        staff=demo_staff(jurisdiction),
        province=label(jurisdiction.root()),
        slowness=slowness,
    )


# --- arrival times -----------------------------------------------------------------------------------


def _arrivals(
    rng: random.Random, setting: _Setting, start: datetime, end: datetime, count: int
) -> list[float]:
    """``count`` sorted POSIX timestamps in [start, end], weighted by weekday, holidays and growth."""
    if count <= 0:
        return []
    tz = setting.tz
    first = start.astimezone(tz).date()
    last = end.astimezone(tz).date()
    days: list[date] = []
    weights: list[float] = []
    midnights: list[float] = []
    span = max(1, (last - first).days)
    lo, hi = start.timestamp(), end.timestamp()
    day = first
    while day <= last:
        midnight = datetime(day.year, day.month, day.day, tzinfo=tz).timestamp()
        covered = (min(hi, midnight + 86400.0) - max(lo, midnight)) / 86400.0
        if covered > 0:
            weight = _WEEKDAY[day.weekday()] * (0.8 + 0.4 * (day - first).days / span)
            if day.weekday() < 5 and not setting.calendar.is_working_day(day):
                weight *= 0.6  # public holidays: people travel, fewer reports
            days.append(day)
            weights.append(weight * covered)
            midnights.append(midnight)
        day += timedelta(days=1)
    if not days:
        return []
    cumulative = tuple(accumulate(weights))
    indexes = list(range(len(days)))
    result: list[float] = []
    missing = count
    while missing:
        chosen = rng.choices(indexes, cum_weights=cumulative, k=missing)
        hours = rng.choices(_HOURS, cum_weights=_HOUR_WEIGHTS, k=missing)
        random_ = rng.random
        for index, hour in zip(chosen, hours, strict=True):
            moment = midnights[index] + hour * 3600.0 + int(random_() * 3600.0)
            if lo <= moment <= hi:
                result.append(moment)
        missing = count - len(result)
    result.sort()
    return result


# --- one report ----------------------------------------------------------------------------------------


@dataclass
class _Draft:
    """What a report is about, before its history (also kept to make duplicates of it)."""

    number: str
    issue: Issue
    category: str
    place: Place
    spot: Spot
    point: tuple[float, float]
    received: datetime


@dataclass
class _Step:
    at: datetime
    action: Action
    actor: Actor
    payload: dict[str, Any]
    after: Callable[[Report], None] | None = None


class _Planner:
    """Plans the history of one report: a list of steps at increasing times."""

    def __init__(self, rng: random.Random, setting: _Setting, received: datetime) -> None:
        self.rng = rng
        self.setting = setting
        self.calendar = setting.calendar
        self.steps: list[_Step] = []
        self.t = received
        #: Number of the next photo attachment (the report's own photos come first).
        self.next_photo = 1

    def office(self, hours: float) -> datetime:
        """Advance by ``hours`` of office time (staff work in office hours of working days)."""
        self.t = self.calendar.add_working_hours(self.t, max(hours, 0.05)).replace(microsecond=0)
        return self.t

    def wall(self, hours: float) -> datetime:
        """Advance by ``hours`` of real time (citizens answer and rate whenever they like)."""
        self.t = (self.t + timedelta(hours=max(hours, 0.05))).replace(microsecond=0)
        return self.t

    def add(
        self,
        action: Action,
        actor: Actor,
        payload: dict[str, Any],
        after: Callable[[Report], None] | None = None,
    ) -> None:
        self.steps.append(_Step(self.t, action, actor, payload, after))

    def soon(self) -> datetime:
        """A few minutes of office time between two things an operator does in a row."""
        return self.office(0.05 + 0.15 * self.rng.random())

    def delay(self, median: float, sigma: float = 0.7) -> float:
        return median * math.exp(self.rng.gauss(0.0, sigma))


def _agency_text(agency: Agency) -> str:
    return agency.short_name if agency.short_name.startswith("UBND") else agency.name


def _local(place: Place, agency: Agency) -> str:
    if agency.units == (place.unit.code,):
        return "Ban quản lý khu phố" if place.urban else "Ban quản lý thôn"
    return f"UBND {place.label}"


def _matches_hint(hint: str, agency: Agency) -> bool:
    if hint == "committee":
        return agency.kind in ("commune_committee", "district_committee")
    kind, _, fragment = hint.partition(":")
    return agency.kind == kind and fragment in fold(agency.code + " " + agency.name)


def _hinted_agency(setting: _Setting, issue: Issue, place: Place, routed: Agency | None) -> Agency | None:
    """The agency that really handles the issue when it is not the routed one (water, power...)."""
    hint = issue.agency_hint
    if not hint:
        return None
    key = (hint, place.unit.code)
    if key not in setting.hints:
        setting.hints[key] = next(
            (a for a in setting.serving(place.unit.code) if _matches_hint(hint, a)), None
        )
    hinted = setting.hints[key]
    if hinted is None or (routed is not None and hinted.code == routed.code):
        return None
    return hinted


def _higher_agency(setting: _Setting, place: Place, agency: Agency) -> Agency | None:
    """The committee above ``agency`` for the place (a ward's city, a district), for an escalation."""
    committees = [
        a for a in setting.serving(place.unit.code) if a.kind in ("commune_committee", "district_committee")
    ]
    for index, candidate in enumerate(committees):
        if candidate.code == agency.code:
            return committees[index + 1] if index + 1 < len(committees) else None
    return committees[0] if committees and agency.kind != "department" else None


def _wrong_agency(rng: random.Random, setting: _Setting, place: Place, right: Agency) -> Agency | None:
    """A plausible but wrong first choice: another committee or department serving the place."""
    candidates = [
        a
        for a in setting.serving(place.unit.code)
        if a.code != right.code and a.kind in ("commune_committee", "district_committee", "department")
    ]
    return pick(rng, candidates[:6]) if candidates else None


def _photos(
    rng: random.Random, number: str, at: datetime, count: int, stage: str, first: int
) -> list[Attachment]:
    found = []
    for k in range(first, first + count):
        ident = f"{number}-{k}"
        found.append(
            Attachment(
                id=ident,
                kind="photo",
                content_type="image/png",
                size=demo_photo_size(photo_seed(ident)),
                url="",
                added_at=at,
                stage=stage,
            )
        )
    return found


class _Generator:
    def __init__(self, jurisdiction: Jurisdiction, seed: int) -> None:
        self.setting = _setting(jurisdiction)
        self.rng = random.Random(seed)
        self.sequence: dict[int, int] = {}
        self.recent: deque[_Draft] = deque(maxlen=300)

    # -- the report itself ----------------------------------------------------------------------------

    def number(self, received: datetime) -> str:
        year = received.year
        seq = self.sequence.get(year, 0) + 1
        self.sequence[year] = seq
        return self.setting.jurisdiction.numbers.format(year, seq)

    def pick_place(self, issue: Issue) -> Place:
        """A unit weighted by population, among those where the issue can happen."""
        s = self.setting
        if issue.site != "landmark" and not issue.setting:
            return pick_weighted(self.rng, s.places, s.place_weights)
        found = s.issue_places.get(issue.key)
        if found is None:
            fitting = s.places
            if issue.setting:
                kinds = ("ward", "township") if issue.setting == "urban" else ("commune", "township")
                fitting = [p for p in fitting if p.unit.kind in kinds] or fitting
            if issue.site == "landmark":
                fitting = [p for p in fitting if any(lm.tags & issue.tags for lm in p.landmarks)] or fitting
            found = (fitting, tuple(accumulate(p.weight for p in fitting)))
            s.issue_places[issue.key] = found
        return pick_weighted(self.rng, found[0], found[1])

    def pick_category(self) -> tuple[Category, str]:
        s = self.setting
        index = pick_weighted(self.rng, range(len(s.categories)), s.category_weights)
        return s.categories[index], s.category_kinds[index]

    def pick_issue(self, kind: str) -> Issue:
        s = self.setting
        return pick_weighted(self.rng, s.issues[kind], s.issue_weights[kind])

    def contact(self, channel: Channel, place: Place) -> tuple[Person | None, Contact]:
        rng = self.rng
        if rng.random() < _ANONYMOUS[channel]:
            phone = mobile(rng) if channel is Channel.HOTLINE else ""
            return None, Contact(phone=phone)
        who = person(rng, raglai=place.raglai)
        phone = mobile(rng)
        if channel is Channel.FACEBOOK:
            return who, Contact(facebook_name(rng, who), phone if rng.random() < 0.4 else "")
        if channel is Channel.ZALO:
            name = facebook_name(rng, who) if rng.random() < 0.5 else who.full_name
            return who, Contact(name, phone)
        if channel is Channel.HOTLINE:
            return who, Contact(who.full_name if rng.random() < 0.75 else "", phone)
        mail = email(rng, who) if rng.random() < (0.6 if channel is Channel.WEB else 0.3) else ""
        return who, Contact(who.full_name, phone, mail)

    def report(self, received: datetime, now: datetime) -> Report:
        rng = self.rng
        s = self.setting
        hour = received.hour
        channel = pick_weighted(rng, _CHANNELS, _CHANNEL_DAY if 7 <= hour < 21 else _CHANNEL_NIGHT)
        number = self.number(received)
        roll = rng.random()
        junk = roll < _JUNK
        duplicate_of = self.original(received) if _JUNK <= roll < _JUNK + _DUPLICATE else None
        if duplicate_of is not None:
            place, issue, category = duplicate_of.place, duplicate_of.issue, duplicate_of.category
            where = duplicate_of.spot if rng.random() < 0.6 else spot(rng, place, issue.tags, site=issue.site)
        else:
            cat, kind = self.pick_category()
            category = cat.code
            issue = self.pick_issue(kind)
            place = self.pick_place(issue)
            where = spot(rng, place, issue.tags, site=issue.site)
        point = coordinates(rng, place, s.jurisdiction.bbox)
        who, contact = self.contact(channel, place)
        with_photo = not junk and rng.random() < issue.photo * _PHOTO_FACTOR[channel]
        if junk:
            description = texts.spam(rng, contact.phone or mobile(rng), channel)
            title = ""
            if s.other_category is not None:
                category = s.other_category
        else:
            written = texts.describe(
                rng,
                issue,
                where,
                received,
                channel,
                who=who if contact.name else None,
                phone=contact.phone,
                province=s.province,
                unit_label=place.label,
                with_photo=with_photo,
            )
            description = written.text
            title = texts.title(issue, where)
        # Messages from chat channels often come without a category; the operator classifies them.
        submitted_category = category
        misfiled = (
            not junk
            and s.other_category is not None
            and category != s.other_category
            and rng.random()
            < (0.35 if channel in (Channel.FACEBOOK, Channel.ZALO, Channel.HOTLINE) else 0.05)
        )
        if misfiled and s.other_category is not None:
            submitted_category = s.other_category
        has_point = not junk and rng.random() < _HAS_POINT[channel]
        if has_point:
            location = Location(point[0], point[1], where.address, place.unit.code)
        elif junk:
            location = Location(None, None, "", None)
        else:
            # Chat messages and calls name the place in words; the operator places it on the map.
            location = Location(None, None, where.address if rng.random() < 0.5 else "", None)
        attachments = (
            _photos(rng, number, received, pick(rng, (1, 1, 1, 2, 2, 3)), "report", 1) if with_photo else []
        )
        report = Report(
            number=number,
            channel=channel,
            category=submitted_category,
            description=description,
            location=location,
            received_at=received,
            contact=contact,
            title=title,
            attachments=attachments,
        )
        receiver = pick(rng, s.staff.operators) if channel is Channel.HOTLINE else s.staff.channels[channel]
        self.receive(report, receiver)
        draft = _Draft(number, issue, category, place, where, point, received)
        planner = _Planner(rng, s, received)
        planner.next_photo = len(attachments) + 1
        if junk:
            self.plan_junk(planner)
        elif duplicate_of is not None:
            self.plan_duplicate(planner, duplicate_of)
        else:
            self.plan(planner, report, draft, who, misfiled=misfiled, placed=has_point)
            self.recent.append(draft)
        self.play(report, planner.steps, now)
        return report

    def receive(self, report: Report, actor: Actor) -> None:
        """The receipt event, recorded as the hub records it (a hotline call is typed in by staff)."""
        s = self.setting
        at = report.received_at
        via = "staff" if actor.role is Role.OPERATOR else "open311"
        data = {"channel": report.channel.value, "via": via}
        report.history.append(Event(1, at, actor.name, actor.role, Action.SUBMIT, None, Status.NEW, data))
        report.stage_started_at = at
        report.updated_at = at
        report.due_at, report.stage_due_at = compute_deadlines(report, s.calendar, s.policy)

    def original(self, received: datetime) -> _Draft | None:
        """A recent report this one repeats (same problem, same place), if any."""
        limit = received - timedelta(days=10)
        candidates = [d for d in self.recent if d.received >= limit]
        if not candidates:
            return None
        return pick(self.rng, candidates[-40:])

    # -- histories --------------------------------------------------------------------------------------

    def operator(self) -> Actor:
        return pick(self.rng, self.setting.staff.operators)

    def progress_note(self, issue: Issue) -> str:
        return pick(self.rng, vocab.PROGRESS_NOTES + vocab.KIND_PROGRESS_NOTES.get(issue.kind, ()))

    def plan_junk(self, p: _Planner) -> None:
        p.office(p.delay(1.0))
        reason = pick(self.rng, vocab.REJECT_SPAM + vocab.REJECT_SCOPE)
        p.add(Action.REJECT, self.operator(), {"reason": reason})

    def plan_duplicate(self, p: _Planner, original: _Draft) -> None:
        p.office(p.delay(1.2))
        p.add(Action.MARK_DUPLICATE, self.operator(), {"original": original.number})

    def plan(
        self,
        p: _Planner,
        report: Report,
        draft: _Draft,
        who: Person | None,
        *,
        misfiled: bool,
        placed: bool,
    ) -> None:
        rng = self.rng
        s = self.setting
        issue, place = draft.issue, draft.place
        op = self.operator()
        late_triage = rng.random() < 0.1
        p.office(p.delay(6.0 if late_triage else 0.9, 0.6))
        if misfiled:
            p.add(Action.CLASSIFY, op, {"category": draft.category})
            p.soon()
        if not placed:
            lat, lon = draft.point
            where = {"lat": lat, "lon": lon, "address": draft.spot.address, "unit_code": place.unit.code}
            p.add(Action.RELOCATE, op, {"location": where})
            p.soon()
        if rng.random() < issue.urgent:
            p.add(Action.SET_PRIORITY, op, {"priority": pick(rng, ("high", "high", "urgent"))})
            p.soon()
        phone = report.contact.phone
        if phone and rng.random() < 0.08:
            p.office(p.delay(0.3))
            outcome = pick(rng, vocab.CALL_OUTCOMES).format(address=draft.spot.address)
            p.add(Action.LOG_CALL, op, {"outcome": outcome})
            p.soon()

        # Waiting for the citizen's information.
        if rng.random() < 0.08:
            key, question = pick(rng, _OFFICE_QUESTIONS if issue.site == "office" else _PLACE_QUESTIONS)
            p.add(Action.REQUEST_INFO, op, {"question": question.format(you=texts.you(who))})
            if rng.random() < 0.2:
                # No answer: the IOC closes the file after a week of working days.
                p.office(p.delay(40.0, 0.3))
                reason = "Công dân không bổ sung thông tin theo đề nghị, không đủ cơ sở chuyển đơn vị xử lý."
                p.add(Action.REJECT, op, {"reason": reason})
                return
            by_phone = report.channel is Channel.HOTLINE or rng.random() < 0.3
            if by_phone:
                p.office(p.delay(4.0, 1.0))  # the operator calls back and writes the answer down
            else:
                p.wall(p.delay(8.0, 1.2))
            answer = pick(rng, vocab.ANSWERS[key]).format(
                address=draft.spot.address,
                date=texts.day_month(draft.received - timedelta(days=rng.randint(20, 60)))[5:],
                ticket=f"{rng.randint(1, 999):03d}/BN",
            )
            channel_actor = s.staff.channels[report.channel]
            p.add(Action.PROVIDE_INFO, op if by_phone else channel_actor, {"info": answer})
            p.office(p.delay(0.8))

        right = s.route(draft.category, place.unit.code)
        hinted = _hinted_agency(s, issue, place, right)
        if hinted is not None:
            right = hinted
        if right is None:
            reason = "Không xác định được đơn vị có thẩm quyền giải quyết trên địa bàn."
            p.add(Action.REJECT, op, {"reason": reason})
            return
        first = right
        returned = rng.random() < 0.065
        if returned:
            wrong = _wrong_agency(rng, s, place, right)
            if wrong is None:
                returned = False
            else:
                first = wrong
        p.add(Action.FORWARD, op, {"agency": first.code})
        if returned:
            liaison = s.staff.liaisons[first.code]
            p.office(p.delay(4.0, 0.8))
            reason = pick(rng, vocab.RETURN_REASONS).format(other=_agency_text(right))
            p.add(Action.RETURN, liaison, {"reason": reason})
            p.office(p.delay(1.5))
            p.add(Action.FORWARD, self.operator(), {"agency": right.code})
        self.plan_agency(p, report, draft, who, right)

    def plan_agency(
        self,
        p: _Planner,
        report: Report,
        draft: _Draft,
        who: Person | None,
        agency: Agency,
        below: Agency | None = None,
    ) -> None:
        """The agency's part: accept, maybe note progress, resolve; then the reply and the rating.

        ``below`` is the agency a supervisor took the report from (the work is done on the
        instructions of ``agency``).
        """
        rng = self.rng
        s = self.setting
        issue = draft.issue
        slow = s.slowness.get(agency.code, 1.0)
        liaison = s.staff.liaisons[agency.code]
        fate = rng.random()
        if fate < _NEVER_ACCEPTED:
            return  # forwarded, never taken up: open and overdue
        p.office(p.delay(2.5 * slow, 0.8))
        p.add(Action.ACCEPT, liaison, {})
        if fate > 1.0 - _ESCALATED and not any(st.actor.role is Role.SUPERVISOR for st in p.steps):
            higher = _higher_agency(s, draft.place, agency)
            if higher is not None:
                # The agency sits on it; the shift supervisor takes it back and escalates.
                p.office(p.delay(20.0, 0.4))
                note = f"Quá hạn xử lý tại {_agency_text(agency)}, chuyển {_agency_text(higher)} chỉ đạo giải quyết."
                p.add(Action.FORWARD, pick(rng, s.staff.supervisors), {"agency": higher.code, "note": note})
                self.plan_agency(p, report, draft, who, higher, below=agency)
                return
        if fate < _NEVER_ACCEPTED + _NEVER_RESOLVED:
            if rng.random() < 0.5:
                p.office(p.delay(10.0 * slow))
                p.add(Action.NOTE_PROGRESS, liaison, {"note": self.progress_note(issue)})
            return  # accepted, never resolved: open and overdue
        resolution = p.delay(14.0 * slow, 1.0)
        if rng.random() < 0.3:
            p.office(resolution * 0.4)
            p.add(Action.NOTE_PROGRESS, liaison, {"note": self.progress_note(issue)})
            p.office(resolution * 0.6)
        else:
            p.office(resolution)
        place = draft.place
        result = texts.result(
            rng,
            issue,
            agency=_agency_text(agency),
            local=_local(place, agency),
            done=p.t,
            via=_agency_text(below) if below is not None else "",
        )
        proof = rng.random() < 0.45
        payload: dict[str, Any] = {"result": result}
        after = None
        if proof:
            photos = _photos(rng, report.number, p.t, pick(rng, (1, 2)), "result", p.next_photo)
            p.next_photo += len(photos)
            payload["photos"] = [a.id for a in photos]

            def attach(r: Report, photos: list[Attachment] = photos) -> None:
                r.attachments.extend(photos)

            after = attach
        p.add(Action.RESOLVE, liaison, payload, after)
        if rng.random() < _NEVER_PUBLISHED:
            return  # resolved, reply never published
        p.office(p.delay(1.5, 0.8))
        op = self.operator()
        letter, public = texts.reply(rng, issue, result, who=who, province=s.province)
        p.add(Action.PUBLISH_REPLY, op, {"reply": public, "letter": letter})
        if rng.random() < 0.35:
            p.wall(p.delay(20.0, 1.0))
            satisfied = rng.random() < 0.78
            comment = pick(rng, vocab.RATING_GOOD if satisfied else vocab.RATING_BAD)
            p.add(Action.RATE, s.staff.channels[report.channel], {"satisfied": satisfied, "comment": comment})
            if not satisfied and rng.random() < 0.3 and not any(st.action is Action.REOPEN for st in p.steps):
                p.office(p.delay(2.0))
                p.add(Action.REOPEN, op, {"reason": pick(rng, vocab.REOPEN_REASONS)})
                p.office(p.delay(1.0))
                p.add(Action.FORWARD, op, {"agency": agency.code})
                self.plan_agency(p, report, draft, who, agency)

    def play(self, report: Report, steps: list[_Step], now: datetime) -> None:
        s = self.setting
        for step in steps:
            if step.at > now:
                return
            apply_action(report, step.action, step.actor, step.payload, step.at, s.calendar, s.policy)
            if step.after is not None:
                step.after(report)


# --- public API ---------------------------------------------------------------------------------------


def default_count(start: datetime, end: datetime) -> int:
    """About :data:`PER_YEAR` reports a year, in proportion to the period."""
    seconds = max(0.0, (end - start).total_seconds())
    return round(PER_YEAR * seconds / (365.25 * 86400.0))


def generate(
    jurisdiction: Jurisdiction,
    *,
    count: int | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    seed: int = 2020,
    now: datetime | None = None,
) -> Iterator[Report]:
    """Yield a realistic history of reports received between ``start`` and ``end``, oldest first.

    Defaults: ``now`` is the current time, ``end`` is ``now``, ``start`` is one year before ``end``,
    ``count`` is about 600 a year (the source province's first year). Histories go as far as ``now``
    allows. Times are timezone-aware in the jurisdiction's zone; naive arguments are taken as local.
    The same arguments (``now`` included) always give the same reports.
    """
    tz = ZoneInfo(jurisdiction.timezone)

    def aware(value: datetime) -> datetime:
        return value.replace(tzinfo=tz) if value.tzinfo is None else value.astimezone(tz)

    now = aware(now) if now is not None else datetime.now(tz).replace(microsecond=0)
    end = aware(end) if end is not None else now
    start = aware(start) if start is not None else end - timedelta(days=365)
    if end > now:
        raise ValueError("the period cannot end after now")
    if start > end:
        raise ValueError("the period starts after it ends")
    if count is None:
        count = default_count(start, end)
    if count < 0:
        raise ValueError("count cannot be negative")
    return _stream(jurisdiction, count, start, end, seed, now, tz)


def _stream(
    jurisdiction: Jurisdiction,
    count: int,
    start: datetime,
    end: datetime,
    seed: int,
    now: datetime,
    tz: ZoneInfo,
) -> Iterator[Report]:
    generator = _Generator(jurisdiction, seed)
    moments = _arrivals(generator.rng, generator.setting, start, end, count)
    for moment in moments:
        yield generator.report(datetime.fromtimestamp(moment, tz), now)


def new_report(
    jurisdiction: Jurisdiction, rng: random.Random, at: datetime, channel: Channel | None = None
) -> dict[str, Any]:
    """One citizen's report as the fields of an Open311 ``POST requests`` (the feed simulator),
    written in the voice of ``channel`` (by default one of the Open311 channels, drawn by their shares).

    Keys: service_code, description, lat, long, address_string, first_name, last_name, phone, email,
    media_url. Values a citizen left out are empty strings (``lat``/``long`` are ``None`` when the
    message has no point). ``media_url`` names a demo photo (``demo://photo/<seed>.png``).
    """
    generator = _Generator.__new__(_Generator)
    generator.setting = _cached_setting(jurisdiction)
    generator.rng = rng
    tz = generator.setting.tz
    at = at.replace(tzinfo=tz) if at.tzinfo is None else at.astimezone(tz)
    if channel is None:
        channel = pick_weighted(rng, _CHANNELS[:4], _CHANNEL_POSTS)
    category, kind = generator.pick_category()
    issue = generator.pick_issue(kind)
    place = generator.pick_place(issue)
    where = spot(rng, place, issue.tags, site=issue.site)
    lat, lon = coordinates(rng, place, jurisdiction.bbox)
    who, contact = generator.contact(channel, place)
    with_photo = rng.random() < issue.photo * _PHOTO_FACTOR[channel]
    written = texts.describe(
        rng,
        issue,
        where,
        at,
        channel,
        who=who,
        phone=contact.phone,
        province=generator.setting.province,
        unit_label=place.label,
        with_photo=with_photo,
    )
    has_point = rng.random() < 0.85
    first_name, last_name = "", ""
    if who is not None and contact.name:
        first_name, last_name = who.first_name, who.last_name
    media = f"{MEDIA_URL_PREFIX}{rng.randrange(2**31)}.png" if with_photo else ""
    return {
        "service_code": category.code,
        "description": written.text,
        "lat": lat if has_point else None,
        "long": lon if has_point else None,
        "address_string": where.address,
        "first_name": first_name,
        "last_name": last_name,
        "phone": contact.phone,
        "email": contact.email,
        "media_url": media,
    }


_SETTINGS: dict[int, tuple[Jurisdiction, _Setting]] = {}


def _cached_setting(jurisdiction: Jurisdiction) -> _Setting:
    found = _SETTINGS.get(id(jurisdiction))
    if found is None or found[0] is not jurisdiction:
        found = (jurisdiction, _setting(jurisdiction))
        _SETTINGS[id(jurisdiction)] = found
    return found[1]


def media_seed(url: str) -> int | None:
    """The photo seed of a ``demo://photo/<seed>.png`` URL made by :func:`new_report`, else None."""
    if not url.startswith(MEDIA_URL_PREFIX) or not url.endswith(".png"):
        return None
    digits = url[len(MEDIA_URL_PREFIX) : -4]
    return int(digits) if digits.isdigit() else None

"""Public per-agency statistics: ``GET /open311/v2/stats/agencies.{json,xml}``, without signing in.

Counts only, never a report's text, a citizen's name, phone or e-mail, nor an agency's contact
details: per agency (its code and name) and per calendar month of receipt in the jurisdiction's time
zone, for the reports received that month, as they stand now:

* ``received``; ``handled`` (resolved, closed, rejected or merged as a duplicate);
* ``on_time`` / ``late``: handled at or before / after the citizen's reply deadline (no deadline
  running counts as on time), by the domain's definitions (``domain/figures.py``): handled when it
  ended or, resolved and waiting for the IOC's reply, when it was resolved;
* ``overdue``: not handled and past the reply deadline now (counts against ``on_time_rate`` =
  on_time / (on_time + late + overdue));
* ``rated`` / ``satisfied`` and ``satisfaction_rate`` from the citizens' ratings.

Query parameters: ``months`` (1–36, default 12: the current month and the ones before it),
``agency`` (codes, comma-separated), ``jurisdiction_id``. Reports not assigned to an agency count in
the province's ``total`` only. Answers are kept until the hub's data changes (its change counter)
or the minute turns, so that an open endpoint cannot make the database work harder than one query
set a minute per distinct question.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import Integer, and_, case, func, or_, select
from starlette.concurrency import run_in_threadpool

from ioc_console.domain.figures import HANDLED
from ioc_console.hub import schema
from ioc_console.hub.open311 import FORMATS, Open311Error, render
from ioc_console.hub.service import HubService

MAX_MONTHS = 36
_CACHE_SIZE = 64

DEFINITIONS = {
    "vi": (
        "Số liệu theo tháng tiếp nhận. Đã xử lý: đã có kết quả, đã trả lời, từ chối hoặc trùng lặp. "
        "Đúng hạn/trễ hạn: so với hạn trả lời người dân. Quá hạn: chưa xử lý và đã quá hạn trả lời. "
        "Tỷ lệ đúng hạn = đúng hạn / (đúng hạn + trễ hạn + quá hạn)."
    ),
    "en": (
        "Figures by month of receipt. Handled: resolved, replied, rejected or duplicate. On time/late: "
        "against the citizen's reply deadline. Overdue: not handled and past the reply deadline. "
        "On-time rate = on time / (on time + late + overdue)."
    ),
}


def _months_back(now: datetime, tz: ZoneInfo, count: int) -> list[tuple[str, datetime, datetime]]:
    """The last ``count`` calendar months up to ``now``'s (oldest first): label, start, end."""
    local = now.astimezone(tz)
    year, month = local.year, local.month
    result = []
    for _ in range(count):
        start = datetime(year, month, 1, tzinfo=tz)
        end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tz)
        result.append((f"{year:04d}-{month:02d}", start, end))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return result[::-1]


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _entry(counts: Mapping[str, int]) -> dict[str, Any]:
    judged = counts["on_time"] + counts["late"] + counts["overdue"]
    return {
        **counts,
        "on_time_rate": _rate(counts["on_time"], judged),
        "satisfaction_rate": _rate(counts["satisfied"], counts["rated"]),
    }


_FIELDS = ("received", "handled", "on_time", "late", "overdue", "rated", "satisfied")


def _add(into: dict[str, int], counts: Mapping[Any, Any]) -> None:
    for name in _FIELDS:
        into[name] = into.get(name, 0) + int(counts[name])


def agency_statistics(
    service: HubService, *, months: int = 12, agencies: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """The public figures (see the module's notes) as a JSON-ready mapping."""
    r = schema.reports
    pack = service.pack
    tz = ZoneInfo(pack.jurisdiction.timezone)
    now = service.now()
    periods = _months_back(now, tz, months)
    handled = r.c.status.in_(sorted(s.value for s in HANDLED))
    handled_at = r.c.handled_at

    def count(condition: Any) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0).cast(Integer)

    columns = (
        func.count().label("received"),
        count(handled).label("handled"),
        count(and_(handled, or_(r.c.due_at.is_(None), handled_at.is_(None), handled_at <= r.c.due_at))).label(
            "on_time"
        ),
        count(and_(handled, r.c.due_at.is_not(None), handled_at > r.c.due_at)).label("late"),
        count(and_(~handled, r.c.due_at.is_not(None), r.c.due_at < now)).label("overdue"),
        count(r.c.satisfied.is_not(None)).label("rated"),
        count(r.c.satisfied.is_(True)).label("satisfied"),
    )
    scope = [r.c.agency.in_(sorted(agencies))] if agencies else []
    per_agency: dict[str, dict[str, Any]] = {}
    total: dict[str, int] = dict.fromkeys(_FIELDS, 0)
    total_months: list[dict[str, Any]] = []
    with service.db.read() as conn:
        for label, start, end in periods:
            month_total: dict[str, int] = dict.fromkeys(_FIELDS, 0)
            rows = conn.execute(
                select(r.c.agency, *columns)
                .where(r.c.received_at >= start, r.c.received_at < end, *scope)
                .group_by(r.c.agency)
            ).mappings()
            for row in rows:
                _add(month_total, row)
                code = row["agency"]
                if code is None:
                    continue
                entry = per_agency.setdefault(code, {"counts": dict.fromkeys(_FIELDS, 0), "months": {}})
                _add(entry["counts"], row)
                entry["months"][label] = {name: int(row[name]) for name in _FIELDS}
            _add(total, month_total)
            total_months.append({"month": label, **_entry(month_total)})
    known = pack.jurisdiction.agencies
    order = {code: i for i, code in enumerate(known)}
    result = []
    for code in sorted(per_agency, key=lambda c: (order.get(c, len(order)), c)):
        entry = per_agency[code]
        agency = known.get(code)
        result.append(
            {
                "agency_code": code,
                "agency_name": agency.name if agency is not None else code,
                "agency_short_name": agency.short_name if agency is not None else code,
                **_entry(entry["counts"]),
                "months": [
                    {"month": label, **_entry(entry["months"][label])}
                    for label, _s, _e in periods
                    if label in entry["months"]
                ],
            }
        )
    return {
        "jurisdiction_id": pack.jurisdiction.id,
        "generated_at": now.astimezone(tz).isoformat(),
        "timezone": pack.jurisdiction.timezone,
        "months": [label for label, _s, _e in periods],
        "definitions": DEFINITIONS,
        "total": {**_entry(total), "months": total_months},
        "agencies": result,
    }


class _Cache:
    """Answers by question, valid while the hub's change counter and the minute stay the same."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._answers: dict[tuple[Any, ...], dict[str, Any]] = {}

    def get(self, key: tuple[Any, ...]) -> dict[str, Any] | None:
        with self._lock:
            return self._answers.get(key)

    def put(self, key: tuple[Any, ...], value: dict[str, Any]) -> None:
        with self._lock:
            if len(self._answers) >= _CACHE_SIZE:
                self._answers.clear()
            self._answers[key] = value


def build_router(service: HubService) -> APIRouter:
    router = APIRouter(prefix="/open311")
    cache = _Cache()

    def answer(months: int, agencies: frozenset[str]) -> dict[str, Any]:
        now = service.now()
        key = (service.head(), now.replace(second=0, microsecond=0), months, agencies)
        found = cache.get(key)
        if found is None:
            found = agency_statistics(service, months=months, agencies=agencies)
            cache.put(key, found)
        return found

    @router.get("/v2/stats/agencies.{fmt}")
    async def get_agency_stats(request: Request, fmt: str) -> Response:
        """Extension: public counts per agency and per month (no personal data)."""
        if fmt not in FORMATS:
            raise Open311Error(404, f"unknown format {fmt[:10]!r}: use json or xml")
        params = request.query_params
        wanted = params.get("jurisdiction_id")
        if wanted and wanted != service.pack.jurisdiction.id:
            raise Open311Error(404, f"jurisdiction_id {wanted[:40]!r} is not served here")
        raw = params.get("months") or "12"
        try:
            months = int(raw)
        except ValueError:
            months = 0
        if not 1 <= months <= MAX_MONTHS:
            raise Open311Error(
                400, f"months: a whole number from 1 to {MAX_MONTHS} / số tháng từ 1 đến {MAX_MONTHS}"
            )
        codes = frozenset(c.strip() for c in (params.get("agency") or "").split(",") if c.strip())
        if len(codes) > 200:
            raise Open311Error(400, "agency: at most 200 codes / tối đa 200 mã đơn vị")
        body = await run_in_threadpool(answer, months, codes)
        return render(fmt, "agency_statistics", body)

    return router

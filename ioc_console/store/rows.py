"""A report as the store's rows: the values the bulk path writes, and the reference data (ranks,
districts, place names) it needs, as plain dictionaries.

Kept apart from :mod:`ioc_console.store.local` (and free of SQLAlchemy) because a first sync builds
these rows in a process of its own (:mod:`ioc_console.sync.fastfeed`), which should start in a
fraction of a second.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final, NamedTuple

from ioc_console.domain.numbering import NumberScheme
from ioc_console.domain.report import Report
from ioc_console.domain.text import normalize_phone
from ioc_console.store.convert import PRIORITY_RANK, STATUS_RANK, TERMINAL_VALUES

if TYPE_CHECKING:
    from ioc_console.domain.jurisdiction import Jurisdiction

_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND: Final = timedelta(microseconds=1)
_STATUS_RANK: Final = {status.value: rank for status, rank in STATUS_RANK.items()}
_PRIORITY_RANK: Final = {priority.value: rank for priority, rank in PRIORITY_RANK.items()}


class PreparedReport(NamedTuple):
    """A report already turned into the store's rows (by :meth:`RowReference.prepare`, in another
    process during a first sync), its id left out: ``row`` in the order of
    :data:`~ioc_console.store.local.REPORT_COLUMNS` and ``texts`` of
    :data:`~ioc_console.store.local.FULL_TEXT_COLUMNS` (the compact history and attachments included)."""

    number: str
    version: int
    row: tuple[Any, ...]
    texts: tuple[Any, ...]


@dataclass
class RowReference:
    """What the bulk path and the filters need of the jurisdiction, as plain dictionaries."""

    category_rank: dict[str, int]
    agency_rank: dict[str, int]
    unit_rank: dict[str, int]
    district: dict[str, str | None]
    #: Each unit code with itself and every unit below it.
    below: dict[str, frozenset[str]]
    #: Names of a unit and the units above it (the top-level unit left out): ``units.place_names``.
    place_names: dict[str, str]
    #: How the jurisdiction writes report numbers (a search for one finds that report only).
    numbers: NumberScheme = field(default_factory=NumberScheme)

    @classmethod
    def empty(cls) -> RowReference:
        return cls({}, {}, {}, {}, {}, {})

    @classmethod
    def build(
        cls,
        units: Mapping[str, tuple[str, str | None]],
        unit_rank: dict[str, int],
        category_rank: dict[str, int],
        agency_rank: dict[str, int],
        numbers: NumberScheme | None = None,
    ) -> RowReference:
        """From units (code -> name, parent) in pack order."""
        district: dict[str, str | None] = {}
        place: dict[str, str] = {}
        below: dict[str, set[str]] = {code: set() for code in units}
        for code in units:
            chain = unit_chain(units, code)
            district[code] = chain[-2] if len(chain) >= 2 else None
            place[code] = " ".join(units[c][0] for c in (chain[:-1] or chain))
            for ancestor in chain:
                below[ancestor].add(code)
        return cls(
            category_rank=category_rank,
            agency_rank=agency_rank,
            unit_rank=unit_rank,
            district=district,
            below={code: frozenset(codes) for code, codes in below.items()},
            place_names=place,
            numbers=numbers if numbers is not None else NumberScheme(),
        )

    @classmethod
    def of(cls, j: Jurisdiction) -> RowReference:
        return cls.build(
            {u.code: (u.name, u.parent) for u in j.units.values()},
            _unit_ranks(j),
            {code: rank for rank, code in enumerate(j.categories)},
            {code: rank for rank, code in enumerate(j.agencies)},
            j.numbers,
        )

    def row(self, report_id: int, r: Report) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
        """The report's values for ``reports`` and ``report_texts``, in the order of
        :data:`~ioc_console.store.local.REPORT_COLUMNS` and :data:`~ioc_console.store.local.TEXT_COLUMNS`. This is the bulk path's hot loop: enum
        values are read as ``_value_`` and instants converted inline, which spares attribute and
        call overhead on 200,000 reports."""
        location = r.location
        contact = r.contact
        unit = location.unit_code
        status = r.status._value_
        priority = r.priority._value_
        category = r.category
        agency = r.agency
        phone = contact.phone
        epoch, tick = _EPOCH, _MICROSECOND
        received = r.received_at
        if received.tzinfo is None:
            raise ValueError(f"report {r.number}: naive received_at; the store keeps instants")
        updated, started, due, stage_due = r.updated_at, r.stage_started_at, r.due_at, r.stage_due_at
        paused, closed, contacted, forwarded = r.paused_since, r.closed_at, r.first_contact_at, r.forwarded_at
        report = (
            report_id,
            r.number,
            (received - epoch) // tick,
            category,
            self.category_rank.get(category),
            unit,
            None if unit is None else self.unit_rank.get(unit),
            None if unit is None else self.district.get(unit),
            r.channel._value_,
            status,
            _STATUS_RANK[status],
            status in TERMINAL_VALUES,
            agency,
            None if agency is None else self.agency_rank.get(agency),
            priority,
            _PRIORITY_RANK[priority],
            location.lat,
            location.lon,
            (normalize_phone(phone) or None) if phone else None,
            r.satisfied,
            r.duplicate_of,
            r.version,
            None if updated is None else (updated - epoch) // tick,
            None if started is None else (started - epoch) // tick,
            None if due is None else (due - epoch) // tick,
            None if stage_due is None else (stage_due - epoch) // tick,
            None if paused is None else (paused - epoch) // tick,
            r.paused_seconds,
            None if closed is None else (closed - epoch) // tick,
            None if contacted is None else (contacted - epoch) // tick,
            None if forwarded is None else (forwarded - epoch) // tick,
        )
        texts = (
            report_id,
            r.title,
            r.description,
            location.address,
            contact.name,
            phone,
            contact.email,
            r.reply,
            r.result,
            r.rating_comment,
        )
        return report, texts

    def prepare(self, r: Report, history: str, attachments: str) -> PreparedReport:
        """``r`` as rows to write (see :class:`PreparedReport`), with its history and attachments
        as compact texts."""
        row, texts = self.row(0, r)
        return PreparedReport(r.number, r.version, row[1:], (*texts[1:], history, attachments))


def unit_chain(units: Mapping[str, tuple[str, str | None]], code: str) -> list[str]:
    """The unit and the codes above it, up to the top (stops at unknown parents and cycles)."""
    chain = [code]
    parent = units[code][1]
    while parent is not None and parent in units and parent not in chain:
        chain.append(parent)
        parent = units[parent][1]
    return chain


def _unit_ranks(j: Jurisdiction) -> dict[str, int]:
    """Depth-first order of the pack's units: a district, then its wards and communes."""
    children: dict[str | None, list[str]] = {}
    for code, unit in j.units.items():
        parent = unit.parent if unit.parent in j.units else None
        children.setdefault(parent, []).append(code)
    ranks: dict[str, int] = {}
    stack = list(reversed(children.get(None, [])))
    while stack:
        code = stack.pop()
        if code in ranks:
            continue
        ranks[code] = len(ranks)
        stack.extend(reversed(children.get(code, [])))
    for code in j.units:  # units caught in a parent cycle
        ranks.setdefault(code, len(ranks))
    return ranks

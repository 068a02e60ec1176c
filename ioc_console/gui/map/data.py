"""What the map page is told about reports, encoded compactly (no Qt: testable on its own).

A report reaches the page as a few columns (number, latitude, longitude, a style code and a
category) — never its citizen text. The text (title, description, address) is sent one report at a
time when the page asks for it, to open a popup, so 200,000 reports stay small on the wire and in
the page.

The style code packs the status and the deadline state into one small integer::

    code = STATUS_ORDER.index(status) * 4 + DEADLINE_ORDER.index(deadline_state)

and the page learns what each status means (its label and its drawing group) from the ``labels``
message, so that all words and all meaning are decided here, in Python.
"""

from __future__ import annotations

import base64
import sys
from array import array
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from ioc_console.domain.deadlines import DeadlineState, deadline_state
from ioc_console.domain.lifecycle import Status

#: The order of statuses and deadline states in the style code (append only: the page relies on it).
STATUS_ORDER: tuple[Status, ...] = tuple(Status)
DEADLINE_ORDER: tuple[DeadlineState, ...] = (
    DeadlineState.NONE,
    DeadlineState.ON_TRACK,
    DeadlineState.DUE_SOON,
    DeadlineState.OVERDUE,
)

#: Drawing groups of the page (see ioc-map.js): whose move it is.
GROUP_TRIAGE = "triage"  # the IOC's: new, returned, reopened
GROUP_AGENCY = "agency"  # with an agency: forwarded, in progress
GROUP_WAITING = "waiting"  # waiting for the citizen's information
GROUP_RESOLVED = "resolved"  # resolved, the IOC's reply not yet published
GROUP_CLOSED = "closed"  # closed, rejected, duplicate

STATUS_GROUPS: Mapping[Status, str] = {
    Status.NEW: GROUP_TRIAGE,
    Status.RETURNED: GROUP_TRIAGE,
    Status.REOPENED: GROUP_TRIAGE,
    Status.FORWARDED: GROUP_AGENCY,
    Status.IN_PROGRESS: GROUP_AGENCY,
    Status.NEEDS_INFO: GROUP_WAITING,
    Status.RESOLVED: GROUP_RESOLVED,
    Status.CLOSED: GROUP_CLOSED,
    Status.REJECTED: GROUP_CLOSED,
    Status.DUPLICATE: GROUP_CLOSED,
}

_STATUS_INDEX = {status: i for i, status in enumerate(STATUS_ORDER)}
_DEADLINE_INDEX = {state: i for i, state in enumerate(DEADLINE_ORDER)}
_STYLE: dict[tuple[Status, DeadlineState], int] = {
    (status, state): si * 4 + di
    for status, si in _STATUS_INDEX.items()
    for state, di in _DEADLINE_INDEX.items()
}

#: The same table keyed by the members' identities (an Enum hashes in Python, an int in C): the
#: encoder looks a style up 200,000 times for a full set.
_STYLE_BY_ID: dict[int, dict[int, int]] = {
    id(status): {id(state): _STYLE[(status, state)] for state in DEADLINE_ORDER} for status in STATUS_ORDER
}
_NONE_ID = id(DeadlineState.NONE)

#: Coordinates travel as integers in units of 1/COORD_SCALE degree (about 1 m): short, and fast to write.
COORD_SCALE = 100_000


class MapRow(Protocol):
    """What the map needs of a report: any object with these attributes will do.

    ``description``, ``title``, ``address``, ``received_at`` and ``pending`` are read when present;
    a row without ``description`` (the store's :class:`~ioc_console.store.MapPoint`) has its text
    read when the page asks for it (:attr:`MapWidget.details_wanted`).
    """

    @property
    def number(self) -> str: ...
    @property
    def lat(self) -> float | None: ...
    @property
    def lon(self) -> float | None: ...
    @property
    def status(self) -> Status: ...
    @property
    def deadline_state(self) -> DeadlineState | None: ...
    @property
    def category(self) -> str: ...


def has_text(row: MapRow) -> bool:
    """Whether the row carries the report's text (a full :class:`MapReport`), not only its point."""
    return hasattr(row, "description")


@dataclass(frozen=True, slots=True)
class MapReport:
    """A report as the map shows it. The widget also accepts any :class:`MapRow`-shaped object."""

    number: str
    lat: float | None
    lon: float | None
    status: Status
    deadline_state: DeadlineState | None
    category: str = ""
    description: str = ""
    title: str = ""
    address: str = ""
    pending: bool = False


class StoreRow(Protocol):
    """The store's ``ReportRow`` as far as :func:`map_reports` reads it."""

    @property
    def number(self) -> str: ...
    @property
    def lat(self) -> float | None: ...
    @property
    def lon(self) -> float | None: ...
    @property
    def status(self) -> Status: ...
    @property
    def due_at(self) -> datetime | None: ...
    @property
    def closed(self) -> bool: ...
    @property
    def category(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def address(self) -> str: ...
    @property
    def pending(self) -> bool: ...


def map_reports(rows: Iterable[StoreRow], now: datetime, boundary: datetime) -> list[MapReport]:
    """The store's rows as map reports, their deadline state computed at ``now``.

    ``boundary`` is the due-soon boundary (``due_soon_boundary(now, calendar, policy)``).
    """
    return [
        MapReport(
            number=r.number,
            lat=r.lat,
            lon=r.lon,
            status=r.status,
            deadline_state=deadline_state(r.due_at, now, boundary, r.closed),
            category=r.category,
            description=r.description,
            title=r.title,
            address=r.address,
            pending=r.pending,
        )
        for r in rows
    ]


def style_code(status: Status, state: DeadlineState | None) -> int:
    """The style code of a status and deadline state (``None`` counts as no deadline)."""
    return _STYLE[(status, state or DeadlineState.NONE)]


def decode_style(code: int) -> tuple[Status, DeadlineState]:
    return STATUS_ORDER[code // 4], DEADLINE_ORDER[code % 4]


def has_position(row: MapRow) -> bool:
    lat, lon = row.lat, row.lon
    # NaN fails both comparisons.
    return lat is not None and lon is not None and -90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0


def encode_rows(rows: Iterable[MapRow]) -> dict[str, Any]:
    """A chunk of reports as columns, compact enough for 200,000 at a time.

    * ``n``: the numbers, joined by newlines (one string is far cheaper to write and read than a
      list of strings); a list only if some number holds a newline;
    * ``lat``, ``lon``: base64 of little-endian int32, in units of 1/``scale`` degree;
    * ``s``: base64 of uint8 style codes (see :func:`style_code`);
    * ``c``: base64 of little-endian uint16 indexes into ``cats``, the category codes;
    * ``p``: the numbers of reports with a local action not yet acknowledged by the hub.

    Reports without a usable position are left out (the page cannot place them).
    """
    numbers: list[str] = []
    lats = array("i")
    lons = array("i")
    styles = array("B")
    cats = array("H")
    pending: list[str] = []
    cat_index: dict[str, int] = {}
    styles_by_id = _STYLE_BY_ID
    none_id = _NONE_ID
    scale = COORD_SCALE
    add_number, add_lat, add_lon = numbers.append, lats.append, lons.append
    add_style, add_cat = styles.append, cats.append
    for row in rows:
        lat, lon = row.lat, row.lon
        if lat is None or lon is None or not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
            continue
        number = row.number
        add_number(number)
        add_lat(round(lat * scale))
        add_lon(round(lon * scale))
        state = row.deadline_state
        try:
            add_style(styles_by_id[id(row.status)][none_id if state is None else id(state)])
        except KeyError:  # not the enum members themselves (their values, say)
            add_style(style_code(Status(row.status), DeadlineState(state or DeadlineState.NONE)))
        category = row.category or ""
        index = cat_index.get(category)
        if index is None:
            index = cat_index[category] = len(cat_index)
        add_cat(index)
        if getattr(row, "pending", False):
            pending.append(number)
    joined = "\n".join(numbers)
    return {
        "scale": scale,
        "count": len(numbers),
        "n": joined if joined.count("\n") == max(0, len(numbers) - 1) else numbers,
        "lat": _b64(lats),
        "lon": _b64(lons),
        "s": _b64(styles),
        "c": _b64(cats),
        "cats": list(cat_index),
        "p": pending,
    }


def _b64(values: array[int]) -> str:
    if sys.byteorder == "big" and values.itemsize > 1:
        values = array(values.typecode, values)
        values.byteswap()
    return base64.b64encode(values.tobytes()).decode("ascii")


def decode_columns(message: Mapping[str, Any]) -> dict[str, list[Any]]:
    """The inverse of :func:`encode_rows` (for tests and tools): plain lists, coordinates in degrees."""

    def unpack(typecode: str, text: str) -> list[int]:
        values = array(typecode, base64.b64decode(text))
        if sys.byteorder == "big" and values.itemsize > 1:
            values.byteswap()
        return values.tolist()

    numbers = message["n"]
    if isinstance(numbers, str):
        numbers = numbers.split("\n") if message["count"] else []
    scale = message["scale"]
    return {
        "n": list(numbers),
        "lat": [v / scale for v in unpack("i", message["lat"])],
        "lon": [v / scale for v in unpack("i", message["lon"])],
        "s": unpack("B", message["s"]),
        "category": [message["cats"][i] for i in unpack("H", message["c"])],
        "p": list(message["p"]),
    }


def details(row: MapRow, when: Callable[[datetime | None], str] | None = None) -> dict[str, Any]:
    """The citizen's words and where, for the popup: plain strings, shown by the page as text."""
    received = getattr(row, "received_at", None)
    return {
        "n": row.number,
        "title": str(getattr(row, "title", "") or ""),
        "description": str(getattr(row, "description", "") or ""),
        "address": str(getattr(row, "address", "") or ""),
        "received": when(received) if when is not None and isinstance(received, datetime) else "",
    }

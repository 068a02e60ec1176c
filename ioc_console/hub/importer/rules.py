"""Named tolerance rules: each real-world departure from GeoReport v2 the importer accepts.

A rule is a small function with a name and a docstring, registered in :data:`RULES`. It returns the
value it produced and whether it changed anything (``fired``); the readers call it through
:meth:`Tolerated.apply`, which counts every firing and keeps the first few places it fired, so that
an administrator can see exactly what was tolerated in a source's answers (``ioc-hub import`` prints
it). Anything no rule covers is an error with a position, never a silent guess.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., tuple[Any, bool]])
#: Where a rule fired: text, or a function that makes it (called only for the examples kept).
Where = str | Callable[[], str]

#: How many places are kept per rule (counts are always complete).
EXAMPLES_KEPT = 3

XSI = "http://www.w3.org/2001/XMLSchema-instance"


@dataclass(frozen=True)
class Rule:
    name: str
    #: The first paragraph of the rule function's docstring, on one line.
    summary: str
    func: Callable[..., tuple[Any, bool]]


RULES: dict[str, Rule] = {}


def rule(name: str) -> Callable[[F], F]:
    """Register ``func`` as the rule ``name`` (a docstring is required: it is what admins read)."""

    def register(func: F) -> F:
        doc = inspect.getdoc(func)
        if not doc:
            raise ValueError(f"rule {name} has no docstring")
        if name in RULES:
            raise ValueError(f"rule {name} is registered twice")
        summary = " ".join(doc.split("\n\n", 1)[0].split()).replace("``", "")
        RULES[name] = Rule(name, summary, func)
        return func

    return register


@dataclass
class Tolerated:
    """Which rules fired, how often, and where (the first few places)."""

    counts: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[str]] = field(default_factory=dict)

    def fire(self, name: str, where: Where) -> None:
        if name not in RULES:
            raise KeyError(f"unknown rule {name}")
        self.counts[name] = self.counts.get(name, 0) + 1
        kept = self.examples.setdefault(name, [])
        if len(kept) < EXAMPLES_KEPT:
            kept.append(where if isinstance(where, str) else where())

    def apply(self, name: str, where: Where, *args: Any, **kwargs: Any) -> Any:
        """Run rule ``name`` and record it when it fired; returns the rule's value."""
        value, fired = RULES[name].func(*args, **kwargs)
        if fired:
            self.fire(name, where)
        return value

    def merge(self, other: Tolerated) -> None:
        for name, count in other.counts.items():
            self.counts[name] = self.counts.get(name, 0) + count
            kept = self.examples.setdefault(name, [])
            for where in other.examples.get(name, []):
                if len(kept) < EXAMPLES_KEPT:
                    kept.append(where)

    def fired(self) -> set[str]:
        return set(self.counts)

    def lines(self) -> list[str]:
        """One line per rule that fired: ``name ×count: summary (e.g. where)``."""
        out = []
        for name in sorted(self.counts):
            where = "; ".join(self.examples.get(name, []))
            out.append(f"{name} ×{self.counts[name]}: {RULES[name].summary} (e.g. {where})")
        return out


# -- documents -----------------------------------------------------------------------------------------

_STATUS_LINE = re.compile(r"\s*HTTP/\d(?:\.\d)?\s+(\d{3})[^\n]*\n")


@rule("utf8_bom")
def utf8_bom(body: bytes | str) -> tuple[bytes | str, bool]:
    """A body that begins with a UTF-8 byte order mark (as files saved on Windows do): the mark is
    skipped."""
    mark: bytes | str = b"\xef\xbb\xbf" if isinstance(body, bytes) else "\ufeff"
    if body[: len(mark)] == mark:
        return body[len(mark) :], True
    return body, False


@rule("http_status_line")
def http_status_line(text: str) -> tuple[tuple[int, int | None], bool]:
    """A body that begins with an HTTP status line (and headers): skipped up to the first blank line.

    The specification's error examples are written this way (``HTTP/1.1 403 Forbidden`` above the
    document). Returns the offset where the document starts and the status code of that line.
    """
    match = _STATUS_LINE.match(text)
    if match is None:
        return (0, None), False
    end = match.end()
    # Header lines up to a blank line, if there are any.
    blank = re.compile(r"[ \t]*\r?\n")
    header = re.compile(r"[A-Za-z0-9!#$%&'*+.^_`|~-]+:[^\n]*\n")
    while True:
        empty = blank.match(text, end)
        if empty is not None:
            end = empty.end()
            break
        line = header.match(text, end)
        if line is None:
            break
        end = line.end()
    return (end, int(match.group(1))), True


@rule("json_leading_zero")
def json_leading_zero(token: str) -> tuple[str, bool]:
    """A JSON number written with leading zeros (the specification's ``"service_code":001``) is read
    as the text it was written as, ``"001"``, not as the number 1.

    Strict JSON refuses such a token; it is a code, and its zeros matter.
    """
    return token, True


@rule("number_as_text")
def number_as_text(value: int | float | str) -> tuple[str, bool]:
    """An identifier or code sent as a JSON number (``"service_request_id":638344``, ``"zipcode":94122``)
    is read as its text."""
    if isinstance(value, str):
        return value, False
    if isinstance(value, float) and value.is_integer():
        return str(int(value)), True
    return str(value), True


@rule("escaped_slash")
def escaped_slash(raw: str) -> tuple[bool, bool]:
    """``\\/`` inside a JSON string (``"https:\\/\\/host\\/x.jpg"``) is a slash; counted so that the
    admin sees the source writes them (the JSON reader decodes them).

    ``raw`` is the string as written, quotes and escapes included.
    """
    found = bool(re.search(r"(?<!\\)(?:\\\\)*\\/", raw))
    return found, found


@rule("foreign_namespaces")
def foreign_namespaces(declared: Iterable[tuple[str, str]]) -> tuple[list[tuple[str, str]], bool]:
    """Namespace declarations that GeoReport does not use (``xmlns:soapenv``, ``xmlns:m`` on San
    Francisco's root) are ignored: elements are read by their own names."""
    foreign = [(prefix, uri) for prefix, uri in declared if uri != XSI]
    return foreign, bool(foreign)


@rule("namespaced_elements")
def namespaced_elements(tag: str) -> tuple[str, bool]:
    """An element in a namespace (a default ``xmlns="…"`` on the root) is read by its local name."""
    if " " in tag:
        return tag.rsplit(" ", 1)[1], True
    return tag, False


@rule("is_array_attribute")
def is_array_attribute(attributes: Mapping[str, str]) -> tuple[dict[str, str], bool]:
    """The ``is_array="true"`` attribute some serializers put on list elements (Gießen's
    ``<services is_array="true">``) carries nothing and is dropped."""
    rest = {k: v for k, v in attributes.items() if k != "is_array"}
    return rest, len(rest) != len(attributes)


#: The FixMyStreet spelling of the updates root element, which the hub writes too.
UPDATES_ROOT = "service_requests_updates"
UPDATES_ROOT_OTHER = "service_request_updates"


@rule("updates_root_spelling")
def updates_root_spelling(root: str) -> tuple[str, bool]:
    """Both spellings of the updates list are read: FixMyStreet's ``service_requests_updates`` and
    ``service_request_updates`` (singular "request"), which open311-adapter writes."""
    if root == UPDATES_ROOT_OTHER:
        return UPDATES_ROOT, True
    return root, False


@rule("long_before_lat")
def long_before_lat(order: list[str]) -> tuple[bool, bool]:
    """``<long>`` before ``<lat>`` (Toronto's element order) is accepted: fields are read by name,
    never by position."""
    if "long" in order and "lat" in order:
        fired = order.index("long") < order.index("lat")
        return fired, fired
    return False, False


# -- values ---------------------------------------------------------------------------------------------


@rule("xsi_nil")
def xsi_nil(attributes: Mapping[str, str]) -> tuple[bool, bool]:
    """An element marked ``xsi:nil="true"`` (San Francisco's ``<updated_datetime xsi:nil="true"/>``) has
    no value."""
    nil = attributes.get(f"{XSI} nil", "").strip().lower() in ("true", "1")
    return nil, nil


@rule("omitted_key")
def omitted_key(present: bool) -> tuple[None, bool]:
    """A field the specification lists but the record leaves out altogether (Chicago has no
    ``description``, San Francisco no ``media_url``) has no value, the same as ``null``."""
    return None, not present


@rule("empty_string")
def empty_string(value: str) -> tuple[str | None, bool]:
    """A JSON ``""`` where a value may be absent (Bloomington's ``"address":""``, ``"media_url":""``)
    means no value, the same as ``null``."""
    if value.strip():
        return value, False
    return None, True


@rule("padded_text")
def padded_text(value: str) -> tuple[str, bool]:
    """Spaces and line breaks around a value (``"…/638344.jpg "``, a ``service_notice`` indented in
    its element) are trimmed."""
    stripped = value.strip()
    return stripped, stripped != value


@rule("padded_address")
def padded_address(value: str) -> tuple[str, bool]:
    """An address padded and spaced by a fixed-width system (``"     SAN FRANCISCO , CA "``,
    ``"INTERSECTION  of  HAIGHT ST  and  MASONIC AVE"``) is trimmed and its runs of spaces made one."""
    cleaned = " ".join(value.split())
    return cleaned, cleaned != value


@rule("crlf_newlines")
def crlf_newlines(value: str) -> tuple[str, bool]:
    """Windows line ends in a text (``"…traffic.\\r\\n\\r\\nThanks."``) become ``\\n``."""
    if "\r" not in value:
        return value, False
    return value.replace("\r\n", "\n").replace("\r", "\n"), True


@rule("status_case")
def status_case(value: str) -> tuple[str, bool]:
    """A status written in capitals (San Francisco's ``Open``/``Closed``) is read in lower case, the
    specification's ``open``/``closed``."""
    lowered = value.strip().lower()
    return lowered, lowered != value.strip()


@rule("underscored_service_name")
def underscored_service_name(value: str) -> tuple[str, bool]:
    """Underscores in a service name used as spaces (``Cans_Left_Out_24x7``) become spaces; the
    service code is kept as sent."""
    if "_" not in value:
        return value, False
    return " ".join(value.replace("_", " ").split()), True


@rule("datetime_empty")
def datetime_empty(value: str) -> tuple[str | None, bool]:
    """An empty date and time (Toronto's ``<updated_datetime/>``) has no value."""
    if value.strip():
        return value, False
    return None, True


_SPACE_SEPARATED = re.compile(r"^(\d{4}-\d{2}-\d{2}) +(\d{2}:\d{2})")


@rule("datetime_space_separator")
def datetime_space_separator(value: str) -> tuple[str, bool]:
    """A space between date and time (``2012-05-22 23:57:23.97``) instead of ISO 8601's ``T``."""
    match = _SPACE_SEPARATED.match(value)
    if match is None:
        return value, False
    return f"{match.group(1)}T{match.group(2)}{value[match.end() :]}", True


_FRACTION = re.compile(r"(T\d{2}:\d{2}:\d{2})[.,](\d+)")


@rule("datetime_fraction")
def datetime_fraction(value: str) -> tuple[str, bool]:
    """Fractional seconds (``23:57:23.97``, ``08:30:00.0``), which the specification's format has not,
    are kept to the microsecond (shorter fractions padded, longer ones cut)."""
    match = _FRACTION.search(value)
    if match is None:
        return value, False
    digits = (match.group(2) + "000000")[:6]
    return f"{value[: match.start()]}{match.group(1)}.{digits}{value[match.end() :]}", True


@rule("datetime_without_zone")
def datetime_without_zone(value: datetime, zone: tzinfo) -> tuple[datetime, bool]:
    """A date and time without a zone (San Francisco's) is taken in the source's configured zone
    (UTC unless the source is configured otherwise)."""
    if value.tzinfo is not None:
        return value, False
    return value.replace(tzinfo=zone), True


@rule("zero_coordinates")
def zero_coordinates(lat: float, lon: float) -> tuple[tuple[float | None, float | None], bool]:
    """Latitude and longitude both 0 (``0`` in Bloomington, ``0.0`` in San Francisco) mean the place is
    unknown, not a point in the Gulf of Guinea."""
    if lat == 0 and lon == 0:
        return (None, None), True
    return (lat, lon), False


@rule("coordinates_blank")
def coordinates_blank(lat: Any, lon: Any) -> tuple[tuple[None, None], bool]:
    """Coordinates given as ``null`` or ``""`` (Bloomington's ``"lat":null``), or only one of the two,
    mean the place is unknown; neither is kept."""
    return (None, None), True


@rule("zipcode_zero")
def zipcode_zero(value: str) -> tuple[str | None, bool]:
    """A zip code ``0`` (San Francisco's placeholder) means no zip code."""
    if value.strip("0 ") == "" and value.strip():
        return None, True
    return value, False


__all__ = ["RULES", "Rule", "Tolerated", "rule"]

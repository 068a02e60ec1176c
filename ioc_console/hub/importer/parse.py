"""A tolerant reader of other servers' GeoReport v2 answers: requests, services and request updates.

Input is the body as received (bytes), in JSON or XML; output is typed (:class:`ServiceRequest`,
:class:`Service`, :class:`RequestUpdate`) in a :class:`Parsed` that also says which tolerance rules
fired (:mod:`.rules`) and which records could not be read. Three kinds of failure, each located:

* the document cannot be read at all (broken XML, not JSON, the wrong root): :class:`ParseError`
  with the source, line and column;
* the body is the server's error document (``<errors>`` or ``[{"code", "description"}]``):
  :class:`RemoteError` with the server's codes and descriptions;
* one record is unusable (no id, a date that is not a date): a :class:`RecordError` in
  ``Parsed.errors`` naming the record, the field and its position; the other records are kept.

Times come out timezone-aware (a time without a zone is taken in the source's zone); identifiers and
codes come out as text, exactly as written.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any, Generic, Literal, TypeVar

from ioc_console.hub.importer.readers import (
    JArray,
    JObject,
    Lines,
    ParseError,
    XNode,
    read_json,
    read_xml,
)
from ioc_console.hub.importer.rules import UPDATES_ROOT, Tolerated

Format = Literal["json", "xml"]
FORMATS: tuple[Format, ...] = ("json", "xml")
T = TypeVar("T")

#: Fields of a request in GeoReport v2 (GET requests); others are kept in ``extra``.
REQUEST_FIELDS = (
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
)
SERVICE_FIELDS = ("service_code", "service_name", "description", "metadata", "type", "keywords", "group")
UPDATE_FIELDS = (
    "update_id",
    "service_request_id",
    "status",
    "updated_datetime",
    "description",
    "media_url",
)
#: Optional in the extension's documents; not reported as omitted.
_OPTIONAL = {"token", "external_status_code"}


# -- results ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceRequest:
    service_request_id: str
    status: str
    status_notes: str | None = None
    service_name: str | None = None
    service_code: str | None = None
    description: str | None = None
    agency_responsible: str | None = None
    service_notice: str | None = None
    requested_datetime: datetime | None = None
    updated_datetime: datetime | None = None
    expected_datetime: datetime | None = None
    address: str | None = None
    address_id: str | None = None
    zipcode: str | None = None
    lat: float | None = None
    long: float | None = None
    media_url: str | None = None
    token: str | None = None
    #: Fields outside the specification (``attributes``, ``extended_attributes``, ``notes``...).
    extra: Mapping[str, Any] = field(default_factory=dict)
    #: Where the record is in the document ("request 3, line 1, column 2045").
    where: str = ""

    @property
    def closed(self) -> bool:
        return self.status == "closed"


@dataclass(frozen=True)
class Service:
    service_code: str
    service_name: str | None = None
    description: str | None = None
    metadata: bool = False
    type: str | None = None
    keywords: tuple[str, ...] = ()
    group: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    where: str = ""


@dataclass(frozen=True)
class RequestUpdate:
    update_id: str
    service_request_id: str
    status: str
    updated_datetime: datetime | None = None
    description: str | None = None
    external_status_code: str | None = None
    media_url: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    where: str = ""


@dataclass(frozen=True)
class RecordError:
    """A record that was left out, and why."""

    source: str
    kind: str
    index: int
    ident: str | None
    field: str | None
    where: str
    message: str

    def __str__(self) -> str:
        ident = f" (id {self.ident})" if self.ident else ""
        name = f" {self.field}:" if self.field else ""
        return f"{self.source}: {self.kind} {self.index}{ident}, {self.where}:{name} {self.message}"


class RemoteError(Exception):
    """The server answered with its error document (or an HTTP error status)."""

    def __init__(self, source: str, status: int | None, errors: Sequence[tuple[str, str]]) -> None:
        self.source = source
        self.status = status
        self.errors = tuple(errors)
        super().__init__(str(self))

    def __str__(self) -> str:
        status = f" HTTP {self.status}" if self.status is not None else ""
        text = "; ".join(
            f"{code}: {description}" if code else description for code, description in self.errors
        )
        return f"{self.source}: the server answered with an error{status}: {text or '(no description)'}"


@dataclass(frozen=True)
class Parsed(Generic[T]):
    source: str
    kind: str
    items: tuple[T, ...]
    tolerated: Tolerated
    errors: tuple[RecordError, ...] = ()

    @property
    def records(self) -> int:
        """How many records the document held (read or not)."""
        return len(self.items) + len(self.errors)


# -- one record, from JSON or XML ---------------------------------------------------------------------

_NIL = object()


class _Bad(Exception):
    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class _Record:
    """Uniform access to one record's fields with their positions."""

    fmt: Format
    label: str

    def present(self, name: str) -> bool:
        raise NotImplementedError

    def raw(self, name: str) -> Any:
        """The value as sent: JSON's value, or an XML element's text (``_NIL`` for ``xsi:nil``)."""
        raise NotImplementedError

    def where(self, name: str | None = None) -> str:
        raise NotImplementedError

    def names(self) -> list[str]:
        raise NotImplementedError

    def plain(self, name: str) -> Any:
        """An extra field as plain data."""
        raise NotImplementedError


class _JsonRecord(_Record):
    fmt: Format = "json"

    def __init__(self, obj: JObject, lines: Lines, label: str) -> None:
        self.obj = obj
        self.lines = lines
        self.label = label

    def present(self, name: str) -> bool:
        return name in self.obj

    def raw(self, name: str) -> Any:
        return self.obj.get(name)

    def where(self, name: str | None = None) -> str:
        pos = self.obj.value_pos.get(name, self.obj.pos) if name else self.obj.pos
        return f"{self.label}, {self.lines.where(pos)}"

    def names(self) -> list[str]:
        return list(self.obj)

    def plain(self, name: str) -> Any:
        return self.obj.get(name)


def _xml_plain(node: XNode) -> Any:
    if not node.children:
        return node.text.strip()
    out: dict[str, Any] = {}
    for child in node.children:
        value = _xml_plain(child)
        if child.tag in out:
            previous = out[child.tag]
            out[child.tag] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            out[child.tag] = value
    return out


class _XmlRecord(_Record):
    fmt: Format = "xml"

    def __init__(self, node: XNode, label: str, tolerated: Tolerated) -> None:
        self.node = node
        self.label = label
        self.tolerated = tolerated
        self.fields: dict[str, XNode] = {}
        for child in node.children:
            self.fields.setdefault(child.tag, child)

    def present(self, name: str) -> bool:
        return name in self.fields

    def raw(self, name: str) -> Any:
        child = self.fields.get(name)
        if child is None:
            return None
        if self.tolerated.apply("xsi_nil", lambda: self.where(name), child.attrs):
            return _NIL
        if child.children:
            raise _Bad(name, "expected a value, found nested elements")
        return child.text

    def where(self, name: str | None = None) -> str:
        node = self.fields.get(name, self.node) if name else self.node
        return f"{self.label}, line {node.line}, column {node.column}"

    def names(self) -> list[str]:
        return [child.tag for child in self.node.children]

    def plain(self, name: str) -> Any:
        child = self.fields.get(name)
        return None if child is None else _xml_plain(child)


class _Fields:
    """Converters from a record's raw values to typed values, applying the rules."""

    def __init__(self, record: _Record, tolerated: Tolerated, zone: tzinfo) -> None:
        self.r = record
        self.t = tolerated
        self.zone = zone

    def _value(self, name: str) -> Any:
        """The raw value, or None for every spelling of "no value" (each counted by its rule)."""
        r = self.r
        if not r.present(name):
            return self.t.apply("omitted_key", lambda: f"{r.where()}: {name}", False)
        value = r.raw(name)
        if value is _NIL or value is None:
            return None
        if isinstance(value, str) and not value.strip():
            if r.fmt == "json":
                return self.t.apply("empty_string", lambda: r.where(name), value)
            return None
        return value

    def text(self, name: str, *, multiline: bool = False, address: bool = False) -> str | None:
        value = self._value(name)
        if value is None:
            return None
        where = lambda: self.r.where(name)  # noqa: E731
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise _Bad(name, f"expected text, found {_kind(value)}")
        if not isinstance(value, str):
            value = self.t.apply("number_as_text", where, value)
        assert isinstance(value, str)
        if multiline:
            value = self.t.apply("crlf_newlines", where, value)
        if address:
            return str(self.t.apply("padded_address", where, value))
        return str(self.t.apply("padded_text", where, value))

    def required(self, name: str) -> str:
        value = self.text(name)
        if value is None:
            raise _Bad(name, "is required")
        return value

    def status(self, name: str = "status") -> str:
        value = self.required(name)
        return str(self.t.apply("status_case", lambda: self.r.where(name), value))

    def when(self, name: str) -> datetime | None:
        r = self.r
        if not r.present(name):
            self.t.apply("omitted_key", lambda: f"{r.where()}: {name}", False)
            return None
        raw = r.raw(name)
        if raw is _NIL or raw is None:
            return None
        where = lambda: r.where(name)  # noqa: E731
        if not isinstance(raw, str):
            raise _Bad(name, f"expected a date and time, found {_kind(raw)}")
        text = self.t.apply("datetime_empty", where, raw)
        if text is None:
            return None
        text = self.t.apply("padded_text", where, text)
        text = self.t.apply("datetime_space_separator", where, text)
        text = self.t.apply("datetime_fraction", where, text)
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise _Bad(name, f"not a date and time: {raw[:40]!r}") from None
        result: datetime = self.t.apply("datetime_without_zone", where, moment, self.zone)
        return result

    def _number(self, name: str) -> tuple[float | None, bool]:
        """(value, blank): blank is True for null, "" or an empty element."""
        r = self.r
        if not r.present(name):
            self.t.apply("omitted_key", lambda: f"{r.where()}: {name}", False)
            return None, False
        raw = r.raw(name)
        if raw is _NIL or raw is None or (isinstance(raw, str) and not raw.strip()):
            return None, True
        if isinstance(raw, bool):
            raise _Bad(name, "expected a number, found true/false")
        if isinstance(raw, str):
            try:
                number = float(raw.strip())
            except ValueError:
                raise _Bad(name, f"not a number: {raw[:40]!r}") from None
        elif isinstance(raw, int | float):
            number = float(raw)
        else:
            raise _Bad(name, f"expected a number, found {_kind(raw)}")
        if not math.isfinite(number):
            raise _Bad(name, f"not a number: {raw!r}")
        return number, False

    def coordinates(self) -> tuple[float | None, float | None]:
        r = self.r
        if r.fmt == "xml":
            self.t.apply("long_before_lat", lambda: r.where("long"), r.names())
        lat, lat_blank = self._number("lat")
        lon, lon_blank = self._number("long")
        if lat is None or lon is None:
            if lat_blank or lon_blank or (lat is None) != (lon is None):
                self.t.apply("coordinates_blank", lambda: r.where("lat"), lat, lon)
            return None, None
        pair: tuple[float | None, float | None] = self.t.apply(
            "zero_coordinates", lambda: r.where("lat"), lat, lon
        )
        if pair[0] is None:
            return pair
        if not -90 <= lat <= 90:
            raise _Bad("lat", f"latitude {lat} is out of range")
        if not -180 <= lon <= 180:
            raise _Bad("long", f"longitude {lon} is out of range")
        return pair

    def zipcode(self) -> str | None:
        value = self.text("zipcode")
        if value is None:
            return None
        result: str | None = self.t.apply("zipcode_zero", lambda: self.r.where("zipcode"), value)
        return result

    def flag(self, name: str) -> bool:
        value = self._value(name)
        if value is None:
            return False
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        raise _Bad(name, f"expected true or false, found {str(value)[:20]!r}")

    def keywords(self) -> tuple[str, ...]:
        value = self._value("keywords")
        if value is None:
            return ()
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return tuple(v.strip() for v in value if v.strip())
        if not isinstance(value, str):
            raise _Bad("keywords", f"expected text, found {_kind(value)}")
        return tuple(part.strip() for part in value.split(",") if part.strip())

    def extra(self, known: Sequence[str]) -> dict[str, Any]:
        return {name: self.r.plain(name) for name in self.r.names() if name not in known}


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true/false"
    return type(value).__name__


def _request(f: _Fields) -> ServiceRequest:
    lat, lon = f.coordinates()
    service_name = f.text("service_name")
    if service_name is not None:
        service_name = f.t.apply("underscored_service_name", lambda: f.r.where("service_name"), service_name)
    return ServiceRequest(
        service_request_id=f.required("service_request_id"),
        status=f.status(),
        status_notes=f.text("status_notes", multiline=True),
        service_name=service_name,
        service_code=f.text("service_code"),
        description=f.text("description", multiline=True),
        agency_responsible=f.text("agency_responsible"),
        service_notice=f.text("service_notice", multiline=True),
        requested_datetime=f.when("requested_datetime"),
        updated_datetime=f.when("updated_datetime"),
        expected_datetime=f.when("expected_datetime"),
        address=f.text("address", address=True),
        address_id=f.text("address_id"),
        zipcode=f.zipcode(),
        lat=lat,
        long=lon,
        media_url=f.text("media_url"),
        token=f.text("token") if f.r.present("token") else None,
        extra=f.extra((*REQUEST_FIELDS, "token")),
        where=f.r.where(),
    )


def _service(f: _Fields) -> Service:
    name = f.text("service_name")
    if name is not None:
        name = f.t.apply("underscored_service_name", lambda: f.r.where("service_name"), name)
    return Service(
        service_code=f.required("service_code"),
        service_name=name,
        description=f.text("description", multiline=True),
        metadata=f.flag("metadata"),
        type=f.text("type"),
        keywords=f.keywords(),
        group=f.text("group"),
        extra=f.extra(SERVICE_FIELDS),
        where=f.r.where(),
    )


def _update(f: _Fields) -> RequestUpdate:
    return RequestUpdate(
        update_id=f.required("update_id"),
        service_request_id=f.required("service_request_id"),
        status=f.status(),
        updated_datetime=f.when("updated_datetime"),
        description=f.text("description", multiline=True),
        external_status_code=f.text("external_status_code") if f.r.present("external_status_code") else None,
        media_url=f.text("media_url"),
        extra=f.extra((*UPDATE_FIELDS, "external_status_code")),
        where=f.r.where(),
    )


@dataclass(frozen=True)
class _Kind:
    name: str  # "request"
    roots: tuple[str, ...]  # XML root element names
    item: str  # XML item element name
    ident: str  # the identifying field
    build: Callable[[_Fields], Any]


_REQUESTS = _Kind("request", ("service_requests",), "request", "service_request_id", _request)
_SERVICES = _Kind("service", ("services",), "service", "service_code", _service)
_UPDATES = _Kind("request_update", (UPDATES_ROOT,), "request_update", "update_id", _update)


# -- documents ----------------------------------------------------------------------------------------


def _text_of(body: bytes | str, source: str) -> str:
    if isinstance(body, str):
        return body
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        line = body.count(b"\n", 0, error.start) + 1
        column = error.start - (body.rfind(b"\n", 0, error.start) + 1) + 1
        raise ParseError(source, "the body is not UTF-8 text", line=line, column=column) from None


def _prefix(body: bytes | str, tolerated: Tolerated) -> tuple[int, int | None]:
    """Offset where the document starts (after an HTTP status line) and that line's status."""
    head = body[:4096] if isinstance(body, str) else body[:4096].decode("latin-1")
    result: tuple[int, int | None] = tolerated.apply("http_status_line", "start of the body", head)
    return result


def _check_format(text: str, fmt: Format, source: str, start: int) -> None:
    stripped = text[start:].lstrip("\ufeff \t\r\n")
    first = stripped[:1]
    expected = ("<",) if fmt == "xml" else ("[", "{")
    if first in expected and first:
        return
    line, column = Lines(text).at(len(text) - len(stripped))
    found = f"the body starts with {stripped[:20]!r}" if stripped else "the body is empty"
    raise ParseError(source, f"expected {fmt.upper()}, {found}", line=line, column=column)


def _json_errors(value: Any) -> list[tuple[str, str]] | None:
    """The (code, description) pairs when ``value`` is a GeoReport error document."""
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(i, dict) and "description" in i and "code" in i for i in items):
        return None
    if any(k in i for i in items for k in ("service_request_id", "service_code", "update_id")):
        return None
    return [
        (str(i.get("code") if i.get("code") is not None else ""), str(i.get("description") or ""))
        for i in items
    ]


def _xml_errors(root: XNode) -> list[tuple[str, str]]:
    out = []
    for error in root.children:
        fields = {child.tag: child.text.strip() for child in error.children}
        out.append((fields.get("code", ""), fields.get("description", "")))
    return out


def _records(
    kind: _Kind, body: bytes | str, fmt: Format, source: str, tolerated: Tolerated
) -> Iterator[_Record]:
    start, status = _prefix(body, tolerated)
    if fmt == "json":
        text = _text_of(body, source)
        _check_format(text, fmt, source, start)
        lines = Lines(text)
        root = read_json(text, start, tolerated, source, lines)
        errors = _json_errors(root)
        if errors is not None:
            raise RemoteError(source, status, errors)
        if not isinstance(root, JArray):
            line, column = lines.at(root.pos if isinstance(root, JObject) else start)
            raise ParseError(
                source, f"expected a JSON list of {kind.name}s, found {_kind(root)}", line=line, column=column
            )
        for index, (item, pos) in enumerate(zip(root, root.item_pos, strict=True), start=1):
            label = f"{kind.name} {index}"
            if not isinstance(item, JObject):
                yield _Unusable(label, f"expected an object, found {_kind(item)}", lines.where(pos))
                continue
            yield _JsonRecord(item, lines, label)
        return
    data = body.encode("utf-8") if isinstance(body, str) else body
    skipped = data[:start].count(b"\n")
    _check_format(data.decode("latin-1"), fmt, source, start)
    doc = read_xml(data[start:], skipped, tolerated, source)
    root = doc.root
    tolerated.apply("foreign_namespaces", f"<{root.tag}>, line {root.line}", doc.namespaces)
    tolerated.apply("is_array_attribute", f"<{root.tag}>, line {root.line}", root.attrs)
    if root.tag == "errors":
        raise RemoteError(source, status, _xml_errors(root))
    name = root.tag
    if kind is _UPDATES:
        name = tolerated.apply("updates_root_spelling", f"<{root.tag}>, line {root.line}", name)
    if name not in kind.roots:
        raise ParseError(
            source,
            f"expected <{kind.roots[0]}> as the root element, found <{root.tag}>",
            line=root.line,
            column=root.column,
        )
    for index, child in enumerate(root.children, start=1):
        label = f"{kind.name} {index}"
        if child.tag != kind.item:
            where = f"line {child.line}, column {child.column}"
            yield _Unusable(label, f"unexpected element <{child.tag}> (expected <{kind.item}>)", where)
            continue
        child.attrs = tolerated.apply("is_array_attribute", f"<{child.tag}>, line {child.line}", child.attrs)
        yield _XmlRecord(child, label, tolerated)


class _Unusable(_Record):
    """A list item that is not a record at all."""

    def __init__(self, label: str, message: str, where: str) -> None:
        self.label = label
        self.message = message
        self._where = where

    def where(self, name: str | None = None) -> str:
        return f"{self.label}, {self._where}"


def _parse(kind: _Kind, body: bytes | str, fmt: Format, source: str, zone: tzinfo) -> Parsed[Any]:
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r}: use json or xml")
    tolerated = Tolerated()
    body = tolerated.apply("utf8_bom", "start of the body", body)
    items: list[Any] = []
    errors: list[RecordError] = []
    for index, record in enumerate(_records(kind, body, fmt, source, tolerated), start=1):
        if isinstance(record, _Unusable):
            errors.append(RecordError(source, kind.name, index, None, None, record._where, record.message))
            continue
        try:
            items.append(kind.build(_Fields(record, tolerated, zone)))
        except _Bad as bad:
            ident = None
            try:
                raw = record.raw(kind.ident)
                ident = str(raw).strip() if isinstance(raw, str | int | float) and str(raw).strip() else None
            except _Bad:
                pass
            where = record.where(bad.field) if bad.field else record.where()
            where = where.split(", ", 1)[1] if ", " in where else where
            errors.append(RecordError(source, kind.name, index, ident, bad.field, where, bad.message))
    return Parsed(source, kind.name, tuple(items), tolerated, tuple(errors))


def parse_requests(
    body: bytes | str, fmt: Format, *, source: str, zone: tzinfo = UTC
) -> Parsed[ServiceRequest]:
    """Requests of a ``GET requests`` (or ``GET requests/{id}``) answer."""
    parsed: Parsed[ServiceRequest] = _parse(_REQUESTS, body, fmt, source, zone)
    return parsed


def parse_services(body: bytes | str, fmt: Format, *, source: str, zone: tzinfo = UTC) -> Parsed[Service]:
    """Services of a ``GET services`` answer."""
    parsed: Parsed[Service] = _parse(_SERVICES, body, fmt, source, zone)
    return parsed


def parse_updates(
    body: bytes | str, fmt: Format, *, source: str, zone: tzinfo = UTC
) -> Parsed[RequestUpdate]:
    """Updates of a ``GET servicerequestupdates`` answer (FixMyStreet's extension)."""
    parsed: Parsed[RequestUpdate] = _parse(_UPDATES, body, fmt, source, zone)
    return parsed


def parse_error_body(
    body: bytes | str, fmt: Format, *, source: str, status: int | None = None
) -> RemoteError:
    """What an error answer says; a body that is not an error document is quoted briefly."""
    tolerated = Tolerated()
    body = tolerated.apply("utf8_bom", "start of the body", body)
    try:
        start, line_status = _prefix(body, tolerated)
        status = status if status is not None else line_status
        if fmt == "json":
            text = _text_of(body, source)
            root = read_json(text, start, tolerated, source, Lines(text))
            errors = _json_errors(root)
            if errors is not None:
                return RemoteError(source, status, errors)
        else:
            data = body.encode("utf-8") if isinstance(body, str) else body
            doc = read_xml(data[start:], data[:start].count(b"\n"), tolerated, source)
            if doc.root.tag == "errors":
                return RemoteError(source, status, _xml_errors(doc.root))
    except ParseError:
        pass
    text = body if isinstance(body, str) else body[:2000].decode("utf-8", "replace")
    snippet = " ".join(text.split())[:200]
    return RemoteError(source, status, [("", snippet)] if snippet else [])


def sniff_format(body: bytes) -> Format | None:
    """``xml`` or ``json`` by the body's first character (after an HTTP status line), else None."""
    start, _ = _prefix(body, Tolerated())
    first = body[start:].lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if first == b"<":
        return "xml"
    if first in (b"[", b"{"):
        return "json"
    return None


__all__ = [
    "FORMATS",
    "Format",
    "ParseError",
    "Parsed",
    "RecordError",
    "RemoteError",
    "RequestUpdate",
    "Service",
    "ServiceRequest",
    "parse_error_body",
    "parse_requests",
    "parse_services",
    "parse_updates",
    "sniff_format",
]

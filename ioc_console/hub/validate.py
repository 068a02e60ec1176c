"""Checks of untrusted input shared by Open311 and the staff API: plain text, locations, media URLs.

Citizen and staff text is stored verbatim, as plain text: a citizen who writes "ở <gần chợ Phan
Rang>" keeps their words. What protects every reader is that text is escaped wherever it is shown
(the console's views and map, Open311's XML), never a guess at what looks like markup. Only
control characters are refused (NUL above all, which PostgreSQL cannot store).
"""

from __future__ import annotations

import math
import re
from typing import Any
from urllib.parse import urlsplit

from ioc_console.domain.errors import ValidationError
from ioc_console.domain.jurisdiction import Jurisdiction
from ioc_console.domain.report import Location
from ioc_console.domain.text import fold, has_control_characters

MAX_DESCRIPTION = 4000
MAX_ADDRESS = 500
MAX_TITLE = 200
MAX_NAME = 200
MAX_URL = 2000


class InputError(ValidationError):
    """A hub-level input refusal (its code is in the hub's catalog)."""


def plain_text(field: str, value: Any, *, limit: int, required: bool = False) -> str:
    """``value`` as checked plain text (stripped), or a :class:`ValidationError` naming ``field``."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError("field.invalid", field=field, detail=type(value).__name__)
    if has_control_characters(value):
        raise InputError("text.control", field=field)
    text: str = value.strip()
    if required and not text:
        raise ValidationError("field.required", field=field)
    if len(text) > limit:
        raise ValidationError("field.too_long", field=field, limit=limit)
    return text


def check_payload_text(payload: dict[str, Any], limits: dict[str, int], default_limit: int = 8000) -> None:
    """Every string in an action's payload (nested too) is plain text within its limit."""

    def walk(path: str, value: Any, depth: int) -> None:
        if depth > 5:
            raise ValidationError("field.invalid", field=path, detail="nested too deeply")
        if isinstance(value, str):
            plain_text(path, value, limit=limits.get(path, default_limit))
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(path if depth else str(key), item, depth + 1)
        elif isinstance(value, list):
            if len(value) > 100:
                raise ValidationError("field.invalid", field=path, detail="too many items")
            for item in value:
                walk(path, item, depth + 1)

    for key, value in payload.items():
        walk(str(key), value, 0)


def coordinate(field: str, raw: Any, low: float, high: float) -> float | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        raise ValidationError("field.invalid", field=field, detail=str(raw))
    try:
        number = float(raw)
    except (TypeError, ValueError):
        raise ValidationError("field.invalid", field=field, detail=str(raw)[:50]) from None
    if not math.isfinite(number) or not low <= number <= high:
        raise ValidationError("field.invalid", field=field, detail=str(raw)[:50])
    return number


#: The demo's own photos (``demo://photo/<seed>.png``), accepted only by a demo hub.
DEMO_MEDIA = re.compile(r"demo://photo/[0-9]{1,12}\.png")


def media_url(value: Any, *, allow_demo: bool = False) -> str:
    url = plain_text("media_url", value, limit=MAX_URL)
    if not url:
        return ""
    if allow_demo and DEMO_MEDIA.fullmatch(url):
        return url
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in url):
        raise ValidationError("field.invalid", field="media_url", detail=url[:100])
    return url


def unit_from_address(jurisdiction: Jurisdiction, address: str) -> str | None:
    """The most specific unit whose name (folded, without its kind word) appears in ``address``."""
    folded = f" {fold(address)} "
    if not folded.strip():
        return None
    best: tuple[int, str] | None = None
    for unit in jurisdiction.units.values():
        name = fold(unit.name)
        words = name.split()
        candidates = {name}
        # "Phường Đô Vinh" is often written "Đô Vinh", "Huyện Ninh Hải" as "Ninh Hải".
        for prefix in ("phuong", "xa", "thi tran", "huyen", "thanh pho", "thi xa", "tinh", "quan"):
            if name.startswith(prefix + " ") and len(words) > len(prefix.split()) + 1:
                candidates.add(name[len(prefix) + 1 :])
        depth = len(jurisdiction.ancestors(unit.code))
        for candidate in candidates:
            if f" {candidate} " in folded and (best is None or depth > best[0]):
                best = (depth, unit.code)
    return None if best is None else best[1]


def resolve_location(
    jurisdiction: Jurisdiction,
    *,
    lat: Any,
    lon: Any,
    address: Any,
    unit_code: Any,
    lat_field: str = "lat",
    lon_field: str = "lon",
    required: bool = True,
) -> Location:
    """A checked location inside the jurisdiction: coordinates (with their unit), a unit, or an address."""
    flat = coordinate(lat_field, lat, -90.0, 90.0)
    flon = coordinate(lon_field, lon, -180.0, 180.0)
    if (flat is None) != (flon is None):
        missing = lon_field if flon is None else lat_field
        raise ValidationError("field.required", field=missing)
    text = plain_text("address", address, limit=MAX_ADDRESS)
    unit: str | None = None
    if unit_code not in (None, ""):
        if not isinstance(unit_code, str) or unit_code not in jurisdiction.units:
            raise ValidationError("unit.unknown", field="unit_code", unit=str(unit_code)[:64])
        unit = unit_code
    if flat is not None and flon is not None:
        if not jurisdiction.contains(flat, flon):
            raise ValidationError("location.outside", field=lat_field, lat=flat, lon=flon)
        if unit is None:
            unit = jurisdiction.nearest_unit(flat, flon).code
    elif unit is None and text:
        unit = unit_from_address(jurisdiction, text)
    if required and flat is None and unit is None and not text:
        raise InputError("location.missing", field="location")
    return Location(lat=flat, lon=flon, address=text, unit_code=unit)

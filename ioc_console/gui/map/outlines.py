"""The map's own outlines, drawn with or without a basemap: land, national borders, the coast and
the province (no Qt here).

``resources/map/outlines.geojson`` holds Natural Earth's 1:10m countries around the province, cut
to a box and slightly simplified (``scripts/build_map_outlines.py`` makes it from the npm package
``world-atlas``; see ``resources/map/README.md`` for the data and its licence). Its features:

* ``kind: "country"``: a country's land (MultiPolygon), with its ``name`` and ISO numeric ``id``;
* ``kind: "border"``: the land borders between countries (MultiLineString);
* ``kind: "coast"``: the coastline (MultiLineString).

No open package in the registries has Vietnam's provinces, so the province's outline is drawn from
its pack: the pack's frame (``bbox``) cut by the land of the country the province lies in. Its
coast is Natural Earth's; its inland edges are the frame's (an approximation, drawn dashed).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from ioc_console.resources import resource_path

Point = tuple[float, float]  # (lon, lat), as GeoJSON has it
Ring = list[Point]
#: (south, west, north, east), as the packs give their frames.
Box = tuple[float, float, float, float]


def outlines_path() -> Path:
    return resource_path("map", "outlines.geojson")


@cache
def load_outlines(path: Path | None = None) -> dict[str, Any]:
    """The outlines file as GeoJSON (read once); an empty collection if it cannot be read."""
    try:
        data = json.loads((path or outlines_path()).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"type": "FeatureCollection", "features": []}
    return data if isinstance(data, dict) else {"type": "FeatureCollection", "features": []}


def clip_ring(ring: Sequence[Sequence[float]], box: Box) -> Ring:
    """A polygon's ring cut to the box (Sutherland–Hodgman: the box is convex). Points are (lon, lat).

    The result may run along the box's edges; it is empty when nothing of the ring is inside.
    """
    points: Ring = [(float(p[0]), float(p[1])) for p in ring]
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()
    for side in range(4):
        if not points:
            break
        out: Ring = []
        previous = points[-1]
        for current in points:
            if _inside(current, side, box):
                if not _inside(previous, side, box):
                    out.append(_cross(previous, current, side, box))
                out.append(current)
            elif _inside(previous, side, box):
                out.append(_cross(previous, current, side, box))
            previous = current
        points = out
    if len(points) < 3:
        return []
    return [*points, points[0]]


def _inside(p: Point, side: int, box: Box) -> bool:
    """Whether ``p`` is on the box's side of its west, east, south or north edge (side 0-3)."""
    south, west, north, east = box
    return (p[0] >= west, p[0] <= east, p[1] >= south, p[1] <= north)[side]


def _cross(a: Point, b: Point, side: int, box: Box) -> Point:
    south, west, north, east = box
    if side < 2:
        return _at_x(a, b, west if side == 0 else east)
    return _at_y(a, b, south if side == 2 else north)


def _at_x(a: Point, b: Point, x: float) -> Point:
    t = (x - a[0]) / (b[0] - a[0])
    return (x, a[1] + t * (b[1] - a[1]))


def _at_y(a: Point, b: Point, y: float) -> Point:
    t = (y - a[1]) / (b[1] - a[1])
    return (a[0] + t * (b[0] - a[0]), y)


def clip_line(line: Sequence[Sequence[float]], box: Box) -> list[list[Point]]:
    """A polyline cut to the box: the pieces inside it (Liang–Barsky on each segment)."""
    pieces: list[list[Point]] = []
    current: list[Point] = []
    for a, b in itertools.pairwise(line):
        cut = _clip_segment((float(a[0]), float(a[1])), (float(b[0]), float(b[1])), box)
        if cut is None:
            if len(current) > 1:
                pieces.append(current)
            current = []
            continue
        start, end = cut
        if current and current[-1] != start:
            if len(current) > 1:
                pieces.append(current)
            current = []
        if not current:
            current = [start]
        current.append(end)
        if end != (float(b[0]), float(b[1])):
            pieces.append(current)
            current = []
    if len(current) > 1:
        pieces.append(current)
    return pieces


def _clip_segment(a: Point, b: Point, box: Box) -> tuple[Point, Point] | None:
    south, west, north, east = box
    dx, dy = b[0] - a[0], b[1] - a[1]
    t0, t1 = 0.0, 1.0
    for p, q in ((-dx, a[0] - west), (dx, east - a[0]), (-dy, a[1] - south), (dy, north - a[1])):
        if p == 0:
            if q < 0:
                return None
            continue
        t = q / p
        if p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return None
    start = a if t0 == 0 else (a[0] + t0 * dx, a[1] + t0 * dy)
    end = b if t1 == 1 else (a[0] + t1 * dx, a[1] + t1 * dy)
    return start, end


def contains(rings: Sequence[Sequence[Sequence[float]]], lon: float, lat: float) -> bool:
    """Whether the point is inside the polygon (its first ring the outer one, the others holes)."""
    inside = False
    for ring in rings:
        for (x1, y1), (x2, y2) in zip(ring, [*ring[1:], ring[0]], strict=False):
            if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
    return inside


def _polygons(feature: dict[str, Any]) -> list[Any]:
    geometry = feature.get("geometry") or {}
    if geometry.get("type") == "Polygon":
        return [geometry.get("coordinates") or []]
    if geometry.get("type") == "MultiPolygon":
        return list(geometry.get("coordinates") or [])
    return []


def province_outline(
    box: Box, places: Iterable[tuple[float, float]], outlines: dict[str, Any] | None = None
) -> list[list[Ring]]:
    """The province as polygons (lists of rings, (lon, lat) points): its frame cut by the land of
    the country its ``places`` ((lat, lon) of its units) lie in; the bare frame when no country
    holds them (no outlines file, or a province beyond it)."""
    data = outlines if outlines is not None else load_outlines()
    spots = list(places)
    countries = [f for f in data.get("features", []) if (f.get("properties") or {}).get("kind") == "country"]
    for feature in countries:
        polygons = _polygons(feature)
        if not any(contains(p, lon, lat) for p in polygons for lat, lon in spots):
            continue
        cut: list[list[Ring]] = []
        for polygon in polygons:
            if not polygon:
                continue
            outer = clip_ring(polygon[0], box)
            if outer:
                cut.append([outer, *(r for r in (clip_ring(h, box) for h in polygon[1:]) if r)])
        if cut:
            return cut
    south, west, north, east = box
    return [[[(west, south), (east, south), (east, north), (west, north), (west, south)]]]


def bounds_of(polygons: Sequence[Sequence[Ring]]) -> Box | None:
    """(south, west, north, east) of the polygons' outer rings, or None if there are none."""
    lons = [p[0] for polygon in polygons if polygon for p in polygon[0]]
    lats = [p[1] for polygon in polygons if polygon for p in polygon[0]]
    if not lons:
        return None
    return (min(lats), min(lons), max(lats), max(lons))


__all__ = [
    "bounds_of",
    "clip_line",
    "clip_ring",
    "contains",
    "load_outlines",
    "outlines_path",
    "province_outline",
]

"""Make ``resources/map/outlines.geojson`` from Natural Earth's 1:10m countries (npm ``world-atlas``).

    python3 scripts/build_map_outlines.py [--atlas DIR] [--pack DIR] [--margin 3] [--out FILE]

``--atlas`` is an unpacked ``world-atlas`` package (its ``countries-10m.json``, TopoJSON); without
it the script runs ``npm pack world-atlas@VERSION`` in a temporary folder and reads the tarball.
The countries are cut to the pack's frame widened by ``--margin`` degrees, simplified to about
100 m and written as GeoJSON features of three kinds (``country``, ``border``, ``coast``; see
``ioc_console/gui/map/outlines.py``). The same input gives the same file.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ioc_console.domain.jurisdiction import load_pack  # noqa: E402
from ioc_console.resources import default_pack_path  # noqa: E402

from ioc_console.gui.map.outlines import Box, clip_line, clip_ring, outlines_path  # noqa: E402

PACKAGE = "world-atlas"
VERSION = "2.0.2"
#: Douglas–Peucker tolerance in degrees (about 100 m), and coordinates rounded to about 10 m.
TOLERANCE = 0.001
DIGITS = 4


def read_atlas(atlas: Path | None) -> dict[str, Any]:
    if atlas is not None:
        return json.loads((atlas / "countries-10m.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(["npm", "pack", f"{PACKAGE}@{VERSION}", "--silent"], cwd=folder, check=True)
        tarball = next(Path(folder).glob("*.tgz"))
        with tarfile.open(tarball) as tar:
            member = tar.extractfile("package/countries-10m.json")
            assert member is not None
            return json.loads(member.read().decode("utf-8"))


def decode_arcs(topology: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """TopoJSON's quantised, delta-encoded arcs as (lon, lat) points."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring_of(indexes: Sequence[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def simplify(points: Sequence[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas–Peucker, iteratively (rings of thousands of points)."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        norm = (dx * dx + dy * dy) ** 0.5
        worst, index = -1.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            if norm == 0:
                d = ((px - x1) ** 2 + (py - y1) ** 2) ** 0.5
            else:
                d = abs(dy * px - dx * py + x2 * y1 - y2 * x1) / norm
            if d > worst:
                worst, index = d, i
        if worst > tolerance:
            keep[index] = True
            stack.append((first, index))
            stack.append((index, last))
    return [p for p, k in zip(points, keep, strict=True) if k]


def rounded(points: Sequence[tuple[float, float]]) -> list[list[float]]:
    out: list[list[float]] = []
    for x, y in points:
        point = [round(x, DIGITS), round(y, DIGITS)]
        if not out or out[-1] != point:
            out.append(point)
    return out


def build(topology: dict[str, Any], box: Box) -> dict[str, Any]:
    arcs = decode_arcs(topology)
    geometries = topology["objects"]["countries"]["geometries"]
    features: list[dict[str, Any]] = []
    uses: Counter[int] = Counter()
    for geometry in geometries:
        polygons = geometry.get("arcs") or []
        if geometry.get("type") == "Polygon":
            polygons = [polygons]
        kept = []
        for polygon in polygons:
            for ring in polygon:
                for i in ring:
                    uses[i if i >= 0 else ~i] += 1
            outer = clip_ring(simplify(ring_of(polygon[0], arcs), TOLERANCE), box)
            if len(outer) < 4:
                continue
            holes = [clip_ring(simplify(ring_of(r, arcs), TOLERANCE), box) for r in polygon[1:]]
            kept.append([rounded(outer), *(rounded(h) for h in holes if len(h) >= 4)])
        if kept:
            features.append(
                {
                    "type": "Feature",
                    "properties": {
                        "kind": "country",
                        "name": (geometry.get("properties") or {}).get("name", ""),
                        "id": str(geometry.get("id", "")),
                    },
                    "geometry": {"type": "MultiPolygon", "coordinates": kept},
                }
            )
    # An arc two countries share is a border; one only a country uses is its coast.
    for kind, wanted in (("border", lambda n: n > 1), ("coast", lambda n: n == 1)):
        lines = []
        for i in sorted(uses):
            if wanted(uses[i]):
                for piece in clip_line(simplify(arcs[i], TOLERANCE), box):
                    line = rounded(piece)
                    if len(line) > 1:
                        lines.append(line)
        features.append(
            {
                "type": "Feature",
                "properties": {"kind": kind},
                "geometry": {"type": "MultiLineString", "coordinates": lines},
            }
        )
    return {
        "type": "FeatureCollection",
        "source": f"Natural Earth 1:10m countries, from the npm package {PACKAGE} {VERSION}",
        "licence": "Natural Earth: public domain; world-atlas: ISC",
        "bbox": [box[1], box[0], box[3], box[2]],
        "features": features,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--atlas", type=Path, help="an unpacked world-atlas package")
    parser.add_argument("--pack", type=Path, default=default_pack_path())
    parser.add_argument("--margin", type=float, default=3.0, help="degrees around the pack's frame")
    parser.add_argument("--out", type=Path, default=outlines_path())
    args = parser.parse_args()
    south, west, north, east = load_pack(args.pack).bbox
    m = args.margin
    box = (south - m, west - m, north + m, east + m)
    data = build(read_atlas(args.atlas), box)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    args.out.write_text(text + "\n", encoding="utf-8")
    countries = [f["properties"]["name"] for f in data["features"] if f["properties"]["kind"] == "country"]
    print(f"{args.out}: {len(text) / 1024:.0f} KiB; {', '.join(countries)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

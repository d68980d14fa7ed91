"""Small geo test inputs written as plain text (no geo library needed to write them).

A 4 × 4 district of 100 m cells near (114.30° E, 30.55° N), ids Z00..Z33 (row, column from
the south-west), and a street lattice every 50 m over it: residential streets on the cell
borders, footways along the cells' middle lines.
"""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path

GEO_LIBRARIES = ("shapely", "pyproj", "pyogrio", "geopandas", "networkx", "pyrosm")
HAVE_GEO = all(importlib.util.find_spec(name) for name in GEO_LIBRARIES)
NO_GEO = "the geo extra is not installed (pip install -e '.[geo]')"


def needs_geo(path: Path) -> bool:
    """Whether a scenario file uses `district.map` (and so the geo extra)."""
    return "\n  map:" in path.read_text(encoding="utf-8")

LON0, LAT0 = 114.30, 30.55
DLAT = 1.0 / 111_320.0  # degrees per metre north
DLON = 1.0 / (111_320.0 * math.cos(math.radians(LAT0)))  # degrees per metre east
KINDS = {(1, 1): "Markt", (2, 2): "commercial"}


def lonlat(x: float, y: float) -> list[float]:
    """Metres east/north of the district's south-west corner → [lon, lat]."""
    return [round(LON0 + x * DLON, 9), round(LAT0 + y * DLAT, 9)]


def square(x0: float, y0: float, side: float) -> list[list[float]]:
    return [lonlat(x0, y0), lonlat(x0 + side, y0), lonlat(x0 + side, y0 + side),
            lonlat(x0, y0 + side), lonlat(x0, y0)]


def code(r: int, c: int, rows: int, cols: int) -> str:
    """Zone id: Z12 (row 1, column 2), or Z01_12 past ten rows or columns."""
    return f"Z{r}{c}" if max(rows, cols) <= 10 else f"Z{r:02d}_{c:02d}"


def zones_geojson(path: Path, n: int = 4, cell: float = 100.0, points: bool = False,
                  extra: list[dict] | None = None, cols: int | None = None) -> Path:
    """The district's n × cols cells (or their centres with an area) as GeoJSON, EPSG:4326."""
    features = []
    cols = cols or n
    for r in range(n):
        for c in range(cols):
            props = {"code": code(r, c, n, cols), "label": f"cell {r}-{c}",
                     "landuse": KINDS.get((r, c), "residential"), "area_m2": cell * cell}
            geom = ({"type": "Point", "coordinates": lonlat((c + .5) * cell, (r + .5) * cell)}
                    if points else {"type": "Polygon",
                                    "coordinates": [square(c * cell, r * cell, cell)]})
            features.append({"type": "Feature", "properties": props, "geometry": geom})
    features += extra or []
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def lattice(n: int = 4, cell: float = 100.0, step: float = 50.0, cols: int | None = None):
    """Nodes {id: (x, y) metres} and edges (u, v, highway) of the street lattice."""
    k, m = int(n * cell / step) + 1, int((cols or n) * cell / step) + 1
    nodes = {f"n{i}_{j}": (j * step, i * step) for i in range(k) for j in range(m)}
    edges = []
    for i in range(k):
        for j in range(m):
            for di, dj in ((0, 1), (1, 0)):
                if i + di < k and j + dj < m:
                    line = i if di == 0 else j  # the lattice line the edge runs along
                    kind = "residential" if (line * step) % cell == 0 else "footway"
                    edges.append((f"n{i}_{j}", f"n{i + di}_{j + dj}", kind))
    return nodes, edges


def graphml(path: Path, n: int = 4, only: str | None = None, keep=None,
            cols: int | None = None) -> Path:
    """The lattice as GraphML with lon/lat x, y (osmnx's layout); ``only``: keep one highway;
    ``keep(u_xy, v_xy)``: keep only the edges it accepts."""
    nodes, edges = lattice(n, cols=cols)
    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
             '<key id="x" for="node" attr.name="x" attr.type="double"/>',
             '<key id="y" for="node" attr.name="y" attr.type="double"/>',
             '<key id="hw" for="edge" attr.name="highway" attr.type="string"/>',
             '<key id="crs" for="graph" attr.name="crs" attr.type="string"/>',
             '<graph edgedefault="undirected"><data key="crs">EPSG:4326</data>']
    for nid, (x, y) in nodes.items():
        lon, lat = lonlat(x, y)
        lines.append(f'<node id="{nid}"><data key="x">{lon}</data><data key="y">{lat}</data></node>')
    for u, v, kind in edges:
        if (only is None or kind == only) and (keep is None or keep(nodes[u], nodes[v])):
            lines.append(f'<edge source="{u}" target="{v}"><data key="hw">{kind}</data></edge>')
    path.write_text("\n".join(lines + ["</graph></graphml>"]))
    return path


def osm_xml(path: Path, n: int = 4) -> Path:
    """The lattice as OpenStreetMap XML (one way per edge)."""
    nodes, edges = lattice(n)
    ids = {nid: k + 1 for k, nid in enumerate(nodes)}
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6">']
    for nid, (x, y) in nodes.items():
        lon, lat = lonlat(x, y)
        lines.append(f'<node id="{ids[nid]}" lat="{lat}" lon="{lon}"/>')
    for k, (u, v, kind) in enumerate(edges):
        lines.append(f'<way id="{k + 1}"><nd ref="{ids[u]}"/><nd ref="{ids[v]}"/>'
                     f'<tag k="highway" v="{kind}"/></way>')
    path.write_text("\n".join(lines + ["</osm>"]))
    return path


SCENARIO = """\
name: geo_test
replications: 1
clock: {{days: 2, warmup_days: 0}}
district:
  map:
{map}
incidents:
  mobile_vendor:
    rate_per_day: {{residential: 1.0, market: 4.0, commercial: 3.0}}
    ladder: [{{name: persuade, duration: 5, compliance: 1.0}}]
units:
  foot:
    count: 3
    home_zone: {home}
    shifts: [{{start: "08:00", end: "17:00"}}]
    behaviour: {{kind: random_patrol, dwell: 15}}
"""

MAP = """\
    zones: {file: zones.geojson, id_field: code, name_field: label, kind_field: landuse,
            kinds: {Markt: market}}
    network: {file: streets.graphml, modes: [foot, ebike, car]}
"""


def scenario(folder: Path, map_yaml: str = MAP, home: str = "Z11") -> Path:
    """A scenario file in ``folder`` with the given `district.map` (indented 4 spaces)."""
    path = folder / "geo.yaml"
    path.write_text(SCENARIO.format(map=map_yaml.rstrip("\n"), home=home))
    return path

"""Real districts (`district.map`): zones from map files and unit grids, street-network travel,
walking paths through the zones on the way, the disk cache, map figures, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import tests.helpers.geo as h

if not h.HAVE_GEO:
    pytest.skip(h.NO_GEO, allow_module_level=True)

from sim.cli import main  # noqa: E402
from sim.compiled import compile_layout  # noqa: E402
from sim.scenario import ScenarioError, load_scenario  # noqa: E402
from sim.strategy.plans import ZoneFacts  # noqa: E402


@pytest.fixture()
def district(tmp_path: Path) -> Path:
    """A folder with the 4 × 4 zones (GeoJSON), the street lattice (GraphML) and a scenario."""
    h.zones_geojson(tmp_path / "zones.geojson")
    h.graphml(tmp_path / "streets.graphml")
    return h.scenario(tmp_path)


def test_zones_from_geojson(district: Path) -> None:
    s = load_scenario(district)
    zones = {z.id: z for z in s.district.all_zones()}
    assert list(zones)[:3] == ["Z00", "Z01", "Z02"] and len(zones) == 16
    assert zones["Z11"].kind == "market"  # mapped from "Markt" by the scenario
    assert zones["Z22"].kind == "commercial" and zones["Z00"].kind == "residential"
    assert zones["Z01"].name == "cell 0-1"
    # metric centres: neighbours in a row 100 m apart (UTM scale error < 0.1 %)
    d = np.hypot(zones["Z01"].x_m - zones["Z00"].x_m, zones["Z01"].y_m - zones["Z00"].y_m)
    assert d == pytest.approx(100.0, rel=2e-3)


def test_neighbours_share_a_border_not_a_corner(district: Path) -> None:
    layout = compile_layout(load_scenario(district))
    adj, ids = layout.geo.adjacency, list(layout.zone_ids)
    z = ids.index
    assert adj[z("Z11"), z("Z12")] and adj[z("Z11"), z("Z21")]
    assert not adj[z("Z11"), z("Z22")]  # diagonal: touches at a corner only
    assert adj.sum() == 2 * (2 * 4 * 3)  # 24 shared borders on a 4 × 4 grid
    areas = [shape.area for shape in layout.geo.shapes]
    assert np.allclose(areas, 10_000, rtol=5e-3)


def test_points_with_an_area(tmp_path: Path) -> None:
    h.zones_geojson(tmp_path / "pts.geojson", points=True)
    path = h.scenario(tmp_path, "    zones: {file: pts.geojson, id_field: code, area_field: area_m2}\n")
    layout = compile_layout(load_scenario(path))
    assert layout.n_zones == 16
    assert layout.geo.shapes[0].area == pytest.approx(10_000, rel=0.01)  # an equal-area disc
    adj = layout.geo.adjacency  # points: centres within 1.5 × the spacing (the 8 around)
    assert adj[0, 1] and adj[0, 5] and not adj[0, 2]


def test_unit_grid_over_a_boundary(tmp_path: Path) -> None:
    boundary = {"type": "Feature", "properties": {},
                "geometry": {"type": "Polygon", "coordinates": [h.square(0, 0, 400)]}}
    (tmp_path / "area.geojson").write_text(json.dumps(
        {"type": "FeatureCollection", "features": [boundary]}))
    path = h.scenario(tmp_path, "    unit_grid: {cell_m: 100, boundary: area.geojson}\n"
                                "    patches: {r2c2: {kind: market}}\n", home="r2c2")
    zones = load_scenario(path).district.all_zones()
    assert 16 <= len(zones) <= 20  # 4 × 4 cells (+ slivers of a slightly rotated square)
    assert {z.id for z in zones} >= {"r1c1", "r4c4"}
    assert next(z for z in zones if z.id == "r2c2").kind == "market"


def test_network_travel_times_and_modes(district: Path) -> None:
    layout = compile_layout(load_scenario(district))
    ids = list(layout.zone_ids)
    a, b = ids.index("Z00"), ids.index("Z03")
    # centre to centre along the row's middle footway: 300 m at 4.5 km/h = 4 min
    assert layout.travel["foot"][a, b] == pytest.approx(4.0, rel=0.01)
    # cars may not use footways: 50 m out to a border street, along it, 50 m back in
    car_m = layout.travel["car"][a, b] * 25_000 / 60
    assert 399.0 <= car_m <= 601.0
    assert layout.travel["foot"][a, a] == pytest.approx(150 / 75)  # intra_zone_m / speed


def test_walking_passes_the_zones_on_the_street_path(district: Path) -> None:
    s = load_scenario(district)
    layout = compile_layout(s)
    ids = list(layout.zone_ids)
    path = ZoneFacts(s, layout).path(ids.index("Z00"), ids.index("Z03"))
    assert [ids[k] for k in path] == ["Z01", "Z02", "Z03"]
    up = ZoneFacts(s, layout).path(ids.index("Z00"), ids.index("Z30"))
    assert [ids[k] for k in up] == ["Z10", "Z20", "Z30"]


def test_paths_follow_the_streets_not_straight_lines(tmp_path: Path) -> None:
    """Only the east footway (x = 350 m) joins the rows: walking Z00 → Z30 goes round."""
    h.zones_geojson(tmp_path / "zones.geojson")
    h.graphml(tmp_path / "streets.graphml", only="footway",
              keep=lambda a, b: a[1] == b[1] or a[0] == 350)
    path = h.scenario(tmp_path, h.MAP.replace("foot, ebike, car", "foot"))
    s = load_scenario(path)
    layout = compile_layout(s)
    ids = list(layout.zone_ids)
    up = ZoneFacts(s, layout).path(ids.index("Z00"), ids.index("Z30"))
    assert [ids[k] for k in up] == ["Z01", "Z02", "Z03", "Z13", "Z23", "Z33", "Z32", "Z31", "Z30"]
    assert layout.travel["foot"][ids.index("Z00"), ids.index("Z30")] == pytest.approx(12.0, rel=0.01)


def test_osm_xml_gives_the_same_travel(tmp_path: Path, district: Path) -> None:
    h.osm_xml(tmp_path / "streets.osm")
    xml = h.scenario(tmp_path, h.MAP.replace("streets.graphml", "streets.osm"))
    a = compile_layout(load_scenario(district)).travel["foot"]
    b = compile_layout(load_scenario(xml)).travel["foot"]
    assert np.allclose(a, b, rtol=1e-6)


def test_paths_cached_beside_the_scenario(district: Path, monkeypatch) -> None:
    from sim.geo import resolve, travel

    first = compile_layout(load_scenario(district)).travel["foot"]
    files = list((district.parent / ".sim-cache").glob("network-*.npz"))
    assert len(files) == 1
    resolve._TRAVEL.clear()  # a new process: memory empty, disk cache kept
    monkeypatch.setattr(travel, "compute", lambda *a: pytest.fail("recomputed"))
    again = compile_layout(load_scenario(district)).travel["foot"]
    assert np.array_equal(first, again)
    # another speed is another key: computed again (the patched compute fails)
    with pytest.raises(BaseException, match="recomputed"):
        resolve._TRAVEL.clear()
        compile_layout(load_scenario(district, {"district.travel.speeds_kmh.foot": 5.0}))


def test_run_draws_the_map(district: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["run", str(district), "-o", str(out), "--days", "1"]) == 0
    for name in ("idleness_map", "exposure_map", "coverage_map", "incidents_map"):
        assert (out / "plots" / f"{name}.png").stat().st_size > 10_000


def test_district_map_draws_polygons_and_streets(district: Path) -> None:
    import pandas as pd
    from matplotlib.collections import LineCollection, PolyCollection

    from sim import plots
    from sim.geo.layout import map_shapes

    s = load_scenario(district)
    zones = s.district.all_zones()
    frame = pd.DataFrame({"zone": [z.id for z in zones], "x_m": [z.x_m for z in zones],
                          "y_m": [z.y_m for z in zones], "exposure_h": range(16)})
    fig = plots.district_map(frame, "exposure_h", label="geo_test", shapes=map_shapes([s]))
    kinds = {type(c) for c in fig.axes[0].collections}
    assert PolyCollection in kinds and LineCollection in kinds
    assert len(fig.axes[0].texts) == 16


@pytest.mark.parametrize(("n", "labelled"), [(16, 16), (100, 100), (400, 3)])
def test_labels_shrink_then_only_named_zones(n: int, labelled: int) -> None:
    import matplotlib
    from matplotlib.colors import Normalize
    from matplotlib.figure import Figure

    from sim.plots.zone_shapes import label_shapes, label_size

    ax = Figure().add_subplot()
    ids = [f"z{k}" for k in range(n)]
    names = [f"hotspot {k}" if k < 3 else ids[k] for k in range(n)]
    label_shapes(ax, ids, names, np.zeros((n, 2)), np.zeros(n),
                 matplotlib.colormaps["viridis"], Normalize(0, 1))
    assert len(ax.texts) == labelled
    assert (label_size(n) or 5.0) >= 4.0


def test_real_map_example_validates() -> None:
    s = load_scenario(Path(__file__).resolve().parents[2] / "scenarios" / "real_map.yaml")
    layout = compile_layout(s)
    assert layout.n_zones == 176 and layout.geo.streets().shape[0] > 5000
    off = ~np.eye(layout.n_zones, dtype=bool)
    assert np.isfinite(layout.travel["car"]).all()
    assert (layout.travel["foot"][off] > layout.travel["car"][off]).mean() > 0.95


# --- bad input: exit 2 and a message naming the field and the problem ----------------------

def _error(path: Path, overrides: dict | None = None) -> str:
    from sim.geo import resolve

    resolve._ZONES.clear()
    resolve._TRAVEL.clear()
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path, overrides)
    return str(exc.value)


def test_missing_and_unreadable_files(tmp_path: Path, district: Path) -> None:
    assert "file not found" in _error(district, {"district.map.zones.file": "nope.geojson"})
    (tmp_path / "junk.geojson").write_text("this is not geojson {")
    msg = _error(district, {"district.map.zones.file": str(tmp_path / "junk.geojson")})
    assert "district.map.zones.file" in msg and "cannot read" in msg
    msg = _error(district, {"district.map.network.file": str(tmp_path / "junk.geojson")})
    assert "expected a .graphml, .osm or .osm.pbf file" in msg
    (tmp_path / "bad.graphml").write_text("<graphml><broken")
    msg = _error(district, {"district.map.network.file": str(tmp_path / "bad.graphml")})
    assert "cannot read" in msg and "street network" in msg


def test_missing_id_field_and_duplicate_ids(tmp_path: Path, district: Path) -> None:
    msg = _error(district, {"district.map.zones.id_field": "zone_no"})
    assert "district.map.zones.id_field" in msg and "no field 'zone_no'" in msg and "code" in msg
    dup = {"type": "Feature", "properties": {"code": "Z11"},
           "geometry": {"type": "Polygon", "coordinates": [h.square(500, 0, 100)]}}
    h.zones_geojson(tmp_path / "zones.geojson", extra=[dup])
    assert "duplicate zone ids: Z11" in _error(district)


def test_invalid_and_empty_geometries(tmp_path: Path, district: Path) -> None:
    bowtie = [h.lonlat(500, 0), h.lonlat(600, 100), h.lonlat(600, 0), h.lonlat(500, 100),
              h.lonlat(500, 0)]
    bad = {"type": "Feature", "properties": {"code": "X1"},
           "geometry": {"type": "Polygon", "coordinates": [bowtie]}}
    h.zones_geojson(tmp_path / "zones.geojson", extra=[bad])
    msg = _error(district)
    assert "invalid geometry for zones X1" in msg and "Self-intersection" in msg
    empty = {"type": "Feature", "properties": {"code": "X2"}, "geometry": None}
    h.zones_geojson(tmp_path / "zones.geojson", extra=[empty])
    assert "empty or missing geometry for zones X2" in _error(district)


def test_crs_problems(tmp_path: Path, district: Path) -> None:
    msg = _error(district, {"district.map.crs": "EPSG:4326"})
    assert "district.map.crs" in msg and "not a projected CRS in metres" in msg
    assert "not a coordinate reference system" in _error(district, {"district.map.crs": "EPSG:999999"})
    # a file in metres whose CRS got lost: read as degrees, it cannot be reprojected
    bad = {"type": "Feature", "properties": {"code": "M1", "label": "m", "landuse": "park"},
           "geometry": {"type": "Polygon", "coordinates": [[[500000, 3380000], [500100, 3380000],
                                                            [500100, 3380100], [500000, 3380000]]]}}
    (tmp_path / "zones.geojson").write_text(json.dumps(
        {"type": "FeatureCollection", "features": [bad]}))
    msg = _error(district)
    assert "district.map.zones.crs" in msg and "cannot" in msg and "reproject" in msg


def test_unreachable_zones_are_named(tmp_path: Path, district: Path) -> None:
    far = {"type": "Feature", "properties": {"code": "FAR"},
           "geometry": {"type": "Polygon", "coordinates": [h.square(2000, 0, 100)]}}
    h.zones_geojson(tmp_path / "zones.geojson", extra=[far])
    msg = _error(district)
    assert "cannot reach 1 zone(s)" in msg and "FAR (1," in msg and "max_snap_m" in msg


def test_network_without_the_ways_a_mode_needs(tmp_path: Path, district: Path) -> None:
    h.graphml(tmp_path / "streets.graphml", only="footway")
    msg = _error(district)
    assert "has no ways that ebike may use" in msg and "footway" in msg
    ok = load_scenario(district, {"district.map.network.modes": ["foot"]})
    assert ok.district.map.network.modes == ["foot"]


def test_without_the_geo_extra_exit_2(district: Path, monkeypatch, capsys) -> None:
    import importlib

    from sim.geo import resolve

    real = importlib.import_module
    monkeypatch.setattr(importlib, "import_module", lambda name, *a: (
        (_ for _ in ()).throw(ImportError(name)) if name == "pyogrio" else real(name, *a)))
    resolve._ZONES.clear()
    assert main(["validate", str(district)]) == 2
    err = capsys.readouterr()
    assert "pip install chengguan-sim[geo]" in err.err + err.out and "pyogrio" in err.err + err.out



@pytest.mark.parametrize("suffix", [".gpkg", ".shp"])
def test_geopackage_and_shapefile(tmp_path: Path, district: Path, suffix: str) -> None:
    import geopandas

    frame = geopandas.read_file(tmp_path / "zones.geojson").to_crs("EPSG:3857")
    frame.to_file(tmp_path / f"zones{suffix}")
    s = load_scenario(district, {"district.map.zones.file": str(tmp_path / f"zones{suffix}")})
    want = load_scenario(district).district.all_zones()
    got = s.district.all_zones()
    assert [z.id for z in got] == [z.id for z in want] and got[5].kind == want[5].kind
    assert got[5].x_m == pytest.approx(want[5].x_m, abs=0.05)  # same place, other CRS

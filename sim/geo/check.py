"""Validation of a `district.map`: every problem as a (field, message) pair for the loader."""

from __future__ import annotations

from sim.geo import GeoError
from sim.scenario.geo import DistrictMap
from sim.scenario.places import Travel


def map_problems(spec: DistrictMap, travel: Travel) -> list[tuple[str, str]]:
    """Read the zones and route the network once; problems found (empty when all is well)."""
    if (spec.zones is None) == (spec.unit_grid is None):
        return [("map", "give one of `zones` (a zones file) or `unit_grid` (generated cells)")]
    try:
        _read_and_route(spec, travel)
    except GeoError as exc:
        return [(exc.field, exc.message)]
    except Exception as exc:  # a library failing on an input we did not foresee: still exit 2
        return [("map", f"cannot use the map ({type(exc).__name__}: {str(exc).strip()})")]
    return []


def _read_and_route(spec: DistrictMap, travel: Travel) -> None:
    """Read the zones and route the network (memoised: the run uses them again)."""
    from sim.geo.resolve import geo_travel_of, geo_zones_of

    geo_zones_of(spec)
    geo_travel_of(spec, travel)

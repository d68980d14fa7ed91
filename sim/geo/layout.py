"""What the engine and the figures use of a map district: shapes, neighbours, network travel."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.scenario.district import District


@dataclass(frozen=True)
class GeoLayout:
    """Zone shapes (metres, zone order), shared-border neighbours, network travel if any."""

    ids: tuple[str, ...]
    shapes: list[Any]
    adjacency: np.ndarray
    travel: Any = None  # sim.geo.travel.GeoTravel, or None without a network
    minutes: dict[str, np.ndarray] = field(default_factory=dict)

    def outlines(self) -> dict[str, list[np.ndarray]]:
        """Zone id → exterior rings (arrays of x, y) of its polygon parts, for drawing."""
        return {zid: rings(shape) for zid, shape in zip(self.ids, self.shapes)}

    def streets(self) -> np.ndarray | None:
        """Street segments (edges, 2, 2) in metres, or None."""
        return None if self.travel is None else self.travel.segments


def rings(shape: Any) -> list[np.ndarray]:
    """Exterior rings of the polygon parts of ``shape``."""
    import shapely

    parts = shapely.get_parts(shape)
    return [np.asarray(p.exterior.coords) for p in parts if p.geom_type == "Polygon"]


def geo_layout(district: District) -> GeoLayout:
    """The GeoLayout of a district with a ``map`` (already validated: no GeoError expected)."""
    from sim.geo.resolve import geo_travel_of, geo_zones_of

    if district.map is None:
        raise ValueError("geo_layout needs a district with a map")
    gz = geo_zones_of(district.map)
    travel = geo_travel_of(district.map, district.travel)
    return GeoLayout(tuple(gz.ids), gz.shapes, gz.adjacency, travel,
                     dict(travel.minutes) if travel is not None else {})


def map_shapes(scenarios: Sequence[Any]) -> dict[str, GeoLayout]:
    """Scenario name → GeoLayout, for the scenarios whose district comes from a map."""
    return {s.name: geo_layout(s.district) for s in scenarios if s.district.map is not None}

"""A scenario compiled to arrays: zone order, travel-time matrices, type order (numpy only)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.scenario.district import MODES
from sim.scenario.model import Scenario


@dataclass(frozen=True)
class Layout:
    """Index-based view of a scenario used by demand generation and the engine."""

    zone_ids: tuple[str, ...]
    zone_index: dict[str, int]
    zone_kinds: tuple[str, ...]
    xy: np.ndarray  # (zones, 2) metres
    travel: dict[str, np.ndarray]  # mode -> (zones, zones) minutes
    type_names: tuple[str, ...]  # enabled incident types, catalog order
    horizon: float  # minutes
    warmup: float  # minutes
    geo: Any = None  # sim.geo.layout.GeoLayout of a `district.map` (shapes, network), else None

    @property
    def n_zones(self) -> int:
        return len(self.zone_ids)


def travel_matrix(xy: np.ndarray, speed_kmh: float, detour: float, intra_m: float) -> np.ndarray:
    """Minutes between zone centres: Manhattan distance × detour ÷ speed; intra_m on the diagonal."""
    dist = np.abs(xy[:, None, :] - xy[None, :, :]).sum(axis=2) * detour
    np.fill_diagonal(dist, intra_m)
    return dist / (speed_kmh * 1000.0 / 60.0)


def compile_layout(scenario: Scenario) -> Layout:
    """Build the Layout of a scenario."""
    zones = scenario.district.all_zones()
    xy = np.array([[z.x_m, z.y_m] for z in zones], dtype=float).reshape(len(zones), 2)
    travel_spec = scenario.district.travel
    explicit = dict(travel_spec.matrix_minutes or {})
    if travel_spec.matrix_files:
        from sim.scenario.travel_csv import read_matrix

        ids = [z.id for z in zones]
        explicit.update({m: read_matrix(f, ids) for m, f in travel_spec.matrix_files.items()})
    geo = None
    if scenario.district.map is not None:
        from sim.geo.layout import geo_layout

        geo = geo_layout(scenario.district)
    travel = {}
    for mode in MODES:
        if mode in explicit:
            travel[mode] = np.asarray(explicit[mode], dtype=float)
        elif geo is not None and mode in geo.minutes:
            travel[mode] = geo.minutes[mode]
        else:
            speed = getattr(travel_spec.speeds_kmh, mode)
            travel[mode] = travel_matrix(xy, speed, travel_spec.detour_factor, travel_spec.intra_zone_m)
    return Layout(
        zone_ids=tuple(z.id for z in zones),
        zone_index={z.id: i for i, z in enumerate(zones)},
        zone_kinds=tuple(z.kind for z in zones),
        xy=xy,
        travel=travel,
        type_names=tuple(name for name, t in scenario.incidents.items() if t.enabled),
        horizon=scenario.clock.days * 1440.0,
        warmup=scenario.clock.warmup_days * 1440.0,
        geo=geo,
    )

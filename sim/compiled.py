"""A scenario compiled to arrays: zone order, travel-time matrices, type order (numpy only)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.scenario.district import MODES, District
from sim.scenario.model import Scenario
from sim.scenario.places import Travel, Zone


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
    spec = scenario.district.travel
    explicit = _explicit(spec, [z.id for z in zones])
    geo = _geo(scenario.district)
    return Layout(
        **_zone_columns(zones),
        xy=xy,
        travel={mode: _mode_matrix(mode, explicit, geo, xy, spec) for mode in MODES},
        type_names=_enabled_types(scenario),
        horizon=scenario.clock.days * 1440.0,
        warmup=scenario.clock.warmup_days * 1440.0,
        geo=geo,
    )


def _zone_columns(zones: list[Zone]) -> dict[str, Any]:
    """The zone ids, their index and kinds, in zone order."""
    return {
        "zone_ids": tuple(z.id for z in zones),
        "zone_index": {z.id: i for i, z in enumerate(zones)},
        "zone_kinds": tuple(z.kind for z in zones),
    }


def _enabled_types(scenario: Scenario) -> tuple[str, ...]:
    """The enabled incident types, in catalog order."""
    return tuple(name for name, t in scenario.incidents.items() if t.enabled)


def _explicit(spec: Travel, ids: list[str]) -> dict[str, Any]:
    """The travel matrices the scenario gives, inline or as CSV files, by mode."""
    explicit: dict[str, Any] = {mode: m for mode, m in (spec.matrix_minutes or {}).items()}
    if spec.matrix_files:
        from sim.scenario.travel_csv import read_matrix

        explicit.update({m: read_matrix(f, ids) for m, f in spec.matrix_files.items()})
    return explicit


def _geo(district: District) -> Any:
    """The GeoLayout of a district from a map (None otherwise)."""
    if district.map is None:
        return None
    from sim.geo.layout import geo_layout

    return geo_layout(district)


def _mode_matrix(mode: str, explicit: dict[str, Any], geo: Any, xy: np.ndarray,
                 spec: Travel) -> np.ndarray:
    """One mode's minutes: as given, else routed on the map's network, else from distances."""
    if mode in explicit:
        return np.asarray(explicit[mode], dtype=float)
    if geo is not None and mode in geo.minutes:
        return geo.minutes[mode]
    speed = getattr(spec.speeds_kmh, mode)
    return travel_matrix(xy, speed, spec.detour_factor, spec.intra_zone_m)

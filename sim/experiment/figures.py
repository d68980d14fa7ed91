"""The figures of a results folder, drawn over the observation window only.

Tables leave the warm-up out; so must figures. The zones, coverage and parking frames are
already measured over [warm-up, horizon); figures drawn from the incidents and units frames
filter them here, per scenario, with the windows of ``sim.metrics.window``: the resolution
ECDF keeps incidents occurring in the arrival window [warm-up, horizon − cool-down), as the
incident measures do; the time-of-day profile averages over [warm-up, horizon) only
(incidents still open from the warm-up count while they are open in it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.experiment.replication import Frames
from sim.metrics.window import Window, window_of
from sim.scenario.model import Scenario


def observation_windows(scenarios: Sequence[Scenario]) -> dict[str, Window]:
    """Scenario name → its observation window."""
    return {s.name: window_of(s) for s in scenarios}


def occurring_in(incidents: pd.DataFrame, windows: Mapping[str, Window]) -> pd.DataFrame:
    """Incidents occurring in their scenario's arrival window [warm-up, horizon − cool-down)."""
    names = incidents["scenario"].to_numpy()
    t0 = np.array([windows[n].t0 for n in names], dtype=float)
    end = np.array([windows[n].arrival_end for n in names], dtype=float)
    occur = incidents["t_occur"].to_numpy(dtype=float)
    return incidents[(occur >= t0) & (occur < end)]


def zone_coverage(frames: Frames) -> pd.DataFrame:
    """The zones frame with ``coverage_share``: covered ÷ observed minutes of each zone."""
    keys = ["scenario", "replication", "zone"]
    cov = frames.coverage.groupby(keys, sort=False)[["covered_min", "observed_min"]].sum()
    share = (cov["covered_min"] / cov["observed_min"].where(cov["observed_min"] > 0))
    return frames.zones.merge(share.rename("coverage_share").reset_index(), on=keys, how="left")


def frame_figures(
    frames: Frames, windows: Mapping[str, Window], scenarios: Sequence[Scenario] = ()
) -> dict[str, Callable[[], Figure]]:
    """Figure name → function drawing it from ``frames`` over each scenario's window.

    Scenarios whose district comes from a map (``district.map``) get their zone maps drawn on
    the real zone shapes, plus a coverage map and an incidents map.
    """
    from sim import plots
    from sim.geo.layout import map_shapes

    shapes = map_shapes(scenarios)
    start = {name: w.t0 for name, w in windows.items()}
    horizon = {name: w.t1 for name, w in windows.items()}
    figures: dict[str, Callable[[], Figure]] = {
        "resolution_ecdf": lambda: plots.resolution_ecdf(occurring_in(frames.incidents, windows)),
        "time_of_day": lambda: plots.time_of_day(frames.incidents, frames.units,
                                                 horizon_min=horizon, start_min=start),
        "idleness_map": lambda: plots.district_map(frames.zones, "max_gap_min", shapes=shapes),
        "exposure_map": lambda: plots.district_map(frames.zones, "exposure_h", shapes=shapes),
        "coverage_heatmap": lambda: plots.coverage_heatmap(frames.coverage),
    }
    return {**figures, **(_map_figures(frames, shapes) if shapes else {}),
            **_parking_figures(frames)}


def _map_figures(frames: Frames, shapes: Any) -> dict[str, Callable[[], Figure]]:
    """Coverage and incidents drawn on the real zone shapes of a mapped district."""
    from sim import plots

    return {
        "coverage_map": lambda: plots.district_map(
            zone_coverage(frames), "coverage_share", "Share of observed time with an officer "
            "present, by zone", cmap="RdYlGn", shapes=shapes),
        "incidents_map": lambda: plots.district_map(
            frames.zones, "incidents", "Incidents by zone (mean over replications)",
            cmap="magma_r", shapes=shapes),
    }


def _parking_figures(frames: Frames) -> dict[str, Callable[[], Figure]]:
    """Parking occupancy, when the run has a parking table with rows."""
    from sim import plots

    parking = frames.extra.get("parking")
    if parking is None or not len(parking):
        return {}
    return {"parking_occupancy": lambda: plots.parking_occupancy(parking)}

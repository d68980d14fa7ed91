"""The planner's tables by place: per officer group (``by_group``) and per zone (``by_zone``).

What Larson's hypercube model gives per unit and per atom (Larson 1974): workload, the share of
a unit's dispatches outside its own area, and per area the work done there and by whom.
Windows as in ``sim.metrics.window``: incidents count if they occur in the arrival window
[t0, arrival_end); time (on duty, on scene, exposure, idleness) is clipped to [t0, t1).

An officer's *own area* is the zones it patrols: its unit grid under grid responsibility, else
its group's ``zones``. A group whose officers patrol the whole district has no own area: its
out-of-area share is NaN (not 0), since "out of area" means nothing for it. Jobs here are
first responses (the officer first dispatched to an incident occurring in the window).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.compiled import Layout
from sim.metrics.intervals import idleness
from sim.metrics.kpis import stays_by_zone, zone_codes
from sim.metrics.outcomes import exposure_minutes, label_codes
from sim.metrics.tables_time import in_window, occurring_in, window_share
from sim.scenario.model import Scenario
from sim.strategy.plans import group_plans

Areas = dict[str, frozenset[str] | None]


def officer_areas(scenario: Scenario, layout: Layout) -> Areas:
    """Officer id → the zone ids of its own area (None: the whole district, no own area)."""
    areas: Areas = {}
    for name, group in scenario.units.items():
        plans = group_plans(group, layout, scenario.clock.days, scenario.clock.start_weekday)
        for k, plan in enumerate(plans):
            own = frozenset(layout.zone_ids[z] for z in plan.zones)
            areas[f"{name}-{k + 1}"] = None if len(own) == layout.n_zones else own
    return areas


def first_responses(incidents: pd.DataFrame, areas: Areas, zone_ids: list[str], t0: float,
                    arrival_end: float) -> pd.DataFrame:
    """Dispatched incidents occurring in [t0, arrival_end): zone, first unit, out of its area?

    ``outside`` is 1.0 or 0.0, NaN for an officer without own area.
    """
    rows = _dispatched_in(incidents, t0, arrival_end)
    u = label_codes(_objects(incidents["first_unit_id"], rows), [*areas, ""])
    rows, u = rows[u < len(areas)], u[u < len(areas)]  # none: nobody was dispatched
    zone, unit = _objects(incidents["zone"], rows), _objects(incidents["first_unit_id"], rows)
    own, has_area = _own_areas(areas, zone_ids)
    z = label_codes(zone, zone_ids)
    outside = np.where(has_area[u], (~own[u, z]).astype(float), np.nan)
    return pd.DataFrame({"zone": zone, "unit_id": unit, "outside": outside})


def _objects(labels: pd.Series, rows: np.ndarray) -> pd.Series:
    """The labels of ``rows`` as Python strings: only looked up and grouped, so not converted
    to pandas' string type (a copy of every cell)."""
    return pd.Series(labels.to_numpy(dtype=object)[rows], dtype=object)


def _dispatched_in(incidents: pd.DataFrame, t0: float, arrival_end: float) -> np.ndarray:
    """Rows of the incidents that occurred in [t0, arrival_end) with a dispatch time."""
    return np.flatnonzero(in_window(incidents["t_occur"].to_numpy(), t0, arrival_end)
                          & incidents["t_dispatch"].notna().to_numpy())


def _own_areas(areas: Areas, zone_ids: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(officer × zone: in its own area?, officer: has an own area?), with a last row and
    column for unknown officers and zones (never own)."""
    own = np.zeros((len(areas) + 1, len(zone_ids) + 1), dtype=bool)
    has_area = np.zeros(len(areas) + 1, dtype=bool)
    index = {z: k for k, z in enumerate(zone_ids)}
    for k, area in enumerate(areas.values()):
        if area is not None:
            has_area[k] = True
            own[k, [index[z] for z in area]] = True
    return own, has_area


def by_group(units: pd.DataFrame, sent: pd.DataFrame, t0: float, t1: float) -> pd.DataFrame:
    """One row per officer group: staffing, workload, utilisation, out-of-area share, distance.

    Minutes, jobs and distance of an officer-shift count with the share of its duty inside the
    window (as the summary's staff-hours and utilisation do); ``sent`` is
    :func:`first_responses`.
    """
    out = _group_work(units, t0, t1)
    s = sent.groupby(_group_of(sent["unit_id"], units), sort=True)
    out["first_responses"] = s.size().reindex(out.index).fillna(0).astype(np.int64)
    out["out_of_area_share"] = s["outside"].mean().reindex(out.index)  # NaN: no own area
    return out.reset_index()


def _group_of(unit_ids: pd.Series, units: pd.DataFrame) -> np.ndarray:
    """Each officer's group, as Python strings (NaN: an officer not in ``units``)."""
    officers = units.drop_duplicates("unit_id", keep="last")
    groups = np.append(officers["group"].to_numpy(dtype=object), np.nan)
    return groups[label_codes(unit_ids, officers["unit_id"].to_numpy(dtype=object))]


def _group_work(units: pd.DataFrame, t0: float, t1: float) -> pd.DataFrame:
    """Per officer group: mode, officers, staff-hours, jobs, workload, utilisation, distance."""
    g = _shift_work(units, t0, t1).groupby("group", sort=True)
    staff_h = g["on_min"].sum() / 60.0
    positive = staff_h.where(staff_h > 0)
    return pd.DataFrame({
        "mode": g["mode"].first(),
        "officers": g["unit_id"].nunique(),
        "staff_hours": staff_h,
        "jobs": g["jobs"].sum(),
        "job_min": g["job_min"].sum(),
        "workload_min_per_staff_hour": g["job_min"].sum() / positive,
        "utilisation": g["busy_min"].sum() / (positive * 60.0),
        "distance_km_per_staff_hour": g["distance_km"].sum() / positive,
    })


def _shift_work(units: pd.DataFrame, t0: float, t1: float) -> pd.DataFrame:
    """Per officer-shift: group, mode, officer, and its minutes on duty, jobs, job and busy
    minutes and distance prorated by its share of duty inside the window."""
    inside, share = window_share(units, t0, t1)
    return pd.DataFrame({
        "group": units["group"], "mode": units["mode"], "unit_id": units["unit_id"],
        "on_min": inside, "jobs": units["jobs"] * share, "job_min": units["job_min"] * share,
        "busy_min": (units["busy_travel_min"] + units["job_min"]) * share,
        "distance_km": units["distance_km"] * share,
    })


def by_zone(incidents: pd.DataFrame, presence: pd.DataFrame, zone_ids: list[str],
            sent: pd.DataFrame, t0: float, t1: float, arrival_end: float | None = None,
            idle: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per zone: incidents, work done there, exposure, idleness and out-of-area jobs.

    ``sent`` is :func:`first_responses`; ``idle``: the zones' ``mean_idleness_min`` and
    ``max_gap_min`` in [t0, t1), one row per zone of ``zone_ids``, if already known.
    """
    zone, n = label_codes(incidents["zone"], zone_ids), len(zone_ids)
    sent_zone = label_codes(sent["zone"], zone_ids)
    outside = np.nan_to_num(sent["outside"].to_numpy(dtype=float))
    frame = pd.DataFrame({
        "zone": zone_ids,
        "incidents": _per_code(zone[occurring_in(incidents, t0, t1, arrival_end)], n),
        "first_responses": _per_code(sent_zone, n),
        "out_of_area_jobs": np.rint(_per_code(sent_zone, n, outside)).astype(np.int64),
        "job_min": _job_minutes(presence, zone_ids, t0, t1),
        "exposure_h": _per_code(zone, n, exposure_minutes(incidents, t0, t1)) / 60.0,
    })
    if idle is None:
        idle = _zone_idleness(presence, zone_ids, t0, t1)
    return pd.concat([frame, idle[["mean_idleness_min", "max_gap_min"]]], axis=1)


def _job_minutes(presence: pd.DataFrame, zone_ids: list[str], t0: float,
                 t1: float) -> np.ndarray:
    """Per zone: officer-minutes on scene (presence on a job) inside [t0, t1)."""
    job = (presence["activity"] == "job").to_numpy()
    start, end = presence["t_start"].to_numpy(float)[job], presence["t_end"].to_numpy(float)[job]
    minutes = np.clip(np.minimum(end, t1) - np.maximum(start, t0), 0.0, None)
    return _per_code(zone_codes(presence, zone_ids)[job], len(zone_ids), minutes)


def _per_code(codes: np.ndarray, n: int, weights: np.ndarray | None = None) -> np.ndarray:
    """Rows (or their ``weights``) summed per code 0..n-1 (rows of other codes left out)."""
    ok = (codes >= 0) & (codes < n)
    return np.bincount(codes[ok], weights=None if weights is None else weights[ok],
                       minlength=n)


def _zone_idleness(presence: pd.DataFrame, zone_ids: list[str], t0: float,
                   t1: float) -> pd.DataFrame:
    """Per zone the gaps between officer presence in [t0, t1) (see ``idleness``)."""
    gaps = []
    for s, e in stays_by_zone(presence, zone_ids):
        live = (s < t1) & (e > t0)
        gaps.append(idleness(s[live], e[live], t0, t1))
    return pd.DataFrame(gaps)

"""The planner's tables by place: per officer group (``by_group``) and per zone (``by_zone``).

What Larson's hypercube model gives per unit and per atom (Larson 1974): workload, the share of
a unit's dispatches outside its own area, and per area the work done there and by whom.
Observation window [t0, t1) as in ``sim.metrics.kpis``.

An officer's *own area* is the zones it patrols: its unit grid under grid responsibility, else
its group's ``zones``. A group whose officers patrol the whole district has no own area: its
out-of-area share is NaN (not 0), since "out of area" means nothing for it. Jobs here are
first responses (the officer first dispatched to an incident occurring in the window).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.compiled import Layout
from sim.metrics.kpis import exposure_minutes, idleness, stays_by_zone
from sim.metrics.tables_time import in_window, window_share
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


def first_responses(incidents: pd.DataFrame, areas: Areas, t0: float, t1: float) -> pd.DataFrame:
    """Dispatched incidents occurring in the window: zone, first unit, outside its own area?"""
    sent = incidents[in_window(incidents["t_occur"].to_numpy(), t0, t1)
                     & incidents["t_dispatch"].notna().to_numpy()
                     & (incidents["first_unit_id"] != "").to_numpy()]
    own = [areas.get(u) for u in sent["first_unit_id"]]
    outside = np.array([np.nan if a is None else float(z not in a)
                        for a, z in zip(own, sent["zone"])], dtype=float)
    return pd.DataFrame({"zone": sent["zone"].to_numpy(), "unit_id": sent["first_unit_id"],
                         "outside": outside}).reset_index(drop=True)


def by_group(
    incidents: pd.DataFrame, units: pd.DataFrame, areas: Areas, t0: float, t1: float
) -> pd.DataFrame:
    """One row per officer group: staffing, workload, utilisation, out-of-area share, distance.

    Minutes, jobs and distance of an officer-shift count with the share of its duty inside the
    window (as the summary's staff-hours and utilisation do).
    """
    inside, share = window_share(units, t0, t1)
    work = pd.DataFrame({
        "group": units["group"], "mode": units["mode"], "unit_id": units["unit_id"],
        "on_min": inside, "jobs": units["jobs"] * share, "job_min": units["job_min"] * share,
        "busy_min": (units["busy_travel_min"] + units["job_min"]) * share,
        "distance_km": units["distance_km"] * share,
    })
    g = work.groupby("group", sort=True)
    staff_h = g["on_min"].sum() / 60.0
    positive = staff_h.where(staff_h > 0)
    out = pd.DataFrame({
        "mode": g["mode"].first(),
        "officers": g["unit_id"].nunique(),
        "staff_hours": staff_h,
        "jobs": g["jobs"].sum(),
        "job_min": g["job_min"].sum(),
        "workload_min_per_staff_hour": g["job_min"].sum() / positive,
        "utilisation": g["busy_min"].sum() / (positive * 60.0),
        "distance_km_per_staff_hour": g["distance_km"].sum() / positive,
    })
    sent = first_responses(incidents, areas, t0, t1)
    sent["group"] = sent["unit_id"].map(dict(zip(units["unit_id"], units["group"])))
    s = sent.groupby("group", sort=True)
    out["first_responses"] = s.size().reindex(out.index).fillna(0).astype(np.int64)
    out["out_of_area_share"] = s["outside"].mean().reindex(out.index)  # NaN: no own area
    return out.reset_index()


def by_zone(
    incidents: pd.DataFrame,
    presence: pd.DataFrame,
    zone_ids: list[str],
    areas: Areas,
    t0: float,
    t1: float,
) -> pd.DataFrame:
    """One row per zone: incidents, work done there, exposure, idleness and out-of-area jobs."""
    inside = in_window(incidents["t_occur"].to_numpy(), t0, t1)
    count = incidents.loc[inside, "zone"].value_counts()
    exposure = pd.Series(exposure_minutes(incidents, t0, t1), index=incidents.index)
    exposure = exposure.groupby(incidents["zone"]).sum()
    job = presence[presence["activity"] == "job"]
    job_min = pd.Series(np.clip(np.minimum(job["t_end"], t1) - np.maximum(job["t_start"], t0),
                                0.0, None).to_numpy(), index=job.index).groupby(job["zone"]).sum()
    sent = first_responses(incidents, areas, t0, t1).groupby("zone")
    gaps = []
    for s, e in stays_by_zone(presence, zone_ids):
        live = (s < t1) & (e > t0)
        gaps.append(idleness(s[live], e[live], t0, t1))
    frame = pd.DataFrame({
        "zone": zone_ids,
        "incidents": count.reindex(zone_ids).fillna(0).astype(np.int64).to_numpy(),
        "first_responses": sent.size().reindex(zone_ids).fillna(0).astype(np.int64).to_numpy(),
        "out_of_area_jobs": sent["outside"].sum().reindex(zone_ids).fillna(0).to_numpy(),
        "job_min": job_min.reindex(zone_ids).fillna(0.0).to_numpy(),
        "exposure_h": exposure.reindex(zone_ids).fillna(0.0).to_numpy() / 60.0,
    })
    frame["out_of_area_jobs"] = frame["out_of_area_jobs"].astype(np.int64)
    idle = pd.DataFrame(gaps)[["mean_idleness_min", "max_gap_min"]]
    return pd.concat([frame, idle], axis=1)

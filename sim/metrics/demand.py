"""Vendor and parking frames and KPIs, from a replication's raw demand records.

Observation window [warm-up, horizon) as in ``sim.metrics.kpis``: events count if they happen in
it, hours are clipped to it. The ``parking`` frame has one row per zone × hour of day ×
vehicle kind (motor, nonmotor): ``capacity`` (legal spaces), ``occupancy`` (mean vehicles
parked legally ÷ capacity; NaN without spaces) and ``illegal`` (mean vehicles parked
illegally). The ``vendors`` frame has one row per zone with vendor activity.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.engine.vendors import DISPLACED_IN, EVENTS, RETURNED, SETUP
from sim.engine.world import RawRun
from sim.metrics.columns import IncidentColumns, incident_columns
from sim.metrics.kpis import group_rows, overlap_by_hour
from sim.scenario.demand import VEHICLES


def _hours(tab: IncidentColumns, ids: np.ndarray, t0: float, t1: float) -> np.ndarray:
    """Minutes each incident in ``ids`` was visible inside [t0, t1)."""
    start = tab.t_occur[ids]
    end = np.where(np.isnan(tab.t_end[ids]), t1, tab.t_end[ids])
    return np.clip(np.minimum(end, t1) - np.maximum(start, t0), 0.0, None)


def vendors_frame(raw: RawRun, t0: float, t1: float) -> pd.DataFrame:
    """Per zone: attempts, set-ups, deterred, displaced out/in, returns, offences, trading hours."""
    events = raw.demand.get("vendors", {}).get("events")
    if events is None:
        return pd.DataFrame()
    ev = events[(events[:, 0] >= t0) & (events[:, 0] < t1)]
    zones = np.array(raw.layout.zone_ids)
    counts = np.zeros((len(zones), len(EVENTS)), dtype=np.int64)
    np.add.at(counts, (ev[:, 1].astype(np.int64), ev[:, 2].astype(np.int64)), 1)
    made = events[np.isin(events[:, 2], [SETUP, DISPLACED_IN, RETURNED])]
    ids = made[:, 4].astype(np.int64)
    trading = np.bincount(made[:, 1].astype(np.int64),
                          weights=_hours(incident_columns(raw), ids, t0, t1), minlength=len(zones))
    frame = pd.DataFrame(counts, columns=list(EVENTS))
    frame.insert(0, "zone", zones)
    frame.insert(0, "replication", raw.replication)
    frame["trading_h"] = trading / 60.0
    keep = (counts.sum(axis=1) > 0) | (trading > 0)
    return frame[keep].reset_index(drop=True)


def parking_frame(raw: RawRun, t0: float, t1: float) -> pd.DataFrame:
    """Zone × hour of day × vehicle kind: legal occupancy share and mean illegal vehicles."""
    p = raw.demand.get("parking") or {}
    if not p:
        return pd.DataFrame()
    tab = incident_columns(raw)
    observed = p["observed_min"]
    kinds = len(VEHICLES)
    zone_ids = raw.layout.zone_ids
    # Illegal-parking incidents of each zone × vehicle kind (pair zi * kinds + v).
    pairs = p["illegal_zone"].astype(np.int64) * kinds + p["illegal_vehicle"]
    by_pair = group_rows(pairs, len(zone_ids) * kinds, p["illegal_incident"])
    keys, capacity, occupancy, illegal = [], [], [], []
    for zi, zone in enumerate(zone_ids):
        for v, kind in enumerate(VEHICLES):
            cap = int(p["capacity"][zi, v])
            if cap == 0 and p["arrivals"][zi, v] == 0:
                continue
            (ids,) = by_pair[zi * kinds + v]
            end = np.where(np.isnan(tab.t_end[ids]), t1, tab.t_end[ids])
            keys.append((zone, kind))
            capacity.append(cap)
            illegal.append(overlap_by_hour(tab.t_occur[ids], end, t0, t1) / observed)
            with np.errstate(invalid="ignore", divide="ignore"):
                occupancy.append(
                    p["legal_min"][zi, v] / (cap * observed) if cap else np.full(24, np.nan)
                )
    if not keys:
        return pd.DataFrame()
    return pd.DataFrame({
        "replication": raw.replication,
        "zone": np.repeat(np.array([z for z, _ in keys], dtype=object), 24),
        "hour": np.tile(np.arange(24), len(keys)),
        "kind": np.repeat(np.array([k for _, k in keys], dtype=object), 24),
        "capacity": np.repeat(np.array(capacity, dtype=np.int64), 24),
        "occupancy": np.concatenate(occupancy),
        "illegal": np.concatenate(illegal),
    })


def parking_zones_frame(raw: RawRun, t0: float, t1: float) -> pd.DataFrame:
    """Per zone and vehicle kind: arrivals, blocked, parked illegally, charging and wires.

    ``blocked``: found the legal spaces full; ``illegal``: then parked illegally;
    ``deterred``: would have parked illegally but for the perceived risk of enforcement.
    Charging columns are on the nonmotor rows (zero on motor rows).
    """
    p = raw.demand.get("parking") or {}
    if not p:
        return pd.DataFrame()
    tab = incident_columns(raw)
    ids = p["illegal_incident"]
    inside = (tab.t_occur[ids] >= t0) & (tab.t_occur[ids] < t1)
    z = raw.layout.n_zones
    illegal = np.zeros((z, 2), dtype=np.int64)
    np.add.at(illegal, (p["illegal_zone"][inside], p["illegal_vehicle"][inside]), 1)
    deterred = np.zeros((z, 2), dtype=np.int64)
    late = (p["deterred_t"] >= t0) & (p["deterred_t"] < t1)
    np.add.at(deterred, (p["deterred_zone"][late], p["deterred_vehicle"][late]), 1)
    frame = pd.DataFrame({
        "replication": raw.replication,
        "zone": np.repeat(raw.layout.zone_ids, 2),
        "kind": np.tile(VEHICLES, z),
        "capacity": p["capacity"].reshape(-1),
        "arrivals": p["arrivals"].reshape(-1),
        "blocked": p["blocked"].reshape(-1),
        "illegal": illegal.reshape(-1),
        "deterred": deterred.reshape(-1),
        "charging_demand": np.column_stack([np.zeros(z), p["charging"][:, 0]]).reshape(-1),
        "charged_at_pile": np.column_stack([np.zeros(z), p["charging"][:, 1]]).reshape(-1),
        "wires": np.column_stack([np.zeros(z), p["charging"][:, 2]]).reshape(-1),
    })
    if p.get("spill") is not None:  # spill-over on: drivers who tried a neighbour
        frame["spilled_out"] = p["spill"][:, :, 0].reshape(-1)
        frame["spilled_in"] = p["spill"][:, :, 1].reshape(-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        frame["illegal_share"] = frame["illegal"] / frame["arrivals"]
    return frame[(frame["arrivals"] > 0) | (frame["capacity"] > 0)].reset_index(drop=True)


def demand_frames(raw: RawRun, t0: float, t1: float) -> dict[str, pd.DataFrame]:
    """The extra frames of a replication (only those whose model is on)."""
    out = {
        "vendors": vendors_frame(raw, t0, t1),
        "parking": parking_frame(raw, t0, t1),
        "parking_zones": parking_zones_frame(raw, t0, t1),
    }
    return {name: frame for name, frame in out.items() if len(frame)}


def demand_kpis(
    frames: dict[str, pd.DataFrame], incidents: pd.DataFrame, types: dict[str, str],
    t0: float, t1: float,
) -> dict[str, float]:
    """Summary KPIs of the demand models (per day over the window, or shares).

    Args:
        frames: ``demand_frames`` output.
        incidents: The incidents frame (for incident-hours of the parking types).
        types: Vehicle kind → incident type of illegal parking.
        t0: Window start.
        t1: Window end.
    """
    days = (t1 - t0) / 1440.0
    row: dict[str, float] = {}
    vendors = frames.get("vendors")
    if vendors is not None:
        setups = vendors[["setup", "displaced_in", "returned"]].to_numpy().sum()
        intended = vendors["setup"].sum() + vendors["deterred"].sum()
        row.update({
            "vendor_trading_h_per_day": float(vendors["trading_h"].sum() / days),
            "vendor_setups_per_day": float(setups / days),
            "vendor_deterred_share": float(vendors["deterred"].sum() / intended)
            if intended else np.nan,
            "vendor_displacement_share": float(vendors["displaced_in"].sum() / setups)
            if setups else np.nan,
            "vendor_seizures": float(vendors["seizure"].sum()),
            "vendor_repeat_offences": float(vendors["repeat_offence"].sum()),
        })
    zones = frames.get("parking_zones")
    if zones is not None:
        arrivals = zones["arrivals"].sum()
        illegal = zones["illegal"].sum()
        row["parking_illegal_share"] = float(illegal / arrivals) if arrivals else np.nan
        for kind in zones["kind"].unique():
            part = zones[zones["kind"] == kind]
            n = part["arrivals"].sum()
            row[f"parking_illegal_share_{kind}"] = float(part["illegal"].sum() / n) if n else np.nan
        mine = incidents["type"].isin(list(types.values())).to_numpy()
        end = incidents["t_end"].fillna(t1).to_numpy()[mine]
        start = incidents["t_occur"].to_numpy()[mine]
        hours = np.clip(np.minimum(end, t1) - np.maximum(start, t0), 0, None)
        row["illegal_parking_h_per_day"] = float(hours.sum() / 60.0 / days)
        row["charging_wires_per_day"] = float(zones["wires"].sum() / days)
    return row

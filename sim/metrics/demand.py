"""Vendor and parking frames and KPIs, from a replication's raw demand records.

Observation window [warm-up, horizon) as in ``sim.metrics.kpis``: events count if they happen in
it, hours are clipped to it. The ``parking`` frame has one row per zone × hour of day ×
vehicle kind (motor, nonmotor): ``capacity`` (legal spaces), ``occupancy`` (mean vehicles
parked legally ÷ capacity; NaN without spaces) and ``illegal`` (mean vehicles parked
illegally). The ``vendors`` frame has one row per zone with vendor activity.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.engine.table import IncidentTable
from sim.engine.vendors import DISPLACED_IN, EVENTS, RETURNED, SETUP
from sim.engine.world import RawRun
from sim.metrics.intervals import group_rows, overlap_by_hour
from sim.scenario.demand import VEHICLES


def _hours(tab: IncidentTable, ids: np.ndarray, t0: float, t1: float) -> np.ndarray:
    """Minutes each incident in ``ids`` was visible inside [t0, t1)."""
    start = tab.t_occur[ids]
    end = np.where(np.isnan(tab.t_end[ids]), t1, tab.t_end[ids])
    return np.clip(np.minimum(end, t1) - np.maximum(start, t0), 0.0, None)


def vendors_frame(raw: RawRun, t0: float, t1: float) -> pd.DataFrame:
    """Per zone: attempts, set-ups, deterred, displaced out/in, returns, offences, trading hours."""
    events = raw.demand.get("vendors", {}).get("events")
    if events is None:
        return pd.DataFrame()
    zones = np.array(raw.layout.zone_ids)
    counts = _event_counts(events, len(zones), t0, t1)
    trading = _trading_minutes(raw, events, len(zones), t0, t1)
    frame = pd.DataFrame(counts, columns=list(EVENTS))
    frame.insert(0, "zone", zones)
    frame.insert(0, "replication", raw.replication)
    frame["trading_h"] = trading / 60.0
    keep = (counts.sum(axis=1) > 0) | (trading > 0)
    return frame[keep].reset_index(drop=True)


def _event_counts(events: np.ndarray, zones: int, t0: float, t1: float) -> np.ndarray:
    """(zones, event kinds) counts of the vendor events inside [t0, t1)."""
    ev = events[(events[:, 0] >= t0) & (events[:, 0] < t1)]
    counts = np.zeros((zones, len(EVENTS)), dtype=np.int64)
    np.add.at(counts, (ev[:, 1].astype(np.int64), ev[:, 2].astype(np.int64)), 1)
    return counts


def _trading_minutes(raw: RawRun, events: np.ndarray, zones: int, t0: float,
                     t1: float) -> np.ndarray:
    """Per zone: minutes vendors traded there inside [t0, t1) (their incidents' visible time)."""
    made = events[np.isin(events[:, 2], [SETUP, DISPLACED_IN, RETURNED])]
    ids = made[:, 4].astype(np.int64)
    return np.bincount(made[:, 1].astype(np.int64),
                       weights=_hours(raw.incidents, ids, t0, t1), minlength=zones)


def parking_frame(raw: RawRun, t0: float, t1: float) -> pd.DataFrame:
    """Zone × hour of day × vehicle kind: legal occupancy share and mean illegal vehicles."""
    p = raw.demand.get("parking") or {}
    if not p:
        return pd.DataFrame()
    kinds = len(VEHICLES)
    by_pair = _illegal_by_pair(p, raw.layout.n_zones)
    rows = [_pair_hours(p, raw.incidents, zi, v, by_pair[zi * kinds + v][0], t0, t1)
            for zi in range(raw.layout.n_zones) for v in range(kinds)
            if p["capacity"][zi, v] != 0 or p["arrivals"][zi, v] != 0]
    return _parking_table(raw, rows) if rows else pd.DataFrame()


def _illegal_by_pair(p: dict[str, np.ndarray], zones: int) -> list:
    """Illegal-parking incidents of each zone × vehicle kind (pair ``zi * kinds + v``)."""
    kinds = len(VEHICLES)
    pairs = p["illegal_zone"].astype(np.int64) * kinds + p["illegal_vehicle"]
    return group_rows(pairs, zones * kinds, p["illegal_incident"])


@dataclass
class _PairHours:
    """One zone × vehicle kind of the ``parking`` frame: 24 values per column."""

    zi: int
    v: int
    capacity: int
    occupancy: np.ndarray
    illegal: np.ndarray


def _pair_hours(p: dict[str, np.ndarray], tab: IncidentTable, zi: int, v: int,
                ids: np.ndarray, t0: float, t1: float) -> _PairHours:
    """Legal occupancy share and mean illegal vehicles by hour of one zone × vehicle kind."""
    cap = int(p["capacity"][zi, v])
    observed = p["observed_min"]
    end = np.where(np.isnan(tab.t_end[ids]), t1, tab.t_end[ids])
    illegal = overlap_by_hour(tab.t_occur[ids], end, t0, t1) / observed
    with np.errstate(invalid="ignore", divide="ignore"):
        occupancy = p["legal_min"][zi, v] / (cap * observed) if cap else np.full(24, np.nan)
    return _PairHours(zi, v, cap, occupancy, illegal)


def _parking_table(raw: RawRun, rows: list[_PairHours]) -> pd.DataFrame:
    """The ``parking`` frame from its zone × vehicle kind blocks."""
    zone_ids = raw.layout.zone_ids
    return pd.DataFrame({
        "replication": raw.replication,
        "zone": np.repeat(np.array([zone_ids[r.zi] for r in rows], dtype=object), 24),
        "hour": np.tile(np.arange(24), len(rows)),
        "kind": np.repeat(np.array([VEHICLES[r.v] for r in rows], dtype=object), 24),
        "capacity": np.repeat(np.array([r.capacity for r in rows], dtype=np.int64), 24),
        "occupancy": np.concatenate([r.occupancy for r in rows]),
        "illegal": np.concatenate([r.illegal for r in rows]),
    })


def _zone_kind_counts(zone: np.ndarray, vehicle: np.ndarray, keep: np.ndarray,
                      zones: int) -> np.ndarray:
    """(zones, 2) counts of the kept rows by zone and vehicle kind."""
    counts = np.zeros((zones, 2), dtype=np.int64)
    np.add.at(counts, (zone[keep], vehicle[keep]), 1)
    return counts


def _nonmotor_rows(values: np.ndarray) -> np.ndarray:
    """Per zone values on the nonmotor rows of a zone × kind column (zero on motor rows)."""
    return np.column_stack([np.zeros(len(values)), values]).reshape(-1)


def parking_zones_frame(raw: RawRun, t0: float, t1: float) -> pd.DataFrame:
    """Per zone and vehicle kind: arrivals, blocked, parked illegally, charging and wires.

    ``blocked``: found the legal spaces full; ``illegal``: then parked illegally;
    ``deterred``: would have parked illegally but for the perceived risk of enforcement.
    Charging columns are on the nonmotor rows (zero on motor rows).
    """
    p = raw.demand.get("parking") or {}
    if not p:
        return pd.DataFrame()
    z = raw.layout.n_zones
    frame = pd.DataFrame({
        "replication": raw.replication,
        "zone": np.repeat(raw.layout.zone_ids, 2),
        "kind": np.tile(VEHICLES, z),
        "capacity": p["capacity"].reshape(-1),
        "arrivals": p["arrivals"].reshape(-1),
        "blocked": p["blocked"].reshape(-1),
        **_decisions(p, raw.incidents.t_occur[p["illegal_incident"]], z, t0, t1),
        "charging_demand": _nonmotor_rows(p["charging"][:, 0]),
        "charged_at_pile": _nonmotor_rows(p["charging"][:, 1]),
        "wires": _nonmotor_rows(p["charging"][:, 2]),
    })
    _add_spill_and_share(frame, p)
    return frame[(frame["arrivals"] > 0) | (frame["capacity"] > 0)].reset_index(drop=True)


def _decisions(p: dict[str, np.ndarray], occur: np.ndarray, zones: int, t0: float,
               t1: float) -> dict[str, np.ndarray]:
    """Zone × kind counts, inside [t0, t1), of drivers parking illegally and of those deterred."""
    deterred_in = (p["deterred_t"] >= t0) & (p["deterred_t"] < t1)
    return {"illegal": _zone_kind_counts(p["illegal_zone"], p["illegal_vehicle"],
                                         (occur >= t0) & (occur < t1), zones).reshape(-1),
            "deterred": _zone_kind_counts(p["deterred_zone"], p["deterred_vehicle"], deterred_in,
                                          zones).reshape(-1)}


def _add_spill_and_share(frame: pd.DataFrame, p: dict[str, np.ndarray]) -> None:
    """The spill-over columns (when on) and the illegal share, added to ``parking_zones``."""
    if p.get("spill") is not None:  # spill-over on: drivers who tried a neighbour
        frame["spilled_out"] = p["spill"][:, :, 0].reshape(-1)
        frame["spilled_in"] = p["spill"][:, :, 1].reshape(-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        frame["illegal_share"] = frame["illegal"] / frame["arrivals"]


def demand_frames(raw: RawRun, t0: float, t1: float) -> dict[str, pd.DataFrame]:
    """The extra frames of a replication (only those whose model is on)."""
    out = {
        "vendors": vendors_frame(raw, t0, t1),
        "parking": parking_frame(raw, t0, t1),
        "parking_zones": parking_zones_frame(raw, t0, t1),
    }
    return {name: frame for name, frame in out.items() if len(frame)}


def demand_kpis(frames: dict[str, pd.DataFrame], incidents: pd.DataFrame, types: dict[str, str],
                t0: float, t1: float) -> dict[str, float]:
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
        row.update(_vendor_kpis(vendors, days))
    zones = frames.get("parking_zones")
    if zones is not None:
        row.update(_parking_kpis(zones, incidents, types, t0, t1))
    return row


def _ratio(num: float, den: float) -> float:
    """``num / den``, NaN when ``den`` is zero."""
    return float(num / den) if den else np.nan


def _vendor_kpis(vendors: pd.DataFrame, days: float) -> dict[str, float]:
    """Vendor trading, set-ups, deterrence, displacement, seizures and repeats."""
    setups = vendors[["setup", "displaced_in", "returned"]].to_numpy().sum()
    intended = vendors["setup"].sum() + vendors["deterred"].sum()
    return {
        "vendor_trading_h_per_day": float(vendors["trading_h"].sum() / days),
        "vendor_setups_per_day": float(setups / days),
        "vendor_deterred_share": _ratio(vendors["deterred"].sum(), intended),
        "vendor_displacement_share": _ratio(vendors["displaced_in"].sum(), setups),
        "vendor_seizures": float(vendors["seizure"].sum()),
        "vendor_repeat_offences": float(vendors["repeat_offence"].sum()),
    }


def _parking_kpis(zones: pd.DataFrame, incidents: pd.DataFrame, types: dict[str, str],
                  t0: float, t1: float) -> dict[str, float]:
    """Illegal-parking shares (all and per vehicle kind), incident-hours and wires."""
    days = (t1 - t0) / 1440.0
    row = {"parking_illegal_share": _ratio(zones["illegal"].sum(), zones["arrivals"].sum())}
    for kind in zones["kind"].unique():
        part = zones[zones["kind"] == kind]
        row[f"parking_illegal_share_{kind}"] = _ratio(part["illegal"].sum(),
                                                      part["arrivals"].sum())
    hours = _illegal_parking_minutes(incidents, types, t0, t1)
    row["illegal_parking_h_per_day"] = float(hours.sum() / 60.0 / days)
    row["charging_wires_per_day"] = float(zones["wires"].sum() / days)
    return row


def _illegal_parking_minutes(incidents: pd.DataFrame, types: dict[str, str], t0: float,
                             t1: float) -> np.ndarray:
    """Minutes each illegal-parking incident was visible inside [t0, t1)."""
    mine = incidents["type"].isin(list(types.values())).to_numpy()
    end = incidents["t_end"].fillna(t1).to_numpy()[mine]
    start = incidents["t_occur"].to_numpy()[mine]
    return np.clip(np.minimum(end, t1) - np.maximum(start, t0), 0, None)

"""Incident measures over populations that do not depend on the strategy.

Every incident that occurs in the arrival window counts (see ``sim.metrics.window``), whatever
ended it. Three per-incident quantities:

- **time to end**: occurrence → end of the disorder (an officer, the offender, the shop),
  capped at the cool-down τ; an incident still open at the horizon has lasted at least τ.
- **met target**: the disorder ended within the type's ``sla_min`` of occurrence.
- **resolution and its parts** (officer-resolved incidents only): detection, dispatch wait,
  travel, on-scene work, rectification period, re-inspection — they add up, per incident, to
  occurrence → resolution.

Pooled figures use the *exogenous* incidents only (the catalog and charging wires: identical in
every scenario under common random numbers); ``by_type`` shows every source, per type.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from sim.metrics.window import Window

OUTCOME_ORDER = ("resolved", "fled", "self_cleared", "merchant_fixed", "open_at_end")
RESOLVED = OUTCOME_ORDER.index("resolved")
CHANNEL_ORDER = ("patrol", "camera", "complaint", "merchant", "none")
EXOGENOUS_SOURCES = ("catalog", "charging")
PARTS = ("detection", "dispatch_wait", "travel", "on_scene", "rectification", "reinspection")


def in_arrival_window(incidents: pd.DataFrame, w: Window) -> np.ndarray:
    """Rows of incidents that occurred in [t0, t1 − τ)."""
    occur = incidents["t_occur"].to_numpy(dtype=float)
    return (occur >= w.t0) & (occur < w.arrival_end)


def exogenous(incidents: pd.DataFrame) -> np.ndarray:
    """Rows of incidents the district produces whatever the officers do."""
    return incidents["source"].isin(EXOGENOUS_SOURCES).to_numpy()


def time_to_end(incidents: pd.DataFrame, tau: float) -> np.ndarray:
    """Occurrence → end of the disorder, capped at ``tau`` (still open: ``tau``)."""
    took = _took(incidents)
    return np.minimum(np.where(np.isnan(took), np.inf, took), tau)


def _took(incidents: pd.DataFrame) -> np.ndarray:
    """Minutes from occurrence to the end of the disorder (NaN: still open)."""
    end = incidents["t_end"].to_numpy(dtype=float)
    return end - incidents["t_occur"].to_numpy(dtype=float)


def met_target(incidents: pd.DataFrame, targets: Mapping[str, float]) -> np.ndarray:
    """Per incident: 1.0 if its disorder ended within its type's target, 0.0 if not, NaN for
    types without a target."""
    codes = label_codes(incidents["type"], list(targets))
    return _met(incidents, _target_table(list(targets), targets), codes)


def _met(incidents: pd.DataFrame, table: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """``met_target`` from each incident's type code (−1: none) and the targets of the codes
    (``_target_table``)."""
    target = table[np.where(codes < 0, len(table) - 1, codes)]
    took = _took(incidents)
    hit = np.where(np.isnan(took), False, took <= target).astype(float)
    return np.where(np.isnan(target), np.nan, hit)


def _target_table(names: Sequence[str], targets: Mapping[str, float]) -> np.ndarray:
    """The target (minutes) of each type of ``names`` (NaN: none), then NaN for other types."""
    return np.array([*(float(targets.get(n, np.nan)) for n in names), np.nan])


def resolution_parts(incidents: pd.DataFrame, rows: np.ndarray | None = None,
                     resolved: np.ndarray | None = None) -> pd.DataFrame:
    """Per incident (of ``rows``, positions, if given): the parts of occurrence → resolution,
    NaN unless resolved by an officer (``resolved``: per row, whether it was, if already
    known).

    Without a rectification deadline the first visit ends with the resolution and the last two
    parts are zero; with one, the first visit ends with the notice (``t_notice``), the
    rectification period runs to the re-inspection's arrival (``t_reinspect``), and the
    re-inspection to the resolution. The parts sum to ``resolution`` exactly (they telescope).
    """
    rows = np.arange(len(incidents)) if rows is None else rows
    if resolved is None:
        resolved = incidents["outcome"].to_numpy()[rows] == "resolved"
    where = np.flatnonzero(resolved)
    parts = _parts(_resolved_times(incidents, rows[where]))
    block = np.full((len(parts), len(rows)), np.nan)  # a part a row: the frame's own layout,
    for k, values in enumerate(parts.values()):  # so pandas takes it without a copy
        block[k, where] = values
    return pd.DataFrame(block.T, columns=[f"{name}_min" for name in parts],
                        index=incidents.index[rows], copy=False)


_TIMES = ("t_occur", "t_detect", "t_dispatch", "t_arrive", "t_notice", "t_reinspect", "t_resolve")


def _resolved_times(incidents: pd.DataFrame, done: np.ndarray) -> dict[str, np.ndarray]:
    """The times of the resolved rows ``done`` only (a year has half a million incidents)."""
    return {c: incidents[c].to_numpy(dtype=float)[done] for c in _TIMES}


def _parts(t: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The parts of occurrence → resolution from the times of resolved incidents."""
    noticed = ~np.isnan(t["t_notice"])
    first_done = np.where(noticed, t["t_notice"], t["t_resolve"])
    back = np.where(noticed, t["t_reinspect"], first_done)
    return {
        "detection": t["t_detect"] - t["t_occur"],
        "dispatch_wait": t["t_dispatch"] - t["t_detect"],
        "travel": t["t_arrive"] - t["t_dispatch"],
        "on_scene": first_done - t["t_arrive"],
        "rectification": back - first_done,
        "reinspection": t["t_resolve"] - back,
        "resolution": t["t_resolve"] - t["t_occur"],
    }


def _share(values: np.ndarray) -> float:
    values = values[~np.isnan(values)]
    return float(values.mean()) if values.size else float("nan")


def label_codes(labels: pd.Series, names: Sequence[str]) -> np.ndarray:
    """Position of each label in ``names`` (-1 where absent).

    One hash look-up per row: much cheaper than one string comparison per name. The index
    holds Python strings like the label columns (with pandas' string dtype, every label
    would be converted first: most of the cost).
    """
    return pd.Index(list(names), dtype=object).get_indexer(labels)


def pooled(incidents: pd.DataFrame, targets: Mapping[str, float], w: Window) -> dict[str, float]:
    """The headline incident measures over the exogenous incidents of the arrival window."""
    window = in_arrival_window(incidents, w)
    rows = window & exogenous(incidents)
    codes = label_codes(incidents["type"], list(targets))
    hit = _met(incidents, _target_table(list(targets), targets), codes)
    detected = _detected(incidents)
    return {
        "time_to_end_mean_min": _share(time_to_end(incidents, w.tau)[rows]),
        "sla_attainment": _share(hit[rows]),
        "share_detected": float(detected[rows].mean()) if rows.any() else float("nan"),
        **_sla_by_type(codes, targets, hit, window),
    }


def _detected(incidents: pd.DataFrame) -> np.ndarray:
    """Which incidents officers learnt of (a shop fixing its own disorder does not count)."""
    return (incidents["t_detect"].notna().to_numpy()
            & (incidents["channel"].to_numpy() != "merchant"))  # (numpy's is the quicker)


def _sla_by_type(type_code: np.ndarray, targets: Mapping[str, float], hit: np.ndarray,
                 window: np.ndarray) -> dict[str, float]:
    """``sla.<type>``: per type, over every source (by_type says which are exogenous);
    ``type_code``: each incident's position in ``targets``."""
    rows = np.flatnonzero(window & (type_code >= 0))
    order = rows[np.argsort(type_code[rows].astype(np.int16), kind="stable")]  # (radix)
    bounds = np.searchsorted(type_code[order], np.arange(len(targets) + 1))
    return {f"sla.{name}": _share(hit[order[bounds[k]:bounds[k + 1]]])
            for k, name in enumerate(targets)}


def by_type(incidents: pd.DataFrame, type_names: Sequence[str], targets: Mapping[str, float],
            w: Window) -> pd.DataFrame:
    """Per incident type: counts, outcomes, channels, time to end, target, exposure, and the
    resolution with its parts (means over officer-resolved incidents)."""
    names = [*type_names, *(t for t in targets if t not in type_names)]
    codes = label_codes(incidents["type"], names)
    all_types = np.where(codes < len(type_names), codes, -1)
    # The window's rows grouped by type (a stable sort keeps each type's rows in order).
    idx = np.flatnonzero(in_arrival_window(incidents, w))
    rows = idx[np.argsort(all_types[idx].astype(np.int16), kind="stable")]  # (radix)
    columns = {
        "type": all_types[rows],
        "exogenous": exogenous(incidents)[rows],
        "end": time_to_end(incidents, w.tau)[rows],
        "hit": _met(incidents, _target_table(names, targets), codes)[rows],
        "outcome": label_codes(incidents["outcome"], OUTCOME_ORDER)[rows],
        "channel": label_codes(incidents["channel"], CHANNEL_ORDER)[rows],
    }
    resolved = resolution_parts(incidents, rows, columns["outcome"] == RESOLVED)
    parts = {name: resolved[name].to_numpy() for name in resolved.columns}
    exposure = _exposure_by_type(incidents, all_types, len(type_names), w)
    bounds = np.searchsorted(columns["type"], np.arange(len(type_names) + 1))
    return pd.DataFrame([_type_row(name, _slice(columns, bounds, k), _slice(parts, bounds, k),
                                   targets, exposure[k] / 60.0)
                         for k, name in enumerate(type_names)])


def _exposure_by_type(incidents: pd.DataFrame, types: np.ndarray, n: int,
                      w: Window) -> np.ndarray:
    """Minutes of visible disorder per type code (and a last entry for unknown types)."""
    return np.bincount(np.where(types >= 0, types, n),
                       weights=exposure_minutes(incidents, w.t0, w.t1), minlength=n + 1)


def _slice(columns: dict[str, np.ndarray], bounds: np.ndarray, k: int) -> dict[str, np.ndarray]:
    """Rows ``bounds[k]:bounds[k + 1]`` of every column."""
    return {name: values[bounds[k]:bounds[k + 1]] for name, values in columns.items()}


def _type_row(name: str, mine: dict[str, np.ndarray], res: dict[str, np.ndarray],
              targets: Mapping[str, float], exposure_h: float) -> dict[str, float | str | int]:
    """One type's row of ``by_type`` from its incidents' columns and resolution parts."""
    return {
        "type": name, "incidents": len(mine["type"]),
        "share_exogenous": _average(mine["exogenous"]),
        "time_to_end_mean_min": _average(mine["end"]),
        "sla_target_min": float(targets.get(name, np.nan)),
        "sla": _share(mine["hit"]) if name in targets else np.nan,
        "exposure_h": float(exposure_h),
        **_code_shares(mine["outcome"], OUTCOME_ORDER, "share_"),
        **_code_shares(mine["channel"], CHANNEL_ORDER, "share_found_"),
        **_resolution_columns(res),
    }


def _average(values: np.ndarray) -> float:
    """Mean of ``values`` (NaN if there are none)."""
    return float(values.mean()) if len(values) else np.nan


def _code_shares(codes: np.ndarray, names: Sequence[str], prefix: str) -> dict[str, float]:
    """Share of the rows with each code, as ``<prefix><name>``."""
    return {f"{prefix}{name}": _average(codes == j) for j, name in enumerate(names)}


def _resolution_columns(res: dict[str, np.ndarray]) -> dict[str, float | int]:
    """Resolved incidents, their mean and p90 resolution time and the mean of each part."""
    resolution = pd.Series(res["resolution_min"])
    resolved = int(resolution.notna().sum())
    row: dict[str, float | int] = {
        "resolved": resolved,
        "resolution_mean_min": _mean(resolution),
        "resolution_p90_min": float(resolution.quantile(0.9)) if resolved else np.nan,
    }
    for p in PARTS:
        row[f"{p}_mean_min"] = _mean(pd.Series(res[f"{p}_min"]))
    return row


def _mean(values: pd.Series) -> float:
    return float(values.mean()) if values.notna().any() else float("nan")


def exposure_minutes(incidents: pd.DataFrame, t0: float, t1: float) -> np.ndarray:
    """Minutes each incident's disorder was visible inside [t0, t1) (still open: to t1)."""
    end = incidents["t_end"].fillna(t1).to_numpy(dtype=float)
    start = incidents["t_occur"].to_numpy(dtype=float)
    return np.clip(np.minimum(end, t1) - np.maximum(start, t0), 0.0, None)


def type_weights(by_type_frame: pd.DataFrame) -> pd.Series:
    """Standardisation weights: each type's share of exogenous incidents in ``by_type_frame``
    (pooled over whatever scenarios and replications it holds)."""
    exo = by_type_frame["incidents"] * by_type_frame["share_exogenous"].fillna(0.0)
    totals = exo.groupby(by_type_frame["type"], sort=False).sum()
    totals = totals[totals > 0]
    return totals / totals.sum() if totals.sum() > 0 else totals


def standardised_resolution(by_type_frame: pd.DataFrame, weights: pd.Series,
                            keys: Sequence[str] = ("scenario", "replication")) -> pd.Series:
    """Per ``keys`` group: Σ_k w_k · mean resolution of type k (types without a resolved
    incident in that group are left out and the remaining weights rescaled)."""
    frame = by_type_frame[[*keys, "type", "resolution_mean_min"]].copy()
    frame["w"] = frame["type"].map(weights).fillna(0.0)
    frame = frame[frame["resolution_mean_min"].notna() & (frame["w"] > 0)]
    frame["wx"] = frame["w"] * frame["resolution_mean_min"]
    sums = frame.groupby(list(keys), sort=False)[["wx", "w"]].sum()
    return (sums["wx"] / sums["w"]).rename("resolution_std_mean_min")


def hit_by_hour(incidents: pd.DataFrame, targets: Mapping[str, float], w: Window,
                only: np.ndarray | None = None) -> pd.DataFrame:
    """Per hour of day of occurrence: incidents with a target (``sla_cases``) and the share
    whose disorder ended within it (``sla``), over the arrival window."""
    rows = in_arrival_window(incidents, w) & (True if only is None else only)
    hit = met_target(incidents, targets)[rows]
    hour = (np.floor(incidents["t_occur"].to_numpy(dtype=float)[rows] / 60.0) % 24).astype(int)
    keep = ~np.isnan(hit)
    counts = np.bincount(hour[keep], minlength=24)
    hits = np.bincount(hour[keep], weights=hit[keep], minlength=24)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(counts > 0, hits / np.maximum(counts, 1), np.nan)
    return pd.DataFrame({"hour": np.arange(24), "sla_cases": counts, "sla": share})

"""KPIs computed from the tidy frames after a run (observation is separate from behaviour).

Presence, coverage, idleness, exposure and staffing are clipped to the observation window
[warm-up, horizon); incident measures count the incidents of the arrival window (see
``sim.metrics.window`` and ``sim.metrics.outcomes``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from sim.metrics.outcomes import (
    CHANNEL_ORDER,
    OUTCOME_ORDER,
    PARTS,
    exposure_minutes,
    in_arrival_window,
    label_codes,
    pooled,
    resolution_parts,
)
from sim.metrics.window import Window


def overlap_by_hour(starts: np.ndarray, ends: np.ndarray, t0: float, t1: float) -> np.ndarray:
    """Total overlap (minutes) of intervals with each hour of day (24 values) inside [t0, t1)."""
    s = np.clip(np.asarray(starts, dtype=float), t0, t1)
    e = np.clip(np.asarray(ends, dtype=float), t0, t1)
    keep = e > s
    # (a stable sort is the same order, and fast on the nearly sorted times of a run)
    s, e = np.sort(s[keep], kind="stable"), np.sort(e[keep], kind="stable")
    first, last = np.floor(t0 / 60.0) * 60.0, np.ceil(t1 / 60.0) * 60.0
    grid = np.arange(first, last + 60.0, 60.0)
    cum_s = np.concatenate([[0.0], np.cumsum(s)])
    cum_e = np.concatenate([[0.0], np.cumsum(e)])
    k_s = np.searchsorted(s, grid, side="left")
    k_e = np.searchsorted(e, grid, side="left")
    # F(b) = Σ_{s<b} (b − s) − Σ_{e<b} (b − e): time covered before boundary b
    covered = (k_s * grid - cum_s[k_s]) - (k_e * grid - cum_e[k_e])
    per_bin = np.clip(np.diff(covered), 0.0, None)
    per_bin[per_bin < 1e-9] = 0.0  # float noise of the cumulative sums
    # grid[i] = first + 60 i exactly (whole minutes), so bin i is hour first / 60 + i of the day
    hours = (int(first // 60.0) + np.arange(len(grid) - 1)) % 24
    return np.bincount(hours, weights=per_bin, minlength=24)


def merge_intervals(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Union of intervals as sorted, disjoint (start, end) arrays."""
    if len(starts) == 0:
        return np.empty(0), np.empty(0)
    order = np.argsort(starts, kind="stable")
    s, e = np.asarray(starts, dtype=float)[order], np.asarray(ends, dtype=float)[order]
    run_end = np.maximum.accumulate(e)
    first = np.flatnonzero(np.concatenate([[True], s[1:] > run_end[:-1]]))
    return s[first], np.maximum.reduceat(e, first)


def group_rows(codes: np.ndarray, n: int, *columns: np.ndarray) -> list[tuple[np.ndarray, ...]]:
    """For each code 0..n-1, the rows of ``columns`` with that code, in their original order.

    Rows whose code is outside 0..n-1 are dropped.
    """
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(n + 1))
    ordered = [np.asarray(c)[order] for c in columns]
    return [tuple(c[bounds[k]:bounds[k + 1]] for c in ordered) for k in range(n)]


def category_codes(labels: pd.Series, names: Sequence[str]) -> np.ndarray:
    """``label_codes``, but a categorical column with exactly ``names`` as categories gives
    its small integer codes without a look-up (presence frames: millions of rows)."""
    if isinstance(labels.dtype, pd.CategoricalDtype) and list(labels.cat.categories) == list(
        names
    ):
        return labels.cat.codes.to_numpy()
    return label_codes(labels, names)


def zone_codes(presence: pd.DataFrame, zone_ids: Sequence[str]) -> np.ndarray:
    """Position of each presence row's zone in ``zone_ids`` (-1 where absent)."""
    return category_codes(presence["zone"], zone_ids)


def stays_by_zone(
    presence: pd.DataFrame, zone_ids: Sequence[str]
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per zone of ``zone_ids``: the start and end times of its presence rows, in row order."""
    codes = zone_codes(presence, zone_ids)
    groups = group_rows(
        codes, len(zone_ids), presence["t_start"].to_numpy(), presence["t_end"].to_numpy()
    )
    return [(s, e) for s, e in groups]


def idleness(starts: np.ndarray, ends: np.ndarray, t0: float, t1: float) -> dict[str, float]:
    """Gaps between officer presence in one zone: mean gap, worst gap, time-average idleness."""
    s = np.clip(starts, t0, t1)
    e = np.clip(ends, t0, t1)
    keep = e > s
    ms, me = merge_intervals(s[keep], e[keep])
    gaps = np.diff(np.concatenate([[t0], np.ravel(np.column_stack([ms, me])), [t1]]))[::2]
    gaps = gaps[gaps > 0] if len(ms) else np.array([t1 - t0])
    if gaps.size == 0:
        gaps = np.array([0.0])
    return {
        "mean_gap_min": float(gaps.mean()),
        "max_gap_min": float(gaps.max()),
        "mean_idleness_min": float((gaps**2).sum() / 2.0 / (t1 - t0)),
    }


def zones_frame(
    zones: pd.DataFrame, incidents: pd.DataFrame, presence: pd.DataFrame, t0: float, t1: float
) -> pd.DataFrame:
    """Per zone: presence, visits, idleness, incidents and disorder exposure."""
    zone_ids = list(zones["zone"])
    inc_zone = label_codes(incidents["zone"], zone_ids)
    occur = incidents["t_occur"].to_numpy()
    counted = (occur >= t0) & (occur < t1) & (inc_zone >= 0)
    counts = np.bincount(inc_zone[counted], minlength=len(zone_ids))
    exposure = pd.Series(exposure_minutes(incidents, t0, t1)).groupby(inc_zone).sum()
    rows = []
    for k, (s, e) in enumerate(stays_by_zone(presence, zone_ids)):
        inside = (s < t1) & (e > t0)
        rows.append(
            {
                "zone": zone_ids[k],
                "presence_min": float((np.clip(e, t0, t1) - np.clip(s, t0, t1)).sum()),
                "visits": int(((s >= t0) & (s < t1)).sum()),
                **idleness(s[inside], e[inside], t0, t1),
                "incidents": int(counts[k]),
                "exposure_h": float(exposure.get(k, 0.0)) / 60.0,
            }
        )
    return zones.merge(pd.DataFrame(rows), on="zone", how="left")


def coverage_frame(
    zone_ids: list[str], presence: pd.DataFrame, t0: float, t1: float,
    modes: Sequence[str] = (),
) -> pd.DataFrame:
    """Per zone × hour of day: officer-minutes present, minutes covered, minutes observed.

    Every kind of presence counts (patrol, post, job, passing through). With ``modes`` (and a
    ``mode`` column in ``presence``), ``officer_min_<mode>`` splits the officer-minutes by
    mode, and ``passing_min`` gives the officer-minutes of passing through.
    """
    observed = overlap_by_hour(np.array([t0]), np.array([t1]), t0, t1)
    n = len(zone_ids)
    extra = []
    if modes:
        extra = [
            category_codes(presence["mode"], modes),
            (presence["activity"] == "passing").to_numpy(),
        ]
    groups = group_rows(
        zone_codes(presence, zone_ids), n,
        presence["t_start"].to_numpy(), presence["t_end"].to_numpy(), *extra,
    )
    columns: dict[str, list[np.ndarray]] = {"officer_min": [], "covered_min": []}
    columns.update({f"officer_min_{m}": [] for m in modes})
    if modes:
        columns["passing_min"] = []
    for s, e, *more in groups:
        ms, me = merge_intervals(s, e)
        columns["officer_min"].append(overlap_by_hour(s, e, t0, t1))
        columns["covered_min"].append(overlap_by_hour(ms, me, t0, t1))
        if modes:
            mode, passing = more
            for k, m in enumerate(modes):
                columns[f"officer_min_{m}"].append(
                    overlap_by_hour(s[mode == k], e[mode == k], t0, t1)
                )
            columns["passing_min"].append(overlap_by_hour(s[passing], e[passing], t0, t1))
    frame = pd.DataFrame(
        {
            "zone": np.repeat(np.array(zone_ids, dtype=object), 24),
            "hour": np.tile(np.arange(24), n),
            "officer_min": np.concatenate(columns.pop("officer_min")),
            "covered_min": np.concatenate(columns.pop("covered_min")),
            "observed_min": np.tile(observed, n),
        }
    )
    for name, parts in columns.items():
        frame[name] = np.concatenate(parts)
    return frame


NIGHT_HOURS = (*range(20, 24), *range(0, 6))


def summary_row(
    incidents: pd.DataFrame,
    units: pd.DataFrame,
    zones: pd.DataFrame,
    coverage: pd.DataFrame,
    targets: dict[str, float],
    w: Window,
) -> dict[str, float]:
    """One replication's measures (see ``sim.metrics.registry`` for each definition)."""
    idx = np.flatnonzero(in_arrival_window(incidents, w))
    arrival_days = w.arrival_days
    parts = resolution_parts(incidents, idx)
    resolution = parts["resolution_min"].dropna()
    row: dict[str, float] = {
        "incidents": float(len(idx)),
        "incidents_per_day": len(idx) / arrival_days if arrival_days > 0 else np.nan,
        **pooled(incidents, targets, w),
        "resolution_mean_min": _mean(resolution),
        "resolution_median_min": float(resolution.median()) if len(resolution) else np.nan,
        "resolution_p90_min": float(resolution.quantile(0.9)) if len(resolution) else np.nan,
    }
    for part in PARTS:
        row[f"{part}_mean_min"] = _mean(parts[f"{part}_min"].dropna())
    row["detection_delay_mean_min"] = row.pop("detection_mean_min")
    outcome = label_codes(incidents["outcome"], OUTCOME_ORDER)[idx]
    channel = label_codes(incidents["channel"], CHANNEL_ORDER)[idx]
    n = max(len(idx), 1)
    for k, name in enumerate(OUTCOME_ORDER):
        row[f"share_{name}"] = float(np.count_nonzero(outcome == k)) / n
    for k, name in enumerate(CHANNEL_ORDER):
        row[f"share_found_{name}"] = float(np.count_nonzero(channel == k)) / n
    row["coverage_share"] = float(coverage["covered_min"].sum() / coverage["observed_min"].sum())
    night = coverage[coverage["hour"].isin(NIGHT_HOURS)]
    row["night_coverage_share"] = float(night["covered_min"].sum() / night["observed_min"].sum())
    row["mean_idleness_min"] = float(zones["mean_idleness_min"].mean())
    row["worst_idleness_min"] = float(zones["max_gap_min"].max())
    days = (w.t1 - w.t0) / 1440.0
    exposure = exposure_minutes(incidents, w.t0, w.t1).sum() / 60.0
    row["exposure_h"] = float(exposure)
    row["exposure_h_per_day"] = float(exposure / days)
    row.update(staffing(units, w.t0, w.t1))
    row["staff_hours_per_week"] = row["staff_hours"] / days * 7.0
    return row


def _mean(values: pd.Series) -> float:
    return float(values.mean()) if len(values) else float("nan")


def staffing(units: pd.DataFrame, t0: float, t1: float) -> dict[str, float]:
    """Staff-hours, overtime and utilisation inside the window.

    Each officer-shift counts with the part of its duty (start → off duty, overtime included)
    that lies inside [t0, t1); its busy minutes are prorated by the same share.
    """
    start = units["shift_start"].to_numpy(dtype=float)
    stop = units["off_duty_at"].fillna(t1).to_numpy(dtype=float)
    length = np.maximum(stop - start, 1e-12)
    inside = np.clip(np.minimum(stop, t1) - np.maximum(start, t0), 0.0, None)
    share = inside / length
    busy = ((units["busy_travel_min"] + units["job_min"]).to_numpy(dtype=float) * share).sum()
    overtime = units["overtime_min"].to_numpy(dtype=float) * share
    return {
        "utilisation": float(busy / inside.sum()) if inside.sum() > 0 else np.nan,
        "staff_hours": float(inside.sum() / 60.0),
        "overtime_h": float(overtime.sum() / 60.0),
    }

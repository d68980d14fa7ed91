"""KPIs computed from the tidy frames after a run (observation is separate from behaviour).

Presence, coverage, idleness, exposure and staffing are clipped to the observation window
[warm-up, horizon); incident measures count the incidents of the arrival window (see
``sim.metrics.window`` and ``sim.metrics.outcomes``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.metrics.intervals import group_rows, idleness, merge_intervals, overlap_by_hour
from sim.metrics.outcomes import (
    CHANNEL_ORDER,
    OUTCOME_ORDER,
    PARTS,
    RESOLVED,
    exposure_minutes,
    in_arrival_window,
    label_codes,
    pooled,
    resolution_parts,
)
from sim.metrics.window import Window


def category_codes(labels: pd.Series, names: Sequence[str]) -> np.ndarray:
    """``label_codes``, but a categorical column with exactly ``names`` as categories gives
    its small integer codes without a look-up (presence frames: millions of rows)."""
    if isinstance(labels.dtype, pd.CategoricalDtype) and list(labels.cat.categories) == list(names):
        return labels.cat.codes.to_numpy()
    return label_codes(labels, names)


def zone_codes(presence: pd.DataFrame, zone_ids: Sequence[str]) -> np.ndarray:
    """Position of each presence row's zone in ``zone_ids`` (-1 where absent)."""
    return category_codes(presence["zone"], zone_ids)


def _stay_times(presence: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Start and end time of every presence row."""
    return presence["t_start"].to_numpy(), presence["t_end"].to_numpy()


def stays_by_zone(presence: pd.DataFrame,
                  zone_ids: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per zone of ``zone_ids``: the start and end times of its presence rows, in row order."""
    groups = group_rows(zone_codes(presence, zone_ids), len(zone_ids), *_stay_times(presence))
    return [(s, e) for s, e in groups]


@dataclass(frozen=True)
class ZoneStays:
    """The presence rows by zone, grouped once for the zones and coverage frames: per zone of
    ``zone_ids``, the start and end times of its rows in row order, then (with ``modes``)
    each row's mode code and whether it is passing through."""

    zone_ids: tuple[str, ...]
    modes: tuple[str, ...]
    groups: list[tuple[np.ndarray, ...]]

    @staticmethod
    def of(presence: pd.DataFrame, zone_ids: Sequence[str], modes: Sequence[str] = ()) -> ZoneStays:
        """The presence rows grouped by zone (with their modes, given ``modes``)."""
        groups = group_rows(zone_codes(presence, zone_ids), len(zone_ids),
                            *_stay_times(presence), *_mode_columns(presence, modes))
        return ZoneStays(tuple(zone_ids), tuple(modes), groups)

    def fit(self, zone_ids: Sequence[str], modes: Sequence[str] = ()) -> bool:
        """Are these the stays of ``zone_ids`` (with ``modes``, if any are asked for)?"""
        return self.zone_ids == tuple(zone_ids) and tuple(modes) in ((), self.modes)


def _grouped(stays: ZoneStays | None, presence: pd.DataFrame, zone_ids: Sequence[str],
             modes: Sequence[str] = ()) -> list[tuple[np.ndarray, ...]]:
    """The groups of ``stays`` if they fit, else the presence rows grouped now."""
    if stays is not None and stays.fit(zone_ids, modes):
        return stays.groups
    return ZoneStays.of(presence, zone_ids, modes).groups


def zones_frame(zones: pd.DataFrame, incidents: pd.DataFrame, presence: pd.DataFrame, t0: float,
                t1: float, stays: ZoneStays | None = None) -> pd.DataFrame:
    """Per zone: presence, visits, idleness, incidents and disorder exposure (``stays``: the
    presence rows already grouped, see ``ZoneStays``)."""
    zone_ids = list(zones["zone"])
    inc_zone = label_codes(incidents["zone"], zone_ids)
    counts = _incidents_per_zone(incidents["t_occur"].to_numpy(), inc_zone, t0, t1, len(zone_ids))
    exposure = pd.Series(exposure_minutes(incidents, t0, t1)).groupby(inc_zone).sum()
    rows = [
        {"zone": zone_ids[k], **_presence_measures(s, e, t0, t1), "incidents": int(counts[k]),
         "exposure_h": float(exposure.get(k, 0.0)) / 60.0}
        for k, (s, e, *_) in enumerate(_grouped(stays, presence, zone_ids))
    ]
    return zones.merge(pd.DataFrame(rows), on="zone", how="left")


def _incidents_per_zone(occur: np.ndarray, inc_zone: np.ndarray, t0: float, t1: float,
                        zones: int) -> np.ndarray:
    """Per zone: the incidents occurring in [t0, t1) (rows of no listed zone left out)."""
    counted = (occur >= t0) & (occur < t1) & (inc_zone >= 0)
    return np.bincount(inc_zone[counted], minlength=zones)


def _presence_measures(s: np.ndarray, e: np.ndarray, t0: float, t1: float) -> dict[str, float]:
    """One zone's officer presence in [t0, t1): minutes, visits started, idleness."""
    inside = (s < t1) & (e > t0)
    return {
        "presence_min": float((np.clip(e, t0, t1) - np.clip(s, t0, t1)).sum()),
        "visits": int(((s >= t0) & (s < t1)).sum()),
        **idleness(s[inside], e[inside], t0, t1),
    }


def coverage_frame(zone_ids: list[str], presence: pd.DataFrame, t0: float, t1: float,
                   modes: Sequence[str] = (), stays: ZoneStays | None = None) -> pd.DataFrame:
    """Per zone × hour of day: officer-minutes present, minutes covered, minutes observed.

    Every kind of presence counts (patrol, post, job, passing through). With ``modes`` (and a
    ``mode`` column in ``presence``), ``officer_min_<mode>`` splits the officer-minutes by
    mode, and ``passing_min`` gives the officer-minutes of passing through. ``stays``: the
    presence rows already grouped (see ``ZoneStays``).
    """
    groups = _grouped(stays, presence, zone_ids, modes)
    per_zone = [_zone_hours(s, e, more, t0, t1, modes) for s, e, *more in groups]
    columns = {name: [hours[name] for hours in per_zone] for name in _coverage_names(modes)}
    frame = _hours_frame(zone_ids, columns, overlap_by_hour(np.array([t0]), np.array([t1]), t0, t1))
    for name, parts in columns.items():
        frame[name] = np.concatenate(parts)
    return frame


def _hours_frame(zone_ids: list[str], columns: dict[str, list[np.ndarray]],
                 observed: np.ndarray) -> pd.DataFrame:
    """Zone × hour rows: officer and covered minutes (taken out of ``columns``), observed."""
    n = len(zone_ids)
    return pd.DataFrame({
        "zone": np.repeat(np.array(zone_ids, dtype=object), 24),
        "hour": np.tile(np.arange(24), n),
        "officer_min": np.concatenate(columns.pop("officer_min")),
        "covered_min": np.concatenate(columns.pop("covered_min")),
        "observed_min": np.tile(observed, n),
    })


def _mode_columns(presence: pd.DataFrame, modes: Sequence[str]) -> list[np.ndarray]:
    """Per presence row its mode code and whether it is passing through (none without modes)."""
    if not modes:
        return []
    return [category_codes(presence["mode"], modes),
            (presence["activity"] == "passing").to_numpy()]


def _coverage_names(modes: Sequence[str]) -> list[str]:
    """The hourly columns of ``coverage_frame`` besides ``observed_min``."""
    by_mode = [f"officer_min_{m}" for m in modes]
    return ["officer_min", "covered_min", *by_mode, *(["passing_min"] if modes else [])]


def _zone_hours(s: np.ndarray, e: np.ndarray, more: list[np.ndarray], t0: float, t1: float,
                modes: Sequence[str]) -> dict[str, np.ndarray]:
    """One zone's officer-minutes and covered minutes by hour (and by mode, and passing)."""
    ms, me = merge_intervals(s, e)
    out = {"officer_min": overlap_by_hour(s, e, t0, t1),
           "covered_min": overlap_by_hour(ms, me, t0, t1)}
    if modes:
        mode, passing = more
        for k, m in enumerate(modes):
            out[f"officer_min_{m}"] = overlap_by_hour(s[mode == k], e[mode == k], t0, t1)
        out["passing_min"] = overlap_by_hour(s[passing], e[passing], t0, t1)
    return out


NIGHT_HOURS = (*range(20, 24), *range(0, 6))


def summary_row(incidents: pd.DataFrame, units: pd.DataFrame, zones: pd.DataFrame,
                coverage: pd.DataFrame, targets: dict[str, float], w: Window) -> dict[str, float]:
    """One replication's measures (see ``sim.metrics.registry`` for each definition)."""
    idx = np.flatnonzero(in_arrival_window(incidents, w))
    outcome = label_codes(incidents["outcome"], OUTCOME_ORDER)[idx]
    row: dict[str, float] = {
        **_volume(len(idx), w.arrival_days),
        **pooled(incidents, targets, w),
        **_resolution(resolution_parts(incidents, idx, outcome == RESOLVED)),
        **_shares(outcome, label_codes(incidents["channel"], CHANNEL_ORDER)[idx]),
        **_coverage(coverage, zones),
        **_exposure(incidents, w),
        **staffing(units, w.t0, w.t1),
    }
    row["staff_hours_per_week"] = row["staff_hours"] / ((w.t1 - w.t0) / 1440.0) * 7.0
    return row


def _volume(n: int, arrival_days: float) -> dict[str, float]:
    """Incidents of the arrival window, in all and per day."""
    return {"incidents": float(n),
            "incidents_per_day": n / arrival_days if arrival_days > 0 else np.nan}


def _resolution(parts: pd.DataFrame) -> dict[str, float]:
    """Mean, median and p90 of the resolution time, and the mean of each of its parts."""
    resolution = parts["resolution_min"].dropna()
    row = {
        "resolution_mean_min": _mean(resolution),
        "resolution_median_min": float(resolution.median()) if len(resolution) else np.nan,
        "resolution_p90_min": float(resolution.quantile(0.9)) if len(resolution) else np.nan,
    }
    for part in PARTS:
        row[f"{part}_mean_min"] = _mean(parts[f"{part}_min"].dropna())
    row["detection_delay_mean_min"] = row.pop("detection_mean_min")  # its registry name
    return row


def _shares(outcome: np.ndarray, channel: np.ndarray) -> dict[str, float]:
    """Share of incidents by outcome and by channel that first found them (their codes)."""
    n = max(len(outcome), 1)
    row = {f"share_{name}": float(np.count_nonzero(outcome == k)) / n
           for k, name in enumerate(OUTCOME_ORDER)}
    row.update({f"share_found_{name}": float(np.count_nonzero(channel == k)) / n
                for k, name in enumerate(CHANNEL_ORDER)})
    return row


def _coverage(coverage: pd.DataFrame, zones: pd.DataFrame) -> dict[str, float]:
    """Covered share of zone-hours (all, and at night) and the zones' idleness."""
    night = coverage[coverage["hour"].isin(NIGHT_HOURS)]
    return {
        "coverage_share": float(coverage["covered_min"].sum() / coverage["observed_min"].sum()),
        "night_coverage_share": float(night["covered_min"].sum() / night["observed_min"].sum()),
        "mean_idleness_min": float(zones["mean_idleness_min"].mean()),
        "worst_idleness_min": float(zones["max_gap_min"].max()),
    }


def _exposure(incidents: pd.DataFrame, w: Window) -> dict[str, float]:
    """Hours of visible disorder in the observation window, in all and per day."""
    days = (w.t1 - w.t0) / 1440.0
    exposure = exposure_minutes(incidents, w.t0, w.t1).sum() / 60.0
    return {"exposure_h": float(exposure), "exposure_h_per_day": float(exposure / days)}


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

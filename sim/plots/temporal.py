"""Time-of-day figures: open incidents vs officers on duty, parking occupancy."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MultipleLocator, PercentFormatter

from sim.report.i18n import t

from ._style import (
    Color,
    no_data,
    require,
    resolve_colors,
    scenario_order,
    with_scenario,
)

_INCIDENT_TIMES = ["t_occur", "t_detect", "t_dispatch", "t_arrive", "t_resolve", "t_end"]
_UNIT_TIMES = ["shift_start", "shift_end", "off_duty_at"]
_KIND_TITLES = {"motor": "Motor vehicles", "nonmotor": "Non-motor vehicles"}
_SERIES = ("incidents_open", "officers_on_duty")
T = TypeVar("T")


def _cumulative_count_integral(starts: np.ndarray, ends: np.ndarray,
                               edges: np.ndarray) -> np.ndarray:
    """``F(T) = integral_0^T #{i: s_i <= t < e_i} dt`` evaluated at each edge ``T``."""

    def part(v: np.ndarray) -> np.ndarray:
        v = np.sort(v)
        csum = np.concatenate([[0.0], np.cumsum(v)])
        k = np.searchsorted(v, edges, side="left")  # number of values < T
        return k * edges - csum[k]

    return part(starts) - part(ends)


def _hour_edges(start: float, horizon: float) -> np.ndarray:
    """Bin edges from ``start`` to ``horizon`` at every whole hour in between."""
    inner = np.arange(np.floor(start / 60.0) * 60.0 + 60.0, horizon, 60.0)
    return np.concatenate([[start], inner, [horizon]])


def _hourly_integrals(starts: np.ndarray, ends: np.ndarray, horizon: float,
                      start: float = 0.0) -> np.ndarray:
    """Integral of the open-interval count over each hour of day in [start, horizon)."""
    edges = _hour_edges(start, horizon)
    ends = np.where(np.isnan(ends), horizon, np.maximum(ends, starts))
    ok = np.isfinite(starts)
    integ = np.diff(_cumulative_count_integral(starts[ok], ends[ok], edges))
    return np.bincount(_bin_hours(edges), weights=integ, minlength=24)


def _bin_hours(edges: np.ndarray) -> np.ndarray:
    """Hour of day (0..23) of each bin starting at ``edges[:-1]``."""
    return (edges[:-1] // 60).astype(int) % 24


def _hour_exposure(start: float, horizon: float, reps: int) -> np.ndarray:
    """Minutes observed in each hour of day over [start, horizon), times ``reps``."""
    edges = _hour_edges(start, horizon)
    return np.bincount(_bin_hours(edges), weights=np.diff(edges), minlength=24) * reps


def open_and_on_duty_by_hour(
    incidents: pd.DataFrame,
    units: pd.DataFrame,
    label: str | None = None,
    *,
    horizon_min: float | Mapping[str, float] | None = None,
    start_min: float | Mapping[str, float] = 0.0,
) -> pd.DataFrame:
    """Time-averaged open incidents and officers on duty per hour of day.

    An incident is open while ``t_occur <= t < t_end`` (NaN ``t_end``: open until the
    horizon); an officer is on duty while ``shift_start <= t < off_duty_at`` (NaN
    ``off_duty_at`` falls back to ``shift_end``, then the horizon). Counts are integrated
    exactly over hour bins (vectorised with sorted prefix sums), then averaged over
    days and replications.

    Args:
        incidents: Incidents frame (``t_occur``, ``t_end``, optional ``scenario``,
            ``replication``).
        units: Units frame (``shift_start``, ``off_duty_at``, optional ``shift_end``).
        label: Scenario name used when a frame has no ``scenario`` column.
        horizon_min: Run length in minutes (or per scenario); default per scenario is the
            max of all times present in both frames.
        start_min: Start of the averaging window, the end of the warm-up (or per scenario):
            only time in [start_min, horizon) counts; incidents open at its start count
            while open.

    Returns:
        Frame with columns ``scenario``, ``hour`` (0..23), ``incidents_open``,
        ``officers_on_duty``; NaN for hours the horizon never reaches.
    """
    require(incidents, ["t_occur", "t_end"], "incidents")
    require(units, ["shift_start"], "units")
    inc, uni = _tidy_frames(incidents, units, label)
    rows = [_scenario_hours(inc[inc["scenario"] == scen], uni[uni["scenario"] == scen], scen,
                            _setting(horizon_min, scen, None), _setting(start_min, scen, 0.0))
            for scen in scenario_order(inc, uni)]
    if not rows:
        return pd.DataFrame(columns=["scenario", "hour", *_SERIES])
    return pd.concat(rows, ignore_index=True)


def _tidy_frames(incidents: pd.DataFrame, units: pd.DataFrame,
                 label: str | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both frames with ``scenario`` and ``replication``; units with ``_off`` (off duty)."""
    inc = _with_replication(with_scenario(incidents, label, ["replication", *_INCIDENT_TIMES]))
    uni = _with_replication(with_scenario(units, label, ["replication", *_UNIT_TIMES]))
    return inc, uni.assign(_off=_off_duty(uni))


def _with_replication(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with a ``replication`` column (all 0 when it had none)."""
    return df if "replication" in df.columns else df.assign(replication=0)


def _off_duty(uni: pd.DataFrame) -> pd.Series:
    """When each officer goes off duty: ``off_duty_at``, else ``shift_end``, else NaN."""
    off = uni["off_duty_at"] if "off_duty_at" in uni.columns else uni["shift_start"] * np.nan
    if "shift_end" in uni.columns:
        off = off.fillna(uni["shift_end"])
    return off


def _setting(value: T | Mapping[str, T], scen: str, default: T) -> T:
    """A per-scenario option: the mapping's entry for ``scen`` (or ``default``), or the value."""
    if isinstance(value, Mapping):
        return value.get(scen, default)
    return value


def _scenario_hours(si: pd.DataFrame, su: pd.DataFrame, scen: str, horizon: float | None,
                    start: float) -> pd.DataFrame:
    """One scenario's 24 rows: mean open incidents and officers on duty per hour of day."""
    end = _latest_time(si, su) if horizon is None else horizon
    means = _hourly_means(si, su, end, start)
    return pd.DataFrame({"scenario": scen, "hour": np.arange(24), **means})


def _latest_time(si: pd.DataFrame, su: pd.DataFrame) -> float:
    """The latest time in either frame (0 when none): the default horizon."""
    cols = [si[c] for c in _INCIDENT_TIMES if c in si] + [su[c] for c in _UNIT_TIMES if c in su]
    return float(np.nanmax([c.max() for c in cols] + [0.0]))


def _hourly_means(si: pd.DataFrame, su: pd.DataFrame, horizon: float,
                  start: float) -> dict[str, np.ndarray]:
    """Time-averaged counts per hour of day over [start, horizon) (NaN where never observed)."""
    reps = pd.unique(pd.concat([si["replication"], su["replication"]]))
    if not horizon > start:
        return {k: np.full(24, np.nan) for k in _SERIES}
    totals = _hourly_totals(si, su, reps, horizon, start)
    exposure = _hour_exposure(start, horizon, len(reps))
    with np.errstate(invalid="ignore", divide="ignore"):
        return {k: np.where(exposure > 0, v / exposure, np.nan) for k, v in totals.items()}


def _hourly_totals(si: pd.DataFrame, su: pd.DataFrame, reps: np.ndarray, horizon: float,
                   start: float) -> dict[str, np.ndarray]:
    """Per hour of day: open incidents and officers on duty integrated, summed over reps."""
    gi, gu = si.groupby("replication").indices, su.groupby("replication").indices
    occ, end = si["t_occur"].to_numpy(float), si["t_end"].to_numpy(float)
    on, off_at = su["shift_start"].to_numpy(float), su["_off"].to_numpy(float)
    totals = {k: np.zeros(24) for k in _SERIES}
    for rep in reps:
        ii, iu = gi.get(rep, []), gu.get(rep, [])
        totals["incidents_open"] += _hourly_integrals(occ[ii], end[ii], horizon, start)
        totals["officers_on_duty"] += _hourly_integrals(on[iu], off_at[iu], horizon, start)
    return totals


def _hour_axis(ax: Axes) -> None:
    """Hours 0-24 with a tick every 3 h, and a light grid."""
    ax.set_xlim(0, 24)
    ax.xaxis.set_major_locator(MultipleLocator(3))
    ax.grid(alpha=0.3)


def time_of_day(
    incidents: pd.DataFrame,
    units: pd.DataFrame,
    label: str | None = None,
    *,
    horizon_min: float | Mapping[str, float] | None = None,
    start_min: float | Mapping[str, float] = 0.0,
    colors: Mapping[str, Color] | None = None,
) -> Figure:
    """Mean open incidents and officers on duty by hour of day (two stacked axes).

    Args:
        incidents: Incidents frame (see :func:`open_and_on_duty_by_hour`).
        units: Units frame (see :func:`open_and_on_duty_by_hour`).
        label: Scenario name used when a frame has no ``scenario`` column.
        horizon_min: Run length in minutes, or per scenario (default: max time present).
        start_min: End of the warm-up, or per scenario: only [start_min, horizon) counts.
        colors: Optional scenario -> colour overrides.

    Returns:
        The figure: two axes sharing the hour axis, one line per scenario on each.
    """
    data = open_and_on_duty_by_hour(incidents, units, label, horizon_min=horizon_min,
                                    start_min=start_min)
    order = list(pd.unique(data["scenario"]))
    palette = resolve_colors(order, colors)
    fig = Figure(figsize=(8, 6), layout="constrained")
    ax_inc, ax_off = fig.subplots(2, 1, sharex=True)
    for scen in order:
        _day_lines(ax_inc, ax_off, data[data["scenario"] == scen], scen, palette[scen])
    _day_axes(ax_inc, ax_off)
    if order:
        ax_inc.legend(title=t("Scenario"), fontsize=8)
    fig.suptitle(t("Disorder vs. staffing by hour of day (mean over days and replications)"))
    return fig


def _day_lines(ax_inc: Axes, ax_off: Axes, d: pd.DataFrame, scen: str, color: Color) -> None:
    """A scenario's open incidents and officers on duty, each on its axes."""
    x = d["hour"].to_numpy() + 0.5
    kw: dict[str, Any] = {"color": color, "marker": "o", "ms": 3, "lw": 1.6, "label": scen}
    ax_inc.plot(x, d["incidents_open"], **kw)
    ax_off.plot(x, d["officers_on_duty"], **kw)


def _day_axes(ax_inc: Axes, ax_off: Axes) -> None:
    """Labels and titles of the two stacked axes; hours on both, counts from 0."""
    ax_inc.set_ylabel(t("Open incidents (mean count)"))
    ax_inc.set_title(t("Open (visible) incidents"))
    ax_off.set_ylabel(t("Officers on duty (mean count)"))
    ax_off.set_title(t("Officers on duty"))
    ax_off.set_xlabel(t("Hour of day (h)"))
    for ax in (ax_inc, ax_off):
        _hour_axis(ax)
        ax.set_ylim(bottom=0)


def parking_occupancy(
    parking: pd.DataFrame,
    label: str | None = None,
    *,
    colors: Mapping[str, Color] | None = None,
) -> Figure:
    """Parking occupancy by hour of day, one panel per vehicle kind.

    Args:
        parking: Parking frame (``hour``, ``kind``, ``occupancy``, optional ``scenario``).
        label: Scenario name used when ``parking`` has no ``scenario`` column.
        colors: Optional scenario -> colour overrides.

    Returns:
        The figure: one axes per kind with one line per scenario (mean over zones and
        replications) plus a dashed 100 % legal-capacity line.
    """
    require(parking, ["hour", "kind", "occupancy"], "parking")
    df = with_scenario(parking, label, ["hour", "kind", "occupancy"])
    order = scenario_order(df)
    palette = resolve_colors(order, colors)
    kinds = _kind_order(df)
    mean = df.assign(kind=df["kind"].astype(str)).groupby(
        ["scenario", "kind", "hour"], sort=True)["occupancy"].mean()
    fig = Figure(figsize=(5 * max(len(kinds), 1) + 0.5, 4.2), layout="constrained")
    axes = fig.subplots(1, max(len(kinds), 1), squeeze=False, sharey=True)[0]
    if not kinds:
        no_data(axes[0], "no parking data")
    for ax, kind in zip(axes, kinds):
        _occupancy_lines(ax, mean, kind, order, palette)
        _occupancy_axes(ax, kind)
    axes[0].set_ylabel("Occupancy (% of legal capacity)")
    axes[0].legend(title=t("Scenario"), fontsize=8)
    fig.suptitle(t("Parking occupancy by hour of day (mean over zones and replications)"))
    return fig


def _kind_order(df: pd.DataFrame) -> list[str]:
    """Vehicle kinds present: the known ones first (motor, non-motor), then the others."""
    present = [str(k) for k in pd.unique(df["kind"])]
    known = [k for k in _KIND_TITLES if k in present]
    return known + [k for k in present if k not in _KIND_TITLES]


def _occupancy_lines(ax: Axes, mean: pd.Series, kind: str, order: list[str],
                     palette: Mapping[str, Color]) -> None:
    """One line per scenario with ``kind`` parking, then the 100 % legal-capacity line."""
    pairs = mean.index.droplevel("hour")
    for scen in order:
        if (scen, kind) in pairs:
            s = mean.loc[(scen, kind)]
            ax.plot(s.index.to_numpy(float) + 0.5, s.to_numpy(), color=palette[scen],
                    marker="o", ms=3, lw=1.6, label=scen)
    ax.axhline(1.0, color="black", ls="--", lw=1, label=t("Legal capacity (100%)"))


def _occupancy_axes(ax: Axes, kind: str) -> None:
    """Title (the kind), hour axis and a percentage y axis from 0."""
    ax.set_title(_KIND_TITLES.get(kind, kind.replace("_", " ").capitalize()))
    ax.set_xlabel(t("Hour of day (h)"))
    _hour_axis(ax)
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))

"""Parameter-sweep trade-off figure and Pareto-front helper."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ._style import Color, kpi_label, kpi_parts, require, resolve_colors

_NOT_VARIED = {"scenario", "replication", "seed", "point"}


def pareto_front(points: pd.DataFrame, x: str, y: str) -> pd.DataFrame:
    """Non-dominated rows when minimising both ``x`` and ``y``.

    A row is dominated if another row is no worse on both columns and strictly better
    on at least one. Exact duplicates of a front point are all kept; rows with NaN in
    ``x`` or ``y`` are dropped.

    Args:
        points: Candidate points.
        x: First objective column (minimised).
        y: Second objective column (minimised).

    Returns:
        The non-dominated rows (original index kept), sorted by ``x`` then ``y``.
    """
    pts = points[points[x].notna() & points[y].notna()]
    pts = pts.sort_values([x, y], kind="stable")
    xv, yv = pts[x].to_numpy(dtype=float), pts[y].to_numpy(dtype=float)
    if xv.size == 0:
        return pts
    ux, inv = np.unique(xv, return_inverse=True)
    gmin = np.full(ux.size, np.inf)
    np.minimum.at(gmin, inv, yv)
    best_before = np.r_[np.inf, np.minimum.accumulate(gmin)[:-1]]
    keep = (yv == gmin[inv]) & (gmin[inv] < best_before[inv])
    return pts[keep]


def _short_names(fields: Sequence[str]) -> dict[str, str]:
    """Shortest dotted suffix (two segments or more) unique among ``fields``."""
    return {f: _short_name(str(f), fields) for f in fields}


def _short_name(field: str, fields: Sequence[str]) -> str:
    """Shortest dotted suffix of ``field`` (two segments or more) no other field ends with."""
    parts = field.split(".")
    for k in range(min(2, len(parts)), len(parts)):
        cand = ".".join(parts[-k:])
        if sum(str(g).endswith(cand) for g in fields) == 1:
            return cand
    return field


def _sweep_points(sweep: pd.DataFrame, x: str, y: str, keys: list[str]) -> pd.DataFrame:
    """Mean and 95 % normal half-width of ``x`` and ``y`` per sweep point."""
    grouped = sweep.groupby(keys or [x], sort=False, dropna=False)[[x, y]]
    stats = grouped.agg(["mean", "std", "count"])
    pts = stats.index.to_frame(index=False)
    for col in (x, y):
        n = stats[(col, "count")].to_numpy(float)
        sd = np.nan_to_num(stats[(col, "std")].to_numpy(float))
        pts[col] = stats[(col, "mean")].to_numpy(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            pts[f"{col}_hw"] = np.where(n > 1, 1.96 * sd / np.sqrt(n), 0.0)
    pts["n"] = stats[(y, "count")].to_numpy()
    return pts


def sweep_tradeoff(
    sweep: pd.DataFrame,
    x: str = "staff_hours",
    y: str = "resolution_mean_min",
    group: str | None = None,
    *,
    varied: list[str] | None = None,
    annotate_max: int = 10,
    colors: Mapping[str, Color] | None = None,
) -> Figure:
    """Trade-off scatter of sweep points (mean ± 95 % CI) with the Pareto front.

    Args:
        sweep: One row per sweep point x replication: varied fields, KPIs.
        x: Cost-like column on the x axis (minimised).
        y: KPI on the y axis (minimised).
        group: Column to colour points by; defaults to ``scenario`` when present.
        varied: Columns identifying a sweep point; default: all dotted column names
            (e.g. ``"units.foot.count"``) plus ``point`` if present.
        annotate_max: Annotate every point up to this many points, else only the front.
        colors: Optional group value -> colour overrides.

    Returns:
        The figure (one axes) with error bars per group, the front as a dashed step
        line and circled front points.
    """
    require(sweep, [x, y], "sweep")
    group = _default_group(sweep, group)
    varied = _default_varied(sweep, x, y, group) if varied is None else varied
    pts = _sweep_points(sweep, x, y, _point_keys(sweep, varied, group))
    front = pareto_front(pts, x, y)
    fig = Figure(figsize=(8, 5.5), layout="constrained")
    ax = fig.add_subplot()
    _draw_groups(ax, pts, x, y, group, colors)
    _draw_front(ax, front, x, y)
    short = _short_names([v for v in varied if v not in _NOT_VARIED])
    _annotate(ax, pts if len(pts) <= annotate_max else front, x, y, short)
    _label_axes(ax, x, y, group)
    return fig


def _default_group(sweep: pd.DataFrame, group: str | None) -> str | None:
    """``group``, else ``scenario`` when the sweep has that column."""
    if group is None and "scenario" in sweep.columns:
        return "scenario"
    return group


def _default_varied(sweep: pd.DataFrame, x: str, y: str, group: str | None) -> list[str]:
    """The dotted column names (e.g. ``units.foot.count``) other than the axes and group."""
    return [c for c in sweep.columns if "." in str(c) and c not in {x, y, group}]


def _point_keys(sweep: pd.DataFrame, varied: list[str], group: str | None) -> list[str]:
    """Columns identifying a sweep point: ``point`` (if present), the varied ones, the group."""
    point = ["point"] if "point" in sweep.columns else []
    return list(dict.fromkeys([*point, *varied, *([group] if group else [])]))


def _draw_groups(ax: Axes, pts: pd.DataFrame, x: str, y: str, group: str | None,
                 colors: Mapping[str, Color] | None) -> None:
    """Sweep points with their error bars, one colour per group."""
    groups = [str(g) for g in pd.unique(pts[group])] if group else [""]
    palette = resolve_colors(groups, colors)
    for g in groups:
        sub = _group_rows(pts, group, g)
        ax.errorbar(sub[x], sub[y], xerr=sub[f"{x}_hw"], yerr=sub[f"{y}_hw"], fmt="o",
                    color=palette[g], ms=5, capsize=3, lw=1, label=g or "Sweep point")


def _group_rows(pts: pd.DataFrame, group: str | None, value: str) -> pd.DataFrame:
    """The points whose ``group`` column reads ``value`` (all without a group)."""
    return pts[pts[group].astype(str) == value] if group else pts


def _draw_front(ax: Axes, front: pd.DataFrame, x: str, y: str) -> None:
    """The Pareto front as a dashed step line, its points circled."""
    ax.step(front[x], front[y], where="post", color="black", ls="--", lw=1.2,
            label="Pareto front")
    ax.scatter(front[x], front[y], s=140, facecolors="none", edgecolors="black", lw=1.5,
               zorder=4)


def _annotate(ax: Axes, rows: pd.DataFrame, x: str, y: str, short: dict[str, str]) -> None:
    """Label each row's point with its varied values (``foot.count=4, ...``)."""
    if not short:
        return
    for _, row in rows.iterrows():
        ax.annotate(_point_label(row, short), (row[x], row[y]), xytext=(5, 5), textcoords="offset points",
                    fontsize=7, color="dimgrey")


def _point_label(row: pd.Series, short: dict[str, str]) -> str:
    """"foot.count=4, car.count=1": the point's varied values under their short names."""
    return ", ".join(f"{short[f]}={_value_text(row[f])}" for f in short)


def _value_text(value: object) -> str:
    """Numbers (not booleans) in ``:g`` format, anything else as ``str``."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:g}"
    return str(value)


def _label_axes(ax: Axes, x: str, y: str, group: str | None) -> None:
    """Axis labels, title, grid and legend."""
    ax.set_xlabel(kpi_label(x))
    ax.set_ylabel(kpi_label(y))
    ax.set_title(f"{kpi_parts(y)[0]} vs. {kpi_parts(x)[0].lower()} "
                 "(mean ± 95% CI per sweep point)")
    ax.grid(alpha=0.3)
    ax.legend(title=group if group else None, fontsize=8)

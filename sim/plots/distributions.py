"""Distribution and KPI-comparison figures: resolution-time ECDF and KPI bars."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sim.report.i18n import t

from ._style import (
    Color,
    kpi_label,
    kpi_parts,
    no_data,
    panel_axes,
    require,
    resolve_colors,
    scenario_order,
    with_scenario,
)


def resolution_ecdf(
    incidents: pd.DataFrame,
    label: str | None = None,
    *,
    logx: bool = False,
    max_points: int = 2000,
    colors: Mapping[str, Color] | None = None,
) -> Figure:
    """ECDF of resolution time (``t_resolve - t_occur``) of resolved incidents.

    Replications are pooled; one step line per scenario with a marker at its median.

    Args:
        incidents: Incidents frame (``outcome``, ``t_occur``, ``t_resolve``, optional
            ``scenario``).
        label: Scenario name used when ``incidents`` has no ``scenario`` column.
        logx: Use a logarithmic time axis (durations below 0.1 min drawn at 0.1).
        max_points: Thin each curve to at most this many points for speed.
        colors: Optional scenario -> colour overrides.

    Returns:
        The figure (one axes, one line per scenario with resolved incidents).
    """
    require(incidents, ["outcome", "t_occur", "t_resolve"], "incidents")
    df = with_scenario(incidents, label, ["outcome", "t_occur", "t_resolve"])
    order = scenario_order(df)
    palette = resolve_colors(order, colors)
    df = df[df["outcome"] == "resolved"]
    dur = (df["t_resolve"] - df["t_occur"]).to_numpy(dtype=float)
    scen = df["scenario"].to_numpy()

    fig = Figure(figsize=(7.5, 4.5), layout="constrained")
    ax = fig.add_subplot()
    handles = []
    for name in order:
        v = np.sort(dur[(scen == name) & np.isfinite(dur)])
        if v.size:
            handles.append(_ecdf_line(ax, v, name, palette[name], logx, max_points))
    _ecdf_legend(ax, handles)
    _ecdf_axes(ax, logx)
    return fig


def _ecdf_line(ax: Axes, v: np.ndarray, name: str, color: Color, logx: bool,
               max_points: int) -> Line2D:
    """The ECDF of sorted durations ``v`` as a step line, with a marker at the median."""
    n = v.size
    med = float(np.median(v))
    v, y = _thinned(v, np.arange(1, n + 1) / n, max_points)
    if logx:
        v = np.maximum(v, 0.1)
        med = max(med, 0.1)
    (line,) = ax.step(
        np.r_[v[0], v], np.r_[0.0, y], where="post", color=color, lw=1.6,
        label=t("{name} (n={n}, median {med} min)", name=name, n=f"{n:,}", med=f"{med:.0f}"),
    )
    ax.scatter([med], [0.5], color=color, edgecolor="black", zorder=3, s=36)
    return line


def _thinned(v: np.ndarray, y: np.ndarray, max_points: int) -> tuple[np.ndarray, np.ndarray]:
    """At most ``max_points`` evenly spread points of the curve (all when fewer)."""
    if v.size <= max_points:
        return v, y
    idx = np.unique(np.linspace(0, v.size - 1, max_points).round().astype(int))
    return v[idx], y[idx]


def _ecdf_legend(ax: Axes, handles: list[Line2D]) -> None:
    """The scenarios' lines and a median marker; a placeholder when nothing was resolved."""
    if not handles:
        no_data(ax, "no resolved incidents")
        return
    handles.append(Line2D([], [], marker="o", ls="", color="grey", mec="black",
                          label=t("Median")))
    ax.legend(handles=handles, loc="lower right", fontsize=8, title=t("Scenario"))


def _ecdf_axes(ax: Axes, logx: bool) -> None:
    """Scale, limits, grid, labels and title of the ECDF axes."""
    if logx:
        ax.set_xscale("log")
    ax.set_ylim(0, 1.02)
    ax.grid(alpha=0.3)
    ax.set_xlabel(t("Resolution time, occurrence to resolution (min)"))
    ax.set_ylabel(t("Cumulative share of resolved incidents"))
    ax.set_title(t("Resolution time ECDF (replications pooled)"))


def kpi_bars(
    comparison: pd.DataFrame,
    kpis: list[str] | None = None,
    *,
    colors: Mapping[str, Color] | None = None,
    max_cols: int = 3,
) -> Figure:
    """Grouped bars of KPI means per scenario with confidence-interval error bars.

    Args:
        comparison: Long frame with ``scenario``, ``kpi``, ``mean`` and optionally
            ``ci_low``/``ci_high`` (or ``half_width``).
        kpis: KPIs to show, in order; defaults to all, in order of appearance.
        colors: Optional scenario -> colour overrides.
        max_cols: Maximum subplot columns.

    Returns:
        The figure: one axes per KPI, one bar per scenario, a shared legend.

    Raises:
        ValueError: If a requested KPI is absent from ``comparison``.
    """
    require(comparison, ["scenario", "kpi", "mean"], "comparison")
    df = comparison.assign(scenario=comparison["scenario"].astype(str))
    kpis = _chosen_kpis(df, kpis)
    order = scenario_order(df)
    palette = resolve_colors(order, colors)
    fig = _bars_figure(len(kpis), max_cols)
    axes = panel_axes(fig, len(kpis), max_cols)
    for ax, kpi in zip(axes, kpis):
        sub = df[df["kpi"] == kpi].drop_duplicates("scenario").set_index("scenario")
        _bar_panel(ax, sub.reindex(order), [palette[s] for s in order])
        _bar_axes(ax, kpi)
    handles = [Patch(facecolor=palette[s], label=s) for s in order]
    fig.legend(handles=handles, loc="outside lower center", ncols=min(len(order), 5),
               title=t("Scenario"), fontsize=8)
    fig.suptitle(t("KPI comparison across scenarios (mean with confidence interval)"))
    return fig


def _chosen_kpis(df: pd.DataFrame, kpis: list[str] | None) -> list[str]:
    """The KPIs to draw (default: all, in order of appearance); ValueError if one is absent."""
    present = list(pd.unique(df["kpi"]))
    chosen = present if kpis is None else list(kpis)
    missing = [k for k in chosen if k not in present]
    if missing:
        raise ValueError(f"KPI(s) not in comparison frame: {', '.join(missing)}")
    return chosen


def _bars_figure(n: int, max_cols: int) -> Figure:
    """A figure sized for ``n`` KPI panels in at most ``max_cols`` columns."""
    ncols = max(1, min(n, max_cols))
    nrows = -(-n // ncols)
    return Figure(figsize=(3.6 * ncols + 0.6, 3.1 * nrows + 1.0), layout="constrained")


def _bar_panel(ax: Axes, sub: pd.DataFrame, colors: list[Color]) -> None:
    """One bar per scenario (rows of ``sub``, in order) with its error bar."""
    mean = sub["mean"].to_numpy(dtype=float)
    x = np.arange(len(sub))
    ax.bar(x, np.nan_to_num(mean), color=colors, yerr=_bar_errors(sub, mean),
           capsize=4, error_kw={"ecolor": "black", "lw": 1})
    _scenario_ticks(ax, x, list(sub.index))


def _scenario_ticks(ax: Axes, x: np.ndarray, names: list[str]) -> None:
    """Scenario names under the bars, slanted when more than two."""
    many = len(names) > 2
    ax.set_xticks(x, names, rotation=30 if many else 0, ha="right" if many else "center",
                  fontsize=8)


def _bar_errors(sub: pd.DataFrame, mean: np.ndarray) -> np.ndarray | None:
    """Error bars from ``ci_low``/``ci_high``, else ``half_width``, else none."""
    if {"ci_low", "ci_high"} <= set(sub.columns):
        lo = mean - sub["ci_low"].to_numpy(dtype=float)
        hi = sub["ci_high"].to_numpy(dtype=float) - mean
        return np.clip(np.nan_to_num(np.vstack([lo, hi])), 0, None)
    if "half_width" in sub.columns:
        return np.clip(np.nan_to_num(sub["half_width"].to_numpy(dtype=float)), 0, None)
    return None


def _bar_axes(ax: Axes, kpi: str) -> None:
    """Title (the KPI), unit as y label, horizontal grid."""
    ax.set_title(kpi_label(kpi), fontsize=10)
    ax.set_ylabel(kpi_parts(kpi)[1] or t("value"))
    ax.grid(axis="y", alpha=0.3)

"""Distribution and KPI-comparison figures: resolution-time ECDF and KPI bars."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
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
        if v.size == 0:
            continue
        n = v.size
        y = np.arange(1, n + 1) / n
        med = float(np.median(v))
        if n > max_points:
            idx = np.unique(np.linspace(0, n - 1, max_points).round().astype(int))
            v, y = v[idx], y[idx]
        if logx:
            v = np.maximum(v, 0.1)
            med = max(med, 0.1)
        (line,) = ax.step(
            np.r_[v[0], v], np.r_[0.0, y], where="post", color=palette[name], lw=1.6,
            label=t("{name} (n={n}, median {med} min)", name=name, n=f"{n:,}", med=f"{med:.0f}"),
        )
        ax.scatter([med], [0.5], color=palette[name], edgecolor="black", zorder=3, s=36)
        handles.append(line)
    if not handles:
        no_data(ax, "no resolved incidents")
    else:
        handles.append(Line2D([], [], marker="o", ls="", color="grey", mec="black",
                              label=t("Median")))
        ax.legend(handles=handles, loc="lower right", fontsize=8, title=t("Scenario"))
    if logx:
        ax.set_xscale("log")
    ax.set_ylim(0, 1.02)
    ax.grid(alpha=0.3)
    ax.set_xlabel(t("Resolution time, occurrence to resolution (min)"))
    ax.set_ylabel(t("Cumulative share of resolved incidents"))
    ax.set_title(t("Resolution time ECDF (replications pooled)"))
    return fig


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
    present = list(pd.unique(df["kpi"]))
    kpis = present if kpis is None else list(kpis)
    missing = [k for k in kpis if k not in present]
    if missing:
        raise ValueError(f"KPI(s) not in comparison frame: {', '.join(missing)}")
    order = scenario_order(df)
    palette = resolve_colors(order, colors)
    ncols = max(1, min(len(kpis), max_cols))
    nrows = -(-len(kpis) // ncols)
    fig = Figure(figsize=(3.6 * ncols + 0.6, 3.1 * nrows + 1.0), layout="constrained")
    axes = panel_axes(fig, len(kpis), max_cols)
    x = np.arange(len(order))
    for ax, kpi in zip(axes, kpis):
        sub = df[df["kpi"] == kpi].drop_duplicates("scenario").set_index("scenario")
        sub = sub.reindex(order)
        mean = sub["mean"].to_numpy(dtype=float)
        err = None
        if {"ci_low", "ci_high"} <= set(sub.columns):
            lo = mean - sub["ci_low"].to_numpy(dtype=float)
            hi = sub["ci_high"].to_numpy(dtype=float) - mean
            err = np.clip(np.nan_to_num(np.vstack([lo, hi])), 0, None)
        elif "half_width" in sub.columns:
            err = np.clip(np.nan_to_num(sub["half_width"].to_numpy(dtype=float)), 0, None)
        ax.bar(x, np.nan_to_num(mean), color=[palette[s] for s in order], yerr=err,
               capsize=4, error_kw={"ecolor": "black", "lw": 1})
        ax.set_xticks(x, order, rotation=30 if len(order) > 2 else 0,
                      ha="right" if len(order) > 2 else "center", fontsize=8)
        ax.set_title(kpi_label(kpi), fontsize=10)
        ax.set_ylabel(kpi_parts(kpi)[1] or t("value"))
        ax.grid(axis="y", alpha=0.3)
    handles = [Patch(facecolor=palette[s], label=s) for s in order]
    fig.legend(handles=handles, loc="outside lower center", ncols=min(len(order), 5),
               title=t("Scenario"), fontsize=8)
    fig.suptitle(t("KPI comparison across scenarios (mean with confidence interval)"))
    return fig

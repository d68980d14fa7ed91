"""Spatial figures: district map of a zone metric and zone x hour coverage heatmap."""

from __future__ import annotations

import math

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.collections import PatchCollection
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import MultipleLocator, PercentFormatter

from sim.report.i18n import t

from ._style import (
    kpi_label,
    kpi_parts,
    panel_axes,
    panel_grid,
    require,
    scenario_order,
    with_scenario,
)


def _cell_size(x: np.ndarray, y: np.ndarray) -> float:
    """Square side (m) for zone markers: 90 % of the smallest nearest-neighbour distance."""
    if x.size < 2:
        return 100.0
    if x.size > 2000:
        return 0.01 * max(np.ptp(x), np.ptp(y), 1.0)
    d = np.hypot(x[:, None] - x[None, :], y[:, None] - y[None, :])
    d[d == 0] = np.inf
    nn = d.min(axis=1)
    nn = nn[np.isfinite(nn)]
    return 0.9 * float(nn.min()) if nn.size else 100.0


def district_map(
    zones: pd.DataFrame,
    metric: str = "max_gap_min",
    title: str | None = None,
    *,
    label: str | None = None,
    cmap: str = "viridis",
    max_cols: int = 3,
) -> Figure:
    """Map of zones coloured by a per-zone metric, one panel per scenario.

    Args:
        zones: Zones frame (``zone``, ``x_m``, ``y_m``, ``metric``, optional ``scenario``).
        metric: Column to colour by, averaged over replications.
        title: Figure title; defaults to the metric's readable name.
        label: Scenario name used when ``zones`` has no ``scenario`` column.
        cmap: Matplotlib colormap name (zones with NaN metric are drawn grey).
        max_cols: Maximum panel columns.

    Returns:
        The figure: one map axes per scenario plus one shared colorbar axes.
    """
    require(zones, ["zone", "x_m", "y_m", metric], "zones")
    df = with_scenario(zones, label, ["zone", "x_m", "y_m", metric])
    order = scenario_order(df)
    agg = df.groupby(["scenario", "zone"], sort=False).agg(
        x=("x_m", "mean"), y=("y_m", "mean"), v=(metric, "mean")).reset_index()
    vals = agg["v"].to_numpy(dtype=float)
    finite = vals[np.isfinite(vals)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    norm = Normalize(lo, hi if hi > lo else lo + 1.0)
    colormap = matplotlib.colormaps[cmap].with_extremes(bad="lightgrey")
    side = _cell_size(agg["x"].to_numpy(float), agg["y"].to_numpy(float))
    pad = side
    xlim = (agg["x"].min() - pad, agg["x"].max() + pad)
    ylim = (agg["y"].min() - pad, agg["y"].max() + pad)
    annotate = agg.groupby("scenario")["zone"].nunique().max() <= 64

    nrows, ncols = panel_grid(len(order), max_cols)
    fig = Figure(figsize=(4.2 * ncols + 1.2, 4.0 * nrows + 0.6), layout="constrained")
    axes = panel_axes(fig, len(order), max_cols)
    coll = None
    for ax, scen in zip(axes, order):
        sub = agg[agg["scenario"] == scen]
        rects = [Rectangle((x - side / 2, y - side / 2), side, side)
                 for x, y in zip(sub["x"], sub["y"])]
        coll = PatchCollection(rects, cmap=colormap, norm=norm, edgecolor="white", lw=0.5)
        coll.set_array(np.ma.masked_invalid(sub["v"].to_numpy(dtype=float)))
        ax.add_collection(coll)
        if annotate:
            for zid, x, y, v in zip(sub["zone"], sub["x"], sub["y"], sub["v"]):
                r, g, b, _ = colormap(norm(v)) if np.isfinite(v) else (0.8, 0.8, 0.8, 1)
                ink = "black" if 0.299 * r + 0.587 * g + 0.114 * b > 0.5 else "white"
                ax.text(x, y, str(zid), ha="center", va="center", fontsize=7, color=ink)
        ax.set_xlim(*xlim)
        ax.set_ylim(*ylim)
        ax.set_aspect("equal")
        ax.set_title(scen)
        ax.set_xlabel(t("x (m)"))
        ax.set_ylabel(t("y (m)"))
    if coll is not None:
        fig.colorbar(coll, ax=axes, label=kpi_label(metric), shrink=0.9)
    name = kpi_parts(metric)[0]
    fig.suptitle(title or t("{name} by zone (mean over replications)", name=name))
    return fig


def coverage_heatmap(
    coverage: pd.DataFrame,
    label: str | None = None,
    *,
    cmap: str = "viridis",
    max_cols: int = 3,
) -> Figure:
    """Zone x hour-of-day heatmap of covered share, one panel per scenario.

    The share is ``sum(covered_min) / sum(observed_min)`` over replications (and any
    repeated days); cells with no observed time are grey.

    Args:
        coverage: Coverage frame (``zone``, ``hour``, ``covered_min``,
            ``observed_min``, optional ``scenario``).
        label: Scenario name used when ``coverage`` has no ``scenario`` column.
        cmap: Matplotlib colormap name.
        max_cols: Maximum panel columns.

    Returns:
        The figure: one heatmap axes per scenario plus one shared colorbar axes.
    """
    cols = ["zone", "hour", "covered_min", "observed_min"]
    require(coverage, cols, "coverage")
    df = with_scenario(coverage, label, cols)
    order = scenario_order(df)
    agg = df.groupby(["scenario", "zone", "hour"])[["covered_min", "observed_min"]].sum()
    obs = agg["observed_min"].to_numpy(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = pd.Series(np.where(obs > 0, agg["covered_min"].to_numpy(float) / obs, np.nan),
                          index=agg.index)
    zone_ids = sorted(pd.unique(df["zone"]))
    nz = len(zone_ids)
    colormap = matplotlib.colormaps[cmap].with_extremes(bad="lightgrey")
    nrows, ncols = panel_grid(len(order), max_cols)
    fig = Figure(figsize=(5.0 * ncols + 1.2, max(3.0, 0.16 * nz + 1.5) * nrows + 0.6),
                 layout="constrained")
    axes = panel_axes(fig, len(order), max_cols)
    mesh = None
    step = max(1, math.ceil(nz / 25))
    for ax, scen in zip(axes, order):
        mat = share.loc[scen].unstack("hour").reindex(index=zone_ids, columns=range(24))
        mesh = ax.pcolormesh(np.arange(25), np.arange(nz + 1),
                             np.ma.masked_invalid(mat.to_numpy(float)),
                             cmap=colormap, vmin=0.0, vmax=1.0)
        ax.set_ylim(nz, 0)
        ax.set_yticks(np.arange(0, nz, step) + 0.5, [str(z) for z in zone_ids[::step]],
                      fontsize=7)
        ax.xaxis.set_major_locator(MultipleLocator(3))
        ax.set_title(scen)
        ax.set_xlabel(t("Hour of day (h)"))
        ax.set_ylabel(t("Zone"))
    if mesh is not None:
        fig.colorbar(mesh, ax=axes, label=t("Covered share of observed time (%)"),
                     format=PercentFormatter(1.0), shrink=0.9)
    fig.suptitle(t("Patrol coverage by zone and hour of day"))
    return fig

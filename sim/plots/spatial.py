"""Spatial figures: district map of a zone metric and zone x hour coverage heatmap."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import PatchCollection, PolyCollection, QuadMesh
from matplotlib.colors import Colormap, Normalize
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
from .zone_shapes import draw_shapes, ink, label_shapes


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
    shapes: Mapping[str, Any] | None = None,
) -> Figure:
    """Map of zones coloured by a per-zone metric, one panel per scenario.

    Args:
        zones: Zones frame (``zone``, ``x_m``, ``y_m``, ``metric``, optional ``scenario``).
        metric: Column to colour by, averaged over replications.
        title: Figure title; defaults to the metric's readable name.
        label: Scenario name used when ``zones`` has no ``scenario`` column.
        cmap: Matplotlib colormap name (zones with NaN metric are drawn grey).
        max_cols: Maximum panel columns.
        shapes: Scenario name → its map geometry (``sim.geo.layout.GeoLayout``): those
            panels draw the real zone shapes and the streets instead of squares.

    Returns:
        The figure: one map axes per scenario plus one shared colorbar axes.
    """
    require(zones, ["zone", "x_m", "y_m", metric], "zones")
    shapes = shapes or {}
    df = with_scenario(zones, label, ["zone", "x_m", "y_m", metric]
                       + (["name"] if "name" in zones.columns else []))
    order = scenario_order(df)
    agg = _zone_means(df, metric)
    style = _map_style(agg, cmap)
    fig = _map_figure(order, len(agg), shapes, max_cols)
    axes = panel_axes(fig, len(order), max_cols)
    colls = [_map_panel(ax, agg[agg["scenario"] == scen], scen, shapes, style)
             for ax, scen in zip(axes, order)]
    if colls:
        fig.colorbar(colls[-1], ax=axes, label=kpi_label(metric), shrink=0.9)
    name = kpi_parts(metric)[0]
    fig.suptitle(title or t("{name} by zone (mean over replications)", name=name))
    return fig


@dataclass(frozen=True)
class _MapStyle:
    """What every panel of a district map shares: colours, square side, extent, labels."""

    colormap: Colormap
    norm: Normalize
    side: float
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    annotate: bool


def _zone_means(df: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Per scenario and zone: mean centre (``x``, ``y``), mean metric ``v`` and ``name``."""
    if "name" not in df.columns:
        df = df.assign(name=df["zone"])
    return df.groupby(["scenario", "zone"], sort=False).agg(
        x=("x_m", "mean"), y=("y_m", "mean"), v=(metric, "mean"), name=("name", "first")
    ).reset_index()


def _value_norm(values: np.ndarray) -> Normalize:
    """Colour scale over the finite values (0-1 when none; a width of 1 when all equal)."""
    finite = values[np.isfinite(values)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    return Normalize(lo, hi if hi > lo else lo + 1.0)


def _map_style(agg: pd.DataFrame, cmap: str) -> _MapStyle:
    """Colours (NaN grey), squares sized to the zone spacing, the extent padded by a square."""
    side = _cell_size(agg["x"].to_numpy(float), agg["y"].to_numpy(float))
    return _MapStyle(
        colormap=matplotlib.colormaps[cmap].with_extremes(bad="lightgrey"),
        norm=_value_norm(agg["v"].to_numpy(dtype=float)),
        side=side,
        xlim=(agg["x"].min() - side, agg["x"].max() + side),
        ylim=(agg["y"].min() - side, agg["y"].max() + side),
        annotate=bool(agg.groupby("scenario")["zone"].nunique().max() <= 64),
    )


def _map_figure(order: list[str], n_rows: int, shapes: Mapping[str, Any],
                max_cols: int) -> Figure:
    """A figure sized for the panels, larger when real shapes of many zones are drawn."""
    nrows, ncols = panel_grid(len(order), max_cols)
    many = any(s in shapes for s in order) and n_rows > 100 * len(order)
    scale = 1.6 if many else 1.0
    return Figure(figsize=(scale * 4.2 * ncols + 1.2, scale * 4.0 * nrows + 0.6),
                  layout="constrained")


def _map_panel(ax: Axes, sub: pd.DataFrame, scen: str, shapes: Mapping[str, Any],
               style: _MapStyle) -> Any:
    """One scenario's panel: its real zone shapes when it has them, else squares."""
    if scen in shapes:
        return _shape_panel(ax, shapes[scen], sub, scen, style)
    return _square_panel(ax, sub, scen, style)


def _square_panel(ax: Axes, sub: pd.DataFrame, scen: str, style: _MapStyle) -> PatchCollection:
    """Zones as coloured squares at their centres, labelled with their ids when few."""
    coll = _squares(sub, style)
    ax.add_collection(coll)
    if style.annotate:
        _square_labels(ax, sub, style)
    ax.set_xlim(*style.xlim)
    ax.set_ylim(*style.ylim)
    ax.set_aspect("equal")
    ax.set_title(scen)
    ax.set_xlabel(t("x (m)"))
    ax.set_ylabel(t("y (m)"))
    return coll


def _squares(sub: pd.DataFrame, style: _MapStyle) -> PatchCollection:
    """A square per zone centred on it, coloured by its value."""
    side = style.side
    rects = [Rectangle((x - side / 2, y - side / 2), side, side)
             for x, y in zip(sub["x"], sub["y"])]
    coll = PatchCollection(rects, cmap=style.colormap, norm=style.norm, edgecolor="white",
                           lw=0.5)
    coll.set_array(np.ma.masked_invalid(sub["v"].to_numpy(dtype=float)))
    return coll


def _square_labels(ax: Axes, sub: pd.DataFrame, style: _MapStyle) -> None:
    """Each zone's id at its centre, in ink that reads on its colour."""
    for zid, x, y, v in zip(sub["zone"], sub["x"], sub["y"], sub["v"]):
        ax.text(x, y, str(zid), ha="center", va="center", fontsize=7,
                color=ink(style.colormap, style.norm, v))


def _shape_panel(ax: Axes, shapes: Any, sub: pd.DataFrame, scen: str,
                 style: _MapStyle) -> PolyCollection:
    """One panel of real zone shapes (``sim.plots.zone_shapes``)."""
    colormap, norm = style.colormap, style.norm
    zones, vals = sub["zone"].astype(str).tolist(), sub["v"].to_numpy(dtype=float)
    coll = draw_shapes(ax, shapes, zones, vals, colormap, norm)
    label_shapes(ax, zones, sub["name"].astype(str).tolist(),
                 sub[["x", "y"]].to_numpy(float), vals, colormap, norm)
    ax.set_aspect("equal")
    ax.set_xlabel("x (m)")
    ax.set_ylabel("y (m)")
    ax.set_title(scen)
    return coll


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
    share = _covered_share(df)
    zone_ids = sorted(pd.unique(df["zone"]))
    colormap = matplotlib.colormaps[cmap].with_extremes(bad="lightgrey")
    nrows, ncols = panel_grid(len(order), max_cols)
    height = max(3.0, 0.16 * len(zone_ids) + 1.5)
    fig = Figure(figsize=(5.0 * ncols + 1.2, height * nrows + 0.6), layout="constrained")
    axes = panel_axes(fig, len(order), max_cols)
    meshes = [_heat_panel(ax, share.loc[scen], zone_ids, colormap, scen)
              for ax, scen in zip(axes, order)]
    if meshes:
        fig.colorbar(meshes[-1], ax=axes, label=t("Covered share of observed time (%)"),
                     format=PercentFormatter(1.0), shrink=0.9)
    fig.suptitle(t("Patrol coverage by zone and hour of day"))
    return fig


def _covered_share(df: pd.DataFrame) -> pd.Series:
    """Covered over observed minutes per scenario, zone and hour (NaN when never observed)."""
    agg = df.groupby(["scenario", "zone", "hour"])[["covered_min", "observed_min"]].sum()
    obs = agg["observed_min"].to_numpy(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return pd.Series(np.where(obs > 0, agg["covered_min"].to_numpy(float) / obs, np.nan),
                         index=agg.index)


def _heat_panel(ax: Axes, share: pd.Series, zone_ids: list[Any], colormap: Colormap,
                scen: str) -> QuadMesh:
    """One scenario's zones x hours mesh; at most about 25 zones labelled."""
    nz = len(zone_ids)
    mat = share.unstack("hour").reindex(index=zone_ids, columns=range(24))
    mesh = ax.pcolormesh(np.arange(25), np.arange(nz + 1),
                         np.ma.masked_invalid(mat.to_numpy(float)),
                         cmap=colormap, vmin=0.0, vmax=1.0)
    ax.set_ylim(nz, 0)
    step = max(1, math.ceil(nz / 25))
    ax.set_yticks(np.arange(0, nz, step) + 0.5, [str(z) for z in zone_ids[::step]],
                  fontsize=7)
    ax.xaxis.set_major_locator(MultipleLocator(3))
    _heat_labels(ax, scen)
    return mesh


def _heat_labels(ax: Axes, scen: str) -> None:
    """Title (the scenario) and axis labels of a heatmap panel."""
    ax.set_title(scen)
    ax.set_xlabel(t("Hour of day (h)"))
    ax.set_ylabel(t("Zone"))

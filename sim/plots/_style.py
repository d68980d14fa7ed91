"""Shared helpers for :mod:`sim.plots`: scenario handling, colours and KPI labels."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import cast

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.typing import ColorType

from sim.metrics import registry
from sim.report import i18n

#: Scenario name used when a frame has no ``scenario`` column and no label is given.
DEFAULT_LABEL = "baseline"

Color = ColorType

# Known frame columns that are not registry measures -> (readable name, unit). Measures
# (summary columns) take their label and unit from sim.metrics.registry.
_KNOWN: dict[str, tuple[str, str]] = {
    "resolution_median_min": ("Median resolution time", "min"),
    "exposure_h": ("Disorder exposure", "h"),
    "staff_hours": ("Staff hours", "h"),
    "overtime_min": ("Overtime", "min"),
    "distance_km": ("Distance travelled", "km"),
    "jobs": ("Jobs", "count"),
    "presence_min": ("Officer presence", "min"),
    "visits": ("Patrol visits", "count"),
    "mean_gap_min": ("Mean revisit gap", "min"),
    "max_gap_min": ("Max revisit gap", "min"),
    "incidents": ("Incidents", "count"),
    "share_found_merchant": ("Fixed by the shop", "share"),
    "share_found_none": ("Never detected", "share"),
    "share_self_cleared": ("Cleared by itself", "share"),
    "share_open_at_end": ("Still open at the end", "share"),
}
_UNIT_SUFFIXES = {
    "min": "min", "h": "h", "s": "s", "km": "km", "m": "m", "pct": "%",
    "share": "share", "count": "count", "n": "count",
}
_KEEP_SUFFIX_WORD = {"share", "count"}


def kpi_parts(name: str) -> tuple[str, str]:
    """Split a KPI column name into a readable name and its unit.

    Args:
        name: KPI column name, e.g. ``"resolution_mean_min"``.

    Returns:
        ``(readable name, unit)``; the unit is ``""`` when unknown.
    """
    if name in _KNOWN:
        text, unit = _KNOWN[name]
        return i18n.t(text), i18n.unit(unit)
    return _measure_parts(str(name)) or _guessed_parts(str(name))


def _measure_parts(name: str) -> tuple[str, str] | None:
    """Label and unit of a registry measure (``"measure.detail"`` keeps the detail), if any."""
    measure = registry.measure_of(name)
    if measure is None:
        return None
    kind = name.split(".", 1)
    detail = f": {kind[1]}" if len(kind) == 2 else ""
    return (i18n.measure_label(measure.name, with_unit=False) + detail,
            i18n.unit(measure.unit))


def _guessed_parts(name: str) -> tuple[str, str]:
    """A snake_case name as words, its last word read as a unit when it names one."""
    tokens = list(filter(None, re.split(r"[_.\s]+", name)))
    suffix = tokens[-1].lower() if len(tokens) > 1 else ""
    unit = _UNIT_SUFFIXES.get(suffix, "")
    if unit and suffix not in _KEEP_SUFFIX_WORD:
        tokens = tokens[:-1]
    text = " ".join(tokens) or name
    return text[:1].upper() + text[1:], unit


def kpi_label(name: str) -> str:
    """Readable axis label with unit, e.g. ``"Mean resolution time (min)"``.

    Args:
        name: KPI column name.

    Returns:
        The label; unknown snake_case names are prettified.
    """
    text, unit = kpi_parts(name)
    return f"{text} ({unit})" if unit else text


def scenario_colors(names: Iterable[str]) -> dict[str, Color]:
    """Map scenario names to tab10 colours in the given order (cycling after 10).

    Args:
        names: Scenario names in order of first appearance.

    Returns:
        Dict from scenario name to an RGB tuple.
    """
    # the registry is typed as Colormap; tab10 is a ListedColormap of RGB tuples
    palette = cast(list[Color], cast(ListedColormap, matplotlib.colormaps["tab10"]).colors)
    out: dict[str, Color] = {}
    for name in names:
        if name not in out:
            out[name] = palette[len(out) % len(palette)]
    return out


def resolve_colors(names: Sequence[str], colors: Mapping[str, Color] | None) -> dict[str, Color]:
    """tab10 colours for ``names``, overridden by any entries of ``colors``."""
    base = scenario_colors(names)
    if colors:
        base.update({k: v for k, v in colors.items() if k in base})
    return base


def require(df: pd.DataFrame, columns: Iterable[str], frame: str) -> None:
    """Raise ``KeyError`` naming the frame when required columns are missing."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise KeyError(f"{frame} frame is missing column(s): {', '.join(missing)}")


def with_scenario(df: pd.DataFrame, label: str | None, columns: Iterable[str]) -> pd.DataFrame:
    """Select ``columns`` plus a string ``scenario`` column.

    If ``df`` has no ``scenario`` column, every row is assigned ``label``
    (or :data:`DEFAULT_LABEL`).
    """
    cols = [c for c in dict.fromkeys(columns) if c in df.columns and c != "scenario"]
    out = df[cols]
    if "scenario" in df.columns:
        return out.assign(scenario=df["scenario"].astype(str))
    return out.assign(scenario=label or DEFAULT_LABEL)


def scenario_order(*frames: pd.DataFrame) -> list[str]:
    """Scenario names in order of first appearance across ``frames``."""
    return list(dict.fromkeys(str(s) for df in frames for s in pd.unique(df["scenario"])))


def panel_grid(n: int, max_cols: int = 3) -> tuple[int, int]:
    """Rows and columns for ``n`` panels with at most ``max_cols`` columns."""
    ncols = max(1, min(n, max_cols))
    return max(1, math.ceil(n / ncols)), ncols


def panel_axes(fig: Figure, n: int, max_cols: int = 3) -> list[Axes]:
    """Create ``n`` subplots on a grid, removing unused grid cells."""
    nrows, ncols = panel_grid(n, max_cols)
    axes = list(np.asarray(fig.subplots(nrows, ncols, squeeze=False)).ravel())
    for ax in axes[n:]:
        ax.remove()
    return axes[:n]


def no_data(ax: Axes, message: str = "no data") -> None:
    """Write a centred grey placeholder message on an empty axes."""
    ax.text(0.5, 0.5, i18n.t(message), transform=ax.transAxes, ha="center", va="center", color="grey")

"""Figures of a calibration: observed cases vs fitted occurrences by hour, weekday and type."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure


def calibration_profiles(hours: pd.DataFrame, column: str = "hour",
                         title: str = "Cases (log) and fitted occurrences by hour of day"
                         ) -> Figure:
    """Small multiples, one panel per type: bars of the log's cases, a line of the fitted
    occurrences. ``hours`` has columns type, ``column``, cases, fitted."""
    types = list(dict.fromkeys(hours["type"]))
    ncols = min(4, max(1, len(types)))
    nrows = math.ceil(len(types) / ncols)
    fig = Figure(figsize=(3.2 * ncols, 2.4 * nrows), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False)
    for ax, name in zip(axes.flat, types):
        _profile(ax, hours[hours["type"] == name], column, name)
    for ax in list(axes.flat)[len(types):]:
        ax.set_visible(False)
    axes.flat[0].legend(fontsize=7)
    fig.suptitle(title, fontsize=10)
    return fig


def _profile(ax: Axes, part: pd.DataFrame, column: str, name: str) -> None:
    """One type's panel: bars of the log's cases, a line of the fitted occurrences."""
    x = part[column].to_numpy()
    ax.bar(x, part["cases"], color="0.75", label="cases in the log")
    ax.plot(x, part["fitted"], color="tab:red", marker=".", label="fitted occurrences")
    ax.set_title(name, fontsize=9)
    ax.tick_params(labelsize=7)


def calibration_rates(rates: pd.DataFrame) -> Figure:
    """Occurrences per day per type with the 95 % interval and the ±20 % detection range,
    beside the cases per day. ``rates`` has type, cases_per_day, rate, low, high, sens_low,
    sens_high."""
    fig = Figure(figsize=(7, 0.4 * len(rates) + 1.2), layout="constrained")
    ax = fig.subplots()
    y = np.arange(len(rates))
    _rate_ranges(ax, rates, y)
    ax.plot(rates["cases_per_day"], y, "x", color="0.3", label="cases/day in the log")
    ax.set_yticks(y, rates["type"], fontsize=8)
    ax.set_xlabel("per day in the district")
    ax.legend(fontsize=7, loc="lower right")
    return fig


def _rate_ranges(ax: Axes, rates: pd.DataFrame, y: np.ndarray) -> None:
    """Per type: the ±20 % detection range as a bar, the fitted rate with its 95 % CI."""
    ax.barh(y, rates["sens_high"] - rates["sens_low"], left=rates["sens_low"], color="0.88",
            label="detection share ±20 %")
    ax.errorbar(rates["rate"], y, xerr=[rates["rate"] - rates["low"],
                                        rates["high"] - rates["rate"]],
                fmt="o", color="tab:red", label="fitted occurrences/day, 95 % CI")

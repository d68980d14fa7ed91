"""The shift proposal figure: officers on duty per hour against the workload."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.strategy.staggered import coverage_by_hour


def plot_proposal(path: Path, load: np.ndarray, starts: list[str], hours: float,
                  baseline: np.ndarray | None = None) -> None:
    """Bars: officers on duty per hour; lines: the workload-proportional target, the
    baseline roster and the workload itself (Figure API)."""
    on_duty = np.asarray(coverage_by_hour(starts, hours))
    target = len(starts) * hours * load / load.sum()
    fig = Figure(figsize=(8, 4), layout="constrained")
    ax = fig.subplots()
    _staffing(ax, on_duty, target, baseline)
    ax2 = ax.twinx()
    ax2.plot(np.arange(24) + 0.5, load, color="#555555", linestyle=":", marker=".",
             label="work generated (officer-h/day)")
    ax.set(xlim=(0, 24), xticks=range(0, 25, 3), xlabel="hour of day", ylabel="officers")
    ax2.set_ylabel("work generated per hour (officer-h/day)")
    ax2.set_ylim(bottom=0)
    _shared_legend(fig, ax, ax2)
    ax.set_title(f"Staggered-peak proposal: {len(starts)} officers x {hours:g} h")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)


def _staffing(ax: Axes, on_duty: np.ndarray, target: np.ndarray,
              baseline: np.ndarray | None) -> None:
    """Bars of the officers on duty, steps of the target and of the baseline roster."""
    ax.bar(np.arange(24), on_duty, width=1.0, align="edge", color="#9ecae1",
           label="officers on duty (proposal)")
    _hour_steps(ax, target, color="#d62728",
                label="target: officers in proportion to the workload")
    if baseline is not None:
        _hour_steps(ax, baseline, color="#2ca02c", linestyle="--", label="baseline roster")


def _hour_steps(ax: Axes, values: np.ndarray, **style: Any) -> None:
    """24 hourly values as a step line over the day."""
    ax.step(np.arange(25), np.append(values, values[-1]), where="post", **style)


def _shared_legend(fig: Figure, ax: Axes, ax2: Axes) -> None:
    """One legend below the plot for the artists of both y axes."""
    handles, labels = ax.get_legend_handles_labels()
    extra, extra_labels = ax2.get_legend_handles_labels()
    fig.legend(handles + extra, labels + extra_labels, loc="outside lower center",
               ncols=3, fontsize=8)

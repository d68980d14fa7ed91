"""The shift proposal figure: officers on duty per hour against the workload."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from sim.strategy.staggered import coverage_by_hour


def plot_proposal(path: Path, load: np.ndarray, starts: list[str], hours: float,
                  baseline: np.ndarray | None = None) -> None:
    """Bars: officers on duty per hour; lines: the workload-proportional target, the
    baseline roster and the workload itself (Figure API)."""
    from matplotlib.figure import Figure

    on_duty = np.asarray(coverage_by_hour(starts, hours))
    target = len(starts) * hours * load / load.sum()
    fig = Figure(figsize=(8, 4), layout="constrained")
    ax = fig.subplots()
    ax.bar(np.arange(24), on_duty, width=1.0, align="edge", color="#9ecae1",
           label="officers on duty (proposal)")
    ax.step(np.arange(25), np.append(target, target[-1]), where="post", color="#d62728",
            label="target: officers in proportion to the workload")
    if baseline is not None:
        ax.step(np.arange(25), np.append(baseline, baseline[-1]), where="post",
                color="#2ca02c", linestyle="--", label="baseline roster")
    ax2 = ax.twinx()
    ax2.plot(np.arange(24) + 0.5, load, color="#555555", linestyle=":", marker=".",
             label="work generated (officer-h/day)")
    ax.set(xlim=(0, 24), xticks=range(0, 25, 3), xlabel="hour of day", ylabel="officers")
    ax2.set_ylabel("work generated per hour (officer-h/day)")
    ax2.set_ylim(bottom=0)
    handles = ax.get_legend_handles_labels()
    extra = ax2.get_legend_handles_labels()
    fig.legend(handles[0] + extra[0], handles[1] + extra[1], loc="outside lower center",
               ncols=3, fontsize=8)
    ax.set_title(f"Staggered-peak proposal: {len(starts)} officers x {hours:g} h")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)

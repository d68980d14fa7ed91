"""`sim run`: replications of one scenario written as a results folder with plots."""

from __future__ import annotations

import platform
import time
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

import sim
from sim.engine.trace import TraceSpec
from sim.experiment.csv_files import TableFormat
from sim.experiment.replication import Frames
from sim.experiment.runner import ProgressHook, run
from sim.experiment.stats import summarise
from sim.metrics import registry
from sim.metrics.window import short_run_warning, window_of
from sim.output import atomic_folder, reserved_output, write_json
from sim.rng import replication_seed
from sim.scenario.loader import scenario_hash, scenario_yaml
from sim.scenario.model import Scenario

CSV = TableFormat()


def write_frames(folder: Path, frames: Frames, tables: TableFormat = CSV) -> None:
    """Write every frame as CSV (fixed number formats, so equal runs give equal bytes) or
    in another table format."""
    for name, frame in frames.items():
        tables.write(frame, folder, name)


def run_record(scenario: Scenario, reps: int, wall_s: float, jobs: int) -> dict:
    return {
        "scenario": scenario.name,
        "scenario_hash": scenario_hash(scenario),
        "seed": scenario.seed,
        "replications": reps,
        "replication_seeds": [replication_seed(scenario.seed, r) for r in range(reps)],
        "days": scenario.clock.days,
        "warmup_days": scenario.clock.warmup_days,
        "sim_version": sim.__version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "wall_s": round(wall_s, 3),
        "jobs": jobs,
        "cooldown_days": window_of(scenario).tau / 1440.0,
        "warnings": run_warnings(scenario),
    }


def write_plots(folder: Path, frames: Frames, scenario: Scenario) -> list[Path]:
    """The run's figures as PNG, over the observation window (warm-up left out)."""
    from sim import plots
    from sim.experiment.figures import frame_figures, observation_windows

    written: list[Path] = []
    for name, make in frame_figures(frames, observation_windows([scenario]), [scenario]).items():
        written += plots.save_figure(make(), folder / "plots" / name, formats=("png",))
    return written


def available(kpis: list[str], frame: pd.DataFrame) -> list[str]:
    """The KPIs a summary frame has (demand KPIs exist only where demand models run)."""
    return [k for k in kpis if k in frame.columns]


def measure_columns(frame: pd.DataFrame) -> list[str]:
    """The registry's measures a summary frame has, in report order, then ``sla.<type>``."""
    per_type = [c for c in frame.columns if c.startswith("sla.")]
    return available(registry.names(), frame) + per_type


class RunResult(NamedTuple):
    """What ``run_to_folder`` wrote: all frames, and the KPI table (mean, sd, CI)."""

    frames: Frames
    table: pd.DataFrame


def run_to_folder(
    scenario: Scenario,
    out: Path,
    reps: int,
    jobs: int = 1,
    make_plots: bool = True,
    on_done: ProgressHook | None = None,
    force: bool = False,
    tables: TableFormat = CSV,
    presence: bool = False,
    trace: TraceSpec | None = None,
) -> RunResult:
    """Run replications and write the results folder atomically; returns frames and the KPI table.

    ``out`` is checked, locked and probed before simulating (see ``sim.output``); it may
    replace only an earlier results folder of sim's own, unless ``force``. ``tables``: how
    the tables are written; ``presence``: also write the presence frame; ``trace``: also
    record the officers' movement trace (``trace.csv``, ``trace_info.csv``).
    """
    tables.check()
    with reserved_output(out, force):
        start = time.perf_counter()
        frames = run(scenario, reps=reps, jobs=jobs, on_done=on_done, presence=presence,
                     trace=trace)
        wall = time.perf_counter() - start
        table = summarise(frames.summary, by=["scenario"],
                          kpis=measure_columns(frames.summary))
        _write_run_folder(out, scenario, frames, table, reps, wall, jobs, make_plots, tables)
    return RunResult(frames, table)


def _write_run_folder(out: Path, scenario: Scenario, frames: Frames, table: pd.DataFrame,
                      reps: int, wall: float, jobs: int, make_plots: bool,
                      tables: TableFormat = CSV) -> None:
    with atomic_folder(out) as tmp:
        write_frames(tmp, frames, tables)
        tables.write(table, tmp, "kpis")
        (tmp / "scenario.resolved.yaml").write_text(scenario_yaml(scenario), encoding="utf-8")
        if make_plots:
            write_plots(tmp, frames, scenario)
        write_json(tmp / "run.json", run_record(scenario, reps, wall, jobs))


def run_warnings(scenario: Scenario) -> list[str]:
    """What a reader of this run's results must know before trusting them."""
    return [w for w in (short_run_warning(scenario),) if w]

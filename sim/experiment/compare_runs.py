"""Running a comparison's replications: a first batch, an optional MSER-5 warm-up pass, and
more batches until a precision target is met."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from sim.experiment.executors import Task
from sim.experiment.precision import PRECISION_KPIS, mser_table, next_batch, precision_status
from sim.experiment.replication import Frames
from sim.experiment.runner import Runner
from sim.scenario.loader import with_changes
from sim.scenario.model import Scenario

DEFAULT_MAX_REPS = 100
MSER_MIN_DAYS = 20


@dataclass(frozen=True)
class CompareOptions:
    """How a comparison runs (every field optional; see ``compare``)."""

    seed: int | None = None
    days: int | None = None
    precision: float | None = None
    max_reps: int | None = None
    warmup_mser: bool = False
    batch_means: bool = False
    level: float = 0.95


class Runs:
    """Results of ``scenarios`` by (scenario index, replication), grown batch by batch."""

    def __init__(self, scenarios: list[Scenario], runner: Runner) -> None:
        self.scenarios, self.runner = scenarios, runner
        self.results: dict[tuple[int, int], Frames] = {}
        self.n = 0

    def grow(self, n: int) -> Frames:
        """Make sure replications 0..n-1 of every scenario exist; return them stacked."""
        keys = [(i, r) for i in range(len(self.scenarios)) for r in range(self.n, n)]
        self.results.update(zip(keys, self.runner.run(self._tasks(keys))))
        self.n = max(self.n, n)
        return Frames.concat([self.results[k] for k in sorted(self.results)])

    def _tasks(self, keys: list[tuple[int, int]]) -> list[Task]:
        """The task of each (scenario index, replication)."""
        return [Task(self.scenarios[i], r) for i, r in keys]


@dataclass
class Ran:
    """What running a comparison produced, before it is summarised."""

    scenarios: list[Scenario]
    reps: int
    frames: Frames | None = None
    warmup: pd.DataFrame | None = None
    precision: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)


def run_all(scenarios: list[Scenario], reps: int, options: CompareOptions, jobs: int,
            runs: Runs) -> Ran:
    """Run the replications: an MSER-5 warm-up pass first if asked, then the replications,
    then more in batches until the precision target (if any) is met."""
    ran = Ran(scenarios, reps)
    if options.warmup_mser:
        runs = _apply_mser(ran, runs, reps)
    ran.frames = runs.grow(reps)
    if options.precision and not options.batch_means:
        _grow_to_precision(ran, runs, options.precision, options.max_reps, jobs)
    ran.reps = runs.n
    return ran


def _grow_to_precision(ran: Ran, runs: Runs, target: float, max_reps: int | None,
                       jobs: int) -> None:
    """Add batches of replications until every key KPI meets ``target`` (or the cap)."""
    cap = max_reps or DEFAULT_MAX_REPS
    assert ran.frames is not None
    while step := next_batch(ran.frames.summary, PRECISION_KPIS, target, runs.n, cap,
                             max(2, jobs)):
        ran.frames = runs.grow(runs.n + step)
    ran.precision = precision_status(ran.frames.summary, PRECISION_KPIS, target)


def _mser_warmup(runs: Runs, reps: int) -> tuple[pd.DataFrame, float]:
    """The MSER-5 table of a first batch, and the warm-up to use (days)."""
    frames = runs.grow(reps)
    days = runs.scenarios[0].clock.days
    configured = {s.name: s.clock.warmup_days for s in runs.scenarios}
    table = mser_table(frames.incidents, days, configured)
    warmup = max(float(table["mser5_warmup_days"].max()), max(configured.values()))
    return table, warmup


def _with_warmup(scenarios: list[Scenario], warmup: float) -> list[Scenario]:
    """The scenarios with ``clock.warmup_days`` set to ``warmup``."""
    return [with_changes(s, {"clock.warmup_days": warmup}) for s in scenarios]


def _apply_mser(ran: Ran, runs: Runs, reps: int) -> Runs:
    """Estimate the warm-up by MSER-5; if longer than configured, rerun with it."""
    ran.warmup, warmup = _mser_warmup(runs, reps)
    if warmup > max(s.clock.warmup_days for s in ran.scenarios):
        ran.scenarios = _with_warmup(ran.scenarios, warmup)
        runs = Runs(ran.scenarios, runs.runner)
    ran.notes.append(f"Warm-up of {warmup:g} day(s) used for every scenario: the longer of "
                     "the scenarios' warm-up and the MSER-5 estimate.")
    if ran.scenarios[0].clock.days < MSER_MIN_DAYS:
        ran.notes.append(f"MSER-5 needs at least {MSER_MIN_DAYS} days (4 batches of 5 days) "
                         "to detect a warm-up; these runs are too short for it.")
    return runs

"""Whether a roster meets its targets: one-sided t bounds from replications under common
random numbers, with replications added while a target's interval straddles its value."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.decide.targets import Target
from sim.experiment.executors import Task
from sim.experiment.runner import Runner, RunOptions
from sim.experiment.stats import t_quantile
from sim.scenario.model import Scenario

if TYPE_CHECKING:
    from concurrent.futures import Executor

    from sim.experiment.cache import ReplicationCache
    from sim.experiment.executors import DoneHook
    from sim.experiment.replication import Frames


@dataclass
class Estimate:
    """Replications of one roster: per target mean, one-sided bound, verdict."""

    n: int
    rows: list[dict] = field(default_factory=list)

    @property
    def feasible(self) -> bool:
        return all(r["status"] == "met" for r in self.rows)

    @property
    def undecided(self) -> bool:
        return any(r["status"] == "undecided" for r in self.rows)


def estimate(values: pd.DataFrame, targets: Sequence[Target],
             confidence: float) -> Estimate:
    """One-sided t bounds per target from per-replication values (columns = measures)."""
    n = len(values)
    q = t_quantile(confidence, n - 1) if n > 1 else math.inf
    return Estimate(n, [_judge(t, values[t.measure].to_numpy(float), q) for t in targets])


def _judge(target: Target, x: np.ndarray, q: float) -> dict:
    """Mean, pessimistic bound and status (met, missed, undecided) of one target."""
    mean, half = float(x.mean()), _half_width(x, q)
    low, high = mean - half, mean + half
    pessimistic, optimistic = (low, high) if target.at_least else (high, low)
    return {"target": str(target), "mean": mean, "bound": pessimistic,
            "status": _status(target, pessimistic, optimistic)}


def _half_width(x: np.ndarray, q: float) -> float:
    """``q`` standard errors of the mean of ``x`` (infinite with one value)."""
    n = len(x)
    return q * float(x.std(ddof=1)) / math.sqrt(n) if n > 1 else math.inf


def _status(target: Target, pessimistic: float, optimistic: float) -> str:
    """met: even the pessimistic bound meets it; missed: not even the optimistic one."""
    if target.met_by(pessimistic):
        return "met"
    return "undecided" if target.met_by(optimistic) else "missed"


@dataclass(eq=False)
class Evaluator:
    """Replications of rosters on the baseline's seed (common random numbers), grown
    while a target's interval straddles its value; ``count``: replications run so far.

    ``executor`` (already open, e.g. a :class:`~sim.experiment.runner.Runner`'s; None: in
    this process), ``cache`` and ``on_done`` are the runner's: replications go through it.
    """

    targets: list[Target]
    confidence: float
    reps: int
    max_reps: int
    executor: Executor | None
    cache: ReplicationCache | None
    on_done: DoneHook | None
    count: int = 0

    @property
    def runner(self) -> Runner:
        """The runner of these replications, on the open executor."""
        options = RunOptions(executor=self.executor, cache=self.cache, on_done=self.on_done)
        return Runner(options, self.executor)

    def frames(self, scenario: Scenario, n: int) -> list[Frames]:
        """Replications 0..n-1 of ``scenario`` (run or from the cache; not counted)."""
        return self.runner.run([Task(scenario, r) for r in range(n)])

    def values(self, scenario: Scenario, n: int) -> pd.DataFrame:
        """The summary rows of replications 0..n-1 of ``scenario``."""
        self.count += n
        return pd.concat([f.summary for f in self.frames(scenario, n)], ignore_index=True)

    def __call__(self, scenario: Scenario) -> Estimate:
        n = self.reps
        while True:
            est = estimate(self.values(scenario, n), self.targets, self.confidence)
            if not est.undecided or n >= self.max_reps:
                return est
            n = min(self.max_reps, n + self.reps)

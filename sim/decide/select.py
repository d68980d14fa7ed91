"""``sim select``: the best of several strategies on one measure, with a stated guarantee.

Replications of the scenarios under common random numbers (the same seed; replication r
of every scenario sees the same demand) feed KN++ (a precision goal: indifference zone
``delta`` and probability ``pcs``) or sequential OCBA (a fixed ``budget`` of
replications). Replications run through the experiment runner (``sim.experiment.runner``)
with its cache, so an interrupted selection resumes, and the same seed gives the same
selection whatever the workers.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.decide.kn import N0, kn_plus_plus
from sim.decide.measure import (
    DecisionError,
    Weighted,
    check_measure,
    is_weighted,
    parse_weighted,
)
from sim.decide.ocba import ocba_select
from sim.decide.selection import Selection
from sim.experiment.cache import ReplicationCache
from sim.experiment.compare import ComparisonError, check_clocks, prepare_scenarios
from sim.experiment.comparison import staff_warning
from sim.experiment.differs import clock_differences, demand_differences
from sim.experiment.executors import DoneHook, Task
from sim.experiment.runner import Runner, RunOptions, runner
from sim.experiment.stats import summarise
from sim.metrics import registry
from sim.scenario.model import Scenario

DEFAULT_MAX_REPS = 100


@dataclass(eq=False)
class ScenarioSampler:
    """The sampling function of ``sim.decide.sampling`` over scenarios: observations of one
    summary measure, replications run (in parallel, cached) by ``runner``."""

    scenarios: list[Scenario]
    measure: str
    runner: Runner
    weighted: Weighted | None = None
    rows: dict[tuple[int, int], pd.DataFrame] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        """The scenarios' names, in order."""
        return [s.name for s in self.scenarios]

    def __call__(self, systems: Sequence[int], start: int, stop: int) -> np.ndarray:
        return np.vstack(self.many([(i, start, stop) for i in systems]))

    def many(self, requests: Sequence[tuple[int, int, int]]) -> list[np.ndarray]:
        """Replications start..stop-1 of each requested scenario, run together."""
        self._run([(i, r) for i, start, stop in requests for r in range(start, stop)])
        return [np.array([self._value(i, r) for r in range(start, stop)])
                for i, start, stop in requests]

    def _run(self, keys: list[tuple[int, int]]) -> None:
        """Run (or read from the cache) the (scenario, replication) pairs not yet seen."""
        todo = [k for k in keys if k not in self.rows]
        tasks = [Task(self.scenarios[i], r) for i, r in todo]
        for key, frames in zip(todo, self.runner.run(tasks)):
            self.rows[key] = self._with_weighted(frames.summary)

    def _with_weighted(self, row: pd.DataFrame) -> pd.DataFrame:
        """The summary row, with the weighted measure's column if there is one."""
        if self.weighted is None:
            return row
        return row.assign(**{self.weighted.column: self.weighted.values(row)})

    def _value(self, i: int, r: int) -> float:
        row = self.rows[(i, r)]
        if self.measure not in row.columns:
            raise DecisionError(f"{self.scenarios[i].name} does not report {self.measure} "
                                "(a demand measure of a model this scenario does not run?)")
        value = float(row[self.measure].iloc[0])
        if not np.isfinite(value):
            raise DecisionError(f"{self.measure} is undefined in replication {r} of "
                                f"{self.scenarios[i].name} (no incidents counted?); run "
                                "longer (--days) or choose another measure")
        return value

    def summary(self) -> pd.DataFrame:
        """Every replication's summary row, scenario by scenario."""
        return pd.concat([self.rows[k] for k in sorted(self.rows)], ignore_index=True)


def _table(names: list[str], summary: pd.DataFrame, measure: str, status: dict[str, str],
           level: float = 0.95) -> pd.DataFrame:
    table = summarise(summary, by=["scenario"], kpis=[measure], level=level)
    table = table.drop(columns="kpi").rename(columns={"n": "reps"})
    table["status"] = table["scenario"].map(status).fillna("—")
    return table.set_index("scenario").loc[names].reset_index()


def check_settings(k: int, delta: float | None, pcs: float, budget: int | None,
                   n0: int) -> None:
    """Refuse settings that cannot work, before anything runs (``DecisionError``)."""
    if k < 2:
        raise DecisionError("select needs at least two scenarios")
    _check_goal(delta, budget)
    if not 1.0 / k < pcs < 1.0:
        raise DecisionError(f"--pcs must be between 1/{k} and 1 (e.g. 0.95); got {pcs}")
    _check_replications(k, n0, budget)


def _check_replications(k: int, n0: int, budget: int | None) -> None:
    """A first stage of two or more; a budget that covers it for every scenario."""
    if n0 < 2:
        raise DecisionError(f"--n0 must be at least 2; got {n0}")
    if budget is not None and budget < n0 * k:
        raise DecisionError(f"--budget must be at least n0 × scenarios = {n0} × {k} = "
                            f"{n0 * k} replications; got {budget}")


def _check_goal(delta: float | None, budget: int | None) -> None:
    """A precision goal (positive delta) or a budget must be given."""
    if delta is None and budget is None:
        raise DecisionError("give an indifference zone (--delta, KN++) or a budget of "
                            "replications (--budget, OCBA)")
    if delta is not None and not delta > 0:
        raise DecisionError(f"--delta must be positive, in the measure's unit; got {delta}")


def select(
    scenarios: Sequence[Scenario],
    measure: str | Weighted,
    delta: float | None = None,
    pcs: float = 0.95,
    budget: int | None = None,
    jobs: int = 1,
    executor: Executor | None = None,
    *,
    n0: int = N0,
    max_reps: int = DEFAULT_MAX_REPS,
    seed: int | None = None,
    days: int | None = None,
    cache: ReplicationCache | None = None,
    on_done: DoneHook | None = None,
) -> Selection:
    """Select the best scenario on ``measure`` under common random numbers.

    Args:
        scenarios: The strategies (at least two).
        measure: A summary column with a better direction (``docs/measures.md``), or a
            weighted combination (``"m1=w1,m2=w2"``, ``"w1*m1 + w2*m2"`` or a
            ``Weighted``): lower is better for it (``sim.decide.measure.Weighted``).
        delta: Indifference zone in the measure's unit: KN++ (unless ``budget``).
        pcs: Probability of correct selection for KN++.
        budget: Total replications for OCBA (then ``delta`` only phrases the result).
        jobs, executor: Where replications run.
        n0: First-stage replications per scenario.
        max_reps: KN++ cap per scenario (the guarantee is lost if reached).
        seed, days: Common seed and run length (as in ``compare``).
        cache, on_done: Replication cache and progress hook.

    Raises:
        DecisionError: Bad measure or settings (before anything runs).
    """
    check_settings(len(scenarios), delta, pcs, budget, n0)
    runs, common = _prepared(scenarios, seed, days)
    weighted, measure, minimize = _resolve_measure(measure, runs)
    goal = _Goal(delta, pcs, budget, n0, max_reps, minimize)
    with runner(RunOptions(jobs, executor, cache, on_done)) as run:
        sampler = ScenarioSampler(runs, measure, run, weighted)
        out = _procedure(sampler, goal, max(1, jobs))
    return _selection(out, goal, sampler, common)


def _prepared(scenarios: Sequence[Scenario], seed: int | None, days: int | None
              ) -> tuple[list[Scenario], int]:
    """The scenarios on a common seed and run length (as ``compare`` prepares them), and
    that seed; their clocks must agree."""
    runs, common, _ = prepare_scenarios(scenarios, seed, days)
    try:
        check_clocks(runs)
    except ComparisonError as exc:
        raise DecisionError(str(exc)) from None
    return runs, common


@dataclass
class _Outcome:
    """What a procedure selected, and the status of every scenario."""

    method: str
    selected: str
    guaranteed: bool
    status: dict[str, str]
    apcs: float | None = None
    apgs: float | None = None


@dataclass(frozen=True)
class _Goal:
    """What the selection aims for: KN++'s precision (``delta``, ``pcs``, ``max_reps``) or
    OCBA's ``budget``; ``n0`` first-stage replications; ``minimize`` the direction."""

    delta: float | None
    pcs: float
    budget: int | None
    n0: int
    max_reps: int
    minimize: bool


def _procedure(sampler: ScenarioSampler, goal: _Goal, batch: int) -> _Outcome:
    """KN++ for a precision goal, sequential OCBA for a budget."""
    if goal.budget is None:
        return _run_kn(sampler, goal, batch)
    return _run_ocba(sampler, goal, goal.budget)


def _run_kn(sampler: ScenarioSampler, goal: _Goal, batch: int) -> _Outcome:
    """KN++ (``batch`` replications per survivor between screenings: one per worker)."""
    assert goal.delta is not None  # check_settings: a delta or a budget
    names = sampler.names
    kn = kn_plus_plus(sampler, len(names), goal.delta, goal.pcs, goal.n0, goal.minimize,
                      max_reps=goal.max_reps, batch=batch)
    status = {names[i]: f"eliminated after {r} replications"
              for i, r in kn.eliminated_at.items()}
    status.update({names[i]: "survivor (cap reached)" for i in kn.survivors})
    status[names[kn.selected]] = "selected"
    return _Outcome("KN++", names[kn.selected], kn.guaranteed, status)


def _run_ocba(sampler: ScenarioSampler, goal: _Goal, budget: int) -> _Outcome:
    """Sequential OCBA with the budget."""
    names = sampler.names
    oc = ocba_select(sampler, len(names), budget, goal.n0, minimize=goal.minimize,
                     delta=goal.delta)
    return _Outcome("OCBA", names[oc.selected], False, {names[oc.selected]: "selected"},
                    oc.apcs, oc.apgs)


def _selection(out: _Outcome, goal: _Goal, sampler: ScenarioSampler, seed: int) -> Selection:
    """The ``Selection`` of a finished procedure."""
    summary = sampler.summary()
    table = _table(sampler.names, summary, sampler.measure, out.status)
    return Selection(out.method, sampler.measure, goal.minimize, out.selected, table,
                     out.guaranteed, goal.delta, goal.pcs, goal.budget, seed,
                     sampler.scenarios, summary, apcs=out.apcs, apgs=out.apgs,
                     warnings=selection_warnings(sampler.scenarios, summary),
                     weighted=sampler.weighted)


def selection_warnings(scenarios: list[Scenario], summary: pd.DataFrame) -> list[str]:
    """What differs between the scenarios besides their strategy, as ``compare`` says it:
    demand or district, clock settings, staff-hours per week."""
    staff = summary.groupby("scenario", sort=False)["staff_hours_per_week"].mean()
    return [*demand_differences(scenarios), *clock_differences(scenarios).warnings,
            *staff_warning({str(k): float(v) for k, v in staff.items()})]


def _resolve_measure(measure: str | Weighted, runs: list[Scenario]
                     ) -> tuple[Weighted | None, str, bool]:
    """(weighted measure or None, the summary column, lower is better)."""
    if isinstance(measure, str) and is_weighted(measure):
        measure = parse_weighted(measure, runs)
    if isinstance(measure, Weighted):
        return measure, measure.column, True
    measure = registry.canonical(measure)
    return None, measure, bool(check_measure(measure, runs).lower_is_better)

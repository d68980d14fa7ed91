"""Comparing strategies: every scenario on the same replications and seed (common random numbers).

``compare`` runs the scenarios, then summarises each KPI per scenario (mean, sd, t CI) and
pairs every scenario with the first (the baseline) replication by replication. Under common
random numbers the exogenous demand of replication *r* is the same in every scenario, so the
paired differences are far less noisy than the difference of two independent means.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from concurrent.futures import Executor
from typing import NamedTuple

import pandas as pd

from sim.experiment.cache import ReplicationCache
from sim.experiment.compare_runs import (
    DEFAULT_MAX_REPS,
    MSER_MIN_DAYS,
    CompareOptions,
    Ran,
    Runs,
    run_all,
)
from sim.experiment.comparison import STAFF_TOLERANCE, Comparison, comparison_warnings
from sim.experiment.differs import clock_differences
from sim.experiment.executors import DoneHook
from sim.experiment.precision import MIN_BATCH_DAYS, batch_means_table
from sim.experiment.replication import Frames, standardise
from sim.experiment.runner import RunOptions, runner
from sim.experiment.single import measure_columns
from sim.experiment.stats import paired_differences, summarise
from sim.metrics import registry
from sim.metrics.displacement import displacement_table
from sim.scenario.loader import with_changes
from sim.scenario.model import Scenario

MIN_DEFAULT_REPS = 5

__all__ = ["DEFAULT_MAX_REPS", "MIN_DEFAULT_REPS", "MSER_MIN_DAYS", "STAFF_TOLERANCE",
           "CompareOptions", "Comparison", "ComparisonError", "Prepared", "compare",
           "prepare_scenarios"]


def relabel_neutral(differences: pd.DataFrame) -> pd.DataFrame:
    """Verdicts "higher"/"lower" instead of better/worse for measures without a direction,
    and each row's role (headline, secondary, descriptive) from the registry."""
    out = differences.copy()
    direction = registry.directions(out["kpi"])
    neutral = out["kpi"].map(direction).isna() & (out["verdict"] != "no significant difference")
    out.loc[neutral, "verdict"] = out.loc[neutral, "diff_mean"].map(
        lambda d: "higher" if d > 0 else "lower")
    out.insert(3, "role", out["kpi"].map(
        lambda k: m.role if (m := registry.measure_of(k)) else "descriptive"))
    return out


class Prepared(NamedTuple):
    """Scenarios ready to compare: the common seed (and days) applied, names unique."""

    scenarios: list[Scenario]
    seed: int
    seed_source: str


def _unique_names(names: Iterable[str]) -> list[str]:
    """The names, a repeated one suffixed ``-2``, ``-3``, ... ."""
    seen: set[str] = set()
    out = []
    for name in names:
        unique, k = name, 2
        while unique in seen:
            unique, k = f"{name}-{k}", k + 1
        seen.add(unique)
        out.append(unique)
    return out


def _common_seed(first: Scenario, seed: int | None) -> tuple[int, str]:
    """The common seed and where it came from: given explicitly, or the first scenario's."""
    if seed is not None:
        return seed, "given explicitly"
    return first.seed, f"taken from the first scenario, {first.name}"


def prepare_scenarios(
    scenarios: Sequence[Scenario], seed: int | None = None, days: int | None = None
) -> Prepared:
    """Apply the common seed (and days), make names unique; returns scenarios, seed, source."""
    if not scenarios:
        raise ValueError("compare needs at least one scenario")
    common, source = _common_seed(scenarios[0], seed)
    clock = {} if days is None else {"clock.days": days}
    names = _unique_names(s.name for s in scenarios)
    out = [with_changes(s, {"seed": common, "name": name, **clock})
           for s, name in zip(scenarios, names)]
    return Prepared(out, common, source)


class ComparisonError(ValueError):
    """Options that cannot work together with these scenarios (raised before running)."""


def check_clocks(scenarios: Sequence[Scenario]) -> None:
    """Refuse scenarios of different run lengths: their measures would cover different
    windows and their replications could not be paired."""
    lengths = clock_differences(scenarios).lengths
    if lengths:
        raise ComparisonError(
            f"the scenarios have different run lengths ({', '.join(lengths)}); their "
            "measures would cover different periods. Run them for the same length: "
            "compare(..., days=N) from Python, --days N on the command line")


def _check_batch_means(scenarios: list[Scenario]) -> None:
    """Batch means needs two minimal batches after the warm-up."""
    s = scenarios[0]
    observed = s.clock.days - math.ceil(s.clock.warmup_days)
    if observed < 2 * MIN_BATCH_DAYS:
        raise ComparisonError(
            f"batch means needs at least {2 * MIN_BATCH_DAYS} days after the warm-up; "
            f"{s.name} has {observed} (use a long run, e.g. --days 120)")


def _first_batch(scenarios: list[Scenario], reps: int | None, batch_means: bool) -> int:
    """Replications to run first: 1 for batch means, else ``reps`` or the default."""
    if batch_means:
        return 1
    return reps or max(MIN_DEFAULT_REPS, *(s.replications for s in scenarios))


def _seed_notes(scenarios: Sequence[Scenario], common: int) -> list[str]:
    """A note naming the scenarios' own seeds replaced by the common one (if any)."""
    own = {s.name: s.seed for s in scenarios if s.seed != common}
    if not own:
        return []
    listed = ", ".join(f"{k} {v}" for k, v in own.items())
    return [f"Common random numbers: the scenarios' own seeds ({listed}) were replaced by "
            f"the common seed {common}."]


def _summarised(ran: Ran, options: CompareOptions, seed: int, source: str) -> Comparison:
    """Means, CIs and paired differences of every measure, as a Comparison."""
    assert ran.frames is not None, "the comparison ran no replication"
    frames = standardise(ran.frames)
    kpis = measure_columns(frames.summary)
    table = summarise(frames.summary, by=["scenario"], kpis=kpis, level=options.level)
    directions = {k: d is not False for k, d in registry.directions(kpis).items()}
    diffs = paired_differences(frames.summary, kpis=kpis, level=options.level,
                               lower_is_better=directions)
    result = Comparison(frames, table, relabel_neutral(diffs), ran.scenarios, ran.reps, seed,
                        source, warmup=ran.warmup, precision=ran.precision)
    result.precision_target = options.precision if ran.precision is not None else None
    result.displacement = _displacement(frames, ran.scenarios, options.level)
    return result


def _displacement(frames: Frames, scenarios: list[Scenario], level: float) -> pd.DataFrame | None:
    """The displacement (WDD) table of the strategies against the baseline, None if empty."""
    wdd = displacement_table(frames.zones, [s.name for s in scenarios], level)
    return wdd if not wdd.empty else None


def _batch_means(result: Comparison, level: float) -> pd.DataFrame:
    """Batch-means intervals of the daily means (an impossible setting → ComparisonError)."""
    clock = result.scenarios[0].clock
    try:
        return batch_means_table(result.frames.incidents, clock.days, clock.warmup_days, level)
    except ValueError as exc:
        raise ComparisonError(str(exc)) from None


def compare(
    scenarios: Sequence[Scenario],
    reps: int | None = None,
    jobs: int = 1,
    executor: Executor | None = None,
    *,
    seed: int | None = None,
    days: int | None = None,
    precision: float | None = None,
    max_reps: int | None = None,
    warmup_mser: bool = False,
    batch_means: bool = False,
    cache: ReplicationCache | None = None,
    on_done: DoneHook | None = None,
    level: float = 0.95,
) -> Comparison:
    """Run scenarios under common random numbers and compare them with the first one.

    Args:
        scenarios: Baseline first. Equal names get a suffix (``-2``).
        reps: Replications per scenario (default: the largest ``replications`` among the
            scenarios, at least 5); with ``precision``, the first batch.
        jobs: Local worker processes (1: in this process); ignored with ``executor``.
        executor: Any ``concurrent.futures`` executor (e.g. a Dask client's).
        seed: Common root seed (default: the first scenario's).
        days: Override ``clock.days`` of every scenario.
        precision: Add replications until every key KPI's CI half-width is within this
            fraction of its mean, in every scenario (or ``max_reps``, default 100).
        max_reps: Cap for ``precision``.
        warmup_mser: Estimate the warm-up with MSER-5 and use it if longer than configured.
        batch_means: One long replication per scenario; batch-means CIs of daily means.
        cache: Reuse finished replications and store new ones.
        on_done: Progress hook (see ``executors.execute``).
        level: Confidence level.
    """
    options = CompareOptions(seed, days, precision, max_reps, warmup_mser, batch_means, level)
    return compare_with(scenarios, reps, options, RunOptions(jobs, executor, cache, on_done))


def compare_with(scenarios: Sequence[Scenario], reps: int | None, options: CompareOptions,
                 run_options: RunOptions) -> Comparison:
    """``compare`` with its settings as :class:`CompareOptions` and :class:`RunOptions`."""
    prepared = prepare_scenarios(scenarios, options.seed, options.days)
    runs = prepared.scenarios
    check_clocks(runs)
    if options.batch_means:
        _check_batch_means(runs)
    n = _first_batch(runs, reps, options.batch_means)
    with runner(run_options) as r:
        ran = run_all(runs, n, options, run_options.jobs, Runs(runs, r))
    result = _summarised(ran, options, prepared.seed, prepared.seed_source)
    result.notes = _seed_notes(scenarios, prepared.seed) + ran.notes
    result.warnings = comparison_warnings(result, options.batch_means)
    if options.batch_means:
        result.batch_means = _batch_means(result, options.level)
    return result

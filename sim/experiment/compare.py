"""Comparing strategies: every scenario on the same replications and seed (common random numbers).

``compare`` runs the scenarios, then summarises each KPI per scenario (mean, sd, t CI) and
pairs every scenario with the first (the baseline) replication by replication. Under common
random numbers the exogenous demand of replication *r* is the same in every scenario, so the
paired differences are far less noisy than the difference of two independent means.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field

import pandas as pd

from sim.experiment.cache import ReplicationCache
from sim.experiment.differs import (
    clock_differences,
    demand_differences,
    exogenous_differences,
)
from sim.experiment.executors import DoneHook, execute, make_executor
from sim.experiment.precision import (
    MIN_BATCH_DAYS,
    PRECISION_KPIS,
    batch_means_table,
    mser_table,
    next_batch,
    precision_status,
)
from sim.experiment.replication import Frames, standardise
from sim.experiment.single import measure_columns
from sim.experiment.stats import paired_differences, summarise
from sim.metrics import registry
from sim.metrics.displacement import displacement_table
from sim.metrics.window import short_run_warning
from sim.scenario.loader import with_changes
from sim.scenario.model import Scenario

MIN_DEFAULT_REPS = 5
DEFAULT_MAX_REPS = 100
STAFF_TOLERANCE = 0.05
MSER_MIN_DAYS = 20

__all__ = ["Comparison", "ComparisonError", "compare", "prepare_scenarios"]


@dataclass
class Comparison:
    """The result of ``compare``: frames, per-scenario table, paired differences, notes.

    Attributes:
        frames: All frames, stacked (summary has one row per scenario x replication).
        comparison: Per scenario and KPI: n, mean, sd, CI bounds, half-width.
        differences: Paired differences against the first scenario, with verdicts.
        scenarios: The scenarios as run (common seed, unique names, applied warm-up).
        reps: Replications per scenario.
        seed: The common root seed.
        seed_source: Where the seed came from (for the methods paragraph).
        warnings: Things a reader must know (unequal staffing, too few replications...).
        notes: Methodological notes for the report (seed replaced, warm-up chosen...).
        warmup: MSER-5 warm-up per scenario x replication (with ``warmup_mser``), else None.
        precision: Precision status per scenario x key KPI (with ``precision``), else None.
        batch_means: Batch-means intervals (with ``batch_means``), else None.
        displacement: WDD of each strategy's added-presence zones vs the baseline
            (``sim.metrics.displacement``), else None.
        precision_target: The relative half-width asked for (with ``precision``), else None.
    """

    frames: Frames
    comparison: pd.DataFrame
    differences: pd.DataFrame
    scenarios: list[Scenario]
    reps: int
    seed: int
    seed_source: str
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warmup: pd.DataFrame | None = None
    precision: pd.DataFrame | None = None
    batch_means: pd.DataFrame | None = None
    precision_target: float | None = None
    displacement: pd.DataFrame | None = None

    @property
    def baseline(self) -> str:
        return self.scenarios[0].name

    def staff_hours(self) -> dict[str, float]:
        """Mean staff-hours per week of each scenario (as simulated, overtime included)."""
        rows = self.comparison[self.comparison["kpi"] == "staff_hours_per_week"]
        return dict(zip(rows["scenario"], rows["mean"].astype(float)))


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


def prepare_scenarios(
    scenarios: Sequence[Scenario], seed: int | None = None, days: int | None = None
) -> tuple[list[Scenario], int, str]:
    """Apply the common seed (and days), make names unique; returns scenarios, seed, source."""
    if not scenarios:
        raise ValueError("compare needs at least one scenario")
    common = seed if seed is not None else scenarios[0].seed
    source = ("given explicitly" if seed is not None
              else f"taken from the first scenario, {scenarios[0].name}")
    out, seen = [], set()
    for s in scenarios:
        name, k = s.name, 2
        while name in seen:
            name, k = f"{s.name}-{k}", k + 1
        seen.add(name)
        changes: dict = {"seed": common, "name": name}
        if days is not None:
            changes["clock.days"] = days
        out.append(with_changes(s, changes))
    return out, common, source


class ComparisonError(ValueError):
    """Options that cannot work together with these scenarios (raised before running)."""


def check_clocks(scenarios: Sequence[Scenario]) -> None:
    """Refuse scenarios of different run lengths: their measures would cover different
    windows and their replications could not be paired."""
    lengths, _ = clock_differences(scenarios)
    if lengths:
        raise ComparisonError(
            f"the scenarios have different run lengths ({', '.join(lengths)}); their "
            "measures would cover different periods. Run them for the same length: "
            "compare(..., days=N) from Python, --days N on the command line")


def _check_batch_means(scenarios: list[Scenario]) -> None:
    s = scenarios[0]
    observed = s.clock.days - math.ceil(s.clock.warmup_days)
    if observed < 2 * MIN_BATCH_DAYS:
        raise ComparisonError(
            f"batch means needs at least {2 * MIN_BATCH_DAYS} days after the warm-up; "
            f"{s.name} has {observed} (use a long run, e.g. --days 120)")


class _Runs:
    """Results of ``scenarios`` by (scenario index, replication), grown batch by batch."""

    def __init__(self, scenarios: list[Scenario], executor: Executor | None,
                 cache: ReplicationCache | None, on_done: DoneHook | None) -> None:
        self.scenarios, self.executor, self.cache, self.on_done = (
            scenarios, executor, cache, on_done)
        self.results: dict[tuple[int, int], Frames] = {}
        self.n = 0

    def grow(self, n: int) -> Frames:
        """Make sure replications 0..n-1 of every scenario exist; return them stacked."""
        keys = [(i, r) for i in range(len(self.scenarios)) for r in range(self.n, n)]
        tasks = [(self.scenarios[i], r) for i, r in keys]
        self.results.update(zip(keys, execute(tasks, self.executor, self.cache, self.on_done)))
        self.n = max(self.n, n)
        return Frames.concat([self.results[k] for k in sorted(self.results)])


def _mser_warmup(runs: _Runs, reps: int) -> tuple[pd.DataFrame, float]:
    frames = runs.grow(reps)
    days = runs.scenarios[0].clock.days
    configured = {s.name: s.clock.warmup_days for s in runs.scenarios}
    table = mser_table(frames.incidents, days, configured)
    warmup = max(float(table["mser5_warmup_days"].max()), max(configured.values()))
    return table, warmup


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


@dataclass
class _Ran:
    """What running a comparison produced, before it is summarised."""

    scenarios: list[Scenario]
    reps: int
    frames: Frames | None = None
    warmup: pd.DataFrame | None = None
    precision: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)


def _run_all(scenarios: list[Scenario], reps: int, options: CompareOptions, jobs: int,
             runs: _Runs) -> _Ran:
    """Run the replications: an MSER-5 warm-up pass first if asked, then the replications,
    then more in batches until the precision target (if any) is met."""
    ran = _Ran(scenarios, reps)
    if options.warmup_mser:
        runs = _apply_mser(ran, runs, reps)
    ran.frames = runs.grow(reps)
    if options.precision and not options.batch_means:
        max_reps = options.max_reps or DEFAULT_MAX_REPS
        while step := next_batch(ran.frames.summary, PRECISION_KPIS, options.precision,
                                 runs.n, max_reps, max(2, jobs)):
            ran.frames = runs.grow(runs.n + step)
        ran.precision = precision_status(ran.frames.summary, PRECISION_KPIS, options.precision)
    ran.reps = runs.n
    return ran


def _apply_mser(ran: _Ran, runs: _Runs, reps: int) -> _Runs:
    """Estimate the warm-up by MSER-5; if longer than configured, rerun with it."""
    ran.warmup, warmup = _mser_warmup(runs, reps)
    if warmup > max(s.clock.warmup_days for s in ran.scenarios):
        ran.scenarios = [with_changes(s, {"clock.warmup_days": warmup}) for s in ran.scenarios]
        runs = _Runs(ran.scenarios, runs.executor, runs.cache, runs.on_done)
    ran.notes.append(f"Warm-up of {warmup:g} day(s) used for every scenario: the longer of "
                     "the scenarios' warm-up and the MSER-5 estimate.")
    if ran.scenarios[0].clock.days < MSER_MIN_DAYS:
        ran.notes.append(f"MSER-5 needs at least {MSER_MIN_DAYS} days (4 batches of 5 days) "
                         "to detect a warm-up; these runs are too short for it.")
    return runs


def _seed_notes(scenarios: Sequence[Scenario], common: int) -> list[str]:
    own = {s.name: s.seed for s in scenarios if s.seed != common}
    if not own:
        return []
    listed = ", ".join(f"{k} {v}" for k, v in own.items())
    return [f"Common random numbers: the scenarios' own seeds ({listed}) were replaced by "
            f"the common seed {common}."]


def _staff_warning(staff: dict[str, float]) -> list[str]:
    values = [v for v in staff.values() if math.isfinite(v) and v > 0]
    if len(values) < 2 or (max(values) - min(values)) / min(values) <= STAFF_TOLERANCE:
        return []
    listed = ", ".join(f"{k} {v:,.0f}" for k, v in staff.items())
    spread = (max(values) - min(values)) / min(values) * 100
    return [f"staff-hours per week differ by {spread:.0f} % between scenarios ({listed}); "
            "differences may come from staffing, not strategy"]


def _summarised(ran: _Ran, options: CompareOptions, seed: int, source: str) -> Comparison:
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
    wdd = displacement_table(frames.zones, [s.name for s in ran.scenarios], options.level)
    result.displacement = wdd if not wdd.empty else None
    return result


def _batch_means(result: Comparison, level: float) -> pd.DataFrame:
    clock = result.scenarios[0].clock
    try:
        return batch_means_table(result.frames.incidents, clock.days, clock.warmup_days, level)
    except ValueError as exc:
        raise ComparisonError(str(exc)) from None


def _warnings(result: Comparison, batch_means: bool) -> list[str]:
    scenarios = result.scenarios
    out = demand_differences(scenarios)
    flagged = {w.split(" differs from ", 1)[0] for w in out}
    out += [w for w in exogenous_differences(result.frames.incidents, result.baseline)
            if w.split(":", 1)[0] not in flagged]
    out += clock_differences(scenarios)[1]
    out += [w for w in (short_run_warning(scenarios[0]),) if w]
    out += _staff_warning(result.staff_hours())
    if result.precision is not None and not result.precision["reached"].all():
        out.append(f"precision target ±{result.precision_target:.0%} not reached after "
                   f"{result.reps} replications (the --max-reps cap)")
    if result.reps < 2 and not batch_means:
        out.append("fewer than 2 replications: no confidence intervals")
    return out


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
    runs, common, source = prepare_scenarios(scenarios, seed, days)
    check_clocks(runs)
    if batch_means:
        _check_batch_means(runs)
    n = 1 if batch_means else reps or max(MIN_DEFAULT_REPS, *(s.replications for s in runs))
    with make_executor(jobs if executor is None else 1) as own:
        ran = _run_all(runs, n, options, jobs, _Runs(runs, executor or own, cache, on_done))
    result = _summarised(ran, options, common, source)
    result.notes = _seed_notes(scenarios, common) + ran.notes
    result.warnings = _warnings(result, batch_means)
    if batch_means:
        result.batch_means = _batch_means(result, level)
    return result

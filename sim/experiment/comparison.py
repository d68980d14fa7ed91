"""The result of a comparison (:class:`Comparison`) and what a reader must know before
trusting it (:func:`comparison_warnings`)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from sim.experiment.differs import (
    clock_differences,
    demand_differences,
    exogenous_differences,
)
from sim.experiment.replication import Frames
from sim.metrics.window import short_run_warning
from sim.scenario.model import Scenario

STAFF_TOLERANCE = 0.05


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


def comparison_warnings(result: Comparison, batch_means: bool) -> list[str]:
    """Different demand or clocks, a short run, unequal staffing, precision not reached,
    too few replications: in that order."""
    scenarios = result.scenarios
    return [*_demand_warnings(result), *clock_differences(scenarios).warnings,
            *[w for w in (short_run_warning(scenarios[0]),) if w],
            *staff_warning(result.staff_hours()), *_precision_warning(result),
            *_few_reps_warning(result.reps, batch_means)]


def _demand_warnings(result: Comparison) -> list[str]:
    """Scenarios differing in demand: by their files, then (for the others) by their data."""
    out = demand_differences(result.scenarios)
    flagged = {w.split(" differs from ", 1)[0] for w in out}
    return out + [w for w in exogenous_differences(result.frames.incidents, result.baseline)
                  if w.split(":", 1)[0] not in flagged]


def staff_warning(staff: dict[str, float]) -> list[str]:
    """Staff-hours per week differing by more than ``STAFF_TOLERANCE`` between scenarios."""
    spread = _spread(_positive(staff.values()))
    if spread <= STAFF_TOLERANCE:
        return []
    listed = ", ".join(f"{k} {v:,.0f}" for k, v in staff.items())
    return [f"staff-hours per week differ by {spread * 100:.0f} % between scenarios "
            f"({listed}); differences may come from staffing, not strategy"]


def _positive(values: Iterable[float]) -> list[float]:
    """The finite values above zero."""
    return [v for v in values if math.isfinite(v) and v > 0]


def _spread(values: list[float]) -> float:
    """(max − min) ÷ min of positive values; 0 with fewer than two."""
    if len(values) < 2:
        return 0.0
    return (max(values) - min(values)) / min(values)


def _precision_warning(result: Comparison) -> list[str]:
    if result.precision is None or result.precision["reached"].all():
        return []
    return [f"precision target ±{result.precision_target:.0%} not reached after "
            f"{result.reps} replications (the --max-reps cap)"]


def _few_reps_warning(reps: int, batch_means: bool) -> list[str]:
    if reps < 2 and not batch_means:
        return ["fewer than 2 replications: no confidence intervals"]
    return []

"""``sim staff``: the fewest staff-hours whose simulated measures meet every target.

Method (simulation optimisation under common random numbers; docs/decisions.md):

1. Workload: a baseline run of the scenario gives the offered load per clock hour,
   a_h = officer-hours of work generated in hour h (``workload.py``).
2. A family of hourly requirements from Erlang C (stationary independent periods, SIPP):
   r_h(w) = the fewest officers c > a_h with P(wait) = C(c, a_h) ≤ w. A smaller w asks
   for a better service grade; w → 1 is the stationary stability bound c > a_h. Below it,
   r_h = ⌈f a_h⌉ for f = 0.25, 0.5, 0.75: a time-varying load can be carried into the
   quieter hours, and the simulation, not the formula, decides.
3. Covering: for each w, the integer programme min Σ staff-hours s.t. officers on duty in
   each hour ≥ r_h(w), over shift starts × lengths (``scipy.optimize.milp``) — one roster
   per w, each the cheapest that covers its requirement.
4. Search: the rosters, ordered by staff-hours, are checked by replications under common
   random numbers — bisection for the cheapest one whose one-sided confidence bound meets
   every target; a sequential rule adds replications to a roster only while a target's
   interval straddles its value. Optionally (``refine`` rounds, default none) a local
   search below it: the chosen roster with one officer fewer on each shift shape in
   turn, keeping the cheapest that still meets every target — cheaper, but it trades the
   Erlang shape for the day-averaged targets (an hour may drop below its queueing need).
5. Check: the chosen roster is run on fresh replication seeds (another root seed) and
   every target is re-estimated with the same sequential rule. A roster the check does
   not confirm is replaced by the next candidate up that meets the targets, which is
   checked on the same fresh seeds (so the final check is a confirmation, not an
   independent test: candidates.csv lists the roster it rejected).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sim.decide.targets import Target
from sim.scenario.model import Scenario
from sim.strategy.staggered import _shift_coverage
from sim.theory import erlang_c

LOAD_FRACTIONS = (0.25, 0.5, 0.75)
SERVICE_GRADES = (0.99, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05, 0.02, 0.01,
                  0.005, 0.001)
FRESH_SEED_OFFSET = 1_000_003


def erlang_requirement(load: float, wait_prob: float) -> int:
    """Fewest servers c > load with Erlang-C P(wait) ≤ ``wait_prob`` (0 for no load)."""
    if load <= 0:
        return 0
    c = max(1, math.floor(load) + 1)
    while erlang_c(load, 1.0, c) > wait_prob:
        c += 1
    return c


def hourly_requirement(loads: Sequence[float], wait_prob: float,
                       minimum: int = 0) -> np.ndarray:
    """r_h for each clock hour (at least ``minimum``)."""
    return np.array([max(minimum, erlang_requirement(a, wait_prob)) for a in loads])


def parse_starts(text: str) -> list[int]:
    """``"05:00-22:00/30min"`` → start minutes 300, 330, ..., 1320 (inclusive)."""
    import re

    m = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*/\s*(\d+)\s*(min)?\s*",
                     text or "")
    if m is None:
        raise ValueError(f"--starts {text!r}: expected HH:MM-HH:MM/STEPmin, e.g. "
                         "05:00-22:00/30min")
    h0, m0, h1, m1, step = (int(x) for x in m.groups()[:5])
    lo, hi = h0 * 60 + m0, h1 * 60 + m1
    if not (0 <= lo < 1440 and 0 <= hi < 1440 and lo <= hi and m0 < 60 and m1 < 60):
        raise ValueError(f"--starts {text!r}: times must be 00:00-23:59, the first not after "
                         "the second")
    if step < 1 or 60 % step and step % 60:
        raise ValueError(f"--starts {text!r}: the step must divide an hour or be whole hours")
    return list(range(lo, hi + 1, step))


@dataclass(frozen=True)
class Shape:
    """A shift shape: start (minutes after midnight) and length (hours)."""

    start: int
    hours: float

    @property
    def label(self) -> str:
        return f"{self.start // 60:02d}:{self.start % 60:02d}+{self.hours:g}h"


def shapes(starts: Sequence[int], lengths: Sequence[float]) -> list[Shape]:
    return [Shape(s, h) for s in starts for h in lengths]


def coverage_matrix(options: Sequence[Shape]) -> np.ndarray:
    """(24, shapes): fraction of each clock hour each shape covers (wrapping midnight)."""
    return np.stack([_shift_coverage(o.start, 60.0 * o.hours) for o in options], axis=1)


def cover(requirement: np.ndarray, options: Sequence[Shape]) -> np.ndarray:
    """Officers per shape minimising staff-hours with on-duty ≥ requirement every hour
    (integer programme, ``scipy.optimize.milp``)."""
    try:
        from scipy.optimize import Bounds, LinearConstraint, milp
    except ImportError:
        raise ImportError("sim staff needs scipy for its integer programme: "
                          'pip install "chengguan-sim[decide]"') from None
    a = coverage_matrix(options)
    hours = np.array([o.hours for o in options])
    # staff-hours first; a tiny preference for earlier/shorter shapes makes ties reproducible
    cost = hours + 1e-6 * np.arange(len(options)) / len(options)
    res = milp(cost, constraints=LinearConstraint(a, lb=requirement - 1e-9, ub=np.inf),
               integrality=np.ones(len(options)), bounds=Bounds(0, np.inf))
    if res.status != 0 or res.x is None:
        raise ValueError("no roster of these shift starts and lengths covers the hourly "
                         "requirement (widen --starts or add --shift-hours)")
    return np.round(res.x).astype(int)


@dataclass
class Roster:
    """A candidate roster: officers per shift shape, with what it costs and covers."""

    grade: str
    counts: dict[Shape, int]
    requirement: np.ndarray

    @property
    def staff_hours_per_week(self) -> float:
        return 7.0 * sum(s.hours * n for s, n in self.counts.items())

    def on_duty(self) -> np.ndarray:
        total = np.zeros(24)
        for s, n in self.counts.items():
            total += n * _shift_coverage(s.start, 60.0 * s.hours)
        return total

    def describe(self) -> str:
        return ", ".join(f"{n} × {s.label}" for s, n in sorted(
            self.counts.items(), key=lambda kv: (kv[0].start, kv[0].hours)))


def requirement_family(loads: Sequence[float]) -> list[tuple[str, np.ndarray]]:
    """(label, hourly requirement) from the load fractions up the Erlang-C grades."""
    a = np.asarray(loads, float)
    out = [(f"{f:g} x load", np.ceil(f * a - 1e-9).astype(int)) for f in LOAD_FRACTIONS]
    out += [(f"P(wait) <= {w:g}", hourly_requirement(a, w)) for w in SERVICE_GRADES]
    return out


def candidate_rosters(loads: Sequence[float], options: Sequence[Shape]) -> list[Roster]:
    """One covering roster per requirement of the family, distinct, by staff-hours."""
    seen: dict[tuple, Roster] = {}
    for w, req in requirement_family(loads):
        x = cover(req, options)
        counts = {o: int(n) for o, n in zip(options, x) if n > 0}
        key = tuple(sorted((o.start, o.hours, n) for o, n in counts.items()))
        if key not in seen:
            seen[key] = Roster(w, counts, req)
    return sorted(seen.values(), key=lambda r: r.staff_hours_per_week)


def roster_units(baseline: Scenario, roster: Roster, template: dict[str, Any]) -> dict:
    """``units:`` replacing every inherited group (None) with one group per shape."""
    from sim.cli.shifts import shift_entry

    units: dict[str, Any] = {name: None for name in baseline.units}
    for s, n in sorted(roster.counts.items(), key=lambda kv: (kv[0].start, kv[0].hours)):
        name = f"staff_{s.start // 60:02d}{s.start % 60:02d}_{s.hours:g}h".replace(".", "_")
        while name in units:
            name += "_"
        group = {"count": n, **template, "shifts": [shift_entry(
            f"{s.start // 60:02d}:{s.start % 60:02d}", s.hours)]}
        if "behaviour" in group:
            behaviour = dict(group.pop("behaviour"))
            group["behaviour"] = {"kind": behaviour.pop("kind"), **behaviour}
        units[name] = group
    return units


def roster_scenario(baseline: Scenario, roster: Roster, template: dict[str, Any],
                    name: str) -> Scenario:
    """The baseline with its roster replaced (in memory, validated)."""
    from sim.scenario.loader import with_changes

    units = {k: v for k, v in roster_units(baseline, roster, template).items() if v is not None}
    return with_changes(baseline, {"units": units, "name": name})


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
    from sim.experiment.stats import t_quantile

    n = len(values)
    q = t_quantile(confidence, n - 1) if n > 1 else math.inf
    rows = []
    for t in targets:
        x = values[t.measure].to_numpy(float)
        mean = float(x.mean())
        half = q * float(x.std(ddof=1)) / math.sqrt(n) if n > 1 else math.inf
        pessimistic = mean - half if t.at_least else mean + half
        optimistic = mean + half if t.at_least else mean - half
        status = ("met" if t.met_by(pessimistic) else
                  "missed" if not t.met_by(optimistic) else "undecided")
        rows.append({"target": str(t), "mean": mean, "bound": pessimistic,
                     "status": status})
    return Estimate(n, rows)


@dataclass
class StaffResult:
    """The outcome of ``staff``.

    Attributes:
        chosen: The cheapest roster found to meet every target (None if none did).
        scenario: The chosen roster as a scenario (None if none).
        candidates: Every candidate roster: grade, staff-hours, description, whether it
            was checked and with how many replications, and per target mean and bound.
        hourly: Per clock hour: workload, offered load, the chosen requirement, on duty
            (chosen roster and baseline).
        baseline: The baseline's per-target estimate (does the current roster meet them?).
        check: The chosen roster's per-target estimate on fresh replication seeds.
        check_seed: The root seed of the check run.
        targets: The targets; confidence: their one-sided confidence level.
    """

    chosen: Roster | None
    scenario: Scenario | None
    candidates: pd.DataFrame
    hourly: pd.DataFrame
    baseline: Estimate
    baseline_staff_hours: float
    check: Estimate | None
    check_seed: int | None
    targets: list[Target]
    confidence: float
    replications: int = 0


class _Evaluator:
    """Replications of rosters on the baseline's seed (common random numbers), grown
    while a target's interval straddles its value."""

    def __init__(self, targets: Sequence[Target], confidence: float, reps: int,
                 max_reps: int, executor: Any, cache: Any, on_done: Any) -> None:
        self.targets, self.confidence = list(targets), confidence
        self.reps, self.max_reps = reps, max_reps
        self.executor, self.cache, self.on_done = executor, cache, on_done
        self.count = 0

    def values(self, scenario: Scenario, n: int) -> pd.DataFrame:
        from sim.experiment.executors import execute

        self.count += n
        frames = execute([(scenario, r) for r in range(n)], self.executor, self.cache,
                         self.on_done)
        return pd.concat([f.summary for f in frames], ignore_index=True)

    def __call__(self, scenario: Scenario) -> Estimate:
        n = self.reps
        while True:
            est = estimate(self.values(scenario, n), self.targets, self.confidence)
            if not est.undecided or n >= self.max_reps:
                return est
            n = min(self.max_reps, n + self.reps)


def _search(cands: list[Roster], make: Any, evaluate: _Evaluator) -> tuple[int | None,
                                                                             dict[int, Estimate]]:
    """Bisection for the cheapest candidate meeting every target (assumes more staff-hours
    never hurt); returns its index (None if even the largest fails) and every estimate."""
    seen: dict[int, Estimate] = {}

    def feasible(i: int) -> bool:
        if i not in seen:
            seen[i] = evaluate(make(i))
        return seen[i].feasible

    hi = len(cands) - 1
    if not feasible(hi):
        return None, seen
    lo = -1
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if feasible(mid):
            hi = mid
        else:
            lo = mid
    return hi, seen


def staff(
    baseline: Scenario,
    targets: Sequence[Target],
    shift_hours: Sequence[float] = (8.0,),
    starts: Sequence[int] = tuple(range(0, 1440, 60)),
    group: str | None = None,
    reps: int = 5,
    max_reps: int = 20,
    confidence: float = 0.95,
    jobs: int = 1,
    executor: Any = None,
    cache: Any = None,
    on_done: Any = None,
    refine: int = 0,
) -> StaffResult:
    """The fewest staff-hours per week whose measures meet every target (module doc).

    Raises:
        ValueError: Settings that cannot work (no targets, bad group, uncoverable hours).
        ImportError: scipy is missing.
    """
    from sim.decide.propose import baseline_staff_hours, roster_on_duty, template_of
    from sim.decide.workload import hourly_workload
    from sim.experiment.executors import execute, make_executor
    from sim.experiment.replication import Frames
    from sim.scenario.loader import with_changes

    if not targets:
        raise ValueError("give at least one --target")
    if reps < 2 or max_reps < reps:
        raise ValueError(f"--reps must be at least 2 and --max-reps at least --reps "
                         f"(got {reps}, {max_reps})")
    template = template_of(baseline, group)
    options = shapes(starts, shift_hours)
    with make_executor(jobs if executor is None else 1) as own:
        ex = executor or own
        frames = Frames.concat(execute([(baseline, r) for r in range(reps)], ex, cache,
                                       on_done))
        workload = hourly_workload(frames.incidents, frames.extra["by_type"], baseline)
        loads = workload["work_officer_h"].to_numpy(float)
        cands = candidate_rosters(loads, options)
        evaluate = _Evaluator(targets, confidence, reps, max_reps, ex, cache, on_done)
        base_est = estimate(frames.summary, targets, confidence)

        def make(i: int) -> Scenario:
            return roster_scenario(baseline, cands[i], template, f"{baseline.name}_staff_{i}")

        family = len(cands)
        best, seen = _search(cands, make, evaluate)
        order = [] if best is None else [*_refine(best, cands, make, evaluate, seen, refine),
                                         best]
        rejected: list[int] = []
        check = check_seed = None
        best = None
        while order:
            best = order.pop(0)
            check_seed = baseline.seed + FRESH_SEED_OFFSET
            check = evaluate(with_changes(make(best), {"seed": check_seed}))
            if check.feasible:
                break
            rejected.append(best)
            if not order and best < family:
                nxt = _next_feasible(best, cands[:family], make, evaluate, seen)
                order = [] if nxt is None else [nxt]
            best = None
        chosen = cands[best] if best is not None else None
        scenario = make(best) if best is not None else None
    hourly = workload[["hour", "incidents_per_day", "work_officer_h"]].copy()
    hourly["requirement"] = chosen.requirement if chosen else np.nan
    hourly["on_duty"] = chosen.on_duty() if chosen else np.nan
    hourly["baseline_on_duty"] = roster_on_duty(baseline)
    return StaffResult(chosen, scenario, _candidate_table(cands, seen, best, targets,
                                                          rejected), hourly,
                       base_est, baseline_staff_hours(baseline), check, check_seed,
                       list(targets), confidence, replications=evaluate.count + reps)


def _refine(best: int, cands: list[Roster], make: Any, evaluate: _Evaluator,
            seen: dict[int, Estimate], rounds: int) -> list[int]:
    """Local search below the chosen roster: each round tries it with one officer fewer
    on each shift shape (under the same common random numbers) and keeps the cheapest
    that still meets every target; returns the improved rosters, cheapest first (appended
    to ``cands`` as "… − 1 × shape")."""
    found: list[int] = []
    current = best
    for _ in range(rounds):
        trials = []
        for shape, n in sorted(cands[current].counts.items(),
                               key=lambda kv: (-kv[0].hours, kv[0].start)):
            counts = {k: v for k, v in cands[current].counts.items()}
            counts[shape] = n - 1
            counts = {k: v for k, v in counts.items() if v > 0}
            if not counts:
                continue
            cands.append(Roster(f"{cands[current].grade} - 1 x {shape.label}", counts,
                                cands[current].requirement))
            i = len(cands) - 1
            seen[i] = evaluate(make(i))
            if seen[i].feasible:
                trials.append(i)
        if not trials:
            break
        current = min(trials, key=lambda i: cands[i].staff_hours_per_week)
        found.insert(0, current)
    return found


def _next_feasible(i: int, cands: list[Roster], make: Any, evaluate: _Evaluator,
                   seen: dict[int, Estimate]) -> int | None:
    """The next candidate above ``i`` (more staff-hours) that meets every target."""
    for j in range(i + 1, len(cands)):
        if j not in seen:
            seen[j] = evaluate(make(j))
        if seen[j].feasible:
            return j
    return None


def _candidate_table(cands: list[Roster], seen: dict[int, Estimate], best: int | None,
                     targets: Sequence[Target], rejected: Sequence[int] = ()) -> pd.DataFrame:
    rows = []
    for i, c in enumerate(cands):
        est = seen.get(i)
        row = {"candidate": i, "requirement": c.grade,
               "staff_hours_per_week": c.staff_hours_per_week, "officers":
               sum(c.counts.values()), "roster": c.describe(),
               "replications": est.n if est else 0,
               "verdict": ("chosen" if i == best else
                           "met them, not confirmed on fresh seeds" if i in rejected else
                           "meets every target" if est and
                           est.feasible else "misses a target" if est else "not run")}
        for t, r in zip(targets, est.rows if est else [None] * len(targets)):
            row[f"{t.measure} mean"] = r["mean"] if r else np.nan
            row[f"{t.measure} bound"] = r["bound"] if r else np.nan
            row[f"{t.measure} status"] = r["status"] if r else ""
        rows.append(row)
    table = pd.DataFrame(rows)
    table["pareto"] = pareto_front(table, targets)
    return table.sort_values("staff_hours_per_week", kind="stable").reset_index(drop=True)


def pareto_front(table: pd.DataFrame, targets: Sequence[Target]) -> np.ndarray:
    """For the candidates that ran: not dominated on (staff-hours, every target's mean) —
    no other candidate costs no more and is no worse on every target, and better on one."""
    cost = table["staff_hours_per_week"].to_numpy(float)
    ran = table["replications"].to_numpy() > 0
    # larger is better on every column below
    cols = [-cost] + [(1 if t.at_least else -1) * table[f"{t.measure} mean"].to_numpy(float)
                      for t in targets]
    values = np.column_stack(cols)
    flags = np.zeros(len(table), bool)
    for i in np.nonzero(ran)[0]:
        others = values[ran & (np.arange(len(table)) != i)]
        dominated = ((others >= values[i]).all(axis=1) & (others > values[i]).any(axis=1))
        flags[i] = not dominated.any()
    return flags


def staffed_text(result: StaffResult, baseline: Scenario, baseline_path: Any, folder: Any,
                 template: dict[str, Any]) -> str:
    """The chosen roster as a complete scenario file (extends the baseline, replaces its
    unit groups)."""
    import os
    from pathlib import Path

    import yaml

    roster = result.chosen
    assert roster is not None
    extends = os.path.relpath(Path(baseline_path).resolve(), Path(folder).resolve())
    lines = [f"# Roster chosen by `sim staff` for {baseline.name}: "
             f"{roster.staff_hours_per_week:g} staff-hours/week "
             f"(baseline {result.baseline_staff_hours:g}), {roster.describe()}.",
             "# Targets: " + "; ".join(str(t) for t in result.targets)
             + f" (one-sided {result.confidence:.0%} confidence).",
             "# It replaces the baseline's unit groups (each set to null below); run it as "
             "it is: sim run staffed.yaml"]
    body = {"extends": extends, "name": f"{baseline.name}_staffed",
            "description": f"Fewest staff-hours meeting {', '.join(map(str, result.targets))} "
                           f"(sim staff): {roster.describe()}.",
            "units": roster_units(baseline, roster, template)}
    return "\n".join(lines) + "\n" + yaml.safe_dump(body, sort_keys=False,
                                                     default_flow_style=None,
                                                     allow_unicode=True, width=100)

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

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

from sim.decide.estimate import Estimate, Evaluator, estimate
from sim.decide.groups import day_types, demand_differs_by_day, group_shares, group_templates
from sim.decide.requirement import (
    LOAD_FRACTIONS,
    SERVICE_GRADES,
    candidate_rosters,
    erlang_requirement,
    hourly_requirement,
    requirement_family,
)
from sim.decide.roster import (
    DAYS_PER_WEEK,
    WEEKDAY_SETS,
    Roster,
    Shape,
    cover,
    coverage_matrix,
    enumerate_rosters,
    parse_starts,
    shapes,
)
from sim.decide.roster_file import roster_name, roster_scenario, roster_units, unit_name
from sim.decide.search import Search, Space
from sim.decide.staff_tables import candidate_table, hourly_table, pareto_front
from sim.decide.staffed import StaffResult, staffed_text
from sim.decide.targets import Target
from sim.scenario.model import Scenario

__all__ = [
    "DAYS_PER_WEEK", "EXHAUSTIVE_LIMIT", "FRESH_SEED_OFFSET", "LOAD_FRACTIONS",
    "SERVICE_GRADES", "WEEKDAY_SETS", "Estimate", "Roster", "Shape", "StaffResult",
    "_Evaluator", "candidate_rosters", "cover", "coverage_matrix", "day_types",
    "demand_differs_by_day", "enumerate_rosters", "erlang_requirement", "estimate",
    "group_shares", "group_templates", "hourly_requirement", "pareto_front", "parse_starts",
    "requirement_family", "roster_name", "roster_scenario", "roster_units", "shapes",
    "staff", "staffed_text", "unit_name",
]

FRESH_SEED_OFFSET = 1_000_003
EXHAUSTIVE_LIMIT = 200
_Evaluator = Evaluator  # the name tests and older callers use


@dataclass
class _Plan:
    """What the roster is made of: the groups it staffs (with their templates and shares
    of the officers), the day types and every allowed shift shape."""

    templates: dict[str, dict[str, Any]]
    days: tuple[str, ...]
    shares: dict[str, float]
    options: list[Shape]


def _plan(baseline: Scenario, group: Sequence[str] | str | None, week: str,
          starts: Sequence[int], shift_hours: Sequence[float]) -> _Plan:
    """Groups, day types and shift shapes of the search (errors before anything runs)."""
    templates = group_templates(baseline, group)
    days = day_types(baseline, week)
    groups = list(templates)
    shares = {"": 1.0} if groups == [""] else group_shares(baseline, groups)
    return _Plan(templates, days, shares, shapes(starts, shift_hours, groups, days))


@dataclass
class _Choice:
    """What the search chose: the confirmed candidate (None if none), the search's choice
    before the fresh-seed check, that check and the candidates it rejected."""

    best: int | None
    optimum: int | None
    check: Estimate | None
    rejected: list[int]

    def chosen(self, space: Space) -> Roster | None:
        """The confirmed roster (None if none)."""
        return None if self.best is None else space.cands[self.best]

    def optimum_roster(self, space: Space) -> Roster | None:
        """The search's choice before the fresh-seed check (None if none)."""
        return None if self.optimum is None else space.cands[self.optimum]


def _choose(search: Search, options: Sequence[Shape], exhaustive: int, refine: int,
            seed: int) -> _Choice:
    """Bisection, the exact search below it, refinement, then the fresh-seed check."""
    order = _to_check(search, _cheapest(search, options, exhaustive), refine)
    optimum = order[0] if order else None
    confirmed, check, rejected = search.confirm(order, seed)
    return _Choice(confirmed, optimum, check, rejected)


def _cheapest(search: Search, options: Sequence[Shape], exhaustive: int) -> int | None:
    """Bisection over the Erlang candidates, then the exact search below its choice."""
    best = search.bisect()
    if best is None or exhaustive <= 0:
        return best
    return search.exhaustive(best, options, exhaustive)


def _to_check(search: Search, best: int | None, refine: int) -> list[int]:
    """The rosters to confirm on fresh seeds, cheapest first: the refinements below
    ``best`` (none once the exact search proved it cheapest), then ``best``."""
    if best is None:
        return []
    below = [] if search.space.proven else search.refine(best, refine)
    return [*below, best]


def _check_settings(targets: Sequence[Target], reps: int, max_reps: int) -> None:
    """Refuse a search without targets or with too few replications."""
    if not targets:
        raise ValueError("give at least one --target")
    if reps < 2 or max_reps < reps:
        raise ValueError(f"--reps must be at least 2 and --max-reps at least --reps "
                         f"(got {reps}, {max_reps})")


def staff(
    baseline: Scenario,
    targets: Sequence[Target],
    shift_hours: Sequence[float] = (8.0,),
    starts: Sequence[int] = tuple(range(0, 1440, 60)),
    group: Sequence[str] | str | None = None,
    reps: int = 5,
    max_reps: int = 20,
    confidence: float = 0.95,
    jobs: int = 1,
    executor: Any = None,
    cache: Any = None,
    on_done: Any = None,
    refine: int = 0,
    week: str = "auto",
    exhaustive: int = EXHAUSTIVE_LIMIT,
) -> StaffResult:
    """The fewest staff-hours per week whose measures meet every target (module doc).

    ``group``: the unit group (or groups) the roster staffs; ``week``: one roster every
    day (``same``), weekdays and weekends apart (``split``) or ``auto``; ``exhaustive``:
    the most rosters the exact search may evaluate below the best Erlang candidate.

    Raises:
        ValueError: Settings that cannot work (no targets, bad group, uncoverable hours).
        ImportError: scipy is missing.
    """
    from sim.experiment.runner import RunOptions, runner

    _check_settings(targets, reps, max_reps)
    plan = _plan(baseline, group, week, starts, shift_hours)
    with runner(RunOptions(jobs, executor, cache, on_done)) as run:
        evaluate = Evaluator(list(targets), confidence, reps, max_reps, run.executor, cache,
                             on_done)
        return _search(baseline, plan, evaluate, exhaustive, refine)


def _search(baseline: Scenario, plan: _Plan, evaluate: Evaluator, exhaustive: int,
            refine: int) -> StaffResult:
    """The baseline's replications, the candidates from its workload, the search among
    them and the fresh-seed check."""
    from sim.experiment.replication import Frames

    frames = Frames.concat(evaluate.frames(baseline, evaluate.reps))
    search = _searcher(baseline, plan, evaluate, frames)
    choice = _choose(search, plan.options, exhaustive, refine,
                     baseline.seed + FRESH_SEED_OFFSET)
    scenario = None if choice.best is None else search.make(choice.best)
    return _result(baseline, search, evaluate, choice, scenario, frames, plan)


def _searcher(baseline: Scenario, plan: _Plan, evaluate: Evaluator, frames: Any) -> Search:
    """The search over the Erlang-C candidate rosters of the baseline's workload."""
    loads = {d: _loads(frames, baseline, d) for d in plan.days}
    cands = candidate_rosters(loads, plan.options, plan.shares)
    space = Space(cands, list(range(len(cands))))
    return Search(space, partial(_scenario, baseline, space, plan), evaluate)


def _scenario(baseline: Scenario, space: Space, plan: _Plan, i: int) -> Scenario:
    """Candidate i as a scenario (named after the hash of its roster)."""
    roster = space.cands[i]
    return roster_scenario(baseline, roster, plan.templates, roster_name(baseline, roster))


def _result(baseline: Scenario, search: Search, evaluate: Evaluator, choice: _Choice,
            scenario: Scenario | None, frames: Any, plan: _Plan) -> StaffResult:
    """The ``StaffResult`` of a finished search (``frames``: the baseline's replications)."""
    space, best = search.space, choice.best
    chosen = choice.chosen(space)
    return StaffResult(
        chosen, scenario,
        candidate_table(space.cands, search.seen, best, evaluate.targets, choice.rejected),
        hourly_table(frames, baseline, chosen, plan.days),
        estimate(frames.summary, evaluate.targets, evaluate.confidence),
        _baseline_hours(baseline),
        choice.check, baseline.seed + FRESH_SEED_OFFSET if choice.check else None,
        evaluate.targets, evaluate.confidence, replications=evaluate.count + evaluate.reps,
        proven=space.proven and best is not None and not choice.rejected,
        space_size=space.size, day_types=plan.days, groups=list(plan.templates),
        optimum=choice.optimum_roster(space))


def _loads(frames: Any, baseline: Scenario, days: str) -> np.ndarray:
    """Offered load (officer-hours of work per clock hour) on the days of a day type."""
    from sim.decide.workload import hourly_workload

    work = hourly_workload(frames.incidents, frames.extra["by_type"], baseline,
                           WEEKDAY_SETS[days])
    return work["work_officer_h"].to_numpy(float)


def _baseline_hours(baseline: Scenario) -> float:
    from sim.decide.propose import baseline_staff_hours

    return baseline_staff_hours(baseline)

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

import copy
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sim.decide.targets import Target
from sim.scenario.model import Scenario
from sim.strategy.staggered import _shift_coverage, shift_entry
from sim.theory import erlang_c

LOAD_FRACTIONS = (0.25, 0.5, 0.75)
SERVICE_GRADES = (0.99, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05, 0.02, 0.01,
                  0.005, 0.001)
FRESH_SEED_OFFSET = 1_000_003
EXHAUSTIVE_LIMIT = 200


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


DAYS_PER_WEEK = {"all": 7, "weekdays": 5, "weekends": 2}
WEEKDAY_SETS: dict[str, tuple[int, ...] | None] = {"all": None, "weekdays": (0, 1, 2, 3, 4),
                                                   "weekends": (5, 6)}


@dataclass(frozen=True)
class Shape:
    """A shift shape: start (minutes after midnight), length (hours), the unit group it
    staffs ("" for the template group) and the days it runs (all, weekdays, weekends)."""

    start: int
    hours: float
    group: str = ""
    days: str = "all"

    @property
    def clock(self) -> str:
        return f"{self.start // 60:02d}:{self.start % 60:02d}"

    @property
    def label(self) -> str:
        prefix = "".join(f"{x} " for x in (self.group, self.days) if x and x != "all")
        return f"{prefix}{self.clock}+{self.hours:g}h"

    @property
    def key(self) -> tuple[str, str, int, float]:
        return (self.group, self.days, self.start, self.hours)

    @property
    def days_per_week(self) -> int:
        return DAYS_PER_WEEK[self.days]

    @property
    def weekly_hours(self) -> float:
        return self.hours * self.days_per_week


def shapes(starts: Sequence[int], lengths: Sequence[float], groups: Sequence[str] = ("",),
           day_types: Sequence[str] = ("all",)) -> list[Shape]:
    """Every group × day type × start × length."""
    return [Shape(s, h, g, d) for g in groups for d in day_types for s in starts
            for h in lengths]


def coverage_matrix(options: Sequence[Shape]) -> np.ndarray:
    """(24, shapes): fraction of each clock hour each shape covers (wrapping midnight)."""
    return np.stack([_shift_coverage(o.start, 60.0 * o.hours) for o in options], axis=1)


def cover(requirement: np.ndarray, options: Sequence[Shape]) -> np.ndarray:
    """Officers per shape minimising staff-hours with on-duty ≥ requirement in every hour
    some shape covers (integer programme, ``scipy.optimize.milp``)."""
    try:
        from scipy.optimize import Bounds, LinearConstraint, milp
    except ImportError:
        raise ImportError("sim staff needs scipy for its integer programme: "
                          'pip install "chengguan-sim[decide]"') from None
    a = coverage_matrix(options)
    # hours no allowed shape covers cannot be staffed: the simulation judges the gap
    requirement = np.where(a.sum(axis=1) > 0, requirement, 0)
    if not np.any(requirement > 0):
        return np.zeros(len(options), int)
    hours = np.array([o.hours for o in options])
    # staff-hours first; a tiny preference for earlier/shorter shapes makes ties reproducible
    cost = hours + 1e-6 * np.arange(len(options)) / len(options)
    res = milp(cost, constraints=LinearConstraint(a, lb=requirement - 1e-9, ub=np.inf),
               integrality=np.ones(len(options)), bounds=Bounds(0, np.inf))
    if res.status != 0 or res.x is None:
        raise ValueError("no roster of these shift starts and lengths covers the hourly "
                         "requirement (widen --starts or add --shift-hours)")
    return np.round(res.x).astype(int)


def _order(counts: dict[Shape, int]) -> list[tuple[Shape, int]]:
    return sorted(counts.items(), key=lambda kv: kv[0].key)


@dataclass
class Roster:
    """A candidate roster: officers per shift shape, with what it costs and covers.
    ``requirement``: the hourly requirement it was built to cover, per day type."""

    grade: str
    counts: dict[Shape, int]
    requirement: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def staff_hours_per_week(self) -> float:
        return float(sum(s.weekly_hours * n for s, n in self.counts.items()))

    @property
    def key(self) -> tuple:
        return tuple((s.key, n) for s, n in _order(self.counts) if n > 0)

    def on_duty(self, days: str | None = None) -> np.ndarray:
        """Officers on duty per clock hour: on ``days`` (a day type), or (None) averaged
        over the week."""
        total = np.zeros(24)
        for s, n in self.counts.items():
            share = (s.days_per_week / 7.0 if days is None else
                     float(s.days in ("all", days)))
            total += share * n * _shift_coverage(s.start, 60.0 * s.hours)
        return total

    def describe(self) -> str:
        return ", ".join(f"{n} × {s.label}" for s, n in _order(self.counts) if n > 0)


def requirement_family(loads: Sequence[float]) -> list[tuple[str, np.ndarray]]:
    """(label, hourly requirement) from the load fractions up the Erlang-C grades."""
    a = np.asarray(loads, float)
    out = [(f"{f:g} x load", np.ceil(f * a - 1e-9).astype(int)) for f in LOAD_FRACTIONS]
    out += [(f"P(wait) <= {w:g}", hourly_requirement(a, w)) for w in SERVICE_GRADES]
    return out


def _cover_grade(reqs: dict[str, np.ndarray], options: Sequence[Shape],
                 shares: dict[str, float]) -> dict[Shape, int]:
    """One roster covering each day type's requirement, split between the groups by
    ``shares`` (each group covers its share, rounded up)."""
    counts: dict[Shape, int] = {}
    for days, req in reqs.items():
        for group, share in shares.items():
            mine = [o for o in options if o.days == days and o.group == group]
            x = cover(np.ceil(share * req - 1e-9).astype(int), mine)
            counts.update({o: int(n) for o, n in zip(mine, x) if n > 0})
    return counts


def candidate_rosters(loads: dict[str, Sequence[float]] | Sequence[float],
                      options: Sequence[Shape],
                      shares: dict[str, float] | None = None) -> list[Roster]:
    """One covering roster per requirement of the Erlang family (the same grade on every
    day type), distinct, by staff-hours. ``loads``: offered load per clock hour, per day
    type (or one profile for every day); ``shares``: each group's share of the officers."""
    by_day = loads if isinstance(loads, dict) else {"all": loads}
    families = {d: requirement_family(a) for d, a in by_day.items()}
    shares = shares or {"": 1.0}
    seen: dict[tuple, Roster] = {}
    for k, (label, _) in enumerate(next(iter(families.values()))):
        reqs = {d: fam[k][1] for d, fam in families.items()}
        roster = Roster(label, _cover_grade(reqs, options, shares), reqs)
        if roster.counts and roster.key not in seen:
            seen[roster.key] = roster
    return sorted(seen.values(), key=lambda r: r.staff_hours_per_week)


def enumerate_rosters(options: Sequence[Shape], budget: float,
                      limit: int) -> list[dict[Shape, int]] | None:
    """Every roster of ``options`` with at least one officer and at most ``budget``
    staff-hours per week, cheapest first (ties in a fixed order); None if there are more
    than ``limit``."""
    costs = [o.weekly_hours for o in options]
    found: list[tuple[int, ...]] = []

    def walk(i: int, left: float, counts: tuple[int, ...]) -> None:
        if i == len(options):
            if any(counts):
                found.append(counts)
            return
        n = 0
        while n * costs[i] <= left + 1e-9 and len(found) <= limit:
            walk(i + 1, left - n * costs[i], counts + (n,))
            n += 1

    walk(0, budget, ())
    if len(found) > limit:
        return None
    found.sort(key=lambda c: (round(sum(n * k for n, k in zip(c, costs)), 6), c))
    return [{o: n for o, n in zip(options, c) if n > 0} for c in found]


def unit_name(shape: Shape, template_group: str) -> str:
    """``staff_[GROUP_][DAYS_]HHMM_Hh`` for a shape (the group named when there are
    several)."""
    parts = ["staff", shape.group, "" if shape.days == "all" else shape.days,
             shape.clock.replace(":", ""), f"{shape.hours:g}h".replace(".", "_")]
    return "_".join(p for p in parts if p)


def roster_units(baseline: Scenario, roster: Roster,
                 templates: dict[str, dict[str, Any]]) -> dict:
    """``units:`` replacing every inherited group (None) with one group per shape;
    ``templates``: mode, home and behaviour per group of the roster ("" for one group)."""
    units: dict[str, Any] = {name: None for name in baseline.units}
    for s, n in _order(roster.counts):
        if n <= 0:
            continue
        name = unit_name(s, next(iter(templates)))
        while name in units:
            name += "_"
        group = {"count": n, **copy.deepcopy(templates[s.group]),
                 "shifts": [shift_entry(s.clock, s.hours, s.days)]}
        if "behaviour" in group:
            behaviour = dict(group.pop("behaviour"))
            group["behaviour"] = {"kind": behaviour.pop("kind"), **behaviour}
        units[name] = group
    return units


def roster_name(baseline: Scenario, roster: Roster) -> str:
    """``<baseline>_staff_<hash of the roster>``: the same roster, the same scenario (and
    cache entries) whichever search found it."""
    import hashlib

    digest = hashlib.sha256(repr(roster.key).encode()).hexdigest()[:10]
    return f"{baseline.name}_staff_{digest}"


def roster_scenario(baseline: Scenario, roster: Roster, templates: dict[str, dict[str, Any]],
                    name: str) -> Scenario:
    """The baseline with its roster replaced (in memory, validated)."""
    from sim.scenario.loader import with_changes

    units = {k: v for k, v in roster_units(baseline, roster, templates).items()
             if v is not None}
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
        proven: Every roster of the search space costing no more than the chosen one was
            evaluated (``space_size`` of them): no cheaper roster of the space meets the
            targets under this estimator and seeds.
        day_types: ("all",) or ("weekdays", "weekends"); groups: the unit groups staffed
            ([""]: the one template group).
        optimum: What the search chose on the baseline's seeds, before the fresh-seed
            check (``chosen`` unless the check rejected it).
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
    proven: bool = False
    space_size: int | None = None
    day_types: tuple[str, ...] = ("all",)
    groups: list[str] = field(default_factory=lambda: [""])
    optimum: Roster | None = None


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


def day_types(baseline: Scenario, week: str) -> tuple[str, ...]:
    """("all",) for one roster every day, ("weekdays", "weekends") for two; ``auto``
    splits when some incident type's day-of-week profile differs between weekdays and
    weekends."""
    if week not in ("auto", "same", "split"):
        raise ValueError(f"--week {week!r}: expected auto, same or split")
    if week == "auto":
        week = "split" if demand_differs_by_day(baseline) else "same"
    return ("all",) if week == "same" else ("weekdays", "weekends")


def demand_differs_by_day(scenario: Scenario) -> bool:
    """Whether an enabled incident type is more (or less) frequent at weekends."""
    for t in scenario.incidents.values():
        dow = np.asarray(t.dow_profile, float)
        if t.enabled and abs(dow[:5].mean() - dow[5:].mean()) > 0.01 * dow.mean():
            return True
    return False


def group_shares(baseline: Scenario, groups: Sequence[str]) -> dict[str, float]:
    """Each group's share of the baseline's staff-hours among ``groups`` (equal if none)."""
    from sim.decide.propose import roster_on_duty

    hours = {}
    for g in groups:
        one = baseline.model_copy(update={"units": {g: baseline.units[g]}})
        hours[g] = float(roster_on_duty(one).sum())
    total = sum(hours.values())
    return {g: (h / total if total > 0 else 1.0 / len(groups)) for g, h in hours.items()}


def group_templates(baseline: Scenario, groups: Sequence[str] | str | None
                    ) -> dict[str, dict[str, Any]]:
    """Mode, home and behaviour per group the roster staffs: {"": template} for one group
    (the first by default), {name: template} for several.

    Raises:
        ValueError: An unknown or repeated group.
    """
    from sim.decide.propose import template_of

    names = [groups] if isinstance(groups, str) else list(groups or [])
    if len(set(names)) != len(names):
        raise ValueError(f"--groups {','.join(names)}: a group is named twice")
    if len(names) <= 1:
        return {"": template_of(baseline, names[0] if names else None)}
    return {g: template_of(baseline, g) for g in names}


@dataclass
class _Space:
    """The candidates found so far (one index per distinct roster) and the order in which
    the next one up is looked for if a choice is not confirmed on fresh seeds."""

    cands: list[Roster]
    ladder: list[int]
    index: dict[tuple, int] = field(default_factory=dict)
    proven: bool = False
    size: int | None = None

    def __post_init__(self) -> None:
        self.index = {c.key: i for i, c in enumerate(self.cands)}

    def add(self, roster: Roster) -> int:
        if roster.key not in self.index:
            self.cands.append(roster)
            self.index[roster.key] = len(self.cands) - 1
        return self.index[roster.key]


def _first_feasible(order: Sequence[int], make: Any, evaluate: _Evaluator,
                    seen: dict[int, Estimate]) -> int | None:
    """The first of ``order`` that meets every target (evaluated in turn, reused)."""
    for i in order:
        if i not in seen:
            seen[i] = evaluate(make(i))
        if seen[i].feasible:
            return i
    return None


def _exhaustive(space: _Space, best: int, options: Sequence[Shape], limit: int,
                make: Any, evaluate: _Evaluator, seen: dict[int, Estimate]) -> int:
    """If the search space holds at most ``limit`` rosters costing no more than
    ``best``, evaluate them cheapest first: the first that meets every target is the
    cheapest roster of the space that does (``space.proven``)."""
    rosters = enumerate_rosters(options, space.cands[best].staff_hours_per_week, limit)
    if rosters is None:
        return best
    budget = space.cands[best].staff_hours_per_week
    above = [i for i in space.ladder if space.cands[i].staff_hours_per_week > budget + 1e-9]
    space.ladder = [space.add(Roster("exhaustive", r)) for r in rosters] + above
    space.proven, space.size = True, len(rosters)
    found = _first_feasible(space.ladder, make, evaluate, seen)
    return best if found is None else found


def _check(order: list[int], space: _Space, make: Any, evaluate: _Evaluator,
           seen: dict[int, Estimate], seed: int) -> tuple[int | None, Estimate | None,
                                                          list[int]]:
    """Check ``order`` in turn on fresh seeds; when it runs out, the next feasible roster
    up the ladder is tried. Returns the confirmed one, its check and those rejected."""
    from sim.scenario.loader import with_changes

    rejected: list[int] = []
    while order:
        best = order.pop(0)
        check = evaluate(with_changes(make(best), {"seed": seed}))
        if check.feasible:
            return best, check, rejected
        rejected.append(best)
        if not order and best in space.ladder:
            rest = space.ladder[space.ladder.index(best) + 1:]
            nxt = _first_feasible(rest, make, evaluate, seen)
            order = [] if nxt is None else [nxt]
    return None, None, rejected


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
    from sim.experiment.executors import execute, make_executor
    from sim.experiment.replication import Frames

    if not targets:
        raise ValueError("give at least one --target")
    if reps < 2 or max_reps < reps:
        raise ValueError(f"--reps must be at least 2 and --max-reps at least --reps "
                         f"(got {reps}, {max_reps})")
    templates = group_templates(baseline, group)
    days = day_types(baseline, week)
    shares = ({"": 1.0} if list(templates) == [""] else group_shares(baseline, list(templates)))
    options = shapes(starts, shift_hours, list(templates), days)
    with make_executor(jobs if executor is None else 1) as own:
        ex = executor or own
        frames = Frames.concat(execute([(baseline, r) for r in range(reps)], ex, cache,
                                       on_done))
        loads = {d: _loads(frames, baseline, d) for d in days}
        space = _Space(candidate_rosters(loads, options, shares), [])
        space.ladder = list(range(len(space.cands)))
        evaluate = _Evaluator(targets, confidence, reps, max_reps, ex, cache, on_done)

        def make(i: int) -> Scenario:
            return roster_scenario(baseline, space.cands[i], templates,
                                   roster_name(baseline, space.cands[i]))

        best, seen = _search(space.cands, make, evaluate)
        if best is not None and exhaustive > 0:
            best = _exhaustive(space, best, options, exhaustive, make, evaluate, seen)
        order = [] if best is None else [
            *([] if space.proven else _refine(best, space, make, evaluate, seen, refine)),
            best]
        check_seed = baseline.seed + FRESH_SEED_OFFSET
        optimum = space.cands[order[0]] if order else None
        best, check, rejected = _check(order, space, make, evaluate, seen, check_seed)
        chosen = space.cands[best] if best is not None else None
        scenario = make(best) if best is not None else None
    return StaffResult(chosen, scenario,
                       _candidate_table(space.cands, seen, best, targets, rejected),
                       _hourly(frames, baseline, chosen, days), estimate(
                           frames.summary, targets, confidence),
                       _baseline_hours(baseline), check, check_seed if check else None,
                       list(targets), confidence, replications=evaluate.count + reps,
                       proven=space.proven and best is not None and not rejected,
                       space_size=space.size, day_types=days, groups=list(templates),
                       optimum=optimum)


def _loads(frames: Any, baseline: Scenario, days: str) -> np.ndarray:
    """Offered load (officer-hours of work per clock hour) on the days of a day type."""
    from sim.decide.workload import hourly_workload

    work = hourly_workload(frames.incidents, frames.extra["by_type"], baseline,
                           WEEKDAY_SETS[days])
    return work["work_officer_h"].to_numpy(float)


def _baseline_hours(baseline: Scenario) -> float:
    from sim.decide.propose import baseline_staff_hours

    return baseline_staff_hours(baseline)


def _hourly(frames: Any, baseline: Scenario, chosen: Roster | None,
            days: Sequence[str]) -> pd.DataFrame:
    """Per clock hour: workload, and per day type the requirement and officers on duty
    (chosen and baseline, averaged over the week)."""
    from sim.decide.propose import roster_on_duty
    from sim.decide.workload import hourly_workload

    work = hourly_workload(frames.incidents, frames.extra["by_type"], baseline)
    hourly = work[["hour", "incidents_per_day", "work_officer_h"]].copy()
    for d in days:
        suffix = "" if d == "all" else f"_{d}"
        hourly[f"requirement{suffix}"] = (chosen.requirement.get(d, np.nan) if chosen
                                          and chosen.requirement else np.nan)
        hourly[f"on_duty{suffix}"] = chosen.on_duty(d) if chosen else np.nan
    if len(days) > 1:
        hourly["on_duty"] = chosen.on_duty() if chosen else np.nan
    hourly["baseline_on_duty"] = roster_on_duty(baseline)
    return hourly


def _refine(best: int, space: _Space, make: Any, evaluate: _Evaluator,
            seen: dict[int, Estimate], rounds: int) -> list[int]:
    """Local search below the chosen roster: each round tries it with one officer fewer
    on each shift shape (under the same common random numbers) and keeps the cheapest
    that still meets every target; returns the improved rosters, cheapest first (added
    to the candidates as "… − 1 × shape")."""
    found: list[int] = []
    current = best
    for _ in range(rounds):
        trials = []
        base = space.cands[current]
        for shape in sorted(base.counts, key=lambda k: (-k.hours, k.key)):
            counts = {k: (v - 1 if k == shape else v) for k, v in base.counts.items()}
            counts = {k: v for k, v in counts.items() if v > 0}
            if not counts:
                continue
            i = space.add(Roster(f"{base.grade} - 1 x {shape.label}", counts,
                                 base.requirement))
            if i not in seen:
                seen[i] = evaluate(make(i))
            if seen[i].feasible:
                trials.append(i)
        if not trials:
            break
        current = min(trials, key=lambda i: space.cands[i].staff_hours_per_week)
        found.insert(0, current)
    return found


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
                 templates: dict[str, dict[str, Any]]) -> str:
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
            "units": roster_units(baseline, roster, templates)}
    return "\n".join(lines) + "\n" + yaml.safe_dump(body, sort_keys=False,
                                                     default_flow_style=None,
                                                     allow_unicode=True, width=100)

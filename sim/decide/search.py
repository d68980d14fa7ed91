"""The search of ``sim staff`` over candidate rosters, each judged by an ``Evaluator``.

Bisection over the candidates ordered by staff-hours; optionally every roster below the
best one (exhaustive) or a local search removing one officer at a time (refine); then the
confirmation of the choice on fresh seeds, moving up the ladder if it fails.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from sim.decide.estimate import Estimate
from sim.decide.roster import Roster, Shape, enumerate_rosters
from sim.scenario.model import Scenario


@dataclass
class Space:
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
        """The index of ``roster``, appended to the candidates if new."""
        if roster.key not in self.index:
            self.cands.append(roster)
            self.index[roster.key] = len(self.cands) - 1
        return self.index[roster.key]

    def hours(self, i: int) -> float:
        """Staff-hours per week of candidate i."""
        return self.cands[i].staff_hours_per_week

    def above(self, budget: float) -> list[int]:
        """The ladder's candidates costing more than ``budget``, in ladder order."""
        return [i for i in self.ladder if self.hours(i) > budget + 1e-9]


@dataclass
class Search:
    """Candidates judged on the baseline's seeds, each at most once (``seen``)."""

    space: Space
    make: Callable[[int], Scenario]
    evaluate: Callable[[Scenario], Estimate]
    seen: dict[int, Estimate] = field(default_factory=dict)

    def feasible(self, i: int) -> bool:
        """Whether candidate i meets every target (evaluated on first use)."""
        if i not in self.seen:
            self.seen[i] = self.evaluate(self.make(i))
        return self.seen[i].feasible

    def first_feasible(self, order: Sequence[int]) -> int | None:
        """The first of ``order`` that meets every target (evaluated in turn)."""
        return next((i for i in order if self.feasible(i)), None)

    def bisect(self) -> int | None:
        """Bisection for the cheapest candidate meeting every target (assumes more
        staff-hours never hurt); None if even the largest fails."""
        hi = len(self.space.cands) - 1
        if not self.feasible(hi):
            return None
        lo = -1
        while hi - lo > 1:
            mid = (lo + hi) // 2
            lo, hi = (lo, mid) if self.feasible(mid) else (mid, hi)
        return hi

    def exhaustive(self, best: int, options: Sequence[Shape], limit: int) -> int:
        """If the search space holds at most ``limit`` rosters costing no more than
        ``best``, evaluate them cheapest first: the first that meets every target is the
        cheapest roster of the space that does (``space.proven``)."""
        space = self.space
        budget = space.hours(best)
        rosters = enumerate_rosters(options, budget, limit)
        if rosters is None:
            return best
        above = space.above(budget)
        space.ladder = [space.add(Roster("exhaustive", r)) for r in rosters] + above
        space.proven, space.size = True, len(rosters)
        found = self.first_feasible(space.ladder)
        return best if found is None else found

    def refine(self, best: int, rounds: int) -> list[int]:
        """Local search below the chosen roster: each round tries it with one officer fewer
        on each shift shape (under the same common random numbers) and keeps the cheapest
        that still meets every target; returns the improved rosters, cheapest first."""
        found: list[int] = []
        current = best
        for _ in range(rounds):
            trials = [i for i in self._one_fewer(current) if self.feasible(i)]
            if not trials:
                break
            current = min(trials, key=self.space.hours)
            found.insert(0, current)
        return found

    def _one_fewer(self, current: int) -> Iterator[int]:
        """Candidate ``current`` with one officer fewer on each shape in turn (longest
        shifts first), added to the candidates as "… − 1 × shape"."""
        base = self.space.cands[current]
        for shape in sorted(base.counts, key=lambda k: (-k.hours, k.key)):
            counts = _one_less(base.counts, shape)
            if counts:
                yield self.space.add(Roster(f"{base.grade} - 1 x {shape.label}", counts,
                                            base.requirement))

    def confirm(self, order: list[int], seed: int
                ) -> tuple[int | None, Estimate | None, list[int]]:
        """Check ``order`` in turn on fresh seeds; when it runs out, the next feasible
        roster up the ladder is tried. Returns the confirmed one, its check and those
        rejected."""
        rejected: list[int] = []
        while order:
            best = order.pop(0)
            check = self._fresh(best, seed)
            if check.feasible:
                return best, check, rejected
            rejected.append(best)
            order = order or self._next_up(best)
        return None, None, rejected

    def _fresh(self, i: int, seed: int) -> Estimate:
        """Candidate i judged on the replications of another root seed."""
        from sim.scenario.loader import with_changes

        return self.evaluate(with_changes(self.make(i), {"seed": seed}))

    def _next_up(self, best: int) -> list[int]:
        """The next roster up the ladder from ``best`` that meets every target on the
        baseline's seeds ([] if none, or if ``best`` is not on the ladder)."""
        ladder = self.space.ladder
        if best not in ladder:
            return []
        nxt = self.first_feasible(ladder[ladder.index(best) + 1:])
        return [] if nxt is None else [nxt]


def _one_less(counts: dict[Shape, int], shape: Shape) -> dict[Shape, int]:
    """``counts`` with one officer fewer on ``shape`` (shapes left without one dropped)."""
    fewer = {**counts, shape: counts[shape] - 1}
    return {k: v for k, v in fewer.items() if v > 0}

"""The observation window of a run: warm-up, arrival window and cool-down.

Time-window measures (presence, coverage, idleness, exposure, staffing) use [warm-up, horizon).
Incident measures follow each incident from its occurrence, so they use only incidents that
occur in the *arrival window* [warm-up, horizon − τ): every one of them is followed for at
least τ minutes, and a time capped at τ (a restricted mean) is therefore known exactly for all
of them — nothing still open at the horizon silently drops out, and the result does not
depend on how long the run is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sim.scenario.model import Scenario

DAY = 1440.0


@dataclass(frozen=True)
class Window:
    """Where measures look, in minutes from the start of the run.

    Attributes:
        t0: End of the warm-up.
        t1: The horizon (end of the run).
        tau: The cool-down: incidents must occur before ``t1 - tau``; times are capped at it.
    """

    t0: float
    t1: float
    tau: float

    @property
    def arrival_end(self) -> float:
        return max(self.t0, self.t1 - self.tau)

    @property
    def arrival_days(self) -> float:
        return (self.arrival_end - self.t0) / DAY


def longest_deadline_min(scenario: Scenario) -> float:
    """The longest rectification deadline of any enabled incident type (0 if none)."""
    deadlines = (step.deadline_min or 0.0 for t in scenario.incidents.values() if t.enabled
                 for step in t.ladder)
    return max(deadlines, default=0.0)


def longest_target_min(scenario: Scenario) -> float:
    """The longest service target (``sla_min``) of any enabled incident type (0 if none)."""
    return max((t.sla_min or 0.0 for t in scenario.incidents.values() if t.enabled), default=0.0)


def cooldown_min(scenario: Scenario) -> float:
    """τ: ``clock.cooldown_days`` if set, else whole days covering twice the longest deadline
    (a notice, its deadline, the re-inspection) and at least one day; never shorter than the
    longest service target, so whether a target was met is always known."""
    days = scenario.clock.cooldown_days
    tau = days * DAY if days is not None else _covering_days_min(scenario)
    return max(tau, longest_target_min(scenario))


def _covering_days_min(scenario: Scenario) -> float:
    """Whole days (in minutes) covering twice the longest deadline, at least one."""
    return math.ceil(max(DAY, 2.0 * longest_deadline_min(scenario)) / DAY) * DAY


def window_of(scenario: Scenario) -> Window:
    """The observation window of a scenario."""
    clock = scenario.clock
    return Window(clock.warmup_days * DAY, clock.days * DAY, cooldown_min(scenario))


def short_run_warning(scenario: Scenario) -> str | None:
    """A warning when the arrival window is shorter than a day (None when it is long enough)."""
    w = window_of(scenario)
    if w.arrival_days >= 1.0:
        return None
    need = math.ceil((w.t0 + w.tau) / DAY) + 1
    return (f"{scenario.name}: {scenario.clock.days} day(s) is too short for incident measures: "
            f"after the {scenario.clock.warmup_days:g}-day warm-up, incidents are followed for "
            f"{w.tau / DAY:g} day(s) (the cool-down, covering the longest rectification "
            f"deadline, {longest_deadline_min(scenario) / 60:g} h, and service target, "
            f"{longest_target_min(scenario) / 60:g} h), which leaves "
            f"{max(w.arrival_days, 0):.2g} day(s) of arrivals; use --days {need} or more")

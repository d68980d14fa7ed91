"""The case workflow during a run: report back, check, close, or reopen (only with `workflow:`).

A case opens when the command room or an officer learns of an incident (found → filed →
dispatched happen in the command room and fleet as always). When the incident ends after
that, the case is *handled*; the officer reports back, a checker (grid supervisor or the
command room on video) checks it, and the command room closes it. A failed check reopens the
case: the problem is there again (a new incident row, source ``reopen``) and goes to the
command room like any report; when that is handled the case is reported, checked and closed
again. Built only when the scenario has a ``workflow:`` section: otherwise nothing here runs.
"""

from __future__ import annotations

from collections.abc import Generator
from math import isnan
from typing import TYPE_CHECKING

import numpy as np
import simpy

from sim.demand.arrivals import CHANNEL_MERCHANT
from sim.engine.calls import timeout
from sim.engine.spawn import SOURCE_REOPEN, spawn
from sim.engine.table import ENDED
from sim.engine.workcalendar import Calendar
from sim.scenario.workflow import Workflow

if TYPE_CHECKING:
    from sim.engine.ports import WorldPort

CASE_TIMES = ("t_handled", "t_reported", "t_checked", "t_closed")


class CaseBook:
    """Per case: its first incident, when it was handled, reported, checked and closed."""

    def __init__(self, world: WorldPort, reopen_channel: int, handlers: set[int]) -> None:
        self.world = world
        self.env = world.env
        spec = world.scenario.workflow
        if spec is None:
            raise ValueError("CaseBook needs a scenario with a workflow: section")
        self.spec: Workflow = spec
        self.rng = world.streams.get("workflow")
        self.calendar = Calendar(spec.calendar, world.scenario.clock.start_weekday)
        self.checkers = simpy.Resource(self.env, capacity=spec.check.staff)
        self.reopen_channel = reopen_channel
        self.handlers = {CHANNEL_MERCHANT, *handlers}  # channels that end incidents themselves
        self.case_of: dict[int, int] = {}
        self.first: list[int] = []
        self.reopens: list[int] = []
        self.times: dict[str, list[float]] = {name: [] for name in CASE_TIMES}

    def on_finish(self, i: int) -> None:
        """Incident ``i`` ended: if it was a case, the case is handled now."""
        case = self.case_of.get(i)
        if case is None:
            case = self._open(i)
            if case is None:
                return
        self.times["t_handled"][case] = self.env._now
        self.env.process(self._report_check_close(case, i))

    def _open(self, i: int) -> int | None:
        """A new case for incident ``i`` if the command room or an officer knew of it."""
        tab = self.world.incidents.table
        if isnan(tab.t_detect[i]) or int(tab.channel[i]) in self.handlers:
            return None  # never known, or found and ended by the shop or a handling layer
        case = len(self.first)
        self.case_of[i] = case
        self.first.append(i)
        self.reopens.append(0)
        for column in self.times.values():
            column.append(np.nan)
        return case

    def _open_at_end(self) -> None:
        """Known incidents not ended by the horizon are cases too (not yet handled)."""
        tab = self.world.incidents.table
        ended = np.array(tab.state, dtype=np.int64) == ENDED
        known = ~np.isnan(tab.t_detect[: tab.n]) & ~ended
        for i in np.flatnonzero(known).tolist():
            if i not in self.case_of:
                self._open(i)

    def _report_check_close(self, case: int, i: int) -> Generator[simpy.Event, None, None]:
        env, spec, rng = self.env, self.spec, self.rng
        yield timeout(env, spec.report_back.draw(rng))
        self.times["t_reported"][case] = env._now
        if spec.check.working_hours_only:
            start = self.calendar.next_working(env._now)
            if start > env._now:
                yield timeout(env, start - env._now)
        with self.checkers.request() as turn:
            yield turn
            yield timeout(env, spec.check.duration.draw(rng))
        self.times["t_checked"][case] = env._now
        if rng.random() < spec.check.fail_probability:
            self._reopen(case, i)
            return
        yield timeout(env, spec.closing.draw(rng))
        self.times["t_closed"][case] = env._now

    def _reopen(self, case: int, i: int) -> None:
        """The check failed: the problem is there again and goes back to the command room."""
        tab = self.world.incidents.table
        attrs: dict[str, float | np.ndarray] = {"t_selfclear": np.inf, "t_merchant": np.inf, "t_report": np.inf,
                 "report_channel": 0, "u_flee": 1.0,
                 "u_ladder": np.zeros(tab.u_ladder.shape[1])}  # the redo complies
        j = spawn(self.world, self.env._now, tab.type_of[i], tab.zone_of[i], attrs,
                  SOURCE_REOPEN, recurrence_of=i)
        self.case_of[j] = case
        self.reopens[case] += 1
        self.world.incidents.report(j, self.reopen_channel)

    def records(self) -> dict[str, np.ndarray]:
        """The cases as arrays (first incident, reopen count, the four times); cases still
        being handled when the run stopped come last, with no times."""
        self._open_at_end()
        out = {"incident": np.array(self.first, dtype=np.int64),
               "reopens": np.array(self.reopens, dtype=np.int64)}
        out.update({name: np.array(values, dtype=float) for name, values in self.times.items()})
        return out

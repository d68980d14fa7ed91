"""A walk through the zones of a path, as its own SimPy event.

Walking from zone to zone, an officer passes through the zones on the way: it enters each at
its share of the trip's time (``Fleet.enter``). A walk is one object put back on SimPy's queue
for each zone entry, with the priority and tie-breaking counter a ``simpy.Timeout`` gets, so
the order of events is what a chain of timeouts gives, without allocating an event per zone.
SimPy's loop needs three things of what it pops: ``callbacks`` (each called with the event),
``_ok`` and ``_value`` (see ``sim.engine.calls``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simpy.events import NORMAL

if TYPE_CHECKING:
    from sim.engine.fleet import Fleet
    from sim.engine.officers import Officer

__all__ = ["ENTER_NEXT", "NORMAL", "Walk"]


class Walk:
    """One officer's trip along ``path`` (the zones after the start, ending with the
    destination), ``share`` minutes in each, started at ``t0``; ``k``: the next zone."""

    __slots__ = ("_ok", "_value", "callbacks", "fleet", "k", "officer", "path", "share", "t0")

    def __init__(self, fleet: Fleet, officer: Officer, path: list[int], share: float,
                 t0: float) -> None:
        self.fleet = fleet
        self.officer = officer
        self.path = path
        self.share = share
        self.t0 = t0
        self.k = 0
        self.callbacks: tuple | None = None
        self._ok = True
        self._value = None


def _enter_next(walk: Walk) -> None:
    """SimPy's loop steps the walk: its officer enters the next zone."""
    walk.fleet.enter(walk)


ENTER_NEXT = (_enter_next,)  # the callbacks of a walk waiting for its next zone

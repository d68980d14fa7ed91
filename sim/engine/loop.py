"""The event loop: SimPy's ``Environment.run(until=...)``, written out for speed.

A year of the city benchmark processes millions of events; SimPy's loop pays a method call
and a ``try`` per event. This loop processes the same events in the same order: those
before the horizon, in (time, priority, insertion) order, and then sets the clock to the
horizon, as SimPy's ``run(until=horizon)`` does. A failed event that nobody handled stops
the run with its exception, as in SimPy.
"""

from __future__ import annotations

from heapq import heappop
from typing import Any

import simpy


def run_until(env: simpy.Environment, horizon: float) -> None:
    """Process every event scheduled before ``horizon``, then set the clock to it."""
    if horizon <= env.now:
        raise ValueError(f"until ({horizon}) must be greater than the current simulation time")
    queue: list[Any] = env._queue  # (time, priority, insertion number, event)
    while queue and queue[0][0] < horizon:
        env._now, _, _, event = heappop(queue)
        callbacks, event.callbacks = event.callbacks, None
        for callback in callbacks:
            callback(event)
        if not event._ok and not hasattr(event, "_defused"):
            _crash(event)
    env._now = horizon


def _crash(event: simpy.Event) -> None:
    """Raise the failure of an event nobody handled (as SimPy does: a copy, chained)."""
    exc = type(event._value)(*event._value.args)
    exc.__cause__ = event._value
    raise exc

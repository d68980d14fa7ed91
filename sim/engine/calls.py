"""Plain callbacks on SimPy's clock, without the cost of a full event.

Zone entries on every trip, the case feeder and delayed actions (``World.at``) are hundreds of
thousands of scheduled calls a year that no process waits for (and ``timeout`` is SimPy's
timeout for the waits that a process does make, built faster). SimPy's event loop
(``Environment.step``) needs only three things of what it pops: ``callbacks`` (each called
with the event), ``_ok`` and ``_value``. A :class:`Call` is exactly that, and
:func:`call_later` puts it on SimPy's queue the way ``Environment.schedule`` does (same
priority, same tie-breaking counter), so the order of events — and every result — is what a
``simpy.Timeout`` with a callback gives, at about half the cost.
"""

from __future__ import annotations

from collections.abc import Callable
from heapq import heappush
from typing import Any

import simpy
from simpy.events import NORMAL, Timeout

_new = object.__new__


class Call:
    """``action(*args)``, run when SimPy's loop steps this object."""

    __slots__ = ("_ok", "_value", "action", "args", "callbacks")

    def __init__(self, action: Callable[..., Any], args: tuple[Any, ...]) -> None:
        self.action = action
        self.args = args
        self.callbacks: tuple[Call, ...] | None = (self,)
        self._ok = True
        self._value = None

    def __call__(self, _event: object) -> None:
        self.action(*self.args)


def call_later(env: simpy.Environment, delay: float, action: Callable[..., Any], *args: Any) -> None:
    """Call ``action(*args)`` ``delay`` minutes from now, ordered exactly as a Timeout."""
    push(env, delay, Call(action, args))


def push(env: simpy.Environment, delay: float, event: Any) -> None:
    """Put ``event`` on SimPy's queue ``delay`` minutes from now, ordered exactly as a Timeout.

    ``event`` is any object with ``callbacks`` (set them before each push: the loop clears
    them), ``_ok`` (True) and ``_value``: a ``Call``, or a long-lived object stepped again and
    again (the feeder), which then costs no new object per step.
    """
    queue: list[Any] = env._queue
    heappush(queue, (env._now + delay, NORMAL, next(env._eid), event))


def timeout(env: simpy.Environment, delay: float) -> Timeout:
    """``env.timeout(delay)``: the same event, scheduled the same way, built without SimPy's
    layers of calls (a year's run waits on millions of them)."""
    if delay < 0:
        raise ValueError(f"Negative delay {delay}")
    event: Timeout = _new(Timeout)
    event.env = env
    event.callbacks = []
    event._value = None
    event._delay = delay
    event._ok = True
    heappush(env._queue, (env._now + delay, NORMAL, next(env._eid), event))
    return event

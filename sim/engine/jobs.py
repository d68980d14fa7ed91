"""A job: a visit an officer must make (the unit of dispatch)."""

from __future__ import annotations

from collections.abc import Callable


class Job:
    """A visit an officer must make: the first response to an incident, or a re-inspection."""

    __slots__ = ("_ok", "_value", "callbacks", "incident", "reinspect", "t_queued")

    def __init__(self, incident: int, reinspect: bool = False, t_queued: float = 0.0) -> None:
        self.incident = incident
        self.reinspect = reinspect
        self.t_queued = t_queued
        # A job can wait on SimPy's queue itself (``sim.engine.calls.push``) while the command
        # room handles the report: no separate event object.
        self.callbacks: tuple[Callable[[Job], None], ...] | None = None
        self._ok = True
        self._value = None

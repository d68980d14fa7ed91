"""A job: a visit an officer must make (the unit of dispatch)."""

from __future__ import annotations


class Job:
    """A visit an officer must make: the first response to an incident, or a re-inspection."""

    __slots__ = ("incident", "reinspect", "t_queued")

    def __init__(self, incident: int, reinspect: bool = False, t_queued: float = 0.0) -> None:
        self.incident = incident
        self.reinspect = reinspect
        self.t_queued = t_queued

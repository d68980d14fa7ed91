"""The command room: files reported cases, dispatches officers, keeps the waiting queue.

Jobs wait in one FCFS queue per priority class (1 first). A new job goes at once to the best
free eligible officer (nearest by travel time, or first free on the zone's run card) — a dispatch
interrupts patrol, never another job. An officer who becomes free takes the oldest job of the
highest priority that it is eligible for.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

from sim.engine.jobs import Job
from sim.engine.remote import serve_notice
from sim.engine.table import AWAITING_DEADLINE, ENDED
from sim.rng import uniform_stream

if TYPE_CHECKING:
    from sim.engine.officer import Officer
    from sim.engine.ports import WorldPort


class CommandRoom:
    """Dispatching and the queue of jobs waiting for an officer."""

    def __init__(self, world: WorldPort) -> None:
        self.world = world
        self.queues: dict[int, deque[Job]] = {}
        self.order: list[deque[Job]] = []  # the queues by priority, most urgent first
        self.delay = world.scenario.dispatch.handling_delay
        self.rng = uniform_stream(world.streams.get("command_room"), [self.delay])
        self.priority = [world.scenario.incidents[n].priority for n in world.layout.type_names]
        self.remote = [world.scenario.incidents[n].ladder[0].remote
                       for n in world.layout.type_names]  # notice by message (remote.py)
        self.any_remote = any(self.remote)

    def receive(self, i: int) -> None:
        """A case reported by camera, hotline or patrol: filed, then dispatched after a delay
        (or, for a type whose notice is remote, the notice sent)."""
        t = self.world.env._now + self.delay.draw(self.rng)
        if self.any_remote and self.remote[self.world.incidents.table.type_of[i]]:
            self.world.at(t, serve_notice, self.world, i)
        else:
            self.world.at(t, self.new_job, Job(i))

    def reinspect_due(self, i: int) -> None:
        """A rectification deadline has passed: someone must go and check."""
        self.new_job(Job(i, reinspect=True))

    def new_job(self, job: Job) -> None:
        tab = self.world.incidents.table
        if self._stale(job):
            return
        job.t_queued = self.world.env._now
        if not job.reinspect:
            self.world.incidents.file(job.incident, job.t_queued)
        officer = self.world.officers.choose_for(tab.zone_of[job.incident])
        if officer is not None:
            self.world.officers.assign(officer, job)
        else:
            self._queue_of(self.priority[tab.type_of[job.incident]]).append(job)

    def _queue_of(self, priority: int) -> deque[Job]:
        """The waiting queue of a priority class (created, in priority order, when first used)."""
        if priority not in self.queues:
            self.queues[priority] = deque()
            self.order = [self.queues[p] for p in sorted(self.queues)]
        return self.queues[priority]

    def _stale(self, job: Job) -> bool:
        state = self.world.incidents.table.state[job.incident]
        return state == ENDED or (job.reinspect and state != AWAITING_DEADLINE)

    def next_job_for(self, officer: Officer) -> Job | None:
        """The oldest highest-priority queued job this officer may take, removed from the queue."""
        for queue in self.order:
            while queue and self._stale(queue[0]):
                queue.popleft()
            job = self._first_takeable(queue, officer) if queue else None
            if job is not None:
                return job
        return None

    def _first_takeable(self, queue: deque[Job], officer: Officer) -> Job | None:
        """The first job of ``queue`` the officer may take, removed from the queue."""
        zone_of, fleet = self.world.incidents.table.zone_of, self.world.officers
        for pos, job in enumerate(queue):
            if not self._stale(job) and fleet.may_take(officer, zone_of[job.incident]):
                del queue[pos]
                return job
        return None

    def queue_length(self) -> int:
        return sum(len(q) for q in self.queues.values())

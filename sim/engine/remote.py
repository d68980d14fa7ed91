"""Remote notices: a rectification deadline served by message, without an officer visit.

A type whose first ladder step has ``remote: true`` gets its notice from the command room
when the case is filed (a message to the site managers' group): the party has until the
deadline, and an officer goes once, to re-inspect at the deadline (``run_job``'s
re-inspection: resolved if fixed, otherwise the ladder goes on from the next step).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.engine.table import ENDED

if TYPE_CHECKING:
    from sim.engine.ports import WorldPort


def serve_notice(world: WorldPort, i: int) -> None:
    """Send the notice of incident ``i`` now and schedule its re-inspection at the deadline."""
    tab = world.incidents.table
    if tab.state[i] == ENDED:
        return  # ended by itself while being filed
    now = world.env._now
    spec = world.types[tab.type_of[i]].ladder[0]
    u = tab.u_ladder[i, 0]
    deadline = spec.deadline_min
    assert deadline is not None  # a remote notice always has one (checked when loading)
    tab.t_queued[i] = tab.t_dispatch[i] = tab.t_arrive[i] = tab.t_notice[i] = now
    tab.ladder_step[i] = 1
    world.incidents.notice(i, now, deadline, spec.compliance, u)
    world.at(now + deadline, world.command.reinspect_due, i)

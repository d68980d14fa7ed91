"""Recurrence: resolved disorder that comes back to the same place."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.demand.arrivals import draw_attributes

if TYPE_CHECKING:
    from sim.engine.world import World


class Recurrences:
    """Creates follow-up incidents after resolutions, per the type's recurrence probability."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.count = 0

    def maybe_recur(self, i: int) -> None:
        world = self.world
        tab = world.incidents.table
        t_idx = int(tab.type_idx[i])
        name = world.layout.type_names[t_idx]
        itype = world.scenario.incidents[name]
        if itype.recurrence <= 0:
            return
        rng = world.streams.get(f"recurrence/{name}")
        if rng.random() >= itype.recurrence:
            return
        t = world.env.now + itype.recurrence_delay.draw(rng)
        if t >= world.layout.horizon:
            return
        zone = int(tab.zone_idx[i])
        attrs = draw_attributes(
            world.scenario,
            world.layout,
            name,
            np.array([t]),
            np.array([zone]),
            world.streams.get(f"recurrence_attributes/{name}"),
            tab.u_ladder.shape[1],
        )
        row = {key: value[0] for key, value in attrs.items()}
        j = tab.append(
            {"t_occur": t, "type_idx": t_idx, "zone_idx": zone, "recurrence_of": i, **row}
        )
        self.count += 1
        book = world.incidents
        t_end = min(row["t_selfclear"], row["t_merchant"])
        world.at(t, book.occur, j)
        if row["t_report"] < t_end:
            world.at(row["t_report"], book.report, j)
        if np.isfinite(t_end):
            world.at(t_end, book.end_by_itself, j)

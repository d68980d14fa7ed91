"""Recurrence: resolved disorder that comes back to the same place.

Vendor and parking incidents do not recur here: their models decide who comes back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.demand.arrivals import AttributePool
from sim.engine.spawn import (
    SOURCE_PARKING,
    SOURCE_RECURRENCE,
    SOURCE_VENDOR,
    spawn,
)

if TYPE_CHECKING:
    from sim.engine.world import World


class Recurrences:
    """Creates follow-up incidents after resolutions, per the type's recurrence probability."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.count = 0
        self.pools: dict[str, AttributePool] = {}

    def _pool(self, name: str) -> AttributePool:
        pool = self.pools.get(name)
        if pool is None:
            world = self.world
            pool = AttributePool(
                world.scenario, world.layout, name,
                world.streams.get(f"recurrence_attributes/{name}"),
                world.incidents.table.u_ladder.shape[1],
            )
            self.pools[name] = pool
        return pool

    def maybe_recur(self, i: int) -> None:
        """Perhaps schedule a follow-up of incident ``i`` (just resolved) at the same place."""
        world = self.world
        tab = world.incidents.table
        t_idx = int(tab.type_idx[i])
        name = world.layout.type_names[t_idx]
        itype = world.scenario.incidents[name]
        if itype.recurrence <= 0 or tab.source[i] in (SOURCE_VENDOR, SOURCE_PARKING):
            return
        rng = world.streams.get(f"recurrence/{name}")
        if rng.random() >= itype.recurrence:
            return
        t = world.env.now + itype.recurrence_delay.draw(rng)
        if t >= world.layout.horizon:
            return
        zone = int(tab.zone_idx[i])
        row = self._pool(name).row(t, zone)
        if itype.shop_front:
            row["t_merchant"] = world.cards.merchant_fix(i, t, row["t_merchant"])
        j = spawn(world, t, t_idx, zone, row, SOURCE_RECURRENCE, recurrence_of=i)
        world.cards.inherit(i, j)
        self.count += 1

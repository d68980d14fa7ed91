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
    from sim.engine.ports import WorldPort


class Recurrences:
    """Creates follow-up incidents after resolutions, per the type's recurrence probability."""

    def __init__(self, world: WorldPort) -> None:
        self.world = world
        self.count = 0
        self.pools: dict[str, AttributePool] = {}
        # Per type index: the type's spec and its recurrence stream (looked up once).
        self.specs = world.types
        self.rngs = [world.streams.get(f"recurrence/{name}") for name in world.layout.type_names]

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
        t_idx = tab.type_of[i]
        itype = self.specs[t_idx]
        if itype.recurrence <= 0 or int(tab.source[i]) in (SOURCE_VENDOR, SOURCE_PARKING):
            return
        rng = self.rngs[t_idx]
        if rng.random() >= itype.recurrence:
            return
        name = world.layout.type_names[t_idx]
        t = world.env._now + itype.recurrence_delay.draw(rng)
        if t >= world.layout.horizon:
            return
        zone = tab.zone_of[i]
        row = self._pool(name).row(t, zone)
        if itype.shop_front:
            row["t_merchant"] = world.cards.merchant_fix(i, t, float(row["t_merchant"]))
        j = spawn(world, t, t_idx, zone, row, SOURCE_RECURRENCE, recurrence_of=i)
        world.cards.inherit(i, j)
        self.count += 1

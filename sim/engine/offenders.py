"""Offenders with a history in the engine: deterrence by sanction, escalation by record.

``ShopSanctions`` makes card points change what a shop does next: while a contracted shop
holds a card, each of its shop-front offences is given up (never occurs) with probability
1 − (1 − effect)^card (card 1 yellow, 2 red). The draw for incident i is a uniform drawn
before the run (stream ``door_front/sanction``), so the same offence meets the same draw in
every scenario (common random numbers). It replaces the feeder's occurrence handler only
when the effect is on: nothing is added per event otherwise.

``Escalation`` gives every catalog type that asks for it what the vendor model gives
vendors: the n-th offence of the same offender starts the ladder at ``ladder_by_offence
[n − 1]``, and the first offence of a ``minor`` type ends with a warning. The offender is
the shop (door-front model) or else the place: a recurrence repeats the offender of the
incident it follows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.engine.ports import WorldPort


class ShopSanctions:
    """Carded shops give up a share of their offending while the card holds."""

    def __init__(self, world: WorldPort, n_exogenous: int) -> None:
        cards = world.cards
        self.world = world
        self.active = cards.active and cards.cards.sanction_effect > 0
        self.keep = 1.0 - cards.cards.sanction_effect
        self.deterred: list[int] = []
        self.u = (world.streams.get("door_front/sanction").random(n_exogenous)
                  if self.active else np.empty(0))

    def wrap(self, occur: Callable[[int], None]) -> Callable[[int], None]:
        """The occurrence handler to use: ``occur`` itself, or one that may deter first."""
        if not self.active:
            return occur
        cards, u, keep, now = self.world.cards, self.u.tolist(), self.keep, self.world.env

        def occur_unless_deterred(i: int) -> None:
            card = cards.card(i, now.now) if i < len(u) else 0
            if card and u[i] >= keep**card:
                self._deter(i)
                return
            occur(i)

        return occur_unless_deterred

    def _deter(self, i: int) -> None:
        """Offence ``i`` never happens: its later events are skipped, its row dropped."""
        self.world.incidents.deter(i)
        self.deterred.append(i)


class Escalation:
    """Ladder start by offence count and first-offence warnings for the catalog's types."""

    def __init__(self, world: WorldPort) -> None:
        self.world = world
        vendor_type = (world.scenario.demand.vendors.incident_type
                       if world.vendors.active else None)
        self.rules: list[tuple[list[int], bool] | None] = [
            None if name == vendor_type or not (t.ladder_by_offence or t.minor)
            else (list(t.ladder_by_offence or [0]), t.minor)
            for name, t in zip(world.layout.type_names, world.types)
        ]
        self.active = any(r is not None for r in self.rules)
        self.offences: dict[tuple[int, int, int], int] = {}

    def offender(self, i: int) -> tuple[int, int, int]:
        """(kind, a, b): (0, zone, shop) for a shop, else (1, first incident of the chain, 0)."""
        cards = self.world.cards
        if i < len(cards.shop) and cards.shop[i] >= 0:
            return 0, self.world.incidents.table.zone_of[i], cards.shop[i]
        before = self.world.incidents.table.recurrence_of
        root = i
        while before[root] >= 0:
            root = int(before[root])
        return 1, root, 0

    def on_scene(self, i: int) -> None:
        """An officer starts the ladder with incident ``i``: its offender's record counts."""
        tab = self.world.incidents.table
        rule = self.rules[tab.type_of[i]]
        if rule is None:
            return
        by_offence, minor = rule
        key = self.offender(i)
        n = self.offences.get(key, 0)
        self.offences[key] = n + 1
        last = len(self.world.types[tab.type_of[i]].ladder) - 1
        start = min(by_offence[min(n, len(by_offence) - 1)], last)
        step = self.world.incidents.start_ladder_at(i, start)
        if n == 0 and minor:
            self.world.incidents.warn_first(i, step)  # a warning: this step ends it


def shop_records(world: WorldPort) -> dict[str, np.ndarray]:
    """Per incident its shop (−1: none) and contract, the deterred offences and the card log
    (t, zone, shop, card at the visit); empty without the door-front model."""
    if not world.scenario.demand.door_front.enabled:
        return {}
    cards = world.cards
    return {
        "shop": np.array(cards.shop, dtype=np.int64),
        "contracted": np.array(cards.contracted, dtype=bool),
        "deterred": np.array(world.sanctions.deterred, dtype=np.int64),
        "cards": np.array(cards.log, dtype=float).reshape(-1, 4),
    }

"""What offenders perceive and remember: zone risk from officers, and shops' card points.

``Deterrence`` keeps one memory per zone (see ``sim.scenario.demand.Deterrence`` for the
formula): completed presence and enforcement events are folded into a decayed sum when they
happen; stays still under way add (1 − e^(−λ·elapsed)) / λ when the risk is read. Reading or
updating costs O(officers present in the zone). ``ShopCards`` keeps the red/yellow card
points of contracted shops and starts their cases higher up the ladder.
"""

from __future__ import annotations

import math
from collections import deque
from typing import TYPE_CHECKING

import numpy as np

from sim.engine.table import FLED, RESOLVED

if TYPE_CHECKING:
    from sim.engine.ports import WorldPort


class Deterrence:
    """Per-zone perceived risk of enforcement, fed by officer presence and enforcement."""

    def __init__(self, world: WorldPort) -> None:
        spec = world.scenario.demand.deterrence
        self.enabled = spec.enabled
        self.lam = math.log(2.0) / spec.half_life_min
        self.k = spec.k
        self.weight = spec.enforcement_weight
        n = world.layout.n_zones
        self.memory = [0.0] * n
        self.stamp = [0.0] * n
        self.ongoing: list[dict[int, float]] = [{} for _ in range(n)]
        self.where: dict[int, int] = {}
        self.world = world

    def arrive(self, officer: int, zone: int, t: float) -> None:
        """An officer becomes visible in ``zone`` (start of a patrol stay, post or job)."""
        self.leave(officer, t)
        self.ongoing[zone][officer] = t
        self.where[officer] = zone

    def leave(self, officer: int, t: float) -> None:
        """The officer's visible stay ends; it joins the zone's memory."""
        zone = self.where.pop(officer, None)
        if zone is None:
            return
        t0 = self.ongoing[zone].pop(officer)
        if self.enabled and t > t0:
            self.add_stay(zone, t0, t)

    def add_stay(self, zone: int, t0: float, t: float) -> None:
        """A visible stay in ``zone`` from ``t0`` ended at ``t`` (now): into the memory."""
        self._add(zone, t, -math.expm1(-self.lam * (t - t0)) / self.lam)

    def on_finish(self, i: int, outcome: int, t: float) -> None:
        """An officer resolved a case or made an offender flee: an enforcement event."""
        if self.enabled and outcome in (RESOLVED, FLED):
            self._add(self.world.incidents.table.zone_of[i], t, self.weight)

    def _add(self, zone: int, t: float, amount: float) -> None:
        decay = math.exp(-self.lam * (t - self.stamp[zone]))
        self.memory[zone] = self.memory[zone] * decay + amount
        self.stamp[zone] = t

    def pressure(self, zone: int, t: float) -> float:
        """P(t): decayed presence-minutes plus weighted enforcement events."""
        p = self.memory[zone] * math.exp(-self.lam * (t - self.stamp[zone]))
        for t0 in self.ongoing[zone].values():
            p -= math.expm1(-self.lam * (t - t0)) / self.lam
        return p

    def risk(self, zone: int, t: float) -> float:
        """Perceived risk 1 − exp(−k·P(t)); 0 when deterrence is disabled."""
        if not self.enabled:
            return 0.0
        return -math.expm1(-self.k * self.pressure(zone, t))

    def present(self, zone: int) -> bool:
        """Is an officer visibly present in ``zone`` now?"""
        return bool(self.ongoing[zone])


class ShopCards:
    """Red/yellow card points of contracted shops (door-front responsibility).

    Shop ids come from the door-front model for exogenous incidents; a recurrence inherits
    the shop of the incident it repeats.
    """

    def __init__(self, world: WorldPort, shops: np.ndarray, contracted: np.ndarray) -> None:
        spec = world.scenario.demand.door_front
        self.world = world
        self.spec = spec
        self.cards = spec.cards
        self.active = spec.enabled and spec.cards.enabled  # do card points count at all?
        self.shop = shops.tolist()  # per incident: shop id or −1 (grows with recurrences)
        self.contracted = contracted.tolist()
        self.points: dict[tuple[int, int], deque[float]] = {}
        self.memory = spec.cards.memory_days * 1440.0
        self.rng = world.streams.get("door_front/recurrence")
        self.log: list[tuple[float, int, int, int]] = []  # (t, zone, shop, card at the visit)

    def inherit(self, i: int, j: int) -> None:
        """Incident ``j`` repeats ``i``: same shop."""
        if self.spec.enabled and i < len(self.shop):
            self.shop.extend([-1] * (j + 1 - len(self.shop)))
            self.contracted.extend([False] * (j + 1 - len(self.contracted)))
            self.shop[j], self.contracted[j] = self.shop[i], self.contracted[i]

    def merchant_fix(self, i: int, t: float, default: float) -> float:
        """When the shop of incident ``i`` fixes a repeat at ``t`` itself (inf: never)."""
        if not self.spec.enabled:
            return default
        if i >= len(self.shop) or not self.contracted[i]:
            return np.inf
        det = self.world.scenario.detection.door_front
        u, delay = self.rng.random(), det.delay.draw(self.rng)
        return t + delay if u < det.fix_share else np.inf

    def _key(self, i: int) -> tuple[int, int] | None:
        if not self.active or i >= len(self.shop):
            return None
        if not self.contracted[i]:
            return None
        return self.world.incidents.table.zone_of[i], self.shop[i]

    def _live(self, key: tuple[int, int], t: float) -> deque[float]:
        marks = self.points.setdefault(key, deque())
        while marks and marks[0] <= t - self.memory:
            marks.popleft()
        return marks

    def card(self, i: int, t: float) -> int:
        """0: none, 1: yellow, 2: red, for the shop of incident ``i`` at time ``t``."""
        key = self._key(i)
        if key is None:
            return 0
        n = len(self._live(key, t))
        return 2 if n >= self.cards.red_points else 1 if n >= self.cards.yellow_points else 0

    def on_scene(self, i: int, t: float) -> None:
        """An officer starts the ladder: a carded shop starts higher up."""
        key = self._key(i)
        if key is None:
            return
        card = self.card(i, t)
        book = self.world.incidents
        last = len(self.world.types[book.table.type_of[i]].ladder) - 1
        step = book.start_ladder_at(i, (0, min(self.cards.yellow_step, last), last)[card])
        if self.cards.clean_record_warning and not self.points.get(key):
            book.warn_first(i, step)  # a clean record: a warning
        self.log.append((t, key[0], key[1], card))

    def on_finish(self, i: int, outcome: int, t: float) -> None:
        """A case the officer resolved is an offence: one point."""
        key = self._key(i)
        if key is not None and outcome == RESOLVED:
            self._live(key, t).append(t)

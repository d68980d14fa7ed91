"""Door-front responsibility per zone and shop, applied to the exogenous incidents (numpy).

Each shop-front incident belongs to one of its zone's shop fronts, drawn uniformly or by the
shops' propensities (``sim.demand.propensity``); shops
``0 .. contracts−1`` of the zone are under contract. An incident of a contracted shop is
removed with probability ``rate_reduction`` (exact thinning of a Poisson process: the
contracted shops' rate falls by that share) and otherwise fixed by the shop itself with
``detection.door_front.fix_share`` after ``detection.door_front.delay``. Uncontracted shops
never fix their own disorder. In zones without shop fronts the incidents stay, unfixed.
"""

from __future__ import annotations

from dataclasses import fields

import numpy as np

from sim.compiled import Layout
from sim.demand.arrivals import IncidentBatch
from sim.demand.propensity import pick_shops
from sim.scenario.model import Scenario

INF = np.inf


def contracts_per_zone(scenario: Scenario, layout: Layout) -> tuple[np.ndarray, np.ndarray]:
    """(shop fronts, contracted shop fronts) per zone, in layout order."""
    shops = np.array([z.shop_fronts for z in scenario.district.all_zones()], dtype=np.int64)
    return shops, np.minimum(_contracts(scenario, layout, shops), shops)


def _contracts(scenario: Scenario, layout: Layout, shops: np.ndarray) -> np.ndarray:
    """Per zone: its contracts as given, else the contract share of its shop fronts."""
    given = scenario.demand.door_front.contracts
    share = scenario.detection.door_front.contract_share
    return np.array([given.get(zid, int(round(share * n)))
                     for zid, n in zip(layout.zone_ids, shops)], dtype=np.int64)


def apply_door_front(
    scenario: Scenario, layout: Layout, batch: IncidentBatch, rng: np.random.Generator,
    weights: list[np.ndarray] | None = None,
) -> tuple[IncidentBatch, np.ndarray, np.ndarray]:
    """Thin and re-decide shop fixes of shop-front incidents.

    ``weights`` (per zone, the shops' propensities; see ``sim.demand.propensity``) share a
    zone's incidents among its shops; without them every shop is equally likely.

    Returns:
        The kept incidents, their shop ids (−1: not a shop-front incident or no shops) and
        whether that shop is under contract.
    """
    det = scenario.detection.door_front
    n = len(batch)
    shops, contracts = contracts_per_zone(scenario, layout)
    u_shop, u_thin, u_fix = rng.random(n), rng.random(n), rng.random(n)
    delay = det.delay.sample(rng, n)
    zone_shops = shops[batch.zone_idx]
    front = _shop_front_types(scenario, layout)[batch.type_idx]
    mine = front & (zone_shops > 0)
    shop = _shops(u_shop, batch.zone_idx, zone_shops, mine, weights)
    contracted = mine & (shop < contracts[batch.zone_idx])
    keep = ~(contracted & (u_thin < scenario.demand.door_front.rate_reduction))
    fixes = contracted & (u_fix < det.fix_share)
    t_merchant = np.where(front, np.where(fixes, batch.t_occur + delay, INF), batch.t_merchant)
    return _kept(batch, keep, t_merchant), shop[keep], contracted[keep]


def _shop_front_types(scenario: Scenario, layout: Layout) -> np.ndarray:
    """Per incident type of the layout: is it a shop-front type?"""
    names = layout.type_names
    return np.array([scenario.incidents[name].shop_front for name in names], dtype=bool)


def _shops(u: np.ndarray, zone_idx: np.ndarray, zone_shops: np.ndarray, mine: np.ndarray,
           weights: list[np.ndarray] | None) -> np.ndarray:
    """Each incident's shop (−1 unless ``mine``): uniform, or by the shops' propensities."""
    if weights is None:
        return np.where(mine, np.floor(u * zone_shops).astype(np.int64), -1)
    return np.where(mine, pick_shops(u, zone_idx, weights), -1)


def _kept(batch: IncidentBatch, keep: np.ndarray, t_merchant: np.ndarray) -> IncidentBatch:
    """The rows ``keep`` of ``batch``, with the new shop-fix times."""
    columns = {f.name: getattr(batch, f.name) for f in fields(batch)}
    columns["t_merchant"] = t_merchant
    return IncidentBatch(**{name: value[keep] for name, value in columns.items()})

"""Offenders with a history: concentrated offending, cards that deter, escalation by record."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from sim.demand.propensity import (
    draw_weights,
    lognormal_sigma,
    pick_shops,
    top_share_of,
    two_class_ratio,
)
from sim.engine.world import World
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import with_changes
from sim.scenario.model import Scenario
from sim.scenario.offenders import Offending
from tests.test_door_front import shop_scenario

CONCENTRATED = {"kind": "lognormal", "top_share": 0.06, "offence_share": 0.52}


def test_lognormal_sigma_formula() -> None:
    # sigma = Phi^-1(1 - x) - Phi^-1(1 - y); a symmetric case: x = 0.5 needs Phi^-1(1 - y)
    assert lognormal_sigma(0.5, 0.5) == pytest.approx(0.0, abs=1e-12)
    assert lognormal_sigma(0.08, 0.29) == pytest.approx(1.4051 - 0.5534, abs=1e-3)
    assert two_class_ratio(0.1, 0.5) == pytest.approx(9.0)  # 0.9 / 0.1


@pytest.mark.parametrize("kind", ["lognormal", "two_class"])
@pytest.mark.parametrize(("x", "y"), [(0.08, 0.29), (0.06, 0.52), (0.2, 0.8)])
def test_realised_concentration_matches_the_request(kind: str, x: float, y: float) -> None:
    """The top x of shops (by propensity) draw y of 200,000 offences, within 0.02."""
    rng = np.random.default_rng(11)
    spec = Offending(kind=kind, top_share=x, offence_share=y)  # type: ignore[arg-type]
    w = draw_weights(spec, 5000, rng)
    shops = pick_shops(rng.random(200_000), np.zeros(200_000, dtype=np.int64), [w])
    counts = np.bincount(shops, minlength=len(w))
    assert top_share_of(counts, w, x) == pytest.approx(y, abs=0.02)


def test_even_offending_spreads_evenly() -> None:
    w = draw_weights(Offending(), 100, np.random.default_rng(1))
    assert (w == 1.0).all()


def test_concentration_needs_more_than_the_fair_share() -> None:
    with pytest.raises(ScenarioError, match="offence_share"):
        with_changes(shop_scenario(), {"demand.door_front.offending":
                                       {"kind": "lognormal", "top_share": 0.3,
                                        "offence_share": 0.2}})


def cards_scenario(offending: dict, cards: bool) -> Scenario:
    """All 400 shops of B2 contracted; 30 days; a card halves a shop's offending."""
    return with_changes(shop_scenario(1.0), {
        "clock.days": 30, "district.grid.patches.B2.shop_fronts": 400,
        "demand.door_front.offending": offending,
        "demand.door_front.cards": {"enabled": cards, "sanction_effect": 0.5},
    })


def shop_offences(world: World) -> Counter:
    """Shop-front offences that happened, per (zone, shop)."""
    tab, shop = world.incidents.table, world.cards.shop
    gone = set(world.sanctions.deterred)
    return Counter((tab.zone_of[i], shop[i]) for i in range(len(shop))
                   if shop[i] >= 0 and i not in gone)


def card_effect(offending: dict, reps: int = 4) -> tuple[float, float]:
    """(carded shops' offences, all shops' offences): cards on ÷ cards off, pooled over
    replications under common random numbers (same seeds, same shops' propensities)."""
    carded_on = carded_off = all_on = all_off = 0
    for rep in range(reps):
        on = World(cards_scenario(offending, True), rep)
        off = World(cards_scenario(offending, False), rep)
        on.run()
        off.run()
        carded = {(z, s) for _, z, s, card in on.cards.log if card > 0}
        a, b = shop_offences(on), shop_offences(off)
        carded_on += sum(a[k] for k in carded)
        carded_off += sum(b[k] for k in carded)
        all_on, all_off = all_on + sum(a.values()), all_off + sum(b.values())
    return carded_on / carded_off, all_on / all_off


def test_cards_cut_repeat_offences_when_offending_concentrates() -> None:
    carded, everyone = card_effect(CONCENTRATED)
    assert carded < 0.75  # measured 0.6x: the carded few offend a third less
    assert everyone < 0.88  # measured 0.80: they are much of the offending


def test_cards_do_little_when_offending_is_even() -> None:
    carded, everyone = card_effect({"kind": "even"})
    assert everyone > 0.92  # measured 0.95: a card falls on shops no more prone than others

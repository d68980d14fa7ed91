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
from tests.demand.test_door_front import shop_scenario

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


def escalation_scenario(**graffiti: object) -> Scenario:
    """Graffiti that recurs (no shops: the offender is the place), door-front model off."""
    spec = {"rate_per_day": {"commercial": 6, "residential": 2}, "recurrence": 0.6,
            "recurrence_delay": 120, "ladder": [
                {"name": "persuade", "duration": 5, "compliance": 0.3},
                {"name": "order", "duration": 8, "compliance": 0.3},
                {"name": "fine", "duration": 20}], **graffiti}
    return with_changes(shop_scenario(), {"demand.door_front.enabled": False,
                                          "incidents.graffiti": spec})


def test_ladder_starts_by_offence_count_along_a_recurrence_chain() -> None:
    world = World(escalation_scenario(ladder_by_offence=[0, 1, 2], minor=True), 0)
    tab, esc = world.incidents.table, world.escalation
    graffiti = world.layout.type_names.index("graffiti")
    i, j, k = (int(x) for x in np.flatnonzero(tab.type_idx[: tab.n] == graffiti)[:3])
    tab.recurrence_of[j], tab.recurrence_of[k] = i, j  # j repeats i, k repeats j
    for x in (i, j, k):
        esc.on_scene(x)
    assert [int(tab.ladder_step[x]) for x in (i, j, k)] == [0, 1, 2]
    assert tab.u_ladder[i, 0] == 0.0  # minor: the first offence ends with a warning
    assert tab.u_ladder[j, 1] != 0.0  # later ones do not


def test_escalation_is_off_unless_asked() -> None:
    world = World(escalation_scenario(), 0)
    assert not world.escalation.active


def resolved_first_offences(scenario: Scenario) -> np.ndarray:
    """Steps taken on resolved graffiti cases that were the place's first offence."""
    world = World(scenario, 0)
    world.run()
    tab = world.incidents.table
    graffiti = world.layout.type_names.index("graffiti")
    n = tab.n
    rows = ((tab.type_idx[:n] == graffiti) & (tab.recurrence_of[:n] < 0)
            & (tab.outcome[:n] == 1))  # RESOLVED
    return tab.ladder_step[:n][rows]


def test_minor_types_get_a_warning_first() -> None:
    plain = resolved_first_offences(escalation_scenario())
    minor = resolved_first_offences(escalation_scenario(minor=True))
    assert (plain > 1).mean() > 0.5  # compliance 0.3: most need more than one step
    assert (minor == 1).all() and len(minor) > 20


def test_repeat_places_start_higher_in_a_run() -> None:
    world = World(escalation_scenario(ladder_by_offence=[0, 2]), 0)
    world.run()
    tab = world.incidents.table
    n = tab.n
    graffiti = world.layout.type_names.index("graffiti")
    worked = (tab.type_idx[:n] == graffiti) & (tab.outcome[:n] == 1)
    repeats = worked & (tab.recurrence_of[:n] >= 0)
    assert repeats.sum() > 10
    assert (tab.ladder_step[:n][repeats] == 3).all()  # started at the fine (step 2), did it


def test_a_shop_is_one_offender_across_its_incidents() -> None:
    scenario = with_changes(shop_scenario(1.0), {
        "incidents.out_of_store.ladder_by_offence": [0, 1],
        "demand.door_front.cards.enabled": False,
    })
    world = World(scenario, 0)
    tab, cards = world.incidents.table, world.cards
    i, j, k = (int(x) for x in np.flatnonzero(np.array(cards.shop) >= 0)[:3])
    cards.shop[j], tab.zone_of[j] = cards.shop[i], tab.zone_of[i]  # the same shop twice
    cards.shop[k], tab.zone_of[k] = cards.shop[i] + 1, tab.zone_of[i]  # the shop next door
    for x in (i, j, k):
        world.escalation.on_scene(x)
    assert [int(tab.ladder_step[x]) for x in (i, j, k)] == [0, 1, 0]

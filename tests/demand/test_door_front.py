"""Door-front responsibility: contracts per zone thin shop-front disorder; cards escalate."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from sim.engine.spawn import SOURCE_CATALOG
from sim.engine.table import MERCHANT_FIXED, RESOLVED
from sim.engine.world import World
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import load_scenario, scenario_from_dict, with_changes
from sim.scenario.model import Scenario

LADDER = [
    {"name": "persuade", "duration": 5, "compliance": 0.5},
    {"name": "order", "duration": 8, "compliance": 0.5},
    {"name": "fine", "duration": 20},
]
SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def shop_scenario(share: float = 0.0, **door_front: Any) -> Scenario:
    """3 × 3 grid; B2 a commercial street of 100 shops, A1 without shops; one officer."""
    spec: dict[str, Any] = {"enabled": True, "rate_reduction": 0.5}
    spec.update(door_front)
    return scenario_from_dict({
        "name": "door", "seed": 5, "clock": {"days": 10, "warmup_days": 1},
        "district": {"grid": {"rows": 3, "cols": 3, "cell_m": 250, "shop_fronts": 20,
                              "patches": {"B2": {"kind": "commercial", "shop_fronts": 100},
                                          "A1": {"shop_fronts": 0}}}},
        "incidents": {
            "out_of_store": {"rate_per_day": {"commercial": 20, "residential": 3},
                             "shop_front": True, "self_clear": 180, "recurrence": 0.5,
                             "ladder": LADDER},
            "graffiti": {"rate_per_day": {"commercial": 1, "residential": 1}, "ladder": LADDER},
        },
        "detection": {"door_front": {"contract_share": share, "fix_share": 0.5}},
        "units": {"foot": {"count": 2, "home_zone": "B2",
                           "shifts": [{"start": "08:00", "end": "20:00"}]}},
        "demand": {"door_front": spec},
    })


def catalog(world: World) -> dict[str, set[tuple[float, int]]]:
    """(time, zone) of the exogenous catalog incidents, per type."""
    tab = world.incidents.table
    rows = np.flatnonzero(tab.source[: tab.n] == SOURCE_CATALOG)
    out: dict[str, set[tuple[float, int]]] = {}
    for i in rows:
        name = world.layout.type_names[int(tab.type_idx[i])]
        out.setdefault(name, set()).add((float(tab.t_occur[i]), int(tab.zone_idx[i])))
    return out


def test_contracts_lower_shop_front_incidents_exactly() -> None:
    none, most = catalog(World(shop_scenario(0.0), 0)), catalog(World(shop_scenario(0.8), 0))
    assert most["out_of_store"] < none["out_of_store"]  # a strict subset: exact thinning
    assert len(most["out_of_store"]) < 0.75 * len(none["out_of_store"])
    assert most["graffiti"] == none["graffiti"]  # not a shop-front type


def test_contracts_act_per_zone_and_need_shop_fronts() -> None:
    base = World(shop_scenario(0.0), 0)
    b2, a1 = base.layout.zone_index["B2"], base.layout.zone_index["A1"]
    only_b2 = catalog(World(shop_scenario(0.0, contracts={"B2": 100}), 0))["out_of_store"]
    everyone = catalog(World(shop_scenario(1.0), 0))["out_of_store"]
    before = catalog(base)["out_of_store"]
    assert {x for x in only_b2 if x[1] != b2} == {x for x in before if x[1] != b2}
    assert len([x for x in only_b2 if x[1] == b2]) < len([x for x in before if x[1] == b2])
    assert {x for x in everyone if x[1] == a1} == {x for x in before if x[1] == a1}  # no shops


def test_only_contracted_shops_fix_their_own_disorder() -> None:
    for share, fixes in ((0.0, False), (1.0, True)):
        world = World(shop_scenario(share), 0)
        world.run()
        tab = world.incidents.table
        fixed = tab.outcome[: tab.n] == MERCHANT_FIXED
        assert fixed.any() == fixes
        if fixes:
            contracted = np.zeros(tab.n, dtype=bool)
            contracted[: len(world.cards.contracted)] = world.cards.contracted[: tab.n]
            assert contracted[fixed].all()


def test_cards_start_repeat_offenders_higher_and_points_lapse() -> None:
    world = World(shop_scenario(1.0), 0)
    cards, tab = world.cards, world.incidents.table
    i, j = (int(k) for k in np.flatnonzero(np.array(cards.contracted))[:2])
    cards.shop[j], tab.zone_of[j] = cards.shop[i], tab.zone_of[i]  # the same shop twice
    steps = []
    for t in (0.0, 10.0, 20.0, 30.0, 40.0):
        tab.ladder_step[j] = 0
        cards.on_scene(j, t)
        steps.append(int(tab.ladder_step[j]))
        cards.on_finish(i, RESOLVED, t)  # another offence of that shop
    assert steps == [0, 0, 1, 1, 2]  # yellow at 2 points, red at 4 (defaults)
    tab.ladder_step[j] = 0
    cards.on_scene(j, 40.0 + 30 * 1440)  # points older than 30 days have lapsed
    assert int(tab.ladder_step[j]) == 0


def test_recurrences_keep_their_shop() -> None:
    world = World(shop_scenario(1.0), 0)
    world.run()
    tab, cards = world.incidents.table, world.cards
    shop_front = world.layout.type_names.index("out_of_store")
    a1 = world.layout.zone_index["A1"]
    n = tab.n
    repeats = np.flatnonzero((tab.recurrence_of[:n] >= 0) & (tab.type_idx[:n] == shop_front)
                             & (tab.zone_idx[:n] != a1))
    assert len(repeats) > 0
    for j in repeats:
        assert cards.shop[j] == cards.shop[int(tab.recurrence_of[j])] >= 0


def test_demand_references_are_checked() -> None:
    with pytest.raises(ScenarioError, match="demand.door_front.contracts.B2"):
        shop_scenario(contracts={"B2": 101})
    with pytest.raises(ScenarioError, match="Z9"):
        shop_scenario(contracts={"Z9": 1})
    with pytest.raises(ScenarioError, match="demand.vendors.incident_type"):
        with_changes(shop_scenario(), {"demand.vendors": {"enabled": True,
                                                          "incident_type": "vendor"}})


@pytest.mark.parametrize("name", ["door_front", "parking_supply", "vendor_night_market"])
def test_demand_scenarios_load(name: str) -> None:
    scenario = load_scenario(SCENARIOS / f"{name}.yaml")
    assert scenario.name == name

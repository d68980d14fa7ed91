"""sim.engine.deterrence.Deterrence: the zone memory of officer presence, against its formula.

P(t) = ∫ n(s)·e^(−λ(t−s)) ds over the visible stays (λ = ln 2 / half-life) and risk =
1 − exp(−k·P). ``Deterrence`` folds finished stays into a decayed sum and adds the stays
still under way when read; the tests compare it with the integral written out stay by stay.
The world is a stub holding only what ``Deterrence`` reads (the spec and the zone count).

Power (checked by injection): reading the pressure without the stays under way fails the
integral, leaving and risk tests; stamping a finished stay at its start instead of its end
(``self._add(zone, t0, ...)`` in ``add_stay``) fails the integral and leaving tests.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest

from sim.engine.deterrence import Deterrence
from sim.scenario.demand import Deterrence as DeterrenceSpec

HALF_LIFE = 20.0


def memory(n_zones: int = 2, **spec: float | bool) -> Deterrence:
    """A Deterrence of ``n_zones`` zones with a stub world."""
    spec_model = DeterrenceSpec(half_life_min=HALF_LIFE, **spec)  # type: ignore[arg-type]
    world = SimpleNamespace(scenario=SimpleNamespace(demand=SimpleNamespace(deterrence=spec_model)),
                            layout=SimpleNamespace(n_zones=n_zones))
    return Deterrence(world)  # type: ignore[arg-type]


def integral(stays: list[tuple[int, float, float]], zone: int, t: float) -> float:
    """∫ n(s)·e^(−λ(t−s)) ds over the stays (zone, start, end) in ``zone``, up to ``t``."""
    lam = math.log(2.0) / HALF_LIFE
    return sum((math.exp(-lam * (t - min(t1, t))) - math.exp(-lam * (t - t0))) / lam
               for z, t0, t1 in stays if z == zone and t0 < t)


def random_stays(seed: int) -> list[tuple[int, int, float, float]]:
    """(officer, zone, start, end): each of 3 officers moves between 2 zones, overlapping."""
    rng = np.random.default_rng(seed)
    stays = []
    for officer in range(3):
        t = float(rng.uniform(0, 30))
        for _ in range(6):
            length = float(rng.exponential(25.0))
            stays.append((officer, int(rng.integers(2)), t, t + length))
            t += length + float(rng.exponential(15.0))
    return stays


@pytest.mark.parametrize("seed", range(5))
def test_pressure_is_the_decayed_integral_of_presence(seed: int) -> None:
    stays = random_stays(seed)
    events = sorted([(t0, "arrive", o, z) for o, z, t0, _ in stays]
                    + [(t1, "leave", o, z) for o, z, _, t1 in stays])
    det = memory()
    checked = 0
    for t, what, officer, zone in events:
        if what == "arrive":
            det.arrive(officer, zone, t)
        else:
            det.leave(officer, t)
        for z in (0, 1):
            expected = integral([(zz, a, b) for _, zz, a, b in stays], z, t)
            assert det.pressure(z, t) == pytest.approx(expected, rel=1e-9, abs=1e-9)
            checked += expected > 1.0
    assert checked > 10  # the comparison was not made on empty zones only


def test_leaving_does_not_change_the_pressure() -> None:
    det = memory()
    det.arrive(7, 0, 10.0)
    during = det.pressure(0, 45.0)
    det.leave(7, 45.0)
    assert det.pressure(0, 45.0) == pytest.approx(during, rel=1e-12)
    assert during == pytest.approx(integral([(0, 10.0, 45.0)], 0, 45.0), rel=1e-12)


def test_memory_halves_every_half_life() -> None:
    det = memory()
    det.arrive(1, 1, 0.0)
    det.leave(1, 30.0)
    p = det.pressure(1, 30.0)
    assert p > 0 and det.pressure(0, 30.0) == 0.0
    for k in range(1, 5):
        assert det.pressure(1, 30.0 + k * HALF_LIFE) == pytest.approx(p / 2**k, rel=1e-12)


def test_risk_rises_with_presence_and_is_one_minus_exp_of_k_pressure() -> None:
    det = memory(k=0.1)
    det.arrive(1, 0, 0.0)
    risks = [det.risk(0, t) for t in (0.0, 5.0, 20.0, 60.0)]
    assert risks[0] == 0.0 and all(a < b for a, b in zip(risks, risks[1:]))
    assert risks[-1] == pytest.approx(1 - math.exp(-0.1 * det.pressure(0, 60.0)), rel=1e-12)
    assert det.risk(1, 60.0) == 0.0


def test_disabled_deterrence_has_no_risk_and_no_memory() -> None:
    det = memory(enabled=False)
    det.arrive(1, 0, 0.0)
    det.leave(1, 50.0)
    assert det.risk(0, 50.0) == 0.0 and det.memory == [0.0, 0.0]


def test_an_officer_is_present_in_one_zone_at_a_time() -> None:
    det = memory()
    det.arrive(3, 0, 0.0)
    assert det.present(0) and not det.present(1)
    det.arrive(3, 1, 10.0)  # moved on without an explicit leave: the stay in zone 0 ends
    assert det.present(1) and not det.present(0)
    assert det.pressure(0, 10.0) == pytest.approx(integral([(0, 0.0, 10.0)], 0, 10.0))
    det.leave(3, 12.0)
    det.leave(3, 20.0)  # a second leave is ignored
    assert not det.present(1)
    assert det.pressure(1, 20.0) == pytest.approx(integral([(1, 10.0, 12.0)], 1, 20.0))

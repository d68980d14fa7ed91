"""sim.engine.state: presence records packed in one number, and activity accounting.

A presence record keeps officer, zone and kind in one integer stored as a double (the fleet
inlines the packing on its hot path); ``sim.metrics.records`` unpacks them with
``presence_fields``. Every value the engine can produce must come back unchanged, also
after the round trip through float64.

Power (checked by injection): packing the zone in 15 bits (``<< 15``) instead of 16 fails
``test_presence_codes_round_trip``.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from sim.engine.state import (
    ACTIVITIES,
    PRESENCE_NAMES,
    PresenceLog,
    account,
    presence_code,
    presence_fields,
)


def test_presence_codes_round_trip() -> None:
    rng = np.random.default_rng(3)
    officers = np.concatenate([[0, 1, 4095, 65_535], rng.integers(0, 65_536, 200)])
    zones = np.concatenate([[0, 65_535, 1, 8000], rng.integers(0, 65_536, 200)])
    kinds = np.concatenate([[0, 3, 1, 2], rng.integers(0, len(PRESENCE_NAMES), 200)])
    codes = [presence_code(int(o), int(z), int(k)) for o, z, k in zip(officers, zones, kinds)]
    stored = np.array(codes, dtype=float)  # how the world keeps them
    back = presence_fields(stored.astype(np.int64))
    for got, want in zip(back, (officers, zones, kinds)):
        assert np.array_equal(got, want)
    assert presence_fields(presence_code(5, 7, 2)) == (5, 7, 2)  # scalars too


def test_codes_of_different_records_differ() -> None:
    codes = {presence_code(o, z, k) for o in range(4) for z in range(300) for k in range(4)}
    assert len(codes) == 4 * 300 * 4


def test_account_adds_minutes_to_the_current_shift_only() -> None:
    shift = dict.fromkeys(ACTIVITIES, 0.0)
    officer = SimpleNamespace(shift=shift)
    account(officer, "patrol_min", 12.5)
    account(officer, "patrol_min", 2.5)
    account(officer, "job_min", 4.0)
    assert shift["patrol_min"] == 15.0 and shift["job_min"] == 4.0
    assert sum(shift.values()) == 19.0
    account(SimpleNamespace(shift=None), "patrol_min", 5.0)  # off duty: nothing to add to


def test_presence_log_keeps_every_record_in_order_across_spills() -> None:
    """Records added through ``recent`` (spilled into the packed array now and then, as the
    fleet does) come back complete and in order, codes exact."""
    log = PresenceLog()
    rng = np.random.default_rng(1)
    rows = [(presence_code(int(o), int(z), int(k)), float(a), float(a) + float(d))
            for o, z, k, a, d in zip(rng.integers(0, 900, 10_000), rng.integers(0, 5000, 10_000),
                                     rng.integers(0, 4, 10_000), rng.random(10_000) * 5e5,
                                     rng.random(10_000) * 60)]
    for row in rows:
        log.recent += row
        if len(log.recent) >= PresenceLog.SPILL:
            log.spill()
    got = log.records()
    assert got.shape == (10_000, 3) and log.recent == []
    assert got.tolist() == [list(map(float, row)) for row in rows]
    assert (got[:, 0].astype(np.int64) == [row[0] for row in rows]).all()

"""Look-ups by zone kind: scenario tables keyed by ``ZoneKind`` read with the layout's text."""

from __future__ import annotations

from sim.demand.zone_kinds import ZONE_KINDS, for_kind, is_zone_kind
from sim.scenario.district import ZoneKind


def test_every_zone_kind_is_known_and_nothing_else() -> None:
    assert {"commercial", "residential", "park"} <= ZONE_KINDS
    assert all(is_zone_kind(kind) for kind in ZONE_KINDS)
    assert not is_zone_kind("Commercial")
    assert not is_zone_kind("")


def test_for_kind_reads_the_entry_or_gives_the_default() -> None:
    rates: dict[ZoneKind, float] = {"commercial": 2.5, "market": 0.0}
    assert for_kind(rates, "commercial", 1.0) == 2.5
    assert for_kind(rates, "market", 1.0) == 0.0  # a listed zero is not the default
    assert for_kind(rates, "school", 1.0) == 1.0  # a kind not listed
    assert for_kind(rates, "no_such_kind", None) is None  # not a zone kind at all

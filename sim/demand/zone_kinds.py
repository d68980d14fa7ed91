"""Look-ups by zone kind: scenario tables are keyed by ``ZoneKind``, the layout holds text."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeGuard, TypeVar, get_args

from sim.scenario.district import ZoneKind

ZONE_KINDS = frozenset(get_args(ZoneKind))
V = TypeVar("V")
D = TypeVar("D")


def is_zone_kind(kind: str) -> TypeGuard[ZoneKind]:
    """Is ``kind`` one of the zone kinds a scenario may name?"""
    return kind in ZONE_KINDS


def for_kind(table: Mapping[ZoneKind, V], kind: str, default: D) -> V | D:
    """``table``'s entry for the zone kind ``kind``, or ``default`` if it has none."""
    return table.get(kind, default) if is_zone_kind(kind) else default

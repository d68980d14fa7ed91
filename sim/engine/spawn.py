"""Creating incidents: the exogenous mix before the run, and new incidents during it.

Before the run the catalog's incidents pass the door-front model and are merged with the
charging-wire incidents of the parking model (all exogenous: replayed by the feeder). During
the run, recurrences, vendor set-ups and illegally parked vehicles are *spawned*: a row is
appended to the incident table and its known future events (occurrence, report, ending by
itself) are scheduled as plain callbacks.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import fields
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.demand.arrivals import IncidentBatch
from sim.demand.door_front import apply_door_front, contracts_per_zone
from sim.demand.propensity import zone_weights
from sim.engine.calls import timeout

if TYPE_CHECKING:
    import simpy

    from sim.engine.ports import WorldPort

# Where an incident came from (column ``source`` of the incident table)
SOURCE_CATALOG, SOURCE_RECURRENCE, SOURCE_VENDOR, SOURCE_PARKING, SOURCE_CHARGING = range(5)
SOURCE_REOPEN = 5  # a case whose check failed (sim.engine.workflow)
SOURCE_NAMES = ("catalog", "recurrence", "vendor", "parking", "charging", "reopen")


def as_lists(columns: dict[str, np.ndarray]) -> dict[str, list | np.ndarray]:
    """One-dimensional columns as Python lists (faster to read one item at a time), others
    (``u_ladder``) as they are: for callers that take rows one by one during the run."""
    return {key: value.tolist() if value.ndim == 1 else value for key, value in columns.items()}


def attribute_row(attrs: dict[str, list | np.ndarray], k: int) -> dict[str, float | np.ndarray]:
    """Row ``k`` of the columns from ``draw_attributes`` (u_ladder stays an array)."""
    return {key: value[k] for key, value in attrs.items()}


def spawn(
    world: WorldPort,
    t: float,
    type_idx: int,
    zone: int,
    attrs: dict[str, float | np.ndarray],
    source: int,
    recurrence_of: int = -1,
) -> int:
    """Add an incident occurring at ``t`` (now or later) and schedule its exogenous events.

    Args:
        world: The replication.
        t: Occurrence time: now (it occurs at once) or later (in an event of its own).
        type_idx: Index into ``layout.type_names``.
        zone: Zone index.
        attrs: One row of ``draw_attributes`` (absolute times).
        source: One of the ``SOURCE_*`` codes.
        recurrence_of: The incident this one repeats, if any.

    Returns:
        The new incident's index.
    """
    tab = world.incidents.table
    book = world.incidents
    if world.layers is not None and source != SOURCE_REOPEN:
        attrs = world.layers.row(attrs, t, type_idx, zone)
    j = tab.append({"t_occur": t, "type_idx": type_idx, "zone_idx": zone,
                    "recurrence_of": recurrence_of, "source": source, **attrs})
    t_end = min(float(attrs["t_selfclear"]), float(attrs["t_merchant"]))
    if t > world.env._now:
        world.at(t, book.occur, j)
    else:  # a vendor setting up, a driver parking: it happens now
        book.occur(j)
    if attrs["t_report"] < t_end:
        world.at(float(attrs["t_report"]), book.report, j)
    if np.isfinite(t_end):
        world.at(t_end, book.end_by_itself, j)
    return j


def replay(world: WorldPort, times: np.ndarray,
           action: Callable[[int], None]) -> Generator[simpy.Event, Any, None]:
    """A process calling ``action(k)`` at ``times[k]`` (sorted), k = 0, 1, ..."""
    env = world.env
    for k, t in enumerate(times.tolist()):
        if t >= world.layout.horizon:
            return
        if t > env._now:
            yield timeout(env, t - env._now)
        action(k)


def _concat(batches: list[IncidentBatch]) -> IncidentBatch:
    """Stack batches (ladder columns padded with ones, i.e. steps that never happen)."""
    width = max(b.u_ladder.shape[1] for b in batches)
    columns = {f.name: [getattr(b, f.name) for b in batches] for f in fields(IncidentBatch)}
    columns["u_ladder"] = [
        np.pad(u, ((0, 0), (0, width - u.shape[1])), constant_values=1.0)
        for u in columns["u_ladder"]
    ]
    return IncidentBatch(**{name: np.concatenate(parts) for name, parts in columns.items()})


def shop_weights(world: WorldPort) -> list[np.ndarray] | None:
    """The shops' propensities per zone (None: offending is even), kept on the world."""
    spec = world.scenario.demand.door_front.offending
    world.shop_weights = None
    if spec.kind != "even":
        shops, _ = contracts_per_zone(world.scenario, world.layout)
        rng = world.streams.get("door_front/propensity")
        world.shop_weights = zone_weights(spec, shops, rng)
    return world.shop_weights


def exogenous_mix(
    world: WorldPort, batch: IncidentBatch
) -> tuple[IncidentBatch, np.ndarray, np.ndarray, np.ndarray]:
    """The catalog batch after door-front contracts, merged with charging wires.

    Returns:
        The batch sorted by (time, type, zone), and per row its source, its shop id (−1:
        none) and whether that shop is under a door-front contract.
    """
    scenario, layout = world.scenario, world.layout
    shops = np.full(len(batch), -1, dtype=np.int64)
    contracted = np.zeros(len(batch), dtype=bool)
    if scenario.demand.door_front.enabled:
        rng = world.streams.get("door_front")
        weights = shop_weights(world)
        batch, shops, contracted = apply_door_front(scenario, layout, batch, rng, weights)
    parts, sources, shop_parts = [batch], [np.full(len(batch), SOURCE_CATALOG)], [shops]
    deals = [contracted]
    demand = world.parking.demand
    if demand is not None and demand.wires is not None and len(demand.wires):
        wires = demand.wires
        parts.append(wires)
        sources.append(np.full(len(wires), SOURCE_CHARGING))
        shop_parts.append(np.full(len(wires), -1, dtype=np.int64))
        deals.append(np.zeros(len(wires), dtype=bool))
    if len(parts) == 1:
        return batch, sources[0], shops, contracted
    merged = _concat(parts)
    order = np.lexsort((merged.zone_idx, merged.type_idx, merged.t_occur))
    names = [f.name for f in fields(IncidentBatch)]
    return (
        IncidentBatch(**{n: getattr(merged, n)[order] for n in names}),
        np.concatenate(sources)[order],
        np.concatenate(shop_parts)[order],
        np.concatenate(deals)[order],
    )

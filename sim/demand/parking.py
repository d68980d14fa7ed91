"""Parking demand against legal supply, generated before the run with numpy.

Per zone and vehicle kind (motor, nonmotor) arrivals are a non-homogeneous Poisson process
(rate constant within each clock hour, sampled exactly), each with a dwell time. Legal
spaces form a loss system (M/G/c/c): a vehicle parks legally if a space is free, otherwise
it is *blocked*. Officers cannot change who finds a free space, so the loss system is solved
here, exactly, by :func:`loss_system`. Only blocked vehicles that could park illegally at zero
perceived risk (``u < p_max``) are handed to the engine, which decides at their arrival time
with the perceived risk of that moment. E-bike charging is a second loss system (piles);
an owner who finds no free pile may pull a private wire: an exogenous incident.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np

from sim.compiled import Layout
from sim.demand.arrivals import IncidentBatch, draw_attributes, max_ladder_length
from sim.rng import Streams
from sim.scenario.demand import VEHICLES, Parking, Supply, SupplyPatch
from sim.scenario.distributions import Distribution
from sim.scenario.model import Scenario
from sim.scenario.units import WEEKDAYS

MOTOR, NONMOTOR = 0, 1


@dataclass
class ZoneSupply:
    """One zone × vehicle kind, after kind defaults, zone overrides and measures."""

    arrivals_per_day: float
    capacity: int
    p_max: float  # chance to park illegally when blocked, at zero perceived risk
    dwell: Distribution
    hour_profile: list[float]


@dataclass
class ParkingDemand:
    """Everything the engine and the metrics need from the parking model.

    Window aggregates cover the observation window [warm-up, horizon).
    """

    candidates: dict[str, np.ndarray]  # blocked vehicles that may park illegally, by time
    capacity: np.ndarray  # (zones, 2) legal spaces
    legal_min: np.ndarray  # (zones, 2, 24) vehicle-minutes parked legally, by hour of day
    arrivals: np.ndarray  # (zones, 2) vehicles arriving in the window
    blocked: np.ndarray  # (zones, 2) of which found the legal spaces full
    charging: np.ndarray  # (zones, 3) needing a charge, charged at a pile, wires pulled
    observed_min: np.ndarray  # (24,) minutes of each hour of day in the window
    wires: IncidentBatch | None  # charging-wire incidents (exogenous)
    spill: np.ndarray | None = None  # (zones, 2, 2) spilled out, spilled in (spill-over on)


def day_hour_weights(
    hour_profile: list[float], dow_profile: list[float], days: int, start_weekday: str
) -> np.ndarray:
    """Share of a day's arrivals in each absolute hour of the horizon (days × 24)."""
    hour_w = np.asarray(hour_profile, dtype=float)
    hour_w = hour_w / hour_w.sum()
    dow_w = np.asarray(dow_profile, dtype=float)
    dow_w = dow_w / dow_w.mean()
    first = WEEKDAYS.index(start_weekday)
    return (dow_w[(first + np.arange(days)) % 7][:, None] * hour_w[None, :]).reshape(-1)


def poisson_times(rate_per_hour: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Sorted arrival times (minutes) of an NHPP with a constant rate inside each hour.

    A Poisson count per hour, then the count's uniform order statistics inside the hour
    drawn already sorted (normalised exponential spacings), so no sort is needed.
    """
    counts = rng.poisson(rate_per_hour)
    busy = np.flatnonzero(counts)
    k = counts[busy]
    if len(k) == 0:
        return np.empty(0)
    total = rng.standard_exponential(int(k.sum() + len(k)))  # = exponential(1.0, …), faster
    np.cumsum(total, out=total)  # in place: running sum of the spacings
    ends = np.cumsum(k + 1) - 1  # index of each hour's closing spacing
    base = np.concatenate([[0.0], total[ends[:-1]]])  # cumulative sum before each hour
    span = total[ends] - base
    point = np.ones(len(total), dtype=bool)
    point[ends] = False
    # Per point: hour start + 60 · (its partial sum − base) / span, computed in place with
    # the per-hour values repeated (the same operations, in the same order, as per hour).
    times = total[point]
    times -= np.repeat(base, k)
    times /= np.repeat(span, k)
    times *= 60.0
    times += np.repeat(busy * 60.0, k)
    return times


def loss_system(arrive: np.ndarray, depart: np.ndarray, capacity: int) -> np.ndarray:
    """Which arrivals find all ``capacity`` servers busy (blocked), exactly.

    Arrivals must be sorted; a departure at the very instant of an arrival frees its space;
    a zero dwell counts as the shortest positive one. A vehicle is surely admitted when even
    the infinite-server occupancy (everyone earlier still parked) is below capacity. That
    occupancy is bounded per one-minute bin with ``bincount`` and made exact only where the
    bound reaches capacity; those arrivals are then decided one by one, with a heap of the
    would-be departures of earlier blocked vehicles: true occupancy = infinite-server
    occupancy − blocked vehicles that would still be parked.
    """
    n = len(arrive)
    if capacity <= 0:
        return np.ones(n, dtype=bool)
    depart = _after_arrival(arrive, depart)
    occ = _infinite_occupancy(arrive, depart, capacity)
    cand = np.flatnonzero(occ >= capacity)
    blocked = np.zeros(n, dtype=bool)
    blocked[_decide(cand, arrive, depart, occ[cand] - capacity)] = True
    return blocked


def _after_arrival(arrive: np.ndarray, depart: np.ndarray) -> np.ndarray:
    """``max(depart, next float after arrive)``: a zero dwell becomes the shortest positive one.

    Only departures not after their arrival change (a later one is at least the next float),
    so just those are replaced, on a copy; the input is returned as is when none is.
    """
    early = np.flatnonzero(depart <= arrive)
    if len(early):
        depart = depart.copy()
        depart[early] = np.nextafter(arrive[early], np.inf)
    return depart


def _decide(
    cand: np.ndarray, arrive: np.ndarray, depart: np.ndarray, slack: np.ndarray
) -> list[int]:
    """The blocked ones among the candidates (in order), whose occupancy is ``capacity + slack``.

    A candidate is blocked when the earlier blocked vehicles that would still be parked (a
    heap of their would-be departures) number at most its slack.
    """
    push, pop = heapq.heappush, heapq.heappop
    ghosts: list[float] = []
    hit: list[int] = []
    for i, a, s, d in zip(
        cand.tolist(), arrive[cand].tolist(), slack.tolist(), depart[cand].tolist()
    ):
        while ghosts and ghosts[0] <= a:
            pop(ghosts)
        if len(ghosts) <= s:
            hit.append(i)
            push(ghosts, d)
    return hit


def _bins(x: np.ndarray, origin: float, width: float) -> np.ndarray:
    """``((x - origin) // width).astype(np.int64)`` for ``x ≥ origin`` and an integral width.

    Float floor division is slow (it goes through ``fmod``); here it is the exact floor of the
    quotient, and so is the integer part of the true division: for a positive integer ``w``
    and ``y < m·w`` (``m·w`` exact), ``m·w − y`` is at least the float spacing below ``m·w``,
    which exceeds ``w`` times half the spacing below ``m``, so ``y / w`` never rounds up to ``m``.
    """
    y = x - origin
    y /= width
    return y.astype(np.int64)


def _infinite_occupancy(arrive: np.ndarray, depart: np.ndarray, capacity: int) -> np.ndarray:
    """Vehicles earlier than each arrival still parked at it (exact where ≥ capacity).

    Departures are counted per time bin (about two arrivals per bin); an arrival's value is
    first bounded from above by ignoring departures inside its own bin, and made exact only
    where that bound reaches capacity. Below capacity the value returned is an upper bound.
    """
    n = len(arrive)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    origin = np.floor(arrive[0])
    width = float(np.clip(np.floor(2.0 * (arrive[-1] - origin) / n), 1.0, 60.0))
    ka = _bins(arrive, origin, width)
    size = int(ka[-1]) + 2
    kd = _bins(depart, origin, width)
    np.minimum(kd, size - 1, out=kd)  # the last bin (never an arrival's) takes all later ones
    gone = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(np.bincount(kd, minlength=size), out=gone[1:])
    occ = np.arange(n)
    occ -= gone[ka]  # upper bound: departures in earlier bins only
    unsure = np.flatnonzero(occ >= capacity)
    if len(unsure):
        flag = np.zeros(size, dtype=bool)
        flag[ka[unsure]] = True  # never the last bin, so its departures are left out
        same = np.sort(depart[flag[kd]])
        a = arrive[unsure]
        left = np.searchsorted(same, a, side="right") - np.searchsorted(
            same, ka[unsure] * width + origin, side="left")
        occ[unsure] -= left
    return occ


def minutes_by_hour(starts: np.ndarray, ends: np.ndarray, t0: float, t1: float) -> np.ndarray:
    """Total minutes the intervals cover in each hour of day (24 values), inside [t0, t1).

    Covered time before boundary b is Σ_{s<b} (b − s) − Σ_{e<b} (b − e); both sums are
    accumulated per clock hour with ``bincount`` (no sort), so the cost is O(n + hours).
    """
    first = np.floor(t0 / 60.0) * 60.0
    grid = np.arange(first, np.ceil(t1 / 60.0) * 60.0 + 1.0, 60.0)
    m = len(grid)

    def before(x: np.ndarray) -> np.ndarray:
        x = np.clip(x, t0, t1)  # = np.minimum(np.maximum(x, t0), t1), one pass
        k = np.multiply(x - first if first else x, 1.0 / 60.0).astype(np.int64)
        k += 1
        np.minimum(k, m - 1, out=k)
        count = np.cumsum(np.bincount(k, minlength=m))
        total = np.cumsum(np.bincount(k, weights=x, minlength=m))
        return count * grid - total  # Σ_{x < b} (b − x) at each boundary b

    covered = before(np.asarray(starts, dtype=float)) - before(np.asarray(ends, dtype=float))
    per_bin = np.clip(np.diff(covered), 0.0, None)
    hours = ((grid[:-1] // 60) % 24).astype(int)
    return np.bincount(hours, weights=per_bin, minlength=24)


def _patched(base: Supply, patch: SupplyPatch | None) -> Supply:
    if patch is None:
        return base
    return base.model_copy(update=patch.model_dump(exclude_none=True))


def zone_supply(spec: Parking, zone_id: str, zone_kind: str, vehicle: str) -> ZoneSupply:
    """The supply of one zone and vehicle kind: kind defaults, zone patch, measures."""
    defaults = spec.zone_kinds.get(zone_kind)  # type: ignore[call-overload]
    base = getattr(defaults, vehicle) if defaults is not None else Supply()
    patch = spec.zones.get(zone_id)
    supply = _patched(base, getattr(patch, vehicle) if patch is not None else None)
    behaviour = getattr(spec, vehicle)
    measure = spec.measures.get(zone_id)
    capacity, barrier = supply.capacity, 0.0
    if measure is not None:
        if vehicle == "motor":
            capacity += measure.motor_spaces
            barrier = measure.barriers
        else:
            capacity += measure.nonmotor_spaces + measure.ebike_bays
    willing = 1.0 - np.exp(-supply.search_min / behaviour.patience_min)
    return ZoneSupply(
        arrivals_per_day=supply.arrivals_per_day,
        capacity=capacity,
        p_max=float(behaviour.propensity * willing * (1.0 - barrier)),
        dwell=supply.dwell or behaviour.dwell,
        hour_profile=supply.hour_profile or behaviour.hour_profile,
    )


def charging_share(spec: Parking, zone_id: str, zone_kind: str) -> float:
    """Share of the zone's non-motor arrivals that need a charge (zone patch, else kind)."""
    patch = spec.zones.get(zone_id)
    if patch is not None and patch.charging_share is not None:
        return patch.charging_share
    defaults = spec.zone_kinds.get(zone_kind)  # type: ignore[call-overload]
    return defaults.charging_share if defaults is not None else 0.0


def generate_parking(scenario: Scenario, layout: Layout, streams: Streams) -> ParkingDemand:
    """Parking and charging demand of one replication (streams per zone and vehicle kind)."""
    spec = scenario.demand.parking
    clock = scenario.clock
    t0, t1 = layout.warmup, layout.horizon
    z = layout.n_zones
    capacity = np.zeros((z, 2), dtype=np.int64)
    legal_min = np.zeros((z, 2, 24))
    arrivals = np.zeros((z, 2), dtype=np.int64)
    blocked_n = np.zeros((z, 2), dtype=np.int64)
    parts: list[dict[str, np.ndarray]] = []
    steps = max_ladder_length(scenario, layout)
    if spec.spill.walk_m > 0:
        return _with_spill(scenario, layout, streams, steps)
    for v, vehicle in enumerate(VEHICLES):
        behaviour = getattr(spec, vehicle)
        type_idx = _type_index(layout, behaviour.incident_type)
        for zi, (zid, kind) in enumerate(zip(layout.zone_ids, layout.zone_kinds)):
            sup = zone_supply(spec, zid, kind, vehicle)
            capacity[zi, v] = sup.capacity
            if sup.arrivals_per_day <= 0:
                continue
            rng = streams.get(f"parking/{vehicle}/{zid}")
            w = day_hour_weights(sup.hour_profile, behaviour.dow_profile, clock.days,
                                 clock.start_weekday)
            t = poisson_times(sup.arrivals_per_day * w, rng)
            dwell = sup.dwell.sample(rng, len(t))
            u = rng.random(len(t))
            end = t + dwell
            blocked = loss_system(t, end, sup.capacity)
            ok = ~blocked
            legal_min[zi, v] = minutes_by_hour(t[ok], end[ok], t0, t1)
            first = int(np.searchsorted(t, t0))  # t is sorted: the window starts here
            arrivals[zi, v] = len(t) - first
            blocked_n[zi, v] = np.count_nonzero(blocked[first:])
            if type_idx < 0:
                continue
            pick = np.flatnonzero(blocked)
            pick = pick[u[pick] < sup.p_max]
            if not len(pick):
                continue
            tc = t[pick]
            attrs = draw_attributes(
                scenario, layout, behaviour.incident_type, tc, np.full(len(tc), zi),
                streams.get(f"parking_attributes/{vehicle}/{zid}"), steps,
            )
            attrs["t_selfclear"] = tc + dwell[pick] * behaviour.illegal_dwell_factor
            parts.append({
                "t": tc, "zone": np.full(len(tc), zi), "vehicle": np.full(len(tc), v),
                "type_idx": np.full(len(tc), type_idx), "p_max": np.full(len(tc), sup.p_max),
                "u": u[pick], **attrs,
            })
    charging, wires = _charging(scenario, layout, streams, steps)
    return ParkingDemand(
        candidates=_merge(parts, steps),
        capacity=capacity,
        legal_min=legal_min,
        arrivals=arrivals,
        blocked=blocked_n,
        charging=charging,
        observed_min=minutes_by_hour(np.array([t0]), np.array([t1]), t0, t1),
        wires=wires,
    )


def _with_spill(
    scenario: Scenario, layout: Layout, streams: Streams, steps: int
) -> ParkingDemand:
    """``generate_parking`` when blocked drivers may try a neighbouring zone."""
    from sim.demand.spillover import spill_vehicle  # it builds on this module

    z = layout.n_zones
    tallies = {"capacity": np.zeros((z, 2), dtype=np.int64), "legal_min": np.zeros((z, 2, 24)),
               "arrivals": np.zeros((z, 2), dtype=np.int64),
               "blocked": np.zeros((z, 2), dtype=np.int64),
               "spill": np.zeros((z, 2, 2), dtype=np.int64)}
    parts = []
    for v in range(len(VEHICLES)):
        parts += spill_vehicle(scenario, layout, streams, v, steps, tallies)
    charging, wires = _charging(scenario, layout, streams, steps)
    t0, t1 = layout.warmup, layout.horizon
    return ParkingDemand(
        candidates=_merge(parts, steps), charging=charging, wires=wires,
        observed_min=minutes_by_hour(np.array([t0]), np.array([t1]), t0, t1), **tallies,
    )


def _type_index(layout: Layout, name: str) -> int:
    return layout.type_names.index(name) if name in layout.type_names else -1


def _merge(parts: list[dict[str, np.ndarray]], steps: int) -> dict[str, np.ndarray]:
    if not parts:
        empty = {k: np.empty(0) for k in ("t", "p_max", "u", "t_selfclear", "t_report",
                                          "t_merchant", "u_flee")}
        ints = {k: np.empty(0, dtype=np.int64) for k in ("zone", "vehicle", "type_idx",
                                                          "report_channel")}
        return {**empty, **ints, "u_ladder": np.ones((0, steps))}
    merged = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    order = np.lexsort((merged["vehicle"], merged["zone"], merged["t"]))
    return {k: a[order] for k, a in merged.items()}


def _charging(
    scenario: Scenario, layout: Layout, streams: Streams, steps: int
) -> tuple[np.ndarray, IncidentBatch | None]:
    """E-bikes needing a charge: piles (a loss system), else maybe a wire incident."""
    spec = scenario.demand.parking
    ch = spec.charging
    clock = scenario.clock
    t0 = layout.warmup
    type_idx = _type_index(layout, ch.incident_type)
    counts = np.zeros((layout.n_zones, 3), dtype=np.int64)
    times, zones = [], []
    for zi, (zid, kind) in enumerate(zip(layout.zone_ids, layout.zone_kinds)):
        share = charging_share(spec, zid, kind)
        per_day = share * zone_supply(spec, zid, kind, "nonmotor").arrivals_per_day
        if per_day <= 0:
            continue
        rng = streams.get(f"charging/{zid}")
        w = day_hour_weights(ch.hour_profile, spec.nonmotor.dow_profile, clock.days,
                             clock.start_weekday)
        t = poisson_times(per_day * w, rng)
        duration = ch.duration.sample(rng, len(t))
        u = rng.random(len(t))
        measure = spec.measures.get(zid)
        piles = measure.charging_piles if measure is not None else 0
        blocked = loss_system(t, t + duration, piles * ch.ports_per_pile)
        wire = blocked & (u < ch.wire_probability)
        inside = t >= t0
        counts[zi] = [inside.sum(), (~blocked & inside).sum(), (wire & inside).sum()]
        times.append(t[wire])
        zones.append(np.full(int(wire.sum()), zi))
    if type_idx < 0 or not times:
        return counts, None
    t_all, z_all = np.concatenate(times), np.concatenate(zones)
    order = np.lexsort((z_all, t_all))
    t_all, z_all = t_all[order], z_all[order]
    attrs = draw_attributes(scenario, layout, ch.incident_type, t_all, z_all,
                            streams.get("charging_attributes"), steps)
    batch = IncidentBatch(t_occur=t_all, type_idx=np.full(len(t_all), type_idx),
                          zone_idx=z_all, **attrs)
    return counts, batch

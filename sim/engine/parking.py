"""Parking in the engine: the only vehicles it sees are blocked drivers who might park illegally.

Legal occupancy was solved before the run (``sim.demand.parking``). A candidate — a driver
who found the legal spaces full and would park illegally at zero perceived risk — decides at
its arrival time: illegal iff u < p_max × (1 − risk_weight × risk(zone, t)). An illegally
parked vehicle becomes an incident that ends when the driver leaves (its dwell) or when an
officer enforces. Candidates are replayed by one process; nothing else costs engine time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.demand.parking import ParkingDemand, generate_parking
from sim.engine.spawn import SOURCE_PARKING, as_lists, attribute_row, replay, spawn
from sim.scenario.demand import VEHICLES

if TYPE_CHECKING:
    from sim.engine.ports import WorldPort

ATTRIBUTES = ("t_selfclear", "t_report", "report_channel", "t_merchant", "u_flee", "u_ladder")


class ParkingLot:
    """Illegal-parking decisions of one replication (inactive unless parking is enabled)."""

    def __init__(self, world: WorldPort) -> None:
        self.world = world
        spec = world.scenario.demand.parking
        self.demand: ParkingDemand | None = (
            generate_parking(world.scenario, world.layout, world.streams) if spec.enabled else None
        )
        self.risk_weight = [getattr(spec, v).risk_weight for v in VEHICLES]
        self.illegal: list[tuple[int, int]] = []  # (candidate, incident)
        self.deterred: list[int] = []  # candidates who did not park illegally because of risk

    def start(self) -> None:
        """Start the process replaying the candidates (if parking is on and there are any)."""
        demand = self.demand
        if demand is not None and len(demand.candidates["t"]):
            self.cand = as_lists(demand.candidates)
            self.attrs = {key: self.cand[key] for key in ATTRIBUTES}
            self.world.env.process(replay(self.world, demand.candidates["t"], self.arrive))

    def arrive(self, k: int) -> None:
        """Candidate ``k`` arrives and finds the legal spaces full."""
        c = self.cand
        zone = c["zone"][k]
        risk = self.world.deterrence.risk(zone, self.world.env._now)
        p = c["p_max"][k] * (1.0 - self.risk_weight[c["vehicle"][k]] * risk)
        if c["u"][k] < p:
            j = spawn(self.world, self.world.env._now, c["type_idx"][k], zone,
                      attribute_row(self.attrs, k), SOURCE_PARKING)
            self.illegal.append((k, j))
        else:
            self.deterred.append(k)

    def records(self) -> dict[str, object]:
        """Aggregates of the loss systems and the engine's decisions, for the metrics."""
        d = self.demand
        if d is None:
            return {}
        ill = np.array(self.illegal, dtype=np.int64).reshape(-1, 2)
        kept_off = np.array(self.deterred, dtype=np.int64)
        cand = d.candidates
        return {
            "capacity": d.capacity,
            "legal_min": d.legal_min,
            "arrivals": d.arrivals,
            "blocked": d.blocked,
            "charging": d.charging,
            "observed_min": d.observed_min,
            "illegal_incident": ill[:, 1],
            "illegal_zone": cand["zone"][ill[:, 0]],
            "illegal_vehicle": cand["vehicle"][ill[:, 0]],
            "deterred_t": cand["t"][kept_off],
            "deterred_zone": cand["zone"][kept_off],
            "deterred_vehicle": cand["vehicle"][kept_off],
            "spill": d.spill,
        }

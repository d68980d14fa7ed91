"""Exogenous incident demand, generated up front with numpy.

Arrivals are a non-homogeneous Poisson process per zone × type whose rate is constant within
each clock hour (base rate per day × hour-of-day weight × day-of-week weight), sampled exactly:
a Poisson count per hour bin, then uniform times inside the bin. Every random attribute of an
incident (how long it lasts, whether and when the public complains, the camera, the shop, the
offender's responses on the ladder) is drawn here from streams named after the type, so the
same incidents appear, and behave the same, under every deployment strategy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.compiled import Layout
from sim.demand.hourly import day_hour_weights
from sim.demand.zone_kinds import for_kind
from sim.rng import Streams
from sim.scenario.incidents import IncidentType
from sim.scenario.model import Clock, Scenario

CHANNEL_NONE, CHANNEL_PATROL, CHANNEL_CAMERA, CHANNEL_COMPLAINT, CHANNEL_MERCHANT = range(5)
CHANNEL_NAMES = ("none", "patrol", "camera", "complaint", "merchant")
INF = np.inf


@dataclass
class IncidentBatch:
    """Column arrays, one entry per incident, sorted by occurrence time."""

    t_occur: np.ndarray
    type_idx: np.ndarray
    zone_idx: np.ndarray
    t_selfclear: np.ndarray  # inf: never clears by itself
    t_report: np.ndarray  # first report by camera or complaint; inf: none
    report_channel: np.ndarray
    t_merchant: np.ndarray  # fixed by the shop; inf: not
    u_flee: np.ndarray
    u_ladder: np.ndarray  # (n, max ladder length)

    def __len__(self) -> int:
        return len(self.t_occur)


def hourly_rates(scenario: Scenario, layout: Layout, type_name: str) -> np.ndarray:
    """Expected incidents per (zone, absolute hour) of the horizon for one type."""
    itype = scenario.incidents[type_name]
    per_hour = _hour_weights(itype, scenario.clock)  # (days*24,)
    return scenario.rate_multiplier * _daily_rates(itype, layout)[:, None] * per_hour[None, :]


def _daily_rates(itype: IncidentType, layout: Layout) -> np.ndarray:
    """Per zone: the type's expected incidents per day (its own rate, else its kind's)."""
    return np.array([itype.zone_rates.get(zid, for_kind(itype.rate_per_day, kind, 0.0))
                     for zid, kind in zip(layout.zone_ids, layout.zone_kinds)])


def _hour_weights(itype: IncidentType, clock: Clock) -> np.ndarray:
    """Per hour of the horizon: the hour-of-day × day-of-week weight of the type."""
    return day_hour_weights(itype.hour_profile, itype.dow_profile, clock.days,
                            clock.start_weekday)


def draw_raw(scenario: Scenario, type_name: str, n: int, rng: np.random.Generator,
             max_steps: int) -> dict[str, np.ndarray]:
    """The random numbers behind ``n`` incidents of one type, in a fixed draw order."""
    itype: IncidentType = scenario.incidents[type_name]
    raw = {"clear": _clear_after(itype, rng, n), **_report_draws(itype, scenario, rng, n),
           "u_flee": rng.random(n)}
    raw["u_ladder"] = _ladder_draws(len(itype.ladder), rng, n, max_steps)
    return raw


def _clear_after(itype: IncidentType, rng: np.random.Generator, n: int) -> np.ndarray:
    """How long each incident lasts if left alone (inf: never clears by itself)."""
    if itype.self_clear is None:
        return np.full(n, INF)
    return itype.self_clear.sample(rng, n)


def _report_draws(itype: IncidentType, scenario: Scenario, rng: np.random.Generator,
                  n: int) -> dict[str, np.ndarray]:
    """Chance and delay of a complaint, of a camera seeing it, of the shop fixing it."""
    det = scenario.detection
    return {"complain_u": rng.random(n), "complain_delay": itype.complaint.delay.sample(rng, n),
            "camera_u": rng.random(n), "camera_delay": det.cameras.delay.sample(rng, n),
            "shop_u": rng.random(n), "shop_delay": det.door_front.delay.sample(rng, n)}


def _ladder_draws(steps: int, rng: np.random.Generator, n: int, max_steps: int) -> np.ndarray:
    """The offender's response to each of ``steps`` ladder steps (1 beyond the ladder)."""
    u_ladder = np.ones((n, max_steps))
    u_ladder[:, :steps] = rng.random((n, steps))
    return u_ladder


def camera_zones(scenario: Scenario, layout: Layout) -> np.ndarray:
    """Per zone: is it under cameras?"""
    cams = scenario.detection.cameras
    cam_zone = np.zeros(layout.n_zones, dtype=bool)
    if cams.zones == "all":
        cam_zone[:] = True
    else:
        cam_zone[[layout.zone_index[z] for z in cams.zones]] = True
    return cam_zone


def derive_attributes(scenario: Scenario, layout: Layout, type_name: str,
                      raw: dict[str, np.ndarray], t_occur: np.ndarray,
                      zone_idx: np.ndarray) -> dict[str, np.ndarray]:
    """Incident attributes (absolute times, channels) from raw random numbers."""
    t_camera, t_complaint = _report_times(scenario, layout, type_name, raw, t_occur, zone_idx)
    return {
        "t_selfclear": t_occur + raw["clear"],
        "t_report": np.minimum(t_camera, t_complaint),
        "report_channel": np.where(t_camera <= t_complaint, CHANNEL_CAMERA, CHANNEL_COMPLAINT),
        "t_merchant": _merchant_times(scenario, type_name, raw, t_occur),
        "u_flee": raw["u_flee"],
        "u_ladder": raw["u_ladder"],
    }


def _merchant_times(scenario: Scenario, type_name: str, raw: dict[str, np.ndarray],
                    t_occur: np.ndarray) -> np.ndarray:
    """When the shop fixes each incident of a shop-front type (inf: it does not)."""
    door = scenario.detection.door_front
    fix_share = door.contract_share * door.fix_share
    fixes = scenario.incidents[type_name].shop_front & (raw["shop_u"] < fix_share)
    return np.where(fixes, t_occur + raw["shop_delay"], INF)


def _report_times(scenario: Scenario, layout: Layout, type_name: str, raw: dict[str, np.ndarray],
                  t_occur: np.ndarray, zone_idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(camera, complaint) report times of each incident (inf: never reported that way)."""
    cams = scenario.detection.cameras
    sees_type = cams.types is None or type_name in cams.types
    in_view = sees_type & camera_zones(scenario, layout)[zone_idx]
    t_camera = np.where(in_view & (raw["camera_u"] < cams.probability),
                        t_occur + raw["camera_delay"], INF)
    return t_camera, _complaint_times(scenario, type_name, raw, t_occur)


def _complaint_times(scenario: Scenario, type_name: str, raw: dict[str, np.ndarray],
                     t_occur: np.ndarray) -> np.ndarray:
    """When the public complains about each incident (inf: nobody does)."""
    probability = scenario.incidents[type_name].complaint.probability
    complains = scenario.detection.complaints & (raw["complain_u"] < probability)
    return np.where(complains, t_occur + raw["complain_delay"], INF)


def draw_attributes(scenario: Scenario, layout: Layout, type_name: str, t_occur: np.ndarray,
                    zone_idx: np.ndarray, rng: np.random.Generator,
                    max_steps: int) -> dict[str, np.ndarray]:
    """Random attributes of ``len(t_occur)`` incidents of one type, in a fixed draw order."""
    raw = draw_raw(scenario, type_name, len(t_occur), rng, max_steps)
    return derive_attributes(scenario, layout, type_name, raw, t_occur, zone_idx)


class AttributePool:
    """Attributes for incidents created one at a time during a run, drawn in blocks.

    A pool draws ``block`` incidents' raw numbers at once from its stream (``draw_raw``) and
    hands them out in order. ``row`` then derives one incident's attributes in scalar Python:
    the same operations as ``derive_attributes`` in the same order, so the same numbers (a
    test checks this) at a fraction of the cost of numpy on one-element arrays.
    """

    def __init__(
        self,
        scenario: Scenario,
        layout: Layout,
        type_name: str,
        rng: np.random.Generator,
        max_steps: int,
        block: int = 256,
    ) -> None:
        self.scenario, self.type_name = scenario, type_name
        self.rng = rng
        self.max_steps = max_steps
        self.block = block
        self.k = block
        self.cols: dict[str, list[float]] = {}
        self.u_ladder = np.ones((0, max_steps))
        self._read_detection(scenario, layout, type_name)

    def _read_detection(self, scenario: Scenario, layout: Layout, type_name: str) -> None:
        """The type's complaint, camera and shop-fix chances, looked up once."""
        itype: IncidentType = scenario.incidents[type_name]
        det = scenario.detection
        cams = det.cameras
        self.complaints = det.complaints
        self.p_complaint = itype.complaint.probability
        sees_type = cams.types is None or type_name in cams.types
        self.camera_zone = (camera_zones(scenario, layout) & sees_type).tolist()
        self.p_camera = cams.probability
        self.shop_front = itype.shop_front
        self.p_shop_fix = det.door_front.contract_share * det.door_front.fix_share

    def _refill(self) -> None:
        """Draw the next block of raw numbers."""
        raw = draw_raw(self.scenario, self.type_name, self.block, self.rng, self.max_steps)
        self.u_ladder = raw.pop("u_ladder")
        self.cols = {key: value.tolist() for key, value in raw.items()}
        self.k = 0

    def row(self, t: float, zone: int) -> dict[str, float | np.ndarray]:
        """Attributes of one incident occurring at ``t`` in ``zone``."""
        if self.k >= self.block:
            self._refill()
        k = self.k
        self.k += 1
        c = self.cols
        complains = self.complaints and c["complain_u"][k] < self.p_complaint
        t_complaint = t + c["complain_delay"][k] if complains else INF
        caught = self.camera_zone[zone] and c["camera_u"][k] < self.p_camera
        t_camera = t + c["camera_delay"][k] if caught else INF
        return {
            "t_selfclear": t + c["clear"][k],
            "t_report": min(t_camera, t_complaint),
            "report_channel": CHANNEL_CAMERA if t_camera <= t_complaint else CHANNEL_COMPLAINT,
            "t_merchant": self._t_merchant(t, k),
            "u_flee": c["u_flee"][k],
            "u_ladder": self.u_ladder[k],
        }

    def _t_merchant(self, t: float, k: int) -> float:
        """When the shop fixes incident ``k`` of the block (inf: it does not)."""
        fixes = self.shop_front and self.cols["shop_u"][k] < self.p_shop_fix
        return t + self.cols["shop_delay"][k] if fixes else INF


def max_ladder_length(scenario: Scenario, layout: Layout) -> int:
    """The longest enforcement ladder of the layout's incident types."""
    return max(len(scenario.incidents[name].ladder) for name in layout.type_names)


def type_index(layout: Layout, name: str) -> int:
    """Position of incident type ``name`` in the layout (−1: not in the catalog)."""
    return layout.type_names.index(name) if name in layout.type_names else -1


def generate_incidents(scenario: Scenario, layout: Layout, streams: Streams) -> IncidentBatch:
    """All exogenous incidents of one replication, sorted by time (ties: type, zone order)."""
    steps = max_ladder_length(scenario, layout)
    parts = [_type_incidents(scenario, layout, streams, t_idx, steps)
             for t_idx in range(len(layout.type_names))]
    merged = {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
    order = np.lexsort((merged["zone_idx"], merged["type_idx"], merged["t_occur"]))
    return IncidentBatch(**{key: value[order] for key, value in merged.items()})


def _type_incidents(scenario: Scenario, layout: Layout, streams: Streams, t_idx: int,
                    steps: int) -> dict[str, np.ndarray]:
    """The incidents of type ``t_idx``: when and where they occur, then their attributes."""
    name = layout.type_names[t_idx]
    zone_idx, t_occur = _occurrences(streams.get(f"arrivals/{name}"),
                                     hourly_rates(scenario, layout, name))
    attrs = draw_attributes(
        scenario, layout, name, t_occur, zone_idx, streams.get(f"attributes/{name}"), steps
    )
    return {"t_occur": t_occur, "type_idx": np.full(len(t_occur), t_idx), "zone_idx": zone_idx,
            **attrs}


def _occurrences(rng: np.random.Generator, rates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(zone, time) of each incident: a Poisson count per zone × hour, uniform inside."""
    counts = rng.poisson(rates)
    zone_of_bin, hour_of_bin = np.nonzero(counts)
    n_per = counts[zone_of_bin, hour_of_bin]
    t_occur = np.repeat(hour_of_bin * 60.0, n_per) + 60.0 * rng.random(int(n_per.sum()))
    return np.repeat(zone_of_bin, n_per), t_occur

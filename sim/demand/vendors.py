"""Street-vendor intentions, generated before the run with numpy (one stream per site).

For every site, vendor, day and session that opens that day, a vendor comes with the base
set-up probability; if it comes, its intended start is uniform in the window and its
trading time is drawn from the site's distribution. Whether it actually sets up is decided
by the engine at the intended start (deterrence). Attempts are kept with ``u_rel`` =
u / base, uniform on [0, 1): the vendor sets up iff ``u_rel < 1 − risk``, so with zero risk
every attempt sets up and the decision uses the same number under every strategy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.compiled import Layout
from sim.demand.arrivals import draw_attributes, max_ladder_length
from sim.rng import Streams
from sim.scenario.demand import Session, VendorSite
from sim.scenario.model import Clock, Scenario
from sim.scenario.units import DAY_SETS, WEEKDAYS, clock_minutes


@dataclass
class VendorPlan:
    """Vendor attempts sorted by time, with the incident attributes each set-up would have."""

    t: np.ndarray  # intended set-up time (minutes)
    zone: np.ndarray  # zone index
    vendor: np.ndarray  # vendor id (0 .. n_vendors-1, site by site)
    t_plan_end: np.ndarray  # intended end of trading
    u_rel: np.ndarray  # set-up decision number, uniform [0, 1)
    attrs: dict[str, np.ndarray]  # draw_attributes of the vendor type, per attempt
    n_vendors: int
    neighbours: list[list[int]]  # per zone, zones within the neighbour distance

    def __len__(self) -> int:
        return len(self.t)

    @classmethod
    def empty(cls, n_vendors: int, neighbours: list[list[int]]) -> VendorPlan:
        """A plan without attempts."""
        empty = np.empty(0)
        return cls(empty, empty.astype(np.int64), empty.astype(np.int64), empty, empty, {},
                   n_vendors, neighbours)


def session_windows(session: Session, days: int, start_weekday: str) -> np.ndarray:
    """(start, end) minutes of every opening of a session inside ``days`` days."""
    weekdays = _weekdays(session)
    first = WEEKDAYS.index(start_weekday)
    start, end = _opening(session)
    out = [(d * 1440.0 + start, d * 1440.0 + end) for d in range(days)
           if (first + d) % 7 in weekdays]
    return np.array(out, dtype=float).reshape(-1, 2)


def _opening(session: Session) -> tuple[float, float]:
    """(start, end) minutes of a session's opening from midnight (past 1440: next day)."""
    start, end = clock_minutes(session.start), clock_minutes(session.end)
    return start, end + 1440 if end < start else end


def _weekdays(session: Session) -> set[int]:
    """The days of the week (0: Monday) the session opens."""
    names = DAY_SETS[session.days] if isinstance(session.days, str) else session.days
    return {WEEKDAYS.index(d) for d in names}


def neighbour_lists(layout: Layout, metres: float) -> list[list[int]]:
    """Zones whose centres lie within ``metres`` of each zone's centre (itself excluded)."""
    dist = np.sqrt(((layout.xy[:, None, :] - layout.xy[None, :, :]) ** 2).sum(axis=2))
    near = (dist <= metres) & ~np.eye(layout.n_zones, dtype=bool)
    return [np.flatnonzero(row).tolist() for row in near]


def site_stream(sites: list[VendorSite], k: int) -> str:
    """Stable stream name of site ``k``: its zone and its rank among sites in that zone."""
    zone = sites[k].zone
    rank = sum(1 for s in sites[:k] if s.zone == zone)
    return f"vendors/{zone}#{rank}"


def generate_vendors(scenario: Scenario, layout: Layout, streams: Streams) -> VendorPlan:
    """All vendor attempts of one replication."""
    parts, n_vendors = _all_sites(scenario, layout, streams)
    neighbours = neighbour_lists(layout, scenario.demand.vendors.neighbour_m)
    if not parts or not all("u_ladder" in p for p in parts):
        return VendorPlan.empty(n_vendors, neighbours)
    return _plan(parts, n_vendors, neighbours)


def _all_sites(scenario: Scenario, layout: Layout,
               streams: Streams) -> tuple[list[dict[str, np.ndarray]], int]:
    """Every site's attempts (vendor ids numbered site by site), and the number of vendors."""
    steps = max_ladder_length(scenario, layout)
    parts: list[dict[str, np.ndarray]] = []
    first_id = 0
    for k, site in enumerate(scenario.demand.vendors.sites):
        parts.append(_site_attempts(scenario, layout, streams, k, first_id, steps))
        first_id += site.vendors
    return parts, first_id


def _site_attempts(scenario: Scenario, layout: Layout, streams: Streams, k: int, first_id: int,
                   steps: int) -> dict[str, np.ndarray]:
    """The attempts of site ``k`` that come (vendor ids from ``first_id``), with attributes."""
    spec = scenario.demand.vendors
    site = spec.sites[k]
    name = site_stream(spec.sites, k)
    base = spec.setup_probability if site.setup_probability is None else site.setup_probability
    windows = _site_windows(site, scenario.clock)
    vendor, t, trading, u = _attempts(site, windows, streams.get(name), first_id)
    keep = (u < base) & (t < layout.horizon)
    zone = layout.zone_index[site.zone]
    t = t[keep]
    attrs = _attributes(scenario, layout, t, zone, streams, f"{name}/attributes", steps)
    return {
        "t": t, "zone": np.full(len(t), zone), "vendor": vendor[keep],
        "t_plan_end": t + trading[keep], "u_rel": u[keep] / base if base > 0 else u[keep],
        **attrs,
    }


def _attributes(scenario: Scenario, layout: Layout, t: np.ndarray, zone: int, streams: Streams,
                stream: str, steps: int) -> dict[str, np.ndarray]:
    """The vendor incident's attributes of each attempt (none: the type is not in the run)."""
    name = scenario.demand.vendors.incident_type
    if name not in layout.type_names:
        return {}
    return draw_attributes(scenario, layout, name, t, np.full(len(t), zone), streams.get(stream),
                           steps)


def _site_windows(site: VendorSite, clock: Clock) -> np.ndarray:
    """(start, end) minutes of every opening of every session of the site."""
    return np.concatenate(
        [session_windows(s, clock.days, clock.start_weekday) for s in site.sessions]
    )


def _attempts(site: VendorSite, windows: np.ndarray, rng: np.random.Generator,
              first_id: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(vendor id, intended start, trading time, set-up uniform) of every vendor × opening."""
    n = len(windows) * site.vendors
    vendor = np.tile(np.arange(site.vendors), len(windows)) + first_id
    w_start = np.repeat(windows[:, 0], site.vendors)
    w_len = np.repeat(windows[:, 1] - windows[:, 0], site.vendors)
    t = w_start + w_len * rng.random(n)
    trading = site.trading.sample(rng, n)
    return vendor, t, trading, rng.random(n)


def _plan(parts: list[dict[str, np.ndarray]], n_vendors: int,
          neighbours: list[list[int]]) -> VendorPlan:
    """Every site's attempts in one plan, by time (ties: vendor id)."""
    merged = {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
    order = np.lexsort((merged["vendor"], merged["t"]))
    merged = {key: value[order] for key, value in merged.items()}
    return VendorPlan(
        t=merged.pop("t"), zone=merged.pop("zone"), vendor=merged.pop("vendor"),
        t_plan_end=merged.pop("t_plan_end"), u_rel=merged.pop("u_rel"),
        attrs=merged, n_vendors=n_vendors, neighbours=neighbours,
    )

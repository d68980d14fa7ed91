"""Builders of tiny scenarios that tests may reuse (plain dicts in, validated Scenarios out).

``queue_scenario`` turns the engine into a textbook queue: one zone (or several zones with run
cards), zero travel, officers always on duty and on standby (never patrolling, so nothing is
sighted), every incident reported the instant it occurs (complaint probability 1, delay 0, no
cameras, no shops), no command-room delay, one exponential ladder step, no self-clearing, no
flight, no recurrence, flat hour and day-of-week profiles. Then an incident is a customer,
an officer is a server, t_dispatch − t_detect is the wait in queue and the ladder step is the
service time.

``tiny_district`` gives a small grid district with distance-based travel; ``realistic_scenario``
a small but complete scenario (patrol, travel, self-clearing, flight, deadlines, recurrence,
cameras, complaints, several priorities) for conservation laws and back-tests.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from sim.scenario.loader import scenario_from_dict
from sim.scenario.model import Scenario

ALWAYS_ON = [{"start": "00:00", "end": "24:00"}]


def zero_travel(n_zones: int) -> dict[str, list[list[float]]]:
    """A zero travel-time matrix for every mode."""
    zeros = [[0.0] * n_zones for _ in range(n_zones)]
    return {mode: copy.deepcopy(zeros) for mode in ("foot", "ebike", "car")}


def tiny_district(
    rows: int = 1,
    cols: int = 1,
    cell_m: float = 250.0,
    kind: str = "residential",
    zero_travel_times: bool = False,
    patches: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """A rows × cols grid district (zone ids A1, A2, ...), optionally with zero travel."""
    district: dict[str, Any] = {
        "name": "tiny",
        "grid": {"rows": rows, "cols": cols, "cell_m": cell_m, "kind": kind},
    }
    if patches:
        district["grid"]["patches"] = {k: dict(v) for k, v in patches.items()}
    if zero_travel_times:
        district["travel"] = {"matrix_minutes": zero_travel(rows * cols)}
    return district


def queue_incident(
    rate_per_day: float,
    mean_service_min: float,
    priority: int = 3,
    zone_rates: Mapping[str, float] | None = None,
) -> dict[str, Any]:
    """An incident type that behaves as a Poisson customer class with exponential service."""
    spec: dict[str, Any] = {
        "rate_per_day": {"residential": rate_per_day},
        "hour_profile": [1.0] * 24,
        "dow_profile": [1.0] * 7,
        "self_clear": None,
        "complaint": {"probability": 1.0, "delay": 0},
        "priority": priority,
        "flee_probability": 0.0,
        "recurrence": 0.0,
        "ladder": [
            {"name": "serve", "duration": {"kind": "exponential", "mean": mean_service_min}}
        ],
    }
    if zone_rates is not None:
        spec["zone_rates"] = dict(zone_rates)
    return spec


def queue_scenario_dict(
    rate_per_hour: float | Sequence[float] = 10.0,
    mean_service_min: float = 15.0,
    servers: int = 3,
    days: int = 20,
    warmup_days: float = 2.0,
    seed: int = 1,
    priorities: Sequence[int] | None = None,
    zones: int = 1,
    run_cards: Mapping[str, Sequence[str]] | None = None,
    name: str = "queue",
) -> dict[str, Any]:
    """The raw mapping of ``queue_scenario`` (to tweak before validating)."""
    rates = [rate_per_hour] if isinstance(rate_per_hour, (int, float)) else list(rate_per_hour)
    zone_ids = [f"Z{k + 1}" for k in range(zones)]
    if priorities is None:
        priorities = [3] * len(rates)
    if len(priorities) != len(rates):
        raise ValueError("one priority per class")
    incidents: dict[str, Any] = {}
    if zones == 1:
        for k, (rate, prio) in enumerate(zip(rates, priorities)):
            incidents[f"class{k + 1}"] = queue_incident(24.0 * rate, mean_service_min, prio)
    else:
        # one class, the k-th rate is the rate of zone k
        if len(rates) != zones:
            raise ValueError("with several zones give one rate per zone")
        incidents["calls"] = queue_incident(
            0.0, mean_service_min, zone_rates={z: 24.0 * r for z, r in zip(zone_ids, rates)}
        )
    data: dict[str, Any] = {
        "name": name,
        "seed": seed,
        "clock": {"days": days, "warmup_days": warmup_days, "start_weekday": "mon"},
        "district": {
            "name": "queue",
            "zones": [{"id": z, "x_m": 100.0 * k, "y_m": 0.0} for k, z in enumerate(zone_ids)],
            "travel": {"matrix_minutes": zero_travel(zones)},
        },
        "incidents": incidents,
        "detection": {
            "cameras": {"zones": []},
            "complaints": True,
            "door_front": {"contract_share": 0.0},
        },
        "dispatch": {"policy": "nearest", "handling_delay": 0},
        "units": {
            "officer": {
                "count": servers,
                "mode": "foot",
                "shifts": ALWAYS_ON,
                "behaviour": {"kind": "standby"},
            }
        },
    }
    if run_cards is not None:
        data["dispatch"]["policy"] = "run_cards"
        data["dispatch"]["run_cards"] = {z: list(card) for z, card in run_cards.items()}
    return data


def queue_scenario(
    rate_per_hour: float | Sequence[float] = 10.0,
    mean_service_min: float = 15.0,
    servers: int = 3,
    days: int = 20,
    warmup_days: float = 2.0,
    seed: int = 1,
    priorities: Sequence[int] | None = None,
    zones: int = 1,
    run_cards: Mapping[str, Sequence[str]] | None = None,
    name: str = "queue",
) -> Scenario:
    """The engine configured as an M/M/c queue (see the module docstring).

    Args:
        rate_per_hour: Arrival rate per hour; a list gives one incident type per entry
            (``class1``, ``class2``, ...) or, with ``zones > 1``, one rate per zone.
        mean_service_min: Mean of the exponential on-scene time (minutes).
        servers: Number of officers (ids ``officer-1`` ...).
        days, warmup_days: Run length and warm-up left out of measures.
        seed: Root seed.
        priorities: Priority of each class (1 is served first); default all 3.
        zones: Number of zones (ids ``Z1``, ``Z2``, ...), all at zero travel time.
        run_cards: Per zone, the ordered officer ids; switches dispatch to ``run_cards``.
    """
    return scenario_from_dict(
        queue_scenario_dict(
            rate_per_hour, mean_service_min, servers, days, warmup_days, seed, priorities,
            zones, run_cards, name,
        )
    )


def arrivals_scenario_dict(
    rate_per_day: float,
    days: int,
    hour_profile: Sequence[float] | None = None,
    dow_profile: Sequence[float] | None = None,
    self_clear: Mapping[str, Any] | None = None,
    seed: int = 1,
    start_weekday: str = "mon",
    name: str = "arrivals",
) -> dict[str, Any]:
    """One zone, one incident type, nobody to detect or act on it: pure demand.

    The complaint probability is 0, there are no cameras and the single officer waits on
    standby (out of sight), so every incident ends by itself (``self_clear``) or stays open.
    """
    return {
        "name": name,
        "seed": seed,
        "clock": {"days": days, "warmup_days": 0, "start_weekday": start_weekday},
        "district": {"name": "one", "zones": [{"id": "Z", "x_m": 0.0, "y_m": 0.0}]},
        "incidents": {
            "demand": {
                "rate_per_day": {"residential": rate_per_day},
                "hour_profile": list(hour_profile or [1.0] * 24),
                "dow_profile": list(dow_profile or [1.0] * 7),
                "self_clear": dict(self_clear) if self_clear is not None else None,
                "complaint": {"probability": 0.0, "delay": 0},
                "ladder": [{"name": "remove", "duration": 5}],
            }
        },
        "detection": {"cameras": {"zones": []}, "complaints": False},
        "dispatch": {"handling_delay": 0},
        "units": {
            "officer": {"count": 1, "shifts": ALWAYS_ON, "behaviour": {"kind": "standby"}}
        },
    }


def arrivals_scenario(rate_per_day: float, days: int, **kwargs: Any) -> Scenario:
    """Validated ``arrivals_scenario_dict``."""
    return scenario_from_dict(arrivals_scenario_dict(rate_per_day, days, **kwargs))


def realistic_scenario_dict(
    days: int = 5,
    warmup_days: float = 1.0,
    officers: int = 4,
    seed: int = 7,
    name: str = "realistic",
) -> dict[str, Any]:
    """A 3 × 3 grid with patrol, travel, self-clearing, flight, deadlines, recurrence, cameras.

    Small enough to run in well under a second, rich enough to exercise every lifecycle path.
    """
    peaks = [0.2] * 6 + [1.5, 2.0, 1.5, 1.0, 1.0, 1.2, 1.2, 1.0, 1.0, 1.2, 1.6, 1.8] + [
        2.0, 2.0, 1.6, 1.0, 0.6, 0.3
    ]
    return {
        "name": name,
        "seed": seed,
        "clock": {"days": days, "warmup_days": warmup_days, "start_weekday": "mon"},
        "district": tiny_district(
            3, 3, cell_m=250.0,
            patches={"B2": {"kind": "market"}, "A3": {"kind": "commercial"},
                     "C1": {"kind": "construction"}},
        ),
        "incidents": {
            "vendor": {
                "rate_per_day": {"market": 8, "commercial": 4, "residential": 1,
                                 "construction": 0.5},
                "hour_profile": peaks,
                "dow_profile": [1, 1, 1, 1, 1.1, 1.3, 1.2],
                "self_clear": {"kind": "lognormal", "mean": 90, "sd": 60},
                "complaint": {"probability": 0.2, "delay": {"kind": "lognormal", "mean": 30,
                                                            "sd": 20}},
                "priority": 3,
                "sla_min": 60,
                "flee_probability": 0.3,
                "recurrence": 0.3,
                "recurrence_delay": {"kind": "exponential", "mean": 120},
                "ladder": [
                    {"name": "persuade", "duration": {"kind": "triangular", "low": 3, "mode": 5,
                                                      "high": 10}, "compliance": 0.7},
                    {"name": "seize", "duration": {"kind": "uniform", "low": 15, "high": 30}},
                ],
            },
            "parking": {
                "rate_per_day": {"market": 3, "commercial": 4, "residential": 1,
                                 "construction": 1},
                "self_clear": {"kind": "exponential", "mean": 120},
                "complaint": {"probability": 0.4, "delay": {"kind": "exponential", "mean": 20}},
                "priority": 2,
                "sla_min": 60,
                "shop_front": True,
                "ladder": [
                    {"name": "contact", "duration": {"kind": "exponential", "mean": 6},
                     "compliance": 0.6},
                    {"name": "ticket", "duration": 8},
                ],
            },
            "pile": {
                "rate_per_day": {"construction": 2, "market": 0.5, "residential": 0.2},
                "self_clear": None,
                "complaint": {"probability": 0.5, "delay": {"kind": "exponential",
                                                            "mean": 180}},
                "priority": 2,
                "sla_min": 2880,
                "ladder": [
                    {"name": "order", "duration": 10, "compliance": 0.8, "deadline_min": 240},
                    {"name": "remove", "duration": {"kind": "triangular", "low": 20,
                                                    "mode": 40, "high": 90}},
                ],
            },
            "dog": {
                "rate_per_day": {"residential": 0.3, "market": 0.3},
                "self_clear": {"kind": "exponential", "mean": 60},
                "complaint": {"probability": 0.9, "delay": 5},
                "priority": 1,
                "sla_min": 30,
                "ladder": [{"name": "catch", "duration": {"kind": "exponential", "mean": 20}}],
            },
        },
        "detection": {
            "cameras": {"zones": ["B2", "A3"], "probability": 0.5, "delay": 10},
            "door_front": {"contract_share": 0.4, "fix_share": 0.5, "delay": 45},
        },
        "dispatch": {"policy": "nearest", "handling_delay": 2},
        "units": {
            "foot": {
                "count": max(1, officers - 1),
                "mode": "foot",
                "home_zone": "B2",
                "shifts": [{"start": "08:00", "end": "17:00"},
                           {"start": "17:00", "end": "23:00", "days": "weekends"}],
                "behaviour": {"kind": "random_patrol", "dwell": {"kind": "uniform", "low": 15,
                                                                "high": 30}},
            },
            "bike": {
                "count": 1,
                "mode": "ebike",
                "home_zone": "A1",
                "shifts": [{"start": "12:00", "end": "22:00"}],
                "behaviour": {"kind": "fixed_post", "zone": "B2", "start": "16:00",
                              "end": "20:00", "dispatchable": True, "radius_min": 5},
            },
        },
    }


def realistic_scenario(**kwargs: Any) -> Scenario:
    """Validated ``realistic_scenario_dict``."""
    return scenario_from_dict(realistic_scenario_dict(**kwargs))


def tiny_vendor_dict(seed: int, complaint_probability: float | None = None) -> dict[str, Any]:
    """A 3 × 3 district for 2 days: one vendor type, two foot officers on a day shift."""
    vendor: dict[str, Any] = {
        "rate_per_day": {"residential": 4},
        "self_clear": {"kind": "exponential", "mean": 90},
        "ladder": [{"name": "persuade", "duration": 5, "compliance": 0.7},
                   {"name": "seize", "duration": 20}],
    }
    if complaint_probability is not None:
        vendor["complaint"] = {"probability": complaint_probability}
    return {
        "name": "tiny",
        "seed": seed,
        "clock": {"days": 2, "warmup_days": 0.5},
        "district": {"grid": {"rows": 3, "cols": 3, "cell_m": 250}},
        "incidents": {"vendor": vendor},
        "units": {"foot": {"count": 2, "shifts": [{"start": "08:00", "end": "17:00"}]}},
    }


def tiny_pile_dict() -> dict[str, Any]:
    """A 2 × 2 district for 2 days: piles only, two foot officers on a day shift (no
    vendors or parking from the demand models: the smallest run there is)."""
    return {
        "name": "tiny",
        "clock": {"days": 2},
        "district": {"grid": {"rows": 2, "cols": 2, "cell_m": 300}},
        "incidents": {"pile": {"rate_per_day": {"residential": 4},
                               "ladder": [{"name": "remove", "duration": 10}]}},
        "units": {"foot": {"count": 2, "shifts": [{"start": "08:00", "end": "16:00"}]}},
    }

"""What differs between the scenarios of a comparison besides the deployment strategy.

Common random numbers make the exogenous demand identical in every scenario only if the
scenarios describe the same demand and the same clock. A scenario that doubles the night
market's vendors, builds parking or changes the district is a different *demand*, not a
different strategy, and a reader must be told before reading any verdict.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any, NamedTuple

import pandas as pd

from sim.scenario.model import Scenario

# Incident-type fields that describe how disorder arises and behaves whatever the officers
# do (not: label, priority, sla_min, ladder — how the bureau handles it).
DEMAND_FIELDS = ("enabled", "rate_per_day", "zone_rates", "hour_profile", "dow_profile",
                 "self_clear", "complaint", "shop_front", "flee_probability", "recurrence",
                 "recurrence_delay")
CLOCK_LENGTH = "days"


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, default=str)
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def _nameless(value: Any) -> Any:
    """``value`` without its readable ``name`` fields (district and zone names, in any
    language, shape no demand)."""
    if isinstance(value, dict):
        return {k: _nameless(v) for k, v in value.items() if k != "name"}
    return [_nameless(v) for v in value] if isinstance(value, list) else value


def demand_parts(scenario: Scenario) -> dict[str, str]:
    """Digest of each part of a scenario that shapes exogenous demand, by dotted name."""
    data = scenario.model_dump(mode="json")
    district = {k: v for k, v in data["district"].items() if k != "travel"}
    return {"rate_multiplier": _digest(data["rate_multiplier"]),
            "district (zones)": _digest(_nameless(district)),
            **{f"incidents.{name}": _digest(_demand_fields(spec))
               for name, spec in data["incidents"].items()},
            **{f"demand.{name}": _digest(spec) for name, spec in data["demand"].items()}}


def _demand_fields(spec: dict[str, Any]) -> dict[str, Any]:
    """The fields of an incident type that shape its demand (``DEMAND_FIELDS``)."""
    return {k: spec.get(k) for k in DEMAND_FIELDS}


def demand_differences(scenarios: Sequence[Scenario]) -> list[str]:
    """Warnings naming the demand parts in which a scenario differs from the first."""
    base = demand_parts(scenarios[0])
    return [f"{s.name} differs from {scenarios[0].name} in demand, not only in deployment "
            f"({', '.join(differ)}): its differences include the effect of a different "
            "district or disorder, so they are not the effect of a strategy alone"
            for s in scenarios[1:] if (differ := _differing(base, demand_parts(s)))]


def _differing(base: dict[str, str], mine: dict[str, str]) -> list[str]:
    """The parts present in only one of the two, or with different digests, sorted."""
    return sorted(k for k in base.keys() | mine.keys() if base.get(k) != mine.get(k))


class ClockDifferences(NamedTuple):
    """Run lengths differing from the first scenario's (with the first listed, or empty),
    and warnings for the other clock fields that differ."""

    lengths: list[str]
    warnings: list[str]


def _field_warning(scenarios: Sequence[Scenario], field: str) -> list[str]:
    """A warning if ``clock.<field>`` is not the same in every scenario."""
    values = {s.name: getattr(s.clock, field) for s in scenarios}
    if len(set(values.values())) < 2:
        return []
    listed = ", ".join(f"{k} {v}" for k, v in values.items())
    return [f"clock.{field} differs between scenarios ({listed}): "
            "measures cover different windows"]


def clock_differences(scenarios: Sequence[Scenario]) -> ClockDifferences:
    """(scenarios whose length differs from the first's, warnings for other clock fields)."""
    warnings = [w for field in ("warmup_days", "cooldown_days", "start_weekday")
                for w in _field_warning(scenarios, field)]
    return ClockDifferences(_length_mismatches(scenarios), warnings)


def _length_mismatches(scenarios: Sequence[Scenario]) -> list[str]:
    """``name N days`` of the first scenario and of those of another length (none if all
    are equal)."""
    first = scenarios[0]
    other = [f"{s.name} {s.clock.days} days" for s in scenarios
             if s.clock.days != first.clock.days]
    return [f"{first.name} {first.clock.days} days", *other] if other else []


def exogenous_differences(incidents: pd.DataFrame, baseline: str) -> list[str]:
    """Warnings for scenarios whose exogenous incidents (catalog and charging wires) are not
    those of the baseline, replication by replication (a check on the data, not the files)."""
    digests = _exogenous_digests(incidents)
    base = digests.get(baseline)
    return [f"{name}: its exogenous incidents are not those of {baseline} (different demand "
            "in the same replications): paired differences mix demand and strategy"
            for name, d in digests.items() if name != baseline and d != base]


def _exogenous_digests(incidents: pd.DataFrame) -> dict[str, str]:
    """Per scenario, a digest of its exogenous incidents (replication, type, zone, time)."""
    exo = incidents[incidents["source"].isin(("catalog", "charging"))]
    keys = exo[["scenario", "replication", "type", "zone", "t_occur"]]
    return {name: _frame_digest(group.drop(columns="scenario"))
            for name, group in keys.groupby("scenario", sort=False)}


def _frame_digest(frame: pd.DataFrame) -> str:
    hashed = pd.util.hash_pandas_object(frame.reset_index(drop=True), index=False)
    return hashlib.blake2b(hashed.to_numpy().tobytes(), digest_size=8).hexdigest()

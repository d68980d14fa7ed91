"""Which summary measure a decision is about, checked against the measures registry."""

from __future__ import annotations

from collections.abc import Sequence

from sim.metrics import registry
from sim.scenario.model import Scenario

POOLED_WEIGHTS = {"resolution_std_mean_min"}


class DecisionError(ValueError):
    """A decision asked for that cannot be made (unknown measure, no direction, bad
    settings); raised before anything runs, the message says what was expected."""


def _known() -> str:
    usable = [n for n in registry.with_verdict() if n not in POOLED_WEIGHTS]
    return ", ".join(usable) + ", sla.<type>"


def check_measure(name: str, scenarios: Sequence[Scenario] = ()) -> registry.Measure:
    """The registry's measure for column ``name``; refuses unknown ones, those without a
    better direction, and per-type columns for types without a service target.

    Raises:
        DecisionError: With the known measures that would do.
    """
    measure = registry.measure_of(name)
    if measure is None:
        raise DecisionError(f"unknown measure {name!r}; expected one of: {_known()} "
                            "(see docs/measures.md)")
    if measure.lower_is_better is None:
        raise DecisionError(
            f"{name} ({measure.label}) has no better direction: it is descriptive, so no "
            f"strategy can be 'best' on it; expected one of: {_known()}")
    if name in POOLED_WEIGHTS:
        raise DecisionError(
            f"{name} standardises with type weights pooled over the strategies compared, "
            "so one replication's value depends on the others; use time_to_end_mean_min "
            "or sla.<type> instead")
    if "." in name:
        kind = name.split(".", 1)[1]
        for s in scenarios:
            incident = s.incidents.get(kind)
            if incident is None or not incident.enabled or not incident.sla_min:
                raise DecisionError(
                    f"{name}: scenario {s.name} has no enabled incident type {kind!r} with a "
                    f"service target (sla_min); types with one: "
                    f"{', '.join(n for n, t in s.incidents.items() if t.enabled and t.sla_min)}")
    return measure

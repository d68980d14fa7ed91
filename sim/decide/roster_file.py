"""A roster as a scenario: the baseline with its unit groups replaced by one group per shift
shape (in memory for the search, or as the ``units:`` of the scenario file written)."""

from __future__ import annotations

import copy
import hashlib
from typing import Any

from sim.decide.roster import Roster, Shape, in_order
from sim.scenario.model import Scenario
from sim.strategy.staggered import shift_entry


def unit_name(shape: Shape, template_group: str) -> str:
    """``staff_[GROUP_][DAYS_]HHMM_Hh`` for a shape (the group named when there are
    several)."""
    parts = ["staff", shape.group, "" if shape.days == "all" else shape.days,
             shape.clock.replace(":", ""), f"{shape.hours:g}h".replace(".", "_")]
    return "_".join(p for p in parts if p)


def _free_name(name: str, taken: dict[str, Any]) -> str:
    """``name``, with underscores appended until no group of ``taken`` has it."""
    while name in taken:
        name += "_"
    return name


def _unit_group(shape: Shape, count: int, template: dict[str, Any]) -> dict[str, Any]:
    """One unit group: ``count`` officers of ``template`` on ``shape`` (behaviour kind
    first, as the scenario files write it)."""
    return kind_first({"count": count, **copy.deepcopy(template),
                       "shifts": [shift_entry(shape.clock, shape.hours, shape.days)]})


def kind_first(group: dict[str, Any]) -> dict[str, Any]:
    """``group`` with its behaviour's ``kind`` written first (as scenario files do)."""
    if "behaviour" in group:
        behaviour = dict(group.pop("behaviour"))
        group["behaviour"] = {"kind": behaviour.pop("kind"), **behaviour}
    return group


def roster_units(baseline: Scenario, roster: Roster,
                 templates: dict[str, dict[str, Any]]) -> dict:
    """``units:`` replacing every inherited group (None) with one group per shape;
    ``templates``: mode, home and behaviour per group of the roster ("" for one group)."""
    units: dict[str, Any] = {name: None for name in baseline.units}
    for s, n in in_order(roster.counts):
        if n > 0:
            name = _free_name(unit_name(s, next(iter(templates))), units)
            units[name] = _unit_group(s, n, templates[s.group])
    return units


def roster_name(baseline: Scenario, roster: Roster) -> str:
    """``<baseline>_staff_<hash of the roster>``: the same roster, the same scenario (and
    cache entries) whichever search found it."""
    digest = hashlib.sha256(repr(roster.key).encode()).hexdigest()[:10]
    return f"{baseline.name}_staff_{digest}"


def roster_scenario(baseline: Scenario, roster: Roster, templates: dict[str, dict[str, Any]],
                    name: str) -> Scenario:
    """The baseline with its roster replaced (in memory, validated)."""
    from sim.scenario.loader import with_changes

    units = {k: v for k, v in roster_units(baseline, roster, templates).items()
             if v is not None}
    return with_changes(baseline, {"units": units, "name": name})

"""Which unit groups a roster staffs, in what shares, and whether weekdays and weekends
get rosters of their own (``sim staff --groups``, ``--week``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from sim.scenario.model import Scenario


def day_types(baseline: Scenario, week: str) -> tuple[str, ...]:
    """("all",) for one roster every day, ("weekdays", "weekends") for two; ``auto``
    splits when some incident type's day-of-week profile differs between weekdays and
    weekends."""
    if week not in ("auto", "same", "split"):
        raise ValueError(f"--week {week!r}: expected auto, same or split")
    if week == "auto":
        week = "split" if demand_differs_by_day(baseline) else "same"
    return ("all",) if week == "same" else ("weekdays", "weekends")


def demand_differs_by_day(scenario: Scenario) -> bool:
    """Whether an enabled incident type is more (or less) frequent at weekends."""
    return any(t.enabled and _weekends_differ(t.dow_profile)
               for t in scenario.incidents.values())


def _weekends_differ(dow_profile: Sequence[float]) -> bool:
    """Whether the mean weekend weight differs from the weekday one by over 1 %."""
    dow = np.asarray(dow_profile, float)
    return bool(abs(dow[:5].mean() - dow[5:].mean()) > 0.01 * dow.mean())


def group_shares(baseline: Scenario, groups: Sequence[str]) -> dict[str, float]:
    """Each group's share of the baseline's staff-hours among ``groups`` (equal if none)."""
    hours = {g: _group_hours(baseline, g) for g in groups}
    total = sum(hours.values())
    return {g: (h / total if total > 0 else 1.0 / len(groups)) for g, h in hours.items()}


def _group_hours(baseline: Scenario, group: str) -> float:
    """Officer-hours on duty per day of one unit group of the baseline."""
    from sim.decide.propose import roster_on_duty

    one = baseline.model_copy(update={"units": {group: baseline.units[group]}})
    return float(roster_on_duty(one).sum())


def group_templates(baseline: Scenario, groups: Sequence[str] | str | None
                    ) -> dict[str, dict[str, Any]]:
    """Mode, home and behaviour per group the roster staffs: {"": template} for one group
    (the first by default), {name: template} for several.

    Raises:
        ValueError: An unknown or repeated group.
    """
    from sim.decide.propose import template_of

    names = _group_names(groups)
    if len(names) <= 1:
        return {"": template_of(baseline, names[0] if names else None)}
    return {g: template_of(baseline, g) for g in names}


def _group_names(groups: Sequence[str] | str | None) -> list[str]:
    """The groups named (none, one or several), each once."""
    names = [groups] if isinstance(groups, str) else list(groups or [])
    if len(set(names)) != len(names):
        raise ValueError(f"--groups {','.join(names)}: a group is named twice")
    return names

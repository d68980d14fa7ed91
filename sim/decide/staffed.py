"""The outcome of ``sim staff`` and the scenario file of the roster it chose."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from sim.decide.estimate import Estimate
from sim.decide.roster import Roster
from sim.decide.roster_file import roster_units
from sim.decide.targets import Target
from sim.scenario.model import Scenario


@dataclass
class StaffResult:
    """The outcome of ``staff``.

    Attributes:
        chosen: The cheapest roster found to meet every target (None if none did).
        scenario: The chosen roster as a scenario (None if none).
        candidates: Every candidate roster: grade, staff-hours, description, whether it
            was checked and with how many replications, and per target mean and bound.
        hourly: Per clock hour: workload, offered load, the chosen requirement, on duty
            (chosen roster and baseline).
        baseline: The baseline's per-target estimate (does the current roster meet them?).
        check: The chosen roster's per-target estimate on fresh replication seeds.
        check_seed: The root seed of the check run.
        targets: The targets; confidence: their one-sided confidence level.
        proven: Every roster of the search space costing no more than the chosen one was
            evaluated (``space_size`` of them): no cheaper roster of the space meets the
            targets under this estimator and seeds.
        day_types: ("all",) or ("weekdays", "weekends"); groups: the unit groups staffed
            ([""]: the one template group).
        optimum: What the search chose on the baseline's seeds, before the fresh-seed
            check (``chosen`` unless the check rejected it).
    """

    chosen: Roster | None
    scenario: Scenario | None
    candidates: pd.DataFrame
    hourly: pd.DataFrame
    baseline: Estimate
    baseline_staff_hours: float
    check: Estimate | None
    check_seed: int | None
    targets: list[Target]
    confidence: float
    replications: int = 0
    proven: bool = False
    space_size: int | None = None
    day_types: tuple[str, ...] = ("all",)
    groups: list[str] = field(default_factory=lambda: [""])
    optimum: Roster | None = None


def staffed_text(result: StaffResult, baseline: Scenario, baseline_path: Any, folder: Any,
                 templates: dict[str, dict[str, Any]]) -> str:
    """The chosen roster as a complete scenario file (extends the baseline, replaces its
    unit groups)."""
    import os
    from pathlib import Path

    import yaml

    roster = result.chosen
    assert roster is not None
    extends = os.path.relpath(Path(baseline_path).resolve(), Path(folder).resolve())
    lines = _head_comments(result, baseline.name, roster)
    body = {"extends": extends, "name": f"{baseline.name}_staffed",
            "description": f"Fewest staff-hours meeting {', '.join(map(str, result.targets))} "
                           f"(sim staff): {roster.describe()}.",
            "units": roster_units(baseline, roster, templates)}
    return "\n".join(lines) + "\n" + yaml.safe_dump(body, sort_keys=False,
                                                     default_flow_style=None,
                                                     allow_unicode=True, width=100)


def _head_comments(result: StaffResult, name: str, roster: Roster) -> list[str]:
    """What the file is: the roster, its cost against the baseline's, the targets."""
    return [f"# Roster chosen by `sim staff` for {name}: "
            f"{roster.staff_hours_per_week:g} staff-hours/week "
            f"(baseline {result.baseline_staff_hours:g}), {roster.describe()}.",
            "# Targets: " + "; ".join(str(t) for t in result.targets)
            + f" (one-sided {result.confidence:.0%} confidence).",
            "# It replaces the baseline's unit groups (each set to null below); run it as "
            "it is: sim run staffed.yaml"]

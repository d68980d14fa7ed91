"""Remote notices: a deadline served by message costs no officer visit, and the case still
gets exactly one re-inspection at the deadline."""

from __future__ import annotations

import numpy as np
import pytest

from sim.experiment.replication import run_replication
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import scenario_from_dict
from tests.helpers.scenarios import queue_scenario_dict

DAY = 1440.0


def pile_scenario(remote: bool) -> dict:
    """Piles reported at once (no patrol sighting: officers on standby), a 2-hour deadline,
    then removal; plenty of officers, so nobody waits."""
    data = queue_scenario_dict(rate_per_hour=0.5, servers=20, days=6, warmup_days=1.0)
    data["incidents"]["class1"]["ladder"] = [
        {"name": "notice", "duration": 10, "compliance": 0.7, "deadline_min": 120,
         "remote": remote},
        {"name": "remove", "duration": 30, "compliance": 1.0},
    ]
    return data


@pytest.fixture(scope="module")
def runs():
    return {flag: run_replication(scenario_from_dict(pile_scenario(flag)), 0)
            for flag in (False, True)}


def test_remote_notice_saves_the_notice_visit_and_keeps_the_reinspection(runs) -> None:
    visit, remote = runs[False], runs[True]
    early = {k: f.incidents[f.incidents["t_occur"] < 5 * DAY] for k, f in runs.items()}
    n = len(early[True])
    assert n > 30 and len(early[False]) == n  # the same piles (common random numbers)
    # one re-inspection per pile either way
    assert (early[False]["reinspections"] == 1).all() and (early[True]["reinspections"] == 1).all()
    # officer jobs: a notice visit and a re-inspection per pile in person, only the latter
    # by message (the piles of the last day are still under way in both runs)
    jobs = {k: int(f.units["jobs"].sum()) for k, f in runs.items()}
    piles = len(visit.incidents)
    assert jobs[False] - jobs[True] == pytest.approx(piles, abs=3)
    assert jobs[True] < jobs[False]
    # the message goes when the case is filed; the re-inspection comes at the deadline
    inc = early[True]
    assert np.allclose(inc["t_notice"], inc["t_queued"])
    assert np.allclose(inc["t_reinspect"] - inc["t_notice"], 120.0)
    assert (inc["outcome"] == "resolved").all()
    assert remote.summary.iloc[0]["utilisation"] < visit.summary.iloc[0]["utilisation"]


def test_remote_is_only_for_a_first_step_with_a_deadline() -> None:
    data = pile_scenario(True)
    data["incidents"]["class1"]["ladder"][0].pop("deadline_min")
    with pytest.raises(ScenarioError, match=r"ladder\.0\.remote"):
        scenario_from_dict(data)

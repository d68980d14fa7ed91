"""sim.engine.recurrence: ended disorder comes back at the same place after the set delay.

A type with ``recurrence`` p: each incident an officer resolves or makes flee gets a
follow-up with chance p, ``recurrence_delay`` after it ended, in the same zone, of the same
type; follow-ups past the run's end are not created. Checked on a three-zone queue (zero
travel, no self-clearing) for one short run.

Power (checked by injection): a follow-up placed in the next zone, or at the resolution time
without the delay, fails ``test_a_follow_up_repeats_its_incident_after_the_delay``; the draw
compared the wrong way (``rng.random() < recurrence`` to skip) fails both tests.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from sim.experiment.replication import run_replication
from sim.scenario.loader import scenario_from_dict
from tests.helpers.scenarios import queue_scenario_dict

DAYS, DELAY = 4, 90.0


def incidents(recurrence: float) -> pd.DataFrame:
    """The incidents of a 3-zone queue whose one type recurs with chance ``recurrence``."""
    data = queue_scenario_dict(rate_per_hour=[1.0, 2.0, 1.0], zones=3, servers=3, days=DAYS,
                               warmup_days=0)
    data["incidents"]["calls"].update(recurrence=recurrence, recurrence_delay=DELAY,
                                      flee_probability=0.3)
    frame = run_replication(scenario_from_dict(data), 0).incidents
    return frame.set_index("incident_id")


def ended_in_time(inc: pd.DataFrame) -> pd.DataFrame:
    """Incidents resolved or fled early enough for a follow-up inside the run."""
    ended = inc["outcome"].isin(["resolved", "fled"])
    return inc[ended & (inc["t_resolve"] + DELAY < DAYS * 1440.0)]


def test_a_follow_up_repeats_its_incident_after_the_delay() -> None:
    inc = incidents(1.0)
    kids = inc[inc["source"] == "recurrence"]
    parents = inc.loc[kids["recurrence_of"]]
    assert len(kids) > 500 and set(parents["outcome"]) == {"resolved", "fled"}
    assert (kids["zone"].to_numpy() == parents["zone"].to_numpy()).all()
    assert (kids["type"].to_numpy() == parents["type"].to_numpy()).all()
    assert kids["t_occur"].to_numpy() == pytest.approx(
        parents["t_resolve"].to_numpy() + DELAY, abs=1e-9)
    # with p = 1: exactly one follow-up for each incident ended in time, none for the others
    assert sorted(kids["recurrence_of"]) == sorted(ended_in_time(inc).index)


def test_the_share_that_recurs_is_the_recurrence_probability() -> None:
    inc = incidents(0.3)
    n = len(ended_in_time(inc))
    recurred = int((inc["source"] == "recurrence").sum())
    assert n > 300
    assert abs(recurred - 0.3 * n) < 4 * math.sqrt(n * 0.3 * 0.7)  # 4 sd: fixed seed
    assert not (incidents(0.0)["source"] == "recurrence").any()

"""`sim shifts propose`: fitted to the workload, a complete scenario that replaces the
roster, checked against the baseline under common random numbers, worse said plainly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from sim.cli import main
from sim.decide.propose import roster_on_duty
from sim.decide.workload import hourly_workload, job_minutes

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
DEFAULT = SCENARIOS / "default.yaml"
QUICK = ["--days", "7", "--reps", "2", "--no-cache"]


def test_workload_weighs_incidents_by_their_job_time_at_the_hour_they_occur():
    """Two piles at 03:xx (a resolved pile takes 45 min, half of the piles were resolved:
    22.5 min expected) and six ads at 10:xx (5 min, all resolved) over an arrival window of
    two days: per day 22.5 officer-min at 03 and 15 at 10 — work, not counts — at the hour of
    occurrence even if nobody was on duty then."""
    scenario = sim.load_scenario(DEFAULT, {"clock.days": 6, "clock.warmup_days": 1})
    day = 1440.0
    incidents = pd.DataFrame({
        "replication": 0,
        "type": ["random_pile"] * 2 + ["illegal_ad"] * 6,
        "t_occur": [day + 3 * 60 + 5, day + 3 * 60 + 50] + [day + 10 * 60 + m for m in range(6)],
    })
    by_type = pd.DataFrame({
        "type": ["random_pile", "illegal_ad"], "incidents": [4, 6], "resolved": [2, 6],
        "travel_mean_min": [15.0, 2.0], "on_scene_mean_min": [30.0, 3.0],
        "reinspection_mean_min": [0.0, np.nan],
    })
    assert job_minutes(by_type).to_dict() == {"random_pile": 22.5, "illegal_ad": 5.0}
    table = hourly_workload(incidents, by_type, scenario).set_index("hour")
    assert table.loc[3, "work_officer_min"] == pytest.approx(22.5)
    assert table.loc[10, "work_officer_min"] == pytest.approx(15.0)
    assert table.loc[10, "incidents_per_day"] == pytest.approx(3.0)
    assert table["work_officer_min"].sum() == pytest.approx(37.5)


def test_roster_on_duty_counts_weekdays_and_overnight_shifts():
    on = roster_on_duty(sim.load_scenario(SCENARIOS / "night_inspection.yaml"))
    assert on[9] == pytest.approx(12) and on[21] == pytest.approx(6) and on[0] == pytest.approx(6)
    assert on[6] == pytest.approx(0)


def test_propose_writes_a_complete_scenario_that_replaces_the_roster(tmp_path: Path, capsys):
    out = tmp_path / "prop"
    code = main(["shifts", "propose", str(DEFAULT), "--officers", "12", "--shift-hours", "8",
                 "-o", str(out), *QUICK])
    assert code == 0
    printed = capsys.readouterr().out
    assert {"proposal.yaml", "workload.csv", "comparison.csv", "differences.csv", "report.md",
            "proposal.png"} <= {p.name for p in out.iterdir()}
    # runs as it is: exactly the 12 proposed officers (not 16 + 12), 12 x 8 x 7 staff-hours
    proposal = sim.load_scenario(out / "proposal.yaml")
    assert "foot" not in proposal.units
    assert sum(g.count for g in proposal.units.values()) == 12
    assert roster_on_duty(proposal).sum() * 7 == pytest.approx(12 * 8 * 7)
    assert main(["validate", str(out / "proposal.yaml")]) == 0
    # the fit follows the workload table written beside it
    table = pd.read_csv(out / "workload.csv")
    assert table["proposed_on_duty"].to_numpy() == pytest.approx(roster_on_duty(proposal))
    assert table["baseline_on_duty"].max() == pytest.approx(16)
    # the comparison was run and is printed, headline first
    assert "disorder exposure" in printed and "staff-hours/week; baseline 1008" in printed
    diffs = pd.read_csv(out / "differences.csv")
    assert set(diffs["scenario"]) == {"default_proposal"}


def test_a_worse_proposal_is_said_to_be_worse(tmp_path: Path, capsys):
    """Two officers instead of sixteen: more exposure, and the first and last lines say so."""
    out = tmp_path / "prop"
    assert main(["shifts", "propose", str(DEFAULT), "--officers", "2", "--shift-hours", "8",
                 "-o", str(out), "--no-plots", *QUICK]) == 0
    lines = capsys.readouterr().out.splitlines()
    first = lines[0]
    assert first.startswith("WARNING: the proposal default_proposal is WORSE than the "
                            "baseline default on ")
    assert "Disorder exposure" in first
    assert lines[-1] == first  # and again last, where the terminal ends
    assert "WORSE" in (out / "report.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("extra, message", [
    (["--group", "nope", *QUICK], "--group 'nope' is not a unit group"),
    (["--days", "4", "--reps", "2", "--no-cache"], "leaves no incidents to measure"),
    (["--earliest", "25:00", *QUICK], "time must be 'HH:MM'"),
])
def test_propose_bad_input_exits_2_and_writes_nothing(tmp_path: Path, capsys,
                                                      extra: list[str], message: str):
    out = tmp_path / "prop"
    assert main(["shifts", "propose", str(DEFAULT), "--officers", "4", "--shift-hours", "8",
                 "-o", str(out), *extra]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not out.exists()

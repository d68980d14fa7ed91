"""`sim run`'s results folder, with and without the demand models."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sim.experiment.single import run_to_folder
from sim.scenario.loader import load_scenario, scenario_from_dict
from tests.helpers.scenarios import tiny_pile_dict

ROOT = Path(__file__).resolve().parents[2]


def tiny_without_demand_models():
    return scenario_from_dict(tiny_pile_dict())


def test_kpi_table_without_demand_models(tmp_path):
    out = tmp_path / "tiny"
    _, table = run_to_folder(tiny_without_demand_models(), out, reps=2)
    kpis = pd.read_csv(out / "kpis.csv")
    assert "resolution_mean_min" in set(kpis["kpi"])
    assert "parking_illegal_share" not in set(kpis["kpi"])  # nothing to report: not modelled
    assert not (out / "plots" / "parking_occupancy.png").exists()
    assert (out / "plots" / "time_of_day.png").exists()


def test_kpi_table_and_parking_figure_with_demand_models(tmp_path):
    scenario = load_scenario(ROOT / "scenarios" / "default.yaml",
                             {"clock.days": 2, "clock.warmup_days": 0})
    out = tmp_path / "default"
    run_to_folder(scenario, out, reps=1)
    kpis = pd.read_csv(out / "kpis.csv")
    assert {"parking_illegal_share", "vendor_trading_h_per_day"} <= set(kpis["kpi"])
    assert (out / "plots" / "parking_occupancy.png").exists()
    assert (out / "parking.csv").exists() and (out / "vendors.csv").exists()

"""`sim bench`: the figures it reports are consistent with each other and the CLI's JSON."""

from __future__ import annotations

import json
from pathlib import Path

from sim.cli import main
from sim.experiment.bench import plain_simpy_mmc, run_bench
from sim.scenario.loader import load_scenario

KEYS = {
    "days", "incidents", "wall_s", "incidents_per_s", "baseline_wall_s", "baseline_before_s",
    "baseline_after_s", "ratio", "peak_rss_mb", "build_s", "simulate_s", "frames_s",
    "simulate_ratio",
}


def test_baseline_serves_every_customer_in_positive_time() -> None:
    assert plain_simpy_mmc(2_000, servers=4) > 0


def test_run_bench_figures_add_up() -> None:
    scenario = load_scenario(Path("scenarios/default.yaml"), {"clock.days": 2, "clock.warmup_days": 0})
    r = run_bench(scenario, probe_customers=2_000)
    assert set(r) == KEYS
    assert r["days"] == 2 and r["incidents"] > 0
    parts = r["build_s"] + r["simulate_s"] + r["frames_s"]
    assert abs(parts - r["wall_s"]) <= 0.002  # three rounded parts of the same interval
    mean = (r["baseline_before_s"] + r["baseline_after_s"]) / 2
    assert abs(mean - r["baseline_wall_s"]) <= 0.001
    # ratio = wall / baseline, up to the rounding of the reported baseline (3 decimals)
    assert abs(r["ratio"] * r["baseline_wall_s"] - r["wall_s"]) <= 0.0005 * r["ratio"] + 0.001
    assert r["peak_rss_mb"] > 0


def test_cli_bench_last_line_is_json(capsys) -> None:  # noqa: ANN001
    code = main(["bench", "--days", "1", "--scenario", "scenarios/default.yaml"])
    assert code == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert set(json.loads(last)) == KEYS

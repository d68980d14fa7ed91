"""Scenario comparison: common random numbers, CI arithmetic, paired verdicts, output analysis."""

from __future__ import annotations

import copy
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy import stats as sps

import sim
from sim.cli import main
from sim.experiment.compare import Comparison
from sim.experiment.precision import mser_warmup_days

TINY = {
    "name": "tiny",
    "description": "3x3 test district, two officers on a day shift.",
    "seed": 11,
    "clock": {"days": 3, "warmup_days": 1},
    "district": {"grid": {"rows": 3, "cols": 3, "cell_m": 250}},
    "incidents": {
        "vendor": {
            "rate_per_day": {"residential": 4},
            "self_clear": {"kind": "lognormal", "mean": 90, "sd": 60},
            "complaint": {"probability": 0.3, "delay": {"kind": "exponential", "mean": 20}},
            "recurrence": 0.3,
            "recurrence_delay": {"kind": "exponential", "mean": 120},
            "sla_min": 60,
            "ladder": [
                {"name": "persuade", "compliance": 0.7,
                 "duration": {"kind": "triangular", "low": 3, "mode": 5, "high": 10}},
                {"name": "seize", "duration": 20},
            ],
        },
        "pile": {"rate_per_day": {"residential": 1}, "ladder": [{"name": "remove", "duration": 30}]},
    },
    "units": {"foot": {"count": 2, "shifts": [{"start": "08:00", "end": "17:00"}]}},
}


def variant(name: str, **changes: object) -> dict:
    """TINY with a new name and top-level/dotted changes."""
    data = copy.deepcopy(TINY)
    data["name"] = name
    for dotted, value in changes.items():
        node = data
        *parents, last = dotted.split("__")
        for part in parents:
            node = node[part]
        node[last] = value
    return data


def write(folder: Path, data: dict) -> Path:
    path = folder / f"{data['name']}.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("scenarios")
    night = variant("night", units__foot={
        "count": 2, "home_zone": "B2", "behaviour": {"kind": "standby"},
        "shifts": [{"start": "20:00", "end": "05:00", "overnight": True}]})
    return {
        "tiny": write(folder, TINY),
        "night": write(folder, night),
        "triple": write(folder, variant("triple", seed=99, units__foot={
            "count": 6, "shifts": [{"start": "08:00", "end": "17:00"}]})),
    }


@pytest.fixture(scope="module")
def triple(files: dict[str, Path]) -> Comparison:
    scenarios = [sim.load_scenario(files["tiny"]), sim.load_scenario(files["triple"])]
    return sim.compare(scenarios, reps=6)


def test_crn_same_exogenous_demand_whatever_the_deployment(files: dict[str, Path]) -> None:
    a, b = sim.load_scenario(files["tiny"]), sim.load_scenario(files["night"])
    result = sim.compare([a, b], reps=3)
    inc = result.frames.incidents
    exo = inc[inc["recurrence_of"] == -1]
    cols = ["replication", "t_occur", "type", "zone"]
    per = {s: g[cols].sort_values(cols).reset_index(drop=True) for s, g in exo.groupby("scenario")}
    assert len(per["tiny"]) > 50
    pd.testing.assert_frame_equal(per["tiny"], per["night"])
    # ... while what the officers did differs (the deployments are really different).
    kpis = result.frames.summary.groupby("scenario")[["coverage_share", "night_coverage_share"]]
    means = kpis.mean()
    assert means.at["tiny", "coverage_share"] > 0 == means.at["tiny", "night_coverage_share"]
    assert means.at["night", "night_coverage_share"] > 0


def test_ci_arithmetic_matches_hand_computation(files: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "cmp"
    code = main(["compare", str(files["tiny"]), str(files["triple"]), "--reps", "4",
                 "-o", str(out), "--no-plots", "--no-cache"])
    assert code == 0
    summary = pd.read_csv(out / "summary.csv")
    table = pd.read_csv(out / "comparison.csv")
    for (scen, kpi), row in table.set_index(["scenario", "kpi"]).iterrows():
        values = summary.loc[summary["scenario"] == scen, kpi].dropna().to_numpy()
        mean, sd = values.mean(), values.std(ddof=1)
        hw = sps.t.ppf(0.975, len(values) - 1) * sd / math.sqrt(len(values))
        assert row["n"] == len(values) == 4
        assert row["mean"] == pytest.approx(mean, rel=1e-5, abs=1e-9)
        assert row["ci_low"] == pytest.approx(mean - hw, rel=1e-5, abs=1e-6)
        assert row["ci_high"] == pytest.approx(mean + hw, rel=1e-5, abs=1e-6)
    diffs = pd.read_csv(out / "differences.csv").set_index("kpi")
    a = summary[summary["scenario"] == "tiny"].set_index("replication")["resolution_mean_min"]
    b = summary[summary["scenario"] == "triple"].set_index("replication")["resolution_mean_min"]
    d = (b - a).to_numpy()
    hw = sps.t.ppf(0.975, 3) * d.std(ddof=1) / 2.0
    row = diffs.loc["resolution_mean_min"]
    assert row["diff_mean"] == pytest.approx(d.mean(), rel=1e-5)
    assert row["diff_ci_low"] == pytest.approx(d.mean() - hw, rel=1e-4)
    assert row["rel_diff_pct"] == pytest.approx(100 * d.mean() / a.mean(), rel=1e-4)


def test_three_times_the_officers_resolves_faster(triple: Comparison) -> None:
    d = triple.differences.set_index("kpi")
    for headline in ("time_to_end_mean_min", "exposure_h_per_day", "coverage_share"):
        assert d.at[headline, "verdict"] == "better", headline
        assert d.at[headline, "role"] == "headline"
    assert d.at["time_to_end_mean_min", "diff_ci_high"] < 0
    assert d.at["resolution_mean_min", "verdict"] in ("higher", "lower",
                                                      "no significant difference")
    assert d.at["staff_hours_per_week", "verdict"] == "higher"  # neutral KPI: no "better"
    assert any("staff-hours per week differ" in w for w in triple.warnings)


def test_first_scenario_seed_is_common(triple: Comparison) -> None:
    assert [s.seed for s in triple.scenarios] == [11, 11]
    assert triple.seed == 11 and "first scenario" in triple.seed_source
    assert any("99" in note for note in triple.notes)
    assert triple.frames.summary.groupby("replication")["seed"].nunique().eq(1).all()


def test_same_scenario_twice_gives_no_difference(files: dict[str, Path]) -> None:
    a = sim.load_scenario(files["tiny"])
    result = sim.compare([a, a], reps=3)
    assert [s.name for s in result.scenarios] == ["tiny", "tiny-2"]
    d = result.differences
    assert (d["diff_mean"].fillna(0) == 0).all()
    assert set(d["verdict"]) == {"no significant difference"}
    assert result.warnings == []


def test_precision_adds_replications_up_to_the_cap(files: dict[str, Path]) -> None:
    a = sim.load_scenario(files["tiny"])
    loose = sim.compare([a], reps=3, precision=0.9)
    assert loose.reps == 3 and loose.precision["reached"].all()
    tight = sim.compare([a], reps=3, precision=0.001, max_reps=7)
    assert tight.reps == 7 and not tight.precision["reached"].all()
    assert len(tight.frames.summary) == 7
    assert any("not reached after 7 replications" in w for w in tight.warnings)


def test_mser_finds_an_obvious_transient() -> None:
    rng = np.random.default_rng(3)
    days = np.arange(40)
    series = pd.Series(np.where(days < 8, 300.0, 100.0) + rng.normal(0, 5, 40), index=days)
    # 8 transient days: batches of 5 days, the first two batches are deleted.
    assert mser_warmup_days(series) == 10
    # Days without resolved incidents are skipped; the cut is reported as a day number.
    step = pd.Series(np.where(days < 8, 300.0, 100.0), index=days).drop(index=[2, 3])
    assert mser_warmup_days(step) == 12  # 10 observations deleted: days 0-1 and 4-11


def test_warmup_mser_is_reported_and_never_shortens(files: dict[str, Path]) -> None:
    a = sim.load_scenario(files["tiny"])
    result = sim.compare([a], reps=2, days=20, warmup_mser=True)
    assert list(result.warmup.columns[-1:]) == ["mser5_warmup_days"]
    assert len(result.warmup) == 2 and (result.warmup["mser5_warmup_days"] <= 10).all()
    used = max(1.0, float(result.warmup["mser5_warmup_days"].max()))
    assert result.scenarios[0].clock.warmup_days == used


def test_batch_means_single_long_run(files: dict[str, Path]) -> None:
    a = sim.load_scenario(files["tiny"])
    result = sim.compare([a], days=13, batch_means=True)
    assert result.reps == 1
    row = result.batch_means.iloc[0]
    assert (row["n_batches"], row["batch_days"]) == (6, 2)  # 12 days after the warm-up
    assert row["ci_low"] < row["mean"] < row["ci_high"]

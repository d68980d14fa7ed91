"""Tests for sim.plots: figure structure, pareto_front and the time-of-day series."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.container import ErrorbarContainer
from matplotlib.figure import Figure

from sim import plots

SCENARIOS = ["baseline", "staggered"]


def _labelled_lines(ax) -> list[str]:
    return [ln.get_label() for ln in ax.lines if not ln.get_label().startswith("_")]


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(12345)
    inc, uni, zon, cov, park, sweep = [], [], [], [], [], []
    zone_ids = np.arange(16)
    for s_i, scen in enumerate(SCENARIOS):
        for rep in range(2):
            n = 300
            t0 = rng.uniform(0, 2 * 1440, n)
            res = t0 + rng.lognormal(3.5 - 0.3 * s_i, 0.5, n)
            out = rng.choice(["resolved", "fled", "open_at_end"], n, p=[0.8, 0.1, 0.1])
            inc.append(pd.DataFrame({
                "scenario": scen, "replication": rep, "incident_id": np.arange(n),
                "t_occur": t0, "t_resolve": np.where(out == "resolved", res, np.nan),
                "t_end": np.where(out == "open_at_end", np.nan, res), "outcome": out}))
            starts = np.repeat([480.0, 1920.0], 4) + 60 * s_i
            uni.append(pd.DataFrame({
                "scenario": scen, "replication": rep, "unit_id": np.arange(8),
                "shift_start": starts, "shift_end": starts + 480,
                "off_duty_at": starts + 480}))
            zon.append(pd.DataFrame({
                "scenario": scen, "replication": rep, "zone": zone_ids,
                "x_m": (zone_ids % 4) * 400.0, "y_m": (zone_ids // 4) * 400.0,
                "max_gap_min": rng.gamma(3, 40, 16)}))
            grid = pd.MultiIndex.from_product([zone_ids, range(24)], names=["zone", "hour"])
            c = grid.to_frame(index=False)
            c["observed_min"] = 60.0
            c["covered_min"] = 60.0 * rng.uniform(0, 1, len(c))
            cov.append(c.assign(scenario=scen, replication=rep))
            for kind in ("motor", "nonmotor"):
                p = grid.to_frame(index=False)
                p["occupancy"] = rng.uniform(0.5, 1.2, len(p))
                p["illegal"] = rng.poisson(2, len(p))
                park.append(p.assign(scenario=scen, replication=rep, kind=kind))
            for foot in (2, 4, 6):
                sweep.append({"scenario": scen, "replication": rep, "units.foot.count": foot,
                              "staff_hours": 8.0 * foot,
                              "resolution_mean_min": 100 / foot + 5 * s_i + rng.normal()})
    comparison = pd.DataFrame([
        {"scenario": s, "kpi": k, "n": 2, "mean": m, "sd": 1.0, "ci_low": m - 1,
         "ci_high": m + 1, "half_width": 1.0}
        for s in SCENARIOS for k, m in [("resolution_mean_min", 50.0),
                                        ("sla_attainment", 0.8), ("fled_share", 0.1)]])
    def cat(parts: list[pd.DataFrame]) -> pd.DataFrame:
        return pd.concat(parts, ignore_index=True)

    return {"incidents": cat(inc), "units": cat(uni), "zones": cat(zon),
            "coverage": cat(cov), "parking": cat(park), "sweep": pd.DataFrame(sweep),
            "comparison": comparison}


def test_kpi_label_known_and_prettified() -> None:
    assert plots.kpi_label("resolution_mean_min") == "Resolution time, pooled (resolved only) (min)"
    assert plots.kpi_label("queue_length_max_h") == "Queue length max (h)"
    assert plots.kpi_label("weird") == "Weird"


def test_scenario_colors_tab10_in_order() -> None:
    cols = plots.scenario_colors(["b", "a", "b", "c"])
    assert list(cols) == ["b", "a", "c"]
    assert cols["b"] != cols["a"] != cols["c"]


def test_resolution_ecdf(frames) -> None:
    fig = plots.resolution_ecdf(frames["incidents"], logx=True)
    assert isinstance(fig, Figure) and len(fig.axes) == 1
    ax = fig.axes[0]
    assert len(ax.lines) == 2 and ax.get_xscale() == "log"
    assert ax.get_xlabel().endswith("(min)")
    assert len(ax.collections) == 2  # median markers
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[0].startswith("baseline") and labels[-1] == "Median"


def test_resolution_ecdf_without_scenario_uses_label(frames) -> None:
    inc = frames["incidents"].drop(columns="scenario")
    fig = plots.resolution_ecdf(inc, label="run A")
    assert _labelled_lines(fig.axes[0])[0].startswith("run A")


def test_kpi_bars(frames) -> None:
    fig = plots.kpi_bars(frames["comparison"], kpis=["resolution_mean_min", "fled_share"])
    assert len(fig.axes) == 2
    assert fig.axes[0].get_title() == "Resolution time, pooled (resolved only) (min)"
    assert fig.axes[1].get_title() == "Fled share (share)"
    assert fig.axes[0].get_ylabel() == "min"
    assert len(fig.axes[0].patches) == 2
    assert [t.get_text() for t in fig.legends[0].get_texts()] == SCENARIOS
    with pytest.raises(ValueError):
        plots.kpi_bars(frames["comparison"], kpis=["nope"])


def test_open_and_on_duty_hand_case() -> None:
    inc = pd.DataFrame({"t_occur": [60.0], "t_end": [180.0]})
    uni = pd.DataFrame({"shift_start": [0.0], "shift_end": [120.0], "off_duty_at": [120.0]})
    out = plots.open_and_on_duty_by_hour(inc, uni, horizon_min=1440.0)
    assert list(out.columns) == ["scenario", "hour", "incidents_open", "officers_on_duty"]
    exp_inc, exp_off = np.zeros(24), np.zeros(24)
    exp_inc[[1, 2]] = 1.0
    exp_off[[0, 1]] = 1.0
    np.testing.assert_allclose(out["incidents_open"], exp_inc)
    np.testing.assert_allclose(out["officers_on_duty"], exp_off)
    # Default horizon = max time present (180 min): hours never reached are NaN.
    out = plots.open_and_on_duty_by_hour(inc, uni)
    np.testing.assert_allclose(out["incidents_open"][:3], [0, 1, 1])
    assert out["incidents_open"][3:].isna().all()


def test_open_and_on_duty_partial_hours_days_and_replications() -> None:
    inc = pd.DataFrame({"replication": [0, 1, 1], "t_occur": [90.0, 1440 + 60, 10.0],
                        "t_end": [150.0, np.nan, 20.0]})
    uni = pd.DataFrame({"replication": [0], "shift_start": [30.0], "shift_end": [90.0],
                        "off_duty_at": [np.nan]})
    out = plots.open_and_on_duty_by_hour(inc, uni, label="x", horizon_min=2880.0)
    assert set(out["scenario"]) == {"x"}
    # rep0: 90..150 -> 0.5 of hour1 and hour2 on day 0; rep1: open 10..20 and
    # from day-1 hour1 to the end (NaN t_end). 2 reps x 2 days = 4 hour-samples.
    inc_open = out["incidents_open"].to_numpy()
    assert inc_open[0] == pytest.approx((10 / 60) / 4)
    assert inc_open[1] == pytest.approx((0.5 + 1.0) / 4)
    assert inc_open[2] == pytest.approx((0.5 + 1.0) / 4)
    assert inc_open[0 + 5] == pytest.approx(1 / 4)
    # off_duty_at NaN falls back to shift_end = 90: hour0 half, hour1 half, 1 of 4.
    np.testing.assert_allclose(out["officers_on_duty"][:3], [0.125, 0.125, 0.0])


def test_time_of_day(frames) -> None:
    fig = plots.time_of_day(frames["incidents"], frames["units"])
    assert len(fig.axes) == 2
    for ax in fig.axes:
        assert _labelled_lines(ax) == SCENARIOS
    assert fig.axes[1].get_xlabel() == "Hour of day (h)"
    assert "count" in fig.axes[0].get_ylabel()


def test_district_map(frames) -> None:
    fig = plots.district_map(frames["zones"], metric="max_gap_min")
    assert len(fig.axes) == 3  # two panels + colorbar
    assert [ax.get_title() for ax in fig.axes[:2]] == SCENARIOS
    assert fig.axes[2].get_ylabel() == "Max revisit gap (min)"
    assert len(fig.axes[0].texts) == 16  # zone ids annotated
    assert fig.axes[0].get_xlabel() == "x (m)"


def test_parking_occupancy(frames) -> None:
    fig = plots.parking_occupancy(frames["parking"])
    assert len(fig.axes) == 2
    assert [ax.get_title() for ax in fig.axes] == ["Motor vehicles", "Non-motor vehicles"]
    assert _labelled_lines(fig.axes[0]) == [*SCENARIOS, "Legal capacity (100%)"]
    assert "%" in fig.axes[0].get_ylabel()


def test_pareto_front_known_set() -> None:
    pts = pd.DataFrame({
        "cost": [1.0, 2.0, 2.0, 3.0, 4.0, 4.0, 5.0, 1.5, np.nan],
        "kpi": [10.0, 8.0, 9.0, 8.0, 3.0, 3.0, 3.0, 12.0, 0.0],
    }, index=list("abcdefghi"))
    front = plots.pareto_front(pts, "cost", "kpi")
    # c dominated by b (same x), d by b (same y), g by e, h by a; i has NaN.
    assert list(front.index) == ["a", "b", "e", "f"]
    assert front["cost"].is_monotonic_increasing


def test_sweep_tradeoff(frames) -> None:
    fig = plots.sweep_tradeoff(frames["sweep"])
    ax = fig.axes[0]
    assert len(fig.axes) == 1
    assert sum(isinstance(c, ErrorbarContainer) for c in ax.containers) == 2
    assert "Pareto front" in _labelled_lines(ax)
    assert ax.get_xlabel() == "Staff hours (h)"
    assert ax.get_ylabel() == "Resolution time, pooled (resolved only) (min)"
    assert any("foot.count=2" in t.get_text() for t in ax.texts)


def test_coverage_heatmap(frames) -> None:
    fig = plots.coverage_heatmap(frames["coverage"])
    assert len(fig.axes) == 3
    assert [ax.get_title() for ax in fig.axes[:2]] == SCENARIOS
    mesh = fig.axes[0].collections[0]
    assert np.shape(mesh.get_array()) == (16, 24)
    assert fig.axes[0].get_xlabel() == "Hour of day (h)"


def test_save_figure(tmp_path, frames) -> None:
    fig = plots.kpi_bars(frames["comparison"])
    paths = plots.save_figure(fig, tmp_path / "sub" / "kpis.v1")
    assert [p.name for p in paths] == ["kpis.v1.png", "kpis.v1.svg"]
    assert all(p.exists() and p.stat().st_size > 0 for p in paths)

"""Parameter sweeps: --vary parsing, factorial expansion, validation, the table, resuming."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

import sim
from sim.cli import main
from sim.experiment.cache import ReplicationCache
from sim.experiment.sweep import (
    SweepError,
    expand,
    parse_range,
    parse_vary,
    sweep,
    sweep_scenarios,
    sweep_summary,
)
from tests.helpers.scenarios import tiny_vendor_dict

TINY = tiny_vendor_dict(seed=5)
VARY = {"units.foot.count": [1, 3], "dispatch.handle_on_sight": [True, False]}


@pytest.fixture(scope="module")
def path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    p = tmp_path_factory.mktemp("sweep") / "tiny.yaml"
    p.write_text(yaml.safe_dump(TINY), encoding="utf-8")
    return p


def test_parse_ranges_inclusive() -> None:
    assert parse_range("4:20:4") == [4, 8, 12, 16, 20]
    assert parse_range("4:18:4") == [4, 8, 12, 16]
    assert parse_range("0.1:0.5:0.1") == [0.1, 0.2, 0.3, 0.4, 0.5]
    assert parse_range("3:3:1") == [3]
    assert all(isinstance(v, int) for v in parse_range("1:9:2"))


def test_parse_vary_lists_are_yaml_scalars() -> None:
    assert parse_vary("units.foot.count=4:12:4") == ("units.foot.count", [4, 8, 12])
    assert parse_vary("dispatch.policy=nearest,run_cards") == (
        "dispatch.policy", ["nearest", "run_cards"])
    assert parse_vary("a.b=1, 2.5,true,08:00") == ("a.b", [1, 2.5, True, "08:00"])
    assert parse_vary("a.b=7") == ("a.b", [7])


@pytest.mark.parametrize("text", ["units.foot.count", "=1,2", "a.b=", "a.b=5:1:1",
                                  "a.b=1:x:1", "a.b=1:5:0", "a.b=[1, 2]"])
def test_parse_vary_rejects(text: str) -> None:
    with pytest.raises(SweepError):
        parse_vary(text)


def test_expand_is_the_full_factorial_last_fastest() -> None:
    points = expand({"a": [1, 2, 3], "b": ["x", "y"]})
    assert len(points) == 6
    assert points[:3] == [{"a": 1, "b": "x"}, {"a": 1, "b": "y"}, {"a": 2, "b": "x"}]
    assert expand({}) == [{}]


def test_bad_point_names_field_and_value(path: Path) -> None:
    base = sim.load_scenario(path)
    with pytest.raises(SweepError, match=r"units\.foot\.count=0"):
        sweep_scenarios(base, {"dispatch.policy": ["nearest"], "units.foot.count": [2, 0]})
    with pytest.raises(SweepError, match="units.foot.cnt"):
        sweep_scenarios(base, {"units.foot.cnt": [2]})


def test_bad_vary_on_the_command_line_exits_2(path: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "sw"
    assert main(["sweep", str(path), "--vary", "units.foot.count=0:2:1", "-o", str(out)]) == 2
    assert "units.foot.count=0" in capsys.readouterr().err
    assert main(["sweep", str(path), "--vary", "units.foot.count=4:1:1", "-o", str(out)]) == 2
    assert main(["sweep", str(path), "--vary", "dispatch.policy=closest", "-o", str(out)]) == 2
    assert "closest" in capsys.readouterr().err
    assert not out.exists() and not (tmp_path / "sim-cache").exists()  # nothing ran


def test_sweep_table_shape(path: Path) -> None:
    table = sweep(sim.load_scenario(path), VARY, reps=2)
    assert len(table) == 4 * 2
    assert list(table.columns[:5]) == ["point", "units.foot.count", "dispatch.handle_on_sight",
                                       "scenario", "replication"]
    assert {"resolution_mean_min", "exposure_h_per_day", "staff_hours_per_week"} <= set(table)
    staff = table.groupby("units.foot.count")["staff_hours_per_week"].mean()
    assert staff[3] == pytest.approx(3 * staff[1], rel=0.05)
    # Common random numbers: every point has the same replication seeds.
    assert table.groupby("replication")["seed"].nunique().eq(1).all()
    summary = sweep_summary(table)
    assert len(summary) == 4 * summary["kpi"].nunique()
    res = summary[summary["kpi"] == "resolution_mean_min"].set_index("point")
    assert (res["n"] == 2).all()
    assert res.at[0, "mean"] == pytest.approx(
        table.loc[table["point"] == 0, "resolution_mean_min"].mean())


def test_interrupted_sweep_resumes_from_the_cache(path: Path, tmp_path: Path) -> None:
    base = sim.load_scenario(path)
    reference = sweep(base, VARY, reps=2)
    cache = ReplicationCache(tmp_path / "cache")
    done: list[int] = []

    def interrupt_after_five(k: int) -> None:
        done.append(k)
        if len(done) == 5:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        sweep(base, VARY, reps=2, cache=cache, on_done=interrupt_after_five)
    assert cache.stored == 5
    files = sorted((tmp_path / "cache").rglob("rep-*.simrep"))
    assert len(files) == 5
    files[0].unlink()
    again = ReplicationCache(tmp_path / "cache")
    resumed = sweep(base, VARY, reps=2, cache=again)
    assert (again.hits, again.stored) == (4, 8 - 4)
    pd.testing.assert_frame_equal(resumed, reference)
    third = ReplicationCache(tmp_path / "cache")
    pd.testing.assert_frame_equal(sweep(base, VARY, reps=2, cache=third), reference)
    assert (third.hits, third.stored) == (8, 0)


def test_sweep_command_end_to_end(path: Path, tmp_path: Path,
                                  capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "sw"
    args = ["sweep", str(path), "--vary", "units.foot.count=1:3:2",
            "--vary", "dispatch.handle_on_sight=true,false", "--reps", "2", "-o", str(out)]
    assert main(args) == 0
    assert "4 point(s) × 2 replication(s)" in capsys.readouterr().out
    table = pd.read_csv(out / "sweep.csv")
    assert len(table) == 8 and "units.foot.count" in table and "staff_hours_per_week" in table
    summary = pd.read_csv(out / "sweep_summary.csv")
    assert {"point", "units.foot.count", "kpi", "mean", "ci_low", "ci_high"} <= set(summary)
    for name in ("tradeoff_time_to_end", "tradeoff_exposure"):
        assert (out / "plots" / f"{name}.png").stat().st_size > 1000
        assert (out / "plots" / f"{name}.svg").exists()
    assert len(list((tmp_path / "sim-cache").rglob("rep-*.simrep"))) == 8  # $SIM_CACHE_DIR
    assert main(args) == 0  # second run: all from the cache, same table
    pd.testing.assert_frame_equal(pd.read_csv(out / "sweep.csv"), table)

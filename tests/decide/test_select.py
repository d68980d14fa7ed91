"""``sim select`` / ``sim.select`` on tiny scenarios: the clearly best strategy is chosen,
with the guarantee sentence; bad measures and settings exit 2 before anything is written."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

import sim
from sim.cli import main
from sim.decide.measure import DecisionError

TINY = {
    "name": "two",
    "seed": 5,
    "clock": {"days": 3, "warmup_days": 1},
    "district": {"grid": {"rows": 3, "cols": 3, "cell_m": 250}},
    "incidents": {
        "vendor": {
            "rate_per_day": {"residential": 6},
            "self_clear": {"kind": "lognormal", "mean": 240, "sd": 120},
            "sla_min": 60,
            "ladder": [{"name": "persuade", "duration": 10}],
        },
    },
    "units": {"foot": {"count": 1, "shifts": [{"start": "08:00", "end": "17:00"}]}},
}


def write(folder: Path, name: str, count: int) -> Path:
    data = yaml.safe_load(yaml.safe_dump(TINY))
    data["name"], data["units"]["foot"]["count"] = name, count
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("select")
    return [write(folder, "one", 1), write(folder, "six", 6), write(folder, "two", 2)]


def test_select_kn_picks_the_clearly_best_and_says_so(files: list[Path]) -> None:
    scenarios = [sim.load_scenario(p) for p in files]
    result = sim.select(scenarios, "exposure_h_per_day", delta=1.0, n0=5)
    assert result.method == "KN++" and result.guaranteed
    assert result.selected == "six"
    table = result.table.set_index("scenario")
    assert table.loc["six", "mean"] == table["mean"].min()
    assert table.loc["six", "status"] == "selected"
    assert table.loc["one", "status"].startswith("eliminated after")
    assert (table["reps"] >= 5).all()
    assert result.statement().startswith("With probability ≥ 95%, six is within 1 "
                                         "incident-hours per day of the best of the 3")
    # replications per scenario are the ones in the summary, seed common
    counts = result.summary.groupby("scenario").size()
    assert counts.to_dict() == table["reps"].to_dict()


def test_select_higher_is_better_and_same_answer_on_two_workers(files: list[Path]) -> None:
    scenarios = [sim.load_scenario(p) for p in files]
    one = sim.select(scenarios, "coverage_share", delta=0.02, n0=4)
    two = sim.select(scenarios, "coverage_share", delta=0.02, n0=4, jobs=2)
    assert one.selected == "six"
    pd.testing.assert_frame_equal(one.table, two.table)
    short = sim.select(scenarios, "coverage", delta=0.02, n0=4)  # the short name
    assert short.measure == "coverage_share"
    pd.testing.assert_frame_equal(one.table, short.table)


def test_select_ocba_spends_exactly_the_budget(files: list[Path]) -> None:
    scenarios = [sim.load_scenario(p) for p in files]
    result = sim.select(scenarios, "exposure_h_per_day", budget=18, n0=4)
    assert result.method == "OCBA" and not result.guaranteed
    assert int(result.table["reps"].sum()) == 18
    assert result.selected == "six"
    assert "not a guarantee" in result.statement()


def test_cli_select_writes_the_folder(files: list[Path], tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "sel"
    code = main(["select", *map(str, files[:2]), "--measure", "sla.vendor",
                 "--delta", "0.05", "--n0", "4", "-o", str(out)])
    assert code == 0
    assert {p.name for p in out.iterdir()} >= {"selection.csv", "selection.md", "summary.csv",
                                               "run.json"}
    printed = capsys.readouterr().out
    assert "With probability ≥ 95%, six is within 0.05 share of the best" in printed
    assert "With probability" in (out / "selection.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("extra, message", [
    (["--measure", "utilisation", "--delta", "1"], "has no better direction"),
    (["--measure", "nope", "--delta", "1"], "unknown measure 'nope'"),
    (["--measure", "sla.dog", "--delta", "1"], "no enabled incident type 'dog'"),
    (["--measure", "exposure_h_per_day"], "give an indifference zone"),
    (["--measure", "exposure_h_per_day", "--delta", "-1"], "--delta must be positive"),
    (["--measure", "exposure_h_per_day", "--budget", "3"], "--budget must be at least"),
    (["--delta", "1"], "--measure M or --weights"),
    (["--measure", "exposure_h_per_day", "--weights", "coverage_share=1", "--delta", "1"],
     "one of the two"),
    (["--weights", "exposure_h_per_day=-1", "--delta", "1"], "must be a positive number"),
    (["--weights", "exposure_h_per_day=x", "--delta", "1"], "expected MEASURE=WEIGHT"),
    (["--weights", "utilisation=1,exposure_h_per_day=1", "--delta", "1"],
     "has no better direction"),
    (["--measure", "exposure_h_per_day + 2*nope", "--delta", "1"], "unknown measure 'nope'"),
    (["--weights", "coverage_share=1,coverage_share=2", "--delta", "1"], "named twice"),
])
def test_cli_select_bad_input_exits_2_and_writes_nothing(
        files: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str],
        extra: list[str], message: str) -> None:
    out = tmp_path / "sel"
    assert main(["select", *map(str, files[:2]), *extra, "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not out.exists()


def test_api_refuses_a_single_scenario(files: list[Path]) -> None:
    with pytest.raises(DecisionError, match="at least two"):
        sim.select([sim.load_scenario(files[0])], "exposure_h_per_day", delta=1)


def test_weighted_measures_parse_alike_and_take_each_direction_from_the_registry() -> None:
    from sim.decide.measure import parse_weighted

    a = parse_weighted("exposure_h_per_day=1,coverage_share=0.5")
    b = parse_weighted("exposure_h_per_day + 0.5*coverage_share")
    assert a == b and a.signs == (1, -1)
    assert parse_weighted("exposure_h_per_day + 0.5*coverage") == a  # the short name
    assert a.describe() == "1 × exposure_h_per_day − 0.5 × coverage_share"
    row = pd.DataFrame({"exposure_h_per_day": [10.0], "coverage_share": [0.4]})
    assert a.values(row).iloc[0] == pytest.approx(10.0 - 0.2)


def test_select_on_a_weighted_measure_orients_each_term(files: list[Path], tmp_path: Path,
                                                        capsys) -> None:
    """Higher coverage is better: a weight on coverage alone selects the most officers
    (six), as selecting on coverage_share does; were the direction ignored, it would pick
    one. With exposure added the answer stays six, and the statement names the formula."""
    scenarios = [sim.load_scenario(p) for p in files]
    alone = sim.select(scenarios, "coverage_share=1", delta=0.02, n0=4)
    assert alone.selected == "six" and alone.lower_is_better
    plain = sim.select(scenarios, "coverage_share", delta=0.02, n0=4)
    assert alone.table["mean"].tolist() == pytest.approx((-plain.table["mean"]).tolist())
    out = tmp_path / "w"
    assert main(["select", *map(str, files), "--weights",
                 "exposure_h_per_day=1,coverage_share=10", "--delta", "1", "--n0", "4",
                 "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert ("six is within 1 (weighted units) of the best of the 3 strategies on the "
            "weighted measure 1 × exposure_h_per_day − 10 × coverage_share") in printed
    summary = pd.read_csv(out / "summary.csv")
    assert summary["weighted"].to_numpy() == pytest.approx(
        (summary["exposure_h_per_day"] - 10 * summary["coverage_share"]).to_numpy(), rel=1e-5)


def _variant(folder: Path, name: str, rate: float, start: int) -> Path:
    data = yaml.safe_load(yaml.safe_dump(TINY))
    data["name"] = name
    data["incidents"]["vendor"]["rate_per_day"]["residential"] = rate
    data["units"]["foot"]["shifts"] = [{"start": f"{start:02d}:00", "end": f"{start + 9:02d}:00"}]
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_select_warns_when_the_scenarios_differ_in_more_than_strategy(
        files: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Same demand and staff-hours, shifts at other hours: a strategy choice, no caution.
    Twice the disorder, or six officers against one: the statement says to read the
    warnings, which name what differs (as `sim compare` does)."""
    early, late = _variant(tmp_path, "early", 6, 7), _variant(tmp_path, "late", 6, 10)
    busy = _variant(tmp_path, "busy", 12, 7)
    plain = sim.select([sim.load_scenario(p) for p in (early, late)], "exposure_h_per_day",
                       delta=5.0, n0=4, max_reps=6)
    assert plain.warnings == [] and "Caution" not in plain.statement()
    demand = sim.select([sim.load_scenario(p) for p in (early, busy)], "exposure_h_per_day",
                        delta=5.0, n0=4, max_reps=6)
    assert any("busy differs from early in demand" in w for w in demand.warnings)
    assert demand.statement().endswith("so this ranks those differences too.")
    staffed = sim.select([sim.load_scenario(p) for p in files[:2]], "exposure_h_per_day",
                         delta=5.0, n0=4, max_reps=6)
    assert any(w.startswith("staff-hours per week differ") for w in staffed.warnings)
    out = tmp_path / "sel"
    assert main(["select", str(early), str(busy), "--measure", "exposure_h_per_day",
                 "--delta", "5", "--n0", "4", "--max-reps", "6", "-o", str(out)]) == 0
    assert "sim: warning: busy differs from early in demand" in capsys.readouterr().err
    assert "**Warning:** busy differs" in (out / "selection.md").read_text(encoding="utf-8")

"""The command line end to end: run, validate, schema, reference, exit codes, atomic output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import sim.experiment.single as single
from sim.cli import main
from sim.metrics.window import window_of
from sim.scenario.json_schema import full_schema
from sim.scenario.loader import load_scenario, scenario_hash
from sim.scenario.model import Scenario
from sim.scenario.reference import reference_markdown
from tests.helpers.geo import HAVE_GEO, needs_geo

REPO = Path(__file__).resolve().parents[2]
SHIPPED = [p for p in sorted((REPO / "scenarios").glob("*.yaml"))
           if HAVE_GEO or not needs_geo(p)]  # real_map.yaml needs the geo extra
CSVS = ["incidents.csv", "units.csv", "zones.csv", "coverage.csv", "summary.csv", "kpis.csv",
        "by_hour.csv", "by_shift.csv", "by_group.csv", "by_zone.csv"]

TINY = """\
name: tiny
seed: 11
clock: {days: 2, warmup_days: 0.5}
district:
  grid: {rows: 2, cols: 2, cell_m: 250, patches: {A2: {kind: market}}}
incidents:
  vendor:
    rate_per_day: {residential: 3, market: 8}
    self_clear: {kind: lognormal, mean: 90, sd: 60}
    complaint: {probability: 0.3, delay: 20}
    flee_probability: 0.2
    ladder:
      - {name: persuade, duration: 5, compliance: 0.7}
      - {name: seize, duration: {kind: triangular, low: 10, mode: 15, high: 30}}
  pile:
    rate_per_day: {residential: 0.5}
    sla_min: 600
    ladder:
      - {name: order, duration: 5, compliance: 0.8, deadline_min: 120}
      - {name: remove, duration: 30}
detection:
  cameras: {zones: [A2], probability: 0.5}
units:
  foot:
    count: 2
    home_zone: A1
    shifts: [{start: "08:00", end: "17:00"}]
  night:
    count: 1
    mode: ebike
    shifts: [{start: "20:00", end: "02:00", overnight: true}]
    behaviour: {kind: fixed_post, zone: A2, dispatchable: true}
"""


def sim_cli(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "sim", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300, env=env)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("scenario") / "tiny.yaml"
    path.write_text(TINY, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def results(tiny, tmp_path_factory) -> Path:
    """One real `sim run` (subprocess, with plots, two replications)."""
    out = tmp_path_factory.mktemp("results") / "tiny"
    proc = sim_cli("run", str(tiny), "-o", str(out), "--reps", "2")
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "tiny: 2 replication(s) of 2 days" in proc.stdout
    return out


def run_in_process(tiny: Path, out: Path, *extra: str) -> None:
    assert main(["run", str(tiny), "-o", str(out), "--no-plots", *extra]) == 0


# -- sim run ------------------------------------------------------------------------------


def test_run_writes_every_file(results):
    names = {p.name for p in results.iterdir()}
    assert set(CSVS) | {"scenario.resolved.yaml", "run.json", "plots"} <= names
    plots = sorted(p.name for p in (results / "plots").iterdir())
    assert plots and all(p.endswith(".png") for p in plots)
    assert all((results / "plots" / p).stat().st_size > 1000 for p in plots)
    # nothing else beside the results folder: no temporary or old folder left
    assert [p.name for p in results.parent.iterdir()] == ["tiny"]


def test_tables_add_up(results, tiny):
    scenario = load_scenario(tiny)
    incidents = pd.read_csv(results / "incidents.csv")
    summary = pd.read_csv(results / "summary.csv")
    units = pd.read_csv(results / "units.csv")
    kpis = pd.read_csv(results / "kpis.csv")
    coverage = pd.read_csv(results / "coverage.csv")
    zones = pd.read_csv(results / "zones.csv")
    assert list(summary.replication) == [0, 1]
    t0 = scenario.clock.warmup_days * 1440
    for rep, row in summary.set_index("replication").iterrows():
        mine = incidents[incidents.replication == rep]
        t_end = window_of(scenario).arrival_end
        assert row.incidents == ((mine.t_occur >= t0) & (mine.t_occur < t_end)).sum()
    assert incidents.groupby("replication").incident_id.apply(lambda s: s.is_unique).all()
    assert set(units.unit_id) == {"foot-1", "foot-2", "night-1"}
    assert set(zones.zone) == {"A1", "A2", "B1", "B2"}
    assert set(coverage.replication) == {0, 1}
    assert set(kpis.scenario) == {"tiny"} and (kpis.n == 2).all()
    per_day = kpis.set_index("kpi").loc["incidents_per_day", "mean"]
    assert per_day == pytest.approx(summary.incidents_per_day.mean(), rel=1e-5)
    window_days = window_of(scenario).arrival_days
    assert summary.incidents_per_day.to_numpy() == pytest.approx(
        summary.incidents.to_numpy() / window_days, rel=1e-5)
    record = json.loads((results / "run.json").read_text(encoding="utf-8"))
    assert record["replications"] == 2 and record["seed"] == 11 and record["days"] == 2
    assert record["scenario_hash"] == scenario_hash(scenario)
    assert len(record["replication_seeds"]) == 2


def test_resolved_scenario_loads_back_equal(results, tiny):
    again = load_scenario(results / "scenario.resolved.yaml")
    assert again == load_scenario(tiny)


def test_same_seed_same_bytes_other_seed_other_bytes(tiny, tmp_path):
    run_in_process(tiny, tmp_path / "a")
    run_in_process(tiny, tmp_path / "b")
    run_in_process(tiny, tmp_path / "c", "--seed", "12")
    for name in [*CSVS, "scenario.resolved.yaml"]:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert (tmp_path / "a" / "incidents.csv").read_bytes() != (
        tmp_path / "c" / "incidents.csv").read_bytes()
    assert (tmp_path / "a" / "summary.csv").read_bytes() != (
        tmp_path / "c" / "summary.csv").read_bytes()


def test_rerun_replaces_the_folder(tiny, tmp_path):
    out = tmp_path / "res"
    assert main(["run", str(tiny), "-o", str(out)]) == 0  # with plots
    assert (out / "plots").is_dir()
    run_in_process(tiny, out)  # without: the earlier results folder is replaced whole
    assert not (out / "plots").exists() and (out / "incidents.csv").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["res"]


# -- interrupted runs leave nothing half-written ------------------------------------------


def interrupt(*args, **kwargs):
    raise KeyboardInterrupt


@pytest.mark.parametrize("where", ["run", "write_plots"])
def test_interrupted_run_leaves_nothing(tiny, tmp_path, monkeypatch, capsys, where):
    """Interrupted while simulating, or while writing the folder (after the CSVs)."""
    monkeypatch.setattr(single, where, interrupt)
    out = tmp_path / "results"
    args = ["run", str(tiny), "-o", str(out)] + (["--no-plots"] if where == "run" else [])
    assert main(args) == 130
    assert "interrupted" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_interrupted_rerun_keeps_the_previous_results(tiny, tmp_path, monkeypatch, capsys):
    out = tmp_path / "results"
    run_in_process(tiny, out)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    monkeypatch.setattr(single, "write_frames", interrupt)
    assert main(["run", str(tiny), "-o", str(out), "--no-plots", "--seed", "99"]) == 130
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["results"]


# -- validate, schema, reference, usage ------------------------------------------------------


def test_validate_shipped_scenarios():
    proc = sim_cli("validate", *[str(p.relative_to(REPO)) for p in SHIPPED])
    assert proc.returncode == 0, proc.stderr
    for path in SHIPPED:
        assert f"{path.name}: valid" in proc.stdout


def test_schema_is_json(capsys):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert {"district", "incidents", "units", "clock"} <= set(schema["properties"])
    assert schema == json.loads(json.dumps(full_schema()))
    assert schema["$defs"]["UnitGroup"] == json.loads(json.dumps(
        Scenario.model_json_schema(by_alias=True)["$defs"]["UnitGroup"]))


def test_reference_mentions_every_section(capsys):
    assert main(["reference"]) == 0
    text = capsys.readouterr().out
    schema = Scenario.model_json_schema(by_alias=True)
    for field in schema["properties"]:
        assert f"| `{field}` |" in text, field
    for name in schema["$defs"]:
        assert f"## {name}" in text, name


def test_reference_to_a_file(tmp_path):
    target = tmp_path / "docs" / "ref.md"
    assert main(["reference", "-o", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == reference_markdown()
    assert [p.name for p in target.parent.iterdir()] == ["ref.md"]


def test_committed_reference_is_up_to_date():
    """docs/scenario-reference.md is generated: regenerate with
    `sim reference -o docs/scenario-reference.md` after changing the models."""
    committed = (REPO / "docs" / "scenario-reference.md").read_text(encoding="utf-8")
    assert committed == reference_markdown(), (
        "docs/scenario-reference.md is stale: run `sim reference -o docs/scenario-reference.md`"
    )


def test_committed_measures_reference_is_up_to_date():
    """docs/measures.md is generated from the registry: `sim measures -o docs/measures.md`."""
    from sim.metrics.registry import markdown

    committed = (REPO / "docs" / "measures.md").read_text(encoding="utf-8")
    assert committed == markdown(), "docs/measures.md is stale: run `sim measures -o docs/measures.md`"


def test_no_command_prints_help_and_exits_2():
    proc = sim_cli()
    assert proc.returncode == 2
    assert "usage: sim" in proc.stderr and "validate" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_run_without_a_scenario_outside_the_repo_runs_the_shipped_default(tmp_path):
    proc = sim_cli("run", "--days", "3", "--warmup-days", "0.5", "--reps", "1", "--no-plots",
                   cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "default: 1 replication(s) of 3 days" in proc.stdout
    assert [p.name for p in tmp_path.iterdir()] == ["results"]
    assert (tmp_path / "results" / "default" / "summary.csv").is_file()


@pytest.mark.parametrize("args", [["run", "x.yaml", "--reps", "0"],
                                  ["run", "x.yaml", "--jobs", "0"],
                                  ["run", "x.yaml", "--days", "two"],
                                  ["frobnicate"]])
def test_bad_options_exit_2(args, capsys):
    with pytest.raises(SystemExit) as info:
        main(args)
    assert info.value.code == 2
    assert "usage:" in capsys.readouterr().err


def test_days_and_set_overrides_reach_the_run(tiny, tmp_path):
    out = tmp_path / "o"
    assert main(["run", str(tiny), "-o", str(out), "--no-plots", "--days", "1",
                 "--set", "clock.warmup_days=0", "--set", "units.foot.count=1"]) == 0
    resolved = load_scenario(out / "scenario.resolved.yaml")
    assert resolved.clock.days == 1 and resolved.units["foot"].count == 1


def test_the_command_line_starts_without_plotting_libraries() -> None:
    """`sim --help` and bad-input errors stay fast: figures' libraries load only when used
    (and `sim bench`'s peak memory does not carry them)."""
    import subprocess
    import sys

    code = ("import sys, sim.cli.main; "
            "print(sorted(m for m in ('matplotlib', 'plotly', 'shapely') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

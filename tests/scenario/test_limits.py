"""Size limits (item 4 of issue 16): refused before anything runs, exit 2, the option or field
and the limit named, raisable by an environment variable.

Each case used to take gigabytes (or a MemoryError traceback): a mistyped ``--reps``, a sweep
range of 10⁸ values, an 8,000-zone district, a million parking arrivals a day per zone.
Power: ``test_zone_limit_can_be_raised`` shows the same file validates once the limit is
lifted, so each refusal comes from the limit, not from another check.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.cli import main
from sim.scenario.errors import ScenarioError
from sim.scenario.limits import LIMITS, limit
from sim.scenario.loader import load_scenario

REPO = Path(__file__).resolve().parents[2]
DEFAULT = str(REPO / "scenarios" / "default.yaml")
CORPUS = REPO / "tests" / "scenario" / "bad_scenarios"


def refused(capsys, args: list[str], *fragments: str) -> str:
    assert main(args) == 2
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in err, f"{fragment!r} not in:\n{err}"
    return err


@pytest.mark.parametrize("command", [["run", DEFAULT], ["compare", DEFAULT], ["sweep", DEFAULT,
                                     "--vary", "units.foot.count=8,10"]])
def test_reps_limit(command, tmp_path, capsys):
    args = [*command, "--reps", "99999999999999999999", "-o", str(tmp_path / "out")]
    refused(capsys, args, "--reps 99,999,999,999,999,999,999", "limit of 10,000", "SIM_MAX_REPS")
    assert list(tmp_path.iterdir()) == []


def test_max_reps_limit(tmp_path, capsys):
    refused(capsys, ["compare", DEFAULT, "--precision", "0.05", "--max-reps", "50000", "-o",
                     str(tmp_path / "o")], "--max-reps 50,000", "SIM_MAX_REPS")


def test_sweep_range_limit_is_checked_before_the_list_is_built(tmp_path, capsys):
    refused(capsys, ["sweep", DEFAULT, "--vary", "units.foot.count=1:99999999999999:1", "-o",
                     str(tmp_path / "o")], "99,999,999,999,999 values", "SIM_MAX_SWEEP_VALUES")
    refused(capsys, ["sweep", DEFAULT, "--vary", "seed=" + ",".join(map(str, range(1500))), "-o",
                     str(tmp_path / "o")], "--vary seed has 1,500 values")


def test_sweep_factorial_and_runs_limits(tmp_path, capsys):
    out = str(tmp_path / "o")
    refused(capsys, ["sweep", DEFAULT, "--vary", "units.foot.count=1:100:1", "--vary",
                     "seed=1:100:1", "-o", out],
            "100 (units.foot.count) × 100 (seed) = 10,000 points", "SIM_MAX_SWEEP_POINTS")
    refused(capsys, ["sweep", DEFAULT, "--vary", "units.foot.count=1:40:1", "--vary",
                     "seed=1:40:1", "--reps", "1000", "-o", out],
            "1,600 points × 1,000 replications", "SIM_MAX_RUNS")
    assert list(tmp_path.iterdir()) == []


def test_compare_runs_limit(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SIM_MAX_RUNS", "15")
    refused(capsys, ["compare", DEFAULT, DEFAULT, "--reps", "8", "-o", str(tmp_path / "o")],
            "2 scenarios × 8 replications = 16 runs", "SIM_MAX_RUNS")


def test_listed_zones(tmp_path, capsys):
    zones = "".join(f"    - {{id: Z{i}, x_m: {i}, y_m: 0}}\n" for i in range(2001))
    path = tmp_path / "zones.yaml"
    path.write_text("name: z\ndistrict:\n  zones:\n" + zones, encoding="utf-8")
    refused(capsys, ["validate", str(path)], "zones.yaml", "district.zones: 2,001 zones",
            "SIM_MAX_ZONES")


def test_zone_limit_can_be_raised(monkeypatch):
    path = CORPUS / "zones_too_many.yaml"
    with pytest.raises(ScenarioError, match="SIM_MAX_ZONES"):
        load_scenario(path)
    monkeypatch.setenv("SIM_MAX_ZONES", "3000")
    assert len(load_scenario(path).district.all_zones()) == 2574


def test_parking_limit_can_be_raised(monkeypatch):
    path = CORPUS / "parking_arrivals_huge.yaml"
    with pytest.raises(ScenarioError, match="128,000,000 in 2 days"):
        load_scenario(path)
    monkeypatch.setenv("SIM_MAX_PARKING_ARRIVALS", "200000000")
    assert load_scenario(path).demand.parking.enabled


def test_parking_arrivals_count_zone_patches(monkeypatch):
    """A per-zone patch replaces the zone kind's arrivals in the estimate."""
    monkeypatch.setenv("SIM_MAX_PARKING_ARRIVALS", "1000")
    patch = {"demand.parking.zone_kinds.residential.motor.arrivals_per_day": 1,
             "demand.parking.zones.A1.motor.arrivals_per_day": 450}
    path = CORPUS / "parking_arrivals_huge.yaml"
    with pytest.raises(ScenarioError, match="parking arrivals add up to 513 a day"):
        load_scenario(path, patch)
    patch["demand.parking.zones.A1.motor.arrivals_per_day"] = 400
    assert load_scenario(path, patch)  # 463 a day, 926 in 2 days


def test_incident_limit_is_configurable(monkeypatch):
    path = CORPUS / "count_zero.yaml"
    fixed = {"units.foot.count": 2}
    monkeypatch.setenv("SIM_MAX_INCIDENTS", "10")  # 4 zones × 3 a day × 2 days = 24
    with pytest.raises(ScenarioError, match="24 in 2 days.*SIM_MAX_INCIDENTS"):
        load_scenario(path, fixed)
    monkeypatch.setenv("SIM_MAX_INCIDENTS", "24")
    assert load_scenario(path, fixed)


@pytest.mark.parametrize("raw", ["0", "-5", "many", "1.5"])
def test_bad_environment_value(raw, monkeypatch, capsys):
    monkeypatch.setenv("SIM_MAX_REPS", raw)
    refused(capsys, ["run", DEFAULT, "--reps", "2"], "SIM_MAX_REPS", "positive whole number")


def test_every_limit_has_a_documented_variable():
    docs = (REPO / "docs" / "limits.md").read_text(encoding="utf-8")
    for name, spec in LIMITS.items():
        assert spec.env in docs, spec.env
        assert f"{spec.default:,}" in docs, (spec.env, spec.default)
        assert limit(name) == spec.default


@pytest.mark.parametrize("officers, hours, fragment", [
    ("99999999999", "8", "--officers must be between 1 and 2,000"),
    ("0", "8", "--officers must be between 1 and 2,000"),
    ("10", "1e-300", "--shift-hours must be at least 0.5"),
])
def test_shift_proposal_bounds(officers, hours, fragment, capsys):
    """``--officers 99999999999`` used to run for minutes (no answer after 60 s)."""
    refused(capsys, ["shifts", "propose", DEFAULT, "--officers", officers, "--shift-hours", hours],
            fragment)


def test_jobs_limit(tmp_path, capsys, monkeypatch):
    refused(capsys, ["run", DEFAULT, "--jobs", "100000", "-o", str(tmp_path / "o")],
            "--jobs 100,000", "limit of 64", "SIM_MAX_JOBS")
    monkeypatch.setenv("SIM_MAX_JOBS", "2")
    refused(capsys, ["sweep", DEFAULT, "--vary", "seed=1,2", "--jobs", "3", "-o",
                     str(tmp_path / "o")], "--jobs 3", "SIM_MAX_JOBS")
    assert list(tmp_path.iterdir()) == []


def test_vendor_sessions_count_against_the_incident_limit(monkeypatch):
    """Every vendor of every site may come to every session of every day: 300 vendors × 2
    sessions × 28 days = 16,800 attempts against a limit lowered to 10,000."""
    changes = {"demand.vendors.enabled": True,
               "demand.vendors.sites": [{"zone": "A1", "vendors": 300, "sessions": [
                   {"start": "07:00", "end": "09:00"}, {"start": "17:00", "end": "20:00"}]}]}
    monkeypatch.setenv("SIM_MAX_INCIDENTS", "10000")
    with pytest.raises(ScenarioError, match="demand.vendors.sites: vendor sites add up to 600 "
                                            "intended sessions a day, 16,800 in 28 days"):
        load_scenario(DEFAULT, {**changes, "clock.days": 28})
    assert load_scenario(DEFAULT, {**changes, "clock.days": 10})  # 6,000 plus the catalog

"""Issue 14, "no traps": sweep values read as YAML 1.2, fixed posts outside every shift,
the warm-up hint, ``--version``, shell completion and ``sim cache info|prune``."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import yaml

from sim.cli import main
from sim.experiment.cache_admin import Entry, entries, parse_size, to_prune
from sim.experiment.sweep import parse_vary
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import load_scenario, scenario_from_dict
from tests.helpers.scenarios import tiny_vendor_dict


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(tiny_vendor_dict(seed=3)), encoding="utf-8")
    return path


# --- sweep values -------------------------------------------------------------------------

def test_sweep_values_are_yaml_12_not_base_60() -> None:
    assert parse_vary("units.foot.count=8:24") == ("units.foot.count", ["8:24"])
    assert parse_vary("a.b=17:00,18:30") == ("a.b", ["17:00", "18:30"])
    assert parse_vary("a.b=010,yes") == ("a.b", [10, "yes"])
    assert parse_vary("units.foot.count=8:24:8") == ("units.foot.count", [8, 16, 24])


def test_sweep_colon_pair_on_a_count_is_refused_with_the_range_syntax(
        tiny: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["sweep", str(tiny), "--vary", "units.foot.count=8:24", "-o",
                 str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2
    assert "'8:24'" in err and "start:stop:step" in err and "504" not in err
    assert not (tmp_path / "o").exists()


def test_sweep_of_shift_times_runs(tiny: Path, tmp_path: Path) -> None:
    out = tmp_path / "o"
    assert main(["sweep", str(tiny), "--vary", "units.foot.shifts.0.end=16:00,17:00",
                 "--reps", "1", "--no-plots", "-o", str(out)]) == 0
    table = (out / "sweep.csv").read_text(encoding="utf-8")
    assert "16:00" in table and "17:00" in table


# --- fixed posts ----------------------------------------------------------------------------

def _post(start: str, end: str, shifts: list[dict]) -> dict:
    data = tiny_vendor_dict(seed=1)
    data["units"]["foot"]["shifts"] = shifts
    data["units"]["foot"]["behaviour"] = {"kind": "fixed_post", "zone": "A1",
                                          "start": start, "end": end}
    return data


@pytest.mark.parametrize("start,end", [("18:00", "20:00"), ("17:00", "18:00"),
                                       ("05:00", "08:00")])
def test_post_window_outside_every_shift_is_refused(start: str, end: str) -> None:
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict(_post(start, end, [{"start": "08:00", "end": "17:00"}]))
    text = str(err.value)
    assert "units.foot.behaviour" in text and "08:00-17:00" in text
    assert f"{start}-{end}" in text and "never be staffed" in text


@pytest.mark.parametrize("start,end,shift", [
    ("16:30", "18:00", {"start": "08:00", "end": "17:00"}),
    ("01:00", "02:00", {"start": "22:00", "end": "06:00", "overnight": True}),
    ("23:00", "01:00", {"start": "00:00", "end": "00:30"}),
])
def test_post_window_meeting_a_shift_is_valid(start: str, end: str, shift: dict) -> None:
    scenario_from_dict(_post(start, end, [shift]))


# --- warm-up --------------------------------------------------------------------------------

def test_short_run_names_the_warmup_flag_and_the_flag_works(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "scenarios/default.yaml", "--days", "2"]) == 2
    err = capsys.readouterr().err
    assert "clock.warmup_days" in err and "--warmup-days" in err
    assert main(["validate", "scenarios/default.yaml", "--days", "2",
                 "--warmup-days", "0.5"]) == 0
    assert load_scenario("scenarios/default.yaml",
                         {"clock.days": 2, "clock.warmup_days": 0.5}).clock.warmup_days == 0.5


# --- version and completion -----------------------------------------------------------------

def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    import sim

    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.strip() == f"sim {sim.__version__}"


def _complete(script: Path, words: list[str]) -> list[str]:
    line = " ".join(f"'{w}'" for w in words)
    code = (f"source {script}; COMP_WORDS=({line}); COMP_CWORD={len(words) - 1}; "
            "_sim_complete; printf '%s\\n' \"${COMPREPLY[@]}\"")
    done = subprocess.run(["bash", "-c", code], capture_output=True, text=True, check=True)
    return done.stdout.split()


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_completion_completes_commands_and_options(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["completion", "bash"]) == 0
    script = tmp_path / "sim.bash"
    script.write_text(capsys.readouterr().out, encoding="utf-8")
    assert {"sweep", "scenarios"} <= set(_complete(script, ["sim", "s"]))
    assert "--vary" in _complete(script, ["sim", "sweep", "--v"])
    assert _complete(script, ["sim", "cache", "prune", "--dr"]) == ["--dry-run"]
    assert main(["completion", "zsh"]) == 0
    assert "bashcompinit" in capsys.readouterr().out


# --- the replication cache ------------------------------------------------------------------

def test_parse_size() -> None:
    assert parse_size("500M") == 500 * 2**20 and parse_size("1.5g") == 3 * 2**29
    assert parse_size("2048") == 2048 and parse_size("10MB") == 10 * 2**20
    with pytest.raises(ValueError):
        parse_size("lots")


def test_to_prune_by_age_then_size() -> None:
    now = 1_000_000.0
    found = [Entry(Path(f"e{i}"), 100, now - (5 - i) * 86400) for i in range(5)]  # 5..1 days
    assert [e.path.name for e in to_prune(found, older_than_days=3.5, now=now)] == ["e0", "e1"]
    assert [e.path.name for e in to_prune(found, max_bytes=250, now=now)] == ["e0", "e1", "e2"]
    assert len(to_prune(found, everything=True)) == 5
    assert to_prune(found, older_than_days=10, max_bytes=10_000, now=now) == []


def test_cache_info_and_prune(tiny: Path, tmp_path: Path, private_replication_cache: Path,
                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sweep", str(tiny), "--vary", "seed=3", "--reps", "2", "--no-plots",
                 "-o", str(tmp_path / "r")]) == 0
    stranger = private_replication_cache / "notes.txt"
    stranger.write_text("mine", encoding="utf-8")
    found = entries(private_replication_cache)
    assert len(found) == 2
    old = time.time() - 40 * 86400
    os.utime(found[0].path, (old, old))
    capsys.readouterr()
    assert main(["cache", "info"]) == 0
    assert "2 replication file(s) of 1 scenario" in capsys.readouterr().out
    assert main(["cache", "prune"]) == 2
    assert main(["cache", "prune", "--older-than", "30", "--dry-run"]) == 0
    assert "would remove 1 of 2" in capsys.readouterr().out
    assert len(entries(private_replication_cache)) == 2
    assert main(["cache", "prune", "--older-than", "30"]) == 0
    assert [e.path for e in entries(private_replication_cache)] == [found[1].path]
    assert main(["cache", "prune", "--all"]) == 0
    assert "removed 1 of 1" in capsys.readouterr().out
    assert entries(private_replication_cache) == [] and stranger.exists()
    assert not any(p.is_dir() for p in private_replication_cache.iterdir())


# --- results folders are not replaced by another scenario of the same name -------------------

def test_same_name_other_file_is_refused_rerun_replaces(
        tiny: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    twin = tmp_path / "twin.yaml"
    twin.write_text(tiny.read_text(encoding="utf-8"), encoding="utf-8")  # same name: tiny
    out = tmp_path / "out"
    args = ["--reps", "1", "--no-plots", "-o", str(out)]
    assert main(["run", str(tiny), *args]) == 0
    before = (out / "summary.csv").read_bytes()
    capsys.readouterr()
    assert main(["run", str(twin), *args]) == 2
    err = capsys.readouterr().err
    assert str(out) in err and "--force" in err and str(tiny.resolve()) in err
    assert (out / "summary.csv").read_bytes() == before
    assert main(["sweep", str(tiny), "--vary", "seed=4", *args]) == 2  # another command
    assert main(["run", str(tiny), "--seed", "9", *args]) == 0  # a rerun: replaced
    assert (out / "summary.csv").read_bytes() != before
    assert main(["run", str(twin), "--force", *args]) == 0
    assert str(twin.resolve()) in (out / ".sim-results").read_text(encoding="utf-8")

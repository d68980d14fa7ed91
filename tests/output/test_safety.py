"""Output folders are safe: names cannot climb out of results/, user files are never lost,
targets are locked while written, stale temporary folders are recovered (issue 16)."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pytest

from sim.cli import main
from sim.output.folders import output_lock, reserved_output
from sim.output.target import MARKER, OutputError, bounded_stem, output_path, write_marker
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import load_scenario
from sim.scenario.model import is_safe_stem

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", ["default", "南湖-夜巡", "a.b_c-1", "x" * 100, "夜" * 66,
                                  "กรุงเทพ", "नगर-निगम", "Ürümqi_2"])
def test_safe_names_are_accepted(name: str) -> None:
    assert is_safe_stem(name)


@pytest.mark.parametrize("name", ["", ".", "..", "../victim", "/tmp/x", "a/b", "a\\b", "a\0b",
                                  ".hidden", "x" * 101, "夜" * 67, "a b", "a\nb", "\u0301a"])
def test_unsafe_names_are_refused(name: str) -> None:
    assert not is_safe_stem(name)


def test_chinese_name_loads() -> None:
    scenario = load_scenario(ROOT / "scenarios" / "default.yaml", {"name": "南湖-夜巡"})
    assert scenario.name == "南湖-夜巡"


def test_path_name_is_a_scenario_error_naming_the_field() -> None:
    with pytest.raises(ScenarioError, match=r"name: must be a file-name stem.*'\.\./victim'"):
        load_scenario(ROOT / "scenarios" / "default.yaml", {"name": "../victim"})


# --- the output folder -------------------------------------------------------------------

TINY = """\
name: tiny
clock: {days: 2}
district:
  grid: {rows: 2, cols: 2, cell_m: 300}
incidents:
  pile:
    rate_per_day: {residential: 4}
    ladder: [{name: remove, duration: 10}]
units:
  foot:
    count: 2
    shifts: [{start: "08:00", end: "16:00"}]
"""


@pytest.fixture()
def tiny(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY, encoding="utf-8")
    return path


def commands(scenario: Path, out: Path) -> dict[str, list[str]]:
    common = ["-o", str(out), "--no-plots"]
    return {
        "run": ["run", str(scenario), *common],
        "compare": ["compare", str(scenario), str(scenario), "--reps", "2", *common],
        "sweep": ["sweep", str(scenario), "--vary", "units.foot.count=1,2", "--reps", "1",
                  *common],
    }


def hidden_leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if ".tmp-" in p.name or ".old-" in p.name
            or p.name.endswith(".lock")]


@pytest.mark.parametrize("command", ["run", "compare", "sweep"])
def test_a_users_folder_is_refused_and_kept(tiny: Path, command: str,
                                            capsys: pytest.CaptureFixture) -> None:
    out = tiny.parent / "thesis"
    out.mkdir()
    (out / "thesis.tex").write_text("years of work")
    assert main(commands(tiny, out)[command]) == 2
    err = capsys.readouterr().err
    assert "thesis" in err and "--force" in err and "Traceback" not in err
    assert os.listdir(out) == ["thesis.tex"] and (out / "thesis.tex").read_text() == "years of work"
    assert hidden_leftovers(tiny.parent) == []


@pytest.mark.parametrize("command", ["run", "compare", "sweep"])
def test_an_existing_file_as_output_is_refused(tiny: Path, command: str,
                                               capsys: pytest.CaptureFixture) -> None:
    out = tiny.parent / "report.docx"
    out.write_bytes(b"not a folder")
    assert main(commands(tiny, out)[command]) == 2
    assert "is a file" in capsys.readouterr().err
    assert out.read_bytes() == b"not a folder"
    assert main([*commands(tiny, out)[command], "--force"]) == 2  # never, even forced
    assert out.read_bytes() == b"not a folder"


def test_results_folder_is_replaced_only_while_it_holds_only_sims_files(
        tiny: Path, capsys: pytest.CaptureFixture) -> None:
    out = tiny.parent / "res"
    argv = commands(tiny, out)["run"]
    assert main(argv) == 0
    assert (out / MARKER).exists() and (out / "run.json").exists()
    assert main(argv) == 0  # an earlier results folder of its own: replaced
    (out / "NOTES.txt").write_text("my notes")
    assert main(argv) == 2
    assert "NOTES.txt" in capsys.readouterr().err
    assert (out / "NOTES.txt").read_text() == "my notes"
    assert main([*argv, "--force"]) == 0
    assert not (out / "NOTES.txt").exists() and (out / "kpis.csv").exists()
    assert hidden_leftovers(tiny.parent) == []


def test_an_empty_folder_may_be_used(tiny: Path) -> None:
    out = tiny.parent / "empty"
    out.mkdir()
    assert main(commands(tiny, out)["run"]) == 0 and (out / "kpis.csv").exists()


def test_default_output_paths_stay_inside_results(tmp_path: Path) -> None:
    root = tmp_path / "results"
    root.mkdir()
    assert output_path(None, "南湖-夜巡", root) == root / "南湖-夜巡"
    for bad in ["../victim", "", "..", "/tmp/x"]:
        with pytest.raises(OutputError):
            output_path(None, bad, root)
    (root / "linked").symlink_to(tmp_path)  # results/linked → outside
    with pytest.raises(OutputError, match="outside"):
        output_path(None, "linked", root)
    with pytest.raises(OutputError):
        output_path("", "x", root)
    assert len(bounded_stem("compare-" + "夜" * 300).encode()) <= 200


def test_a_killed_swap_is_restored_and_temporary_folders_removed(tmp_path: Path) -> None:
    out = tmp_path / "res"
    old = tmp_path / ".res.old-4242"  # SIGKILL between the two renames: no res/, old hidden
    old.mkdir()
    (old / "kpis.csv").write_text("precious")
    write_marker(old)
    (tmp_path / ".res.tmp-abcd1234").mkdir()  # a run killed while writing
    (tmp_path / ".other.tmp-abcd1234").mkdir()  # another target's: not ours to touch
    with reserved_output(out):
        assert (out / "kpis.csv").read_text() == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".other.tmp-abcd1234", "res"]
    (tmp_path / ".res.old-99").mkdir()  # swap finished, old not yet removed
    with reserved_output(out):
        pass
    assert not (tmp_path / ".res.old-99").exists() and (out / "kpis.csv").exists()


def test_a_second_run_to_the_same_output_is_refused_while_the_first_writes(
        tiny: Path, capsys: pytest.CaptureFixture) -> None:
    out = tiny.parent / "busy"
    with output_lock(out):
        assert main(commands(tiny, out)["run"]) == 2
    assert "in use" in capsys.readouterr().err
    assert not out.exists()
    assert main(commands(tiny, out)["run"]) == 0  # released


def test_a_write_error_exits_2_and_leaves_nothing(tiny: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture) -> None:
    import pandas as pd

    def disk_full(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", disk_full)
    out = tiny.parent / "full"
    assert main(commands(tiny, out)["run"]) == 2
    err = capsys.readouterr().err
    assert "No space left" in err and "Traceback" not in err
    assert not out.exists() and hidden_leftovers(tiny.parent) == []


def test_no_room_or_no_write_access_is_found_before_simulating(
        tiny: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    import sim.experiment.executors as executors

    def must_not_run(*args):
        raise AssertionError("simulated although the output cannot be written")

    monkeypatch.setattr(executors, "run_replication", must_not_run)
    assert main(commands(tiny, Path("/proc/sim-cannot-write-here"))["run"]) == 2
    assert "cannot write results in /proc" in capsys.readouterr().err
    Usage = type(shutil.disk_usage("."))
    monkeypatch.setattr(shutil, "disk_usage", lambda path: Usage(10**9, 10**9 - 10**6, 10**6))
    out = tiny.parent / "nospace"
    assert main(commands(tiny, out)["run"]) == 2
    assert "MB free" in capsys.readouterr().err
    assert not out.exists() and hidden_leftovers(tiny.parent) == []


# --- printing never fails a finished run -------------------------------------------------


def test_a_terminal_without_utf8_does_not_fail_the_run(tiny: Path) -> None:
    """Without reconfiguring stdout, the '→' of the last line raised UnicodeEncodeError
    after the results were written (exit 1, traceback)."""
    import subprocess
    import sys

    tiny.write_text(TINY.replace("name: tiny", "name: 南湖-夜巡"), encoding="utf-8")
    env = {**os.environ, "PYTHONIOENCODING": "ascii", "PYTHONPATH": str(ROOT)}
    for args in (["validate", str(tiny)], ["run", str(tiny), "--no-plots", "-o", "res"]):
        done = subprocess.run([sys.executable, "-m", "sim", *args], cwd=tiny.parent, env=env,
                              capture_output=True, timeout=120)
        assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
        assert b"Traceback" not in done.stderr and b"?" in done.stdout
    assert (tiny.parent / "res" / "kpis.csv").exists()


@pytest.mark.parametrize("command, message", [
    ("reference", "is a folder"),
    ("shifts", "is not a results folder written by sim"),  # its -o is a results folder
])
def test_single_file_outputs_refuse_a_folder(tiny: Path, command: str, message: str,
                                             capsys: pytest.CaptureFixture) -> None:
    folder = tiny.parent / "docs"
    folder.mkdir()
    (folder / "keep.md").write_text("mine")
    argv = {"reference": ["reference", "-o", str(folder)],
            "shifts": ["shifts", "propose", str(tiny), "--officers", "2", "--shift-hours", "8",
                       "-o", str(folder)]}[command]
    assert main(argv) == 2
    assert message in capsys.readouterr().err
    assert os.listdir(folder) == ["keep.md"]


def test_the_current_folder_its_parents_and_home_are_never_replaced(
        tiny: Path, capsys: pytest.CaptureFixture) -> None:
    for target in (".", "..", str(Path.home())):
        assert main([*commands(tiny, Path(target))["run"], "--force"]) == 2
        assert "current folder" in capsys.readouterr().err
    assert tiny.exists()


def test_results_of_an_older_sim_are_refused_with_a_hint(tiny: Path,
                                                         capsys: pytest.CaptureFixture) -> None:
    out = tiny.parent / "old"
    out.mkdir()
    (out / "run.json").write_text("{}")
    (out / "kpis.csv").write_text("kpi\n")
    assert main(commands(tiny, out)["run"]) == 2
    assert "older sim" in capsys.readouterr().err
    assert main([*commands(tiny, out)["run"], "--force"]) == 0
    assert (out / MARKER).exists()

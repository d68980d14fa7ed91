"""Inputs that used to hang or exhaust the machine are refused quickly, with a clear message.

Each test runs under a wall-clock alarm (``within``): before the fixes, the alias bomb walked
490 million nodes, 20,000 unknown keys took tens of seconds (a quadratic ``in list``), a FIFO
blocked ``open`` for ever and ``/dev/zero`` filled memory. Power checked by undoing a fix:
without the walker's memo the alias test hits the alarm; with every pydantic error examined
and ``item not in problems`` back, the unknown-keys test fails.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sim.cli import main
from sim.scenario.errors import MAX_LISTED, ScenarioError
from sim.scenario.loader import load_scenario

HERE = Path(__file__).resolve().parent
GOOD = (HERE / "bad_scenarios" / "count_zero.yaml").read_text(encoding="utf-8").replace(
    "count: 0", "count: 2")


@contextlib.contextmanager
def within(seconds: int) -> Iterator[None]:
    """Fail (instead of hanging the suite) if the block takes longer than ``seconds``."""

    def expired(signum, frame):  # noqa: ARG001
        raise TimeoutError(f"took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def refused(path: Path, capsys, *fragments: str, seconds: int = 10) -> str:
    with within(seconds):
        code = main(["validate", str(path)])
    out, err = capsys.readouterr()
    assert code == 2 and out == "", (code, out, err)
    assert "Traceback" not in err and path.name in err, err
    for fragment in fragments:
        assert fragment in err, f"{fragment!r} not in:\n{err}"
    return err


# -- item 5: hangs ------------------------------------------------------------------------------


def test_alias_bomb_is_refused_in_linear_time(tmp_path, capsys):
    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for prev, key in zip("abcdefghijk", "bcdefghijkl"):  # 9**12 values once expanded
        lines.append(f"{key}: &{key} [" + ", ".join([f"*{prev}"] * 9) + "]")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert path.stat().st_size < 2000
    refused(path, capsys, "l: aliases (*name) expand the file to", "SIM_MAX_YAML_VALUES",
            seconds=5)


def test_alias_limit_can_be_raised(tmp_path, monkeypatch):
    """A shared block used a few times is fine; the limit counts the repetitions."""
    text = GOOD + "x-common: &c {a: 1, b: 2}\nx-more: [*c, *c, *c]\n"
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("SIM_MAX_YAML_VALUES", "20")
    with pytest.raises(ScenarioError, match="SIM_MAX_YAML_VALUES"):
        load_scenario(path)
    monkeypatch.setenv("SIM_MAX_YAML_VALUES", "100000")
    with pytest.raises(ScenarioError, match="x-common: unknown field"):  # read, then validated
        load_scenario(path)


def test_many_unknown_keys_are_reported_in_linear_time(tmp_path, capsys):
    path = tmp_path / "keys.yaml"
    path.write_text(GOOD + "".join(f"k{i}: 1\n" for i in range(20_000)), encoding="utf-8")
    start = time.perf_counter()
    err = refused(path, capsys, "k0: unknown field", "more problems", seconds=20)
    assert time.perf_counter() - start < 20
    assert len(err.splitlines()) <= MAX_LISTED + 2


def test_problem_list_stops_after_the_first_fifty(tmp_path, capsys):
    path = tmp_path / "dups.yaml"
    path.write_text("name: d\n" + "x: 1\n" * 201, encoding="utf-8")  # 200 repeated keys
    err = refused(path, capsys, "written twice", f"... and {200 - MAX_LISTED} more problems")
    assert len(err.splitlines()) == 1 + MAX_LISTED + 1


@pytest.mark.parametrize("dwell", ["1.0e-7", "1.0e-300", "0", "{kind: exponential, mean: 0.01}",
                                   "{kind: uniform, low: 0, high: 0.1}"])
def test_patrol_dwell_has_a_physical_lower_bound(dwell, tmp_path, capsys):
    path = tmp_path / "d.yaml"
    path.write_text(GOOD + f"    behaviour: {{kind: random_patrol, dwell: {dwell}}}\n",
                    encoding="utf-8")
    refused(path, capsys, "units.foot.behaviour.dwell", "at least 0.1 minutes")


@pytest.mark.parametrize("behaviour", [
    "{kind: fixed_post, zone: A1, dwell: 1.0e-5}",
    "{kind: community_visits, zones: [A1], stay: 1.0e-5}",
    "{kind: hotspot_stops, zones: [A1], stop: {kind: fixed, value: 0.001}}",
])
def test_post_stay_and_stop_have_the_same_bound(behaviour, tmp_path, capsys):
    path = tmp_path / "b.yaml"
    path.write_text(GOOD + f"    behaviour: {behaviour}\n", encoding="utf-8")
    refused(path, capsys, "units.foot.behaviour.", "at least 0.1 minutes")


def test_a_tenth_of_a_minute_is_accepted(tmp_path):
    path = tmp_path / "ok.yaml"
    path.write_text(GOOD + "    behaviour: {kind: random_patrol, dwell: 0.1}\n", encoding="utf-8")
    assert load_scenario(path).units["foot"].behaviour.dwell.mean == pytest.approx(0.1)


def test_recurrence_delay_bound_applies_only_with_recurrence(tmp_path, capsys):
    base = GOOD.replace("    ladder:", "    recurrence_delay: 0\n    ladder:", 1)
    (tmp_path / "ok.yaml").write_text(base, encoding="utf-8")
    assert load_scenario(tmp_path / "ok.yaml")
    path = tmp_path / "loop.yaml"
    path.write_text(base.replace("    ladder:", "    recurrence: 1.0\n    ladder:", 1),
                    encoding="utf-8")
    refused(path, capsys, "incidents.vendor.recurrence_delay", "at least 0.1 minutes")


# -- item 11: files that are not scenario files ---------------------------------------------------


def test_fifo_is_refused_without_hanging(tmp_path, capsys):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    refused(fifo, capsys, "not a regular file", seconds=5)
    (tmp_path / "child.yaml").write_text("extends: pipe.yaml\n", encoding="utf-8")
    refused(tmp_path / "child.yaml", capsys, "extends: file 'pipe.yaml' is not a regular file",
            seconds=5)


def test_device_is_refused_without_reading_it(capsys):
    refused(Path("/dev/zero"), capsys, "not a regular file", seconds=5)


def test_symlink_loops_are_refused(tmp_path, capsys):
    (tmp_path / "a.yaml").symlink_to(tmp_path / "b.yaml")
    (tmp_path / "b.yaml").symlink_to(tmp_path / "a.yaml")
    refused(tmp_path / "a.yaml", capsys, "symbolic link that loops")
    (tmp_path / "child.yaml").write_text("extends: b.yaml\n", encoding="utf-8")
    refused(tmp_path / "child.yaml", capsys, "extends: file 'b.yaml' is a symbolic link that loops")
    assert main(["run", str(tmp_path / "a.yaml"), "-o", str(tmp_path / "out")]) == 2
    assert "symbolic link that loops" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_folder_as_extends_target(tmp_path, capsys):
    (tmp_path / "sub").mkdir()
    (tmp_path / "child.yaml").write_text("extends: sub\n", encoding="utf-8")
    refused(tmp_path / "child.yaml", capsys, "extends: file 'sub' is a folder")


def test_file_size_limit(tmp_path, capsys, monkeypatch):
    path = tmp_path / "big.yaml"
    path.write_text(GOOD + "# " + "x" * 1_200_000 + "\n", encoding="utf-8")
    monkeypatch.setenv("SIM_MAX_FILE_MB", "1")
    refused(path, capsys, "the file has 1.14 megabytes: more than the limit of 1",
            "SIM_MAX_FILE_MB")
    monkeypatch.setenv("SIM_MAX_FILE_MB", "2")
    assert main(["validate", str(path)]) == 0


def test_bad_limit_variable_is_a_clear_error(tmp_path, capsys, monkeypatch):
    path = tmp_path / "s.yaml"
    path.write_text(GOOD, encoding="utf-8")
    monkeypatch.setenv("SIM_MAX_FILE_MB", "lots")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "SIM_MAX_FILE_MB" in err and "positive whole number" in err and "'lots'" in err


# -- item 14: messages ---------------------------------------------------------------------------


def test_broken_parent_names_the_child_that_extends_it(tmp_path, capsys):
    (tmp_path / "grand.yaml").write_text("name: g\nunits: [\n", encoding="utf-8")
    (tmp_path / "parent.yaml").write_text("extends: grand.yaml\n", encoding="utf-8")
    (tmp_path / "child.yaml").write_text("extends: parent.yaml\n", encoding="utf-8")
    with within(10):
        assert main(["validate", str(tmp_path / "child.yaml")]) == 2
    err = capsys.readouterr().err
    assert (f"grand.yaml: invalid scenario (extended by {tmp_path / 'parent.yaml'}, extended "
            f"by {tmp_path / 'child.yaml'})") in err, err
    assert "YAML syntax error at line 3" in err
    assert err.count("\n") <= 3


def test_syntax_error_in_a_parent_does_not_quote_the_file(tmp_path, capsys):
    (tmp_path / "parent.yaml").write_text("units: {a: [1, 2], " + "x" * 5000 + "\n",
                                          encoding="utf-8")
    (tmp_path / "child.yaml").write_text("extends: parent.yaml\n", encoding="utf-8")
    err = refused(tmp_path / "child.yaml", capsys, "parent.yaml: invalid scenario (extended by",
                  "YAML syntax error")
    assert "x" * 80 not in err and len(err) < 600


def test_a_long_extends_value_is_shortened(tmp_path, capsys):
    (tmp_path / "child.yaml").write_text("extends: " + "p" * 3000 + ".yaml\n", encoding="utf-8")
    err = refused(tmp_path / "child.yaml", capsys, "extends: file 'ppp", "...' cannot be read")
    assert len(err) < 400


@pytest.mark.parametrize("field, value", [
    ("units.foot.count", "true"), ("seed", "false"), ("clock.days", "true"),
    ("units.foot.grid_split", "true"),
])
def test_booleans_are_not_counts(field, value, capsys):
    path = HERE.parents[1] / "scenarios" / "default.yaml"
    assert main(["validate", str(path), "--set", f"{field}={value}"]) == 2
    err = capsys.readouterr().err
    assert f"{field}: expected a whole number, got {value} (a yes/no value)" in err, err


@pytest.mark.parametrize("field, value, fragment", [
    ("district.grid.cell_m", "1e308", "district.grid.cell_m: expected a number ≤ 100000"),
    ("district.travel.intra_zone_m", "1e308", "district.travel.intra_zone_m: expected a number"),
])
def test_huge_lengths_are_reported_under_their_own_field(field, value, fragment, capsys):
    path = HERE.parents[1] / "scenarios" / "default.yaml"
    assert main(["validate", str(path), "--set", f"{field}={value}"]) == 2
    err = capsys.readouterr().err
    assert fragment in err and "x_m" not in err, err

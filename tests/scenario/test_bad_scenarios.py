"""Every broken scenario → exit status 2, a short message naming file, field and expectation.

The corpus is ``tests/scenario/bad_scenarios/*.yaml``. The first line of each file says what is wrong
and, after ``expect:``, the fragments (separated by ``|``) its message must contain, the first
usually being the field path as written in YAML.

Speed: one ``sim validate`` subprocess checks the whole corpus through the real entry point
(it reports every file); each file is then checked in-process (exit code, message) with
``sim.cli.main``; ``sim run`` runs as a subprocess for a handful of files and in-process for
the rest, and must leave neither a results folder nor a temporary folder behind.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sim.cli import main

HERE = Path(__file__).resolve().parent
CORPUS_DIR = HERE / "bad_scenarios"
CORPUS = sorted(CORPUS_DIR.glob("*.yaml"))
REPO = HERE.parents[1]

# What the brief asks the corpus to cover (file stems).
REQUIRED = {
    "syntax_error", "unknown_key_top", "unknown_key_nested", "count_is_string",
    "list_for_mapping", "rate_negative", "rate_absurd", "hour_profile_23", "dow_profile_8",
    "profile_all_zero", "probability_1_5", "home_zone_undefined", "post_zone_undefined",
    "camera_zone_undefined", "zone_rates_undefined", "run_card_zone_undefined",
    "shift_end_before_start", "clock_25", "clock_8h", "zones_empty", "grid_and_zones",
    "shifts_empty", "count_zero", "extends_cycle_a", "extends_cycle_b", "extends_missing",
    "duplicate_key", "empty", "top_level_list", "dist_unknown_kind", "lognormal_without_sd",
    "triangular_low_gt_high", "ladder_last_not_certain", "warmup_ge_days",
    "travel_matrix_size", "sight_unknown_type",
}
# Files run through `sim run` as a real subprocess; the rest in-process.
RUN_AS_SUBPROCESS = {"syntax_error", "unknown_key_nested", "home_zone_undefined",
                     "extends_cycle_a", "rate_absurd"}
PYTHON_INTERNALS = re.compile(r"function-(after|before|wrap|plain)|literal\[|list\[|tagged-union|"
                              r"Input should|Value error|instance of|model_type|\[key\]")


def expectations(path: Path) -> list[str]:
    first = path.read_bytes().split(b"\n", 1)[0].decode("utf-8", "replace")
    assert first.startswith("#") and "expect:" in first, f"{path.name}: no '# ... expect:' line"
    return [part.strip() for part in first.split("expect:", 1)[1].split("|") if part.strip()]


def sim(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "sim", *args], cwd=cwd, capture_output=True, text=True,
        timeout=120, env=env,
    )


def assert_clean_failure(stderr: str, path: Path, fragments: list[str]) -> None:
    assert "Traceback" not in stderr, stderr
    assert path.name in stderr, stderr
    for fragment in fragments:
        assert fragment in stderr, f"{path.name}: {fragment!r} not in message:\n{stderr}"
    assert not PYTHON_INTERNALS.search(stderr), f"pydantic jargon in message:\n{stderr}"
    assert len(stderr.splitlines()) <= 8, f"message too long:\n{stderr}"


def assert_nothing_written(folder: Path) -> None:
    assert list(folder.iterdir()) == [], f"left behind: {list(folder.iterdir())}"


# -- the corpus itself ------------------------------------------------------------------------


def test_corpus_covers_the_brief():
    stems = {p.stem for p in CORPUS}
    assert REQUIRED <= stems, sorted(REQUIRED - stems)


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_corpus_file_says_what_it_expects(path):
    assert expectations(path)


# -- sim validate ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def validate_all() -> dict[str, str]:
    """One real `python -m sim validate` over the whole corpus; stderr split per file."""
    result = sim("validate", *[str(p.relative_to(REPO)) for p in CORPUS])
    assert result.returncode == 2
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stdout == ""  # no file of the corpus is valid
    blocks: dict[str, str] = {}
    current = None
    for line in result.stderr.splitlines():
        match = re.match(r"^(\S.*?\.yaml): ", line)
        if match:
            current = Path(match.group(1)).name
            blocks.setdefault(current, "")
        if current is not None:
            blocks[current] += line + "\n"
    assert f"{len(CORPUS)} of {len(CORPUS)} scenario files are invalid" in result.stderr
    return blocks


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_validate_subprocess_message(path, validate_all):
    assert path.name in validate_all, f"no message for {path.name}"
    assert_clean_failure(validate_all[path.name], path, expectations(path))


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_validate_exit_code_and_message(path, capsys):
    assert main(["validate", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert_clean_failure(err, path, expectations(path))


def test_validate_single_file_subprocess():
    path = CORPUS_DIR / "count_zero.yaml"
    result = sim("validate", str(path))
    assert result.returncode == 2
    assert_clean_failure(result.stderr, path, expectations(path))


# -- sim run ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_run_fails_cleanly_and_writes_nothing(path, tmp_path, capsys):
    out = tmp_path / "results"
    if path.stem in RUN_AS_SUBPROCESS:
        result = sim("run", str(path), "-o", str(out), "--no-plots")
        code, err = result.returncode, result.stderr
    else:
        code = main(["run", str(path), "-o", str(out), "--no-plots"])
        err = capsys.readouterr().err
    assert code == 2
    assert_clean_failure(err, path, expectations(path))
    assert_nothing_written(tmp_path)


# -- files that cannot live in the corpus ----------------------------------------------------


def test_missing_scenario_file(tmp_path):
    missing = tmp_path / "no_such_scenario.yaml"
    for args in (["validate", str(missing)], ["run", str(missing), "-o", str(tmp_path / "out")]):
        result = sim(*args)
        assert result.returncode == 2
        assert_clean_failure(result.stderr, missing, ["file not found"])
    assert_nothing_written(tmp_path)


@pytest.mark.parametrize(
    "raw, fragments",
    [
        (b"\xff\xfe" + "name: x\n".encode("utf-16-le"), ["UTF-16", "UTF-8"]),
        (b"name: caf\xe9\nclock: {days: 2}\n", ["not UTF-8", "0xe9", "line 1, column 10"]),
        (b"name: ok\n\x00\x01\n", ["line 2, column 1", "U+0000"]),
    ],
    ids=["utf16", "latin1", "control-characters"],
)
def test_unreadable_bytes(raw, fragments, tmp_path, capsys):
    path = tmp_path / "binary.yaml"
    path.write_bytes(raw)
    assert main(["validate", str(path)]) == 2
    assert_clean_failure(capsys.readouterr().err, path, fragments)
    assert main(["run", str(path), "-o", str(tmp_path / "out")]) == 2
    assert_clean_failure(capsys.readouterr().err, path, fragments)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["binary.yaml"]


def test_utf8_with_byte_order_mark_is_fine(tmp_path, capsys):
    """Windows editors may start UTF-8 files with a byte-order mark."""
    for name in ("default.yaml", "base.yaml"):  # default.yaml extends base.yaml
        src = REPO / "scenarios" / name
        (tmp_path / name).write_bytes(b"\xef\xbb\xbf" + src.read_bytes())
    assert main(["validate", str(tmp_path / "default.yaml")]) == 0


def test_folder_instead_of_file(tmp_path, capsys):
    assert main(["validate", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err


def test_extends_of_a_broken_parent_names_the_parent(tmp_path, capsys):
    (tmp_path / "parent.yaml").write_text("units: [\n", encoding="utf-8")
    (tmp_path / "child.yaml").write_text("extends: parent.yaml\n", encoding="utf-8")
    assert main(["validate", str(tmp_path / "child.yaml")]) == 2
    err = capsys.readouterr().err
    assert "parent.yaml" in err and "YAML syntax error" in err and "Traceback" not in err


def test_error_inherited_from_a_parent_mentions_the_chain(tmp_path, capsys):
    good = (CORPUS_DIR / "count_zero.yaml").read_text(encoding="utf-8")
    (tmp_path / "parent.yaml").write_text(good, encoding="utf-8")
    (tmp_path / "child.yaml").write_text("extends: parent.yaml\nname: c\n", encoding="utf-8")
    assert main(["validate", str(tmp_path / "child.yaml")]) == 2
    err = capsys.readouterr().err
    assert "child.yaml" in err and "after merging extends: parent.yaml" in err
    assert "units.foot.count" in err


@pytest.mark.parametrize(
    "assignment, fragments",
    [
        ("units.foot.count=ten", ["units.foot.count", "whole number", "'ten'"]),
        ("units.foot.shifts.x.start=09:00", ["--set units.foot.shifts.x.start", "index"]),
        ("units.foot.shifts.5.start=09:00", ["out of range"]),
        ("clock.days.x=3", ["clock.days is a single value"]),
        ("units..count=3", ["field path"]),
        ("units.foot.cuont=3", ["units.foot.cuont", "did you mean 'count'"]),
        ("units.foot.shifts.0.start=8:30", ["units.foot.shifts.0.start", "HH:MM"]),
    ],
)
def test_bad_overrides(assignment, fragments, capsys):
    path = REPO / "scenarios" / "default.yaml"
    assert main(["validate", str(path), "--set", assignment]) == 2
    assert_clean_failure(capsys.readouterr().err, path, fragments)


def test_set_without_equals_is_a_usage_error(capsys):
    assert main(["validate", str(REPO / "scenarios" / "default.yaml"), "--set", "clock.days"]) == 2
    err = capsys.readouterr().err
    assert "--set expects field.path=value" in err and "Traceback" not in err


def test_output_path_that_is_a_file(tmp_path, capsys):
    target = tmp_path / "results"
    target.write_text("not a folder", encoding="utf-8")
    assert main(["run", str(REPO / "scenarios" / "default.yaml"), "-o", str(target)]) == 2
    assert "is a file" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "not a folder"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results"]


def test_validate_reports_every_file(capsys):
    files = [REPO / "scenarios" / "default.yaml", CORPUS_DIR / "count_zero.yaml",
             CORPUS_DIR / "clock_25.yaml"]
    assert main(["validate", *map(str, files)]) == 2
    out, err = capsys.readouterr()
    assert "default.yaml: valid" in out
    assert "count_zero.yaml" in err and "clock_25.yaml" in err
    assert "2 of 3 scenario files are invalid" in err

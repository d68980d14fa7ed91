"""Travel-time matrices from CSV files (`district.travel.matrix_files`); no geo extra needed."""

from __future__ import annotations

from pathlib import Path

import pytest

import tests.helpers.geo as h
from sim.compiled import compile_layout
from sim.scenario import ScenarioError, load_scenario


def _error(path: Path) -> str:
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    return str(exc.value)


def test_travel_matrix_csv(tmp_path: Path) -> None:
    """An explicit CSV matrix (minutes) per mode, rows and columns in any order; no geo needed."""
    ids = ["A", "B", "C"]
    (tmp_path / "car.csv").write_text("zone,C,A,B\nB,7,5,0.5\nA,9,1,5\nC,1,9,7\n")
    (tmp_path / "s.yaml").write_text(h.SCENARIO.format(map="", home="A").replace(
        "  map:\n", "  zones:\n" + "".join(
            f"    - {{id: {z}, x_m: {k * 300}, y_m: 0}}\n" for k, z in enumerate(ids))
        + "  travel: {matrix_files: {car: car.csv}}\n"))
    layout = compile_layout(load_scenario(tmp_path / "s.yaml"))
    assert layout.travel["car"].tolist() == [[1, 5, 9], [5, 0.5, 7], [9, 7, 1]]
    (tmp_path / "car.csv").write_text("zone,C,A,B\nB,7,5,0.5\nA,9,x,5\nC,1,9,7\n")
    msg = _error(tmp_path / "s.yaml")
    assert "district.travel.matrix_files.car" in msg and "line 3" in msg and "'x'" in msg
    (tmp_path / "car.csv").write_text("zone,A,B\nA,1,2\nB,2,1\n")
    assert "header misses ['C']" in _error(tmp_path / "s.yaml")


def test_paths_stay_relative_to_the_file_that_names_them(tmp_path: Path) -> None:
    """A planner's file in another folder that extends a district keeps the district's own
    travel file (named relative to the district file), and a path the planner's file names
    is relative to the planner's file."""
    district = tmp_path / "bureau" / "district"
    district.mkdir(parents=True)
    (district / "car.csv").write_text("zone,A,B\nA,1,5\nB,5,1\n")
    (district / "d.yaml").write_text(h.SCENARIO.format(map="", home="A").replace(
        "  map:\n", "  zones:\n    - {id: A, x_m: 0, y_m: 0}\n    - {id: B, x_m: 300, y_m: 0}\n"
        "  travel: {matrix_files: {car: car.csv}}\n"))
    mine = tmp_path / "planner"
    mine.mkdir()
    (mine / "my.yaml").write_text("extends: ../bureau/district/d.yaml\nseed: 7\n")
    layout = compile_layout(load_scenario(mine / "my.yaml"))
    assert layout.travel["car"].tolist() == [[1, 5], [5, 1]]
    (mine / "car.csv").write_text("zone,A,B\nA,2,6\nB,6,2\n")
    (mine / "mine.yaml").write_text("extends: ../bureau/district/d.yaml\n"
                                    "district: {travel: {matrix_files: {car: car.csv}}}\n")
    layout = compile_layout(load_scenario(mine / "mine.yaml"))
    assert layout.travel["car"].tolist() == [[2, 6], [6, 2]]

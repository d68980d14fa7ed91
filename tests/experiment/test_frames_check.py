"""benchmarks/frames_check.py, the tool that checks a change to the frames code is
output-neutral: two snapshots of the same raw run compare equal, and a changed value, a
changed cell type or a missing table is reported (exit status 1)."""

from __future__ import annotations

import importlib.util
import pickle
from pathlib import Path

import numpy as np

from sim.engine.world import World
from tests.helpers.scenarios import realistic_scenario

REPO = Path(__file__).resolve().parents[2]


def _tool():  # noqa: ANN202 - a script loaded as a module
    spec = importlib.util.spec_from_file_location("frames_check", REPO / "benchmarks/frames_check.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_snapshots_of_one_run_agree_and_a_change_is_caught(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    tool = _tool()
    raws = tmp_path / "raws"
    raws.mkdir()
    raw = World(realistic_scenario(days=2, warmup_days=1), 0).run()
    (raws / "tiny.pkl").write_bytes(pickle.dumps(raw))
    tool.snapshot(raws, tmp_path / "a")
    tool.snapshot(raws, tmp_path / "b")
    assert tool.compare(tmp_path / "a", tmp_path / "b") == 0
    assert "0 differ" in capsys.readouterr().out

    changed = tmp_path / "b" / "tiny_p0.pkl"
    tables = pickle.loads(changed.read_bytes())
    frame, text = tables["incidents"]
    first = frame["t_occur"].iloc[0]
    frame.loc[frame.index[0], "t_occur"] = np.nextafter(first, np.inf)  # one ulp later
    changed.write_bytes(pickle.dumps(tables))
    assert tool.compare(tmp_path / "a", tmp_path / "b") == 1
    assert "DIFF tiny_p0.pkl incidents" in capsys.readouterr().out

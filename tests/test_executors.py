"""Executors and the cache: same numbers in-process, in a pool and on Dask; clear errors."""

from __future__ import annotations

import pickle
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest
import yaml

import sim
from sim.cli import main
from sim.experiment import executors
from sim.experiment.cache import ReplicationCache
from sim.experiment.executors import ExecutorUnavailable, dask_executor, execute
from tests.helpers_scenarios import tiny_vendor_dict

TINY = tiny_vendor_dict(seed=21, complaint_probability=0.4)


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory: pytest.TempPathFactory) -> list:
    folder = tmp_path_factory.mktemp("exec")
    paths = []
    for name, count in (("tiny", 2), ("more", 4)):
        data = dict(TINY, name=name, units={"foot": {**TINY["units"]["foot"], "count": count}})
        paths.append(folder / f"{name}.yaml")
        paths[-1].write_text(yaml.safe_dump(data), encoding="utf-8")
    return [sim.load_scenario(p) for p in paths]


def test_same_numbers_in_process_in_a_pool_and_on_dask(scenarios: list) -> None:
    distributed = pytest.importorskip("distributed")
    serial = sim.compare(scenarios, reps=4, jobs=1)
    pooled = sim.compare(scenarios, reps=4, jobs=2)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        with dask_executor(cluster.scheduler_address) as executor:
            dask = sim.compare(scenarios, reps=4, executor=executor)
    for other in (pooled, dask):
        pd.testing.assert_frame_equal(serial.frames.summary, other.frames.summary)
        pd.testing.assert_frame_equal(serial.frames.incidents, other.frames.incidents)
        pd.testing.assert_frame_equal(serial.differences, other.differences)


def test_results_come_back_in_task_order(scenarios: list) -> None:
    tasks = [(scenarios[1], 2), (scenarios[0], 0), (scenarios[1], 0)]
    with ThreadPoolExecutor(max_workers=3) as pool:
        results = execute(tasks, pool)
    assert [(f.summary.at[0, "scenario"], f.summary.at[0, "replication"]) for f in results] == [
        ("more", 2), ("tiny", 0), ("more", 0)]


def test_missing_dask_is_a_clear_usage_error(scenarios: list, monkeypatch: pytest.MonkeyPatch,
                                             tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import fails
    with pytest.raises(ExecutorUnavailable, match=r'pip install "chengguan-sim\[dask\]"'):
        with dask_executor("tcp://127.0.0.1:8786"):
            pass
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(TINY), encoding="utf-8")
    monkeypatch.setenv("SIM_DASK_SCHEDULER", "tcp://127.0.0.1:8786")
    assert main(["compare", str(path), "--reps", "2", "-o", str(tmp_path / "o")]) == 2
    assert "chengguan-sim[dask]" in capsys.readouterr().err


def test_unreachable_scheduler_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture) -> None:
    pytest.importorskip("distributed")
    monkeypatch.setattr(executors, "CONNECT_TIMEOUT_S", 0.5)
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(TINY), encoding="utf-8")
    args = ["sweep", str(path), "--vary", "units.foot.count=1,2", "-o", str(tmp_path / "o")]
    assert main([*args, "--scheduler", "tcp://127.0.0.1:9"]) == 2
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in capsys.readouterr().err
    assert main([*args, "--scheduler", "nonsense"]) == 2
    assert "not a Dask scheduler address" in capsys.readouterr().err


def test_cache_round_trip_and_invalidation(scenarios: list, tmp_path: Path) -> None:
    a = scenarios[0]
    cache = ReplicationCache(tmp_path)
    assert cache.load(a, 0) is None
    first = execute([(a, 0), (a, 1)], cache=cache)
    assert cache.stored == 2 and cache.path(a, 1).exists()
    again = ReplicationCache(tmp_path)
    loaded = execute([(a, 0), (a, 1), (a, 2)], cache=again)
    assert (again.hits, again.stored) == (2, 1)
    pd.testing.assert_frame_equal(first[1].summary, loaded[1].summary)
    other_version = ReplicationCache(tmp_path, version="0.0.0-other")
    assert other_version.load(a, 0) is None
    other_code = ReplicationCache(tmp_path, code="edited")
    assert other_code.load(a, 0) is None
    cache.path(a, 2).write_bytes(b"truncated")
    assert ReplicationCache(tmp_path).load(a, 2) is None
    cache.path(a, 1).write_bytes(pickle.dumps({"key": "wrong", "frames": None}))
    assert ReplicationCache(tmp_path).load(a, 1) is None  # never unpickled: a miss
    assert ReplicationCache(tmp_path).load(scenarios[1], 0) is None  # other scenario hash


def test_import_sim_is_light() -> None:
    code = ("import sys, sim; heavy = {'pandas', 'matplotlib', 'dask', 'distributed'}; "
            "print(sorted(heavy & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    assert callable(sim.run) and callable(sim.compare) and callable(sim.sweep)

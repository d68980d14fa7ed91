"""Executors and the cache: same numbers in-process, in a pool and on Dask; clear errors."""

from __future__ import annotations

import os
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
from tests.helpers.scenarios import tiny_vendor_dict

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


@pytest.fixture()
def garbage_server():
    """A loopback TCP server that answers every connection with garbage bytes."""
    import socket
    import threading

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            with conn:
                try:
                    conn.sendall(b"\xff" * 64 + b"not dask " * 200)
                    conn.settimeout(2)
                    conn.recv(65536)
                except OSError:
                    pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"tcp://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join(timeout=5)
    server.close()


def closed_port() -> str:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"tcp://127.0.0.1:{s.getsockname()[1]}"  # closed once the with-block ends


def test_bad_schedulers_exit_2_quickly_and_quietly(tmp_path: Path, garbage_server: str) -> None:
    """A closed port and a server talking garbage: exit 2 with a message, within seconds,
    and no 'Exception ignored ... Traceback' from the client's destructor afterwards."""
    pytest.importorskip("distributed")
    import subprocess
    import time

    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(TINY), encoding="utf-8")
    repo = Path(__file__).resolve().parents[2]
    for address in (closed_port(), garbage_server):
        start = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "sim", "compare", str(path), "--reps", "2", "--no-plots",
             "-o", str(tmp_path / "o"), "--scheduler", address],
            capture_output=True, text=True, timeout=60,
            env={**os.environ, "PYTHONPATH": str(repo)})
        assert done.returncode == 2, done.stderr
        assert f"Dask scheduler at {address}" in done.stderr
        assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr
        assert time.monotonic() - start < 20
        assert not (tmp_path / "o").exists()


def test_any_error_while_connecting_is_a_clear_usage_error(monkeypatch: pytest.MonkeyPatch,
                                                          garbage_server: str) -> None:
    distributed = pytest.importorskip("distributed")

    def answer_too_big(self, *args, **kwargs):
        raise MemoryError("a garbage frame length")

    monkeypatch.setattr(distributed.Client, "__init__", answer_too_big)
    with pytest.raises(ExecutorUnavailable, match="MemoryError"):
        with dask_executor(garbage_server, timeout_s=1):
            pass

"""What the pickle-free replication cache costs, against simulating and against pickle.

Run from the repository root:

    python benchmarks/cache_cost.py 28 90     # days of scenarios/default.yaml, one rep each

For each length: the replication's wall time, the cache store (encode, SHA-256, the
round-trip check, write) and load (read, verify, decode) times and file size, and the same
for a plain pickle of the frames (what the cache used to do).
"""

from __future__ import annotations

import pickle
import sys
import tempfile
import time
from pathlib import Path

import sim
from sim.experiment.cache import ReplicationCache
from sim.experiment.replication import run_replication


def measure(days: int) -> str:
    scenario = sim.load_scenario("scenarios/default.yaml", {"clock.days": days})
    start = time.perf_counter()
    frames = run_replication(scenario, 0)
    t_run = time.perf_counter() - start
    root = Path(tempfile.mkdtemp())
    cache = ReplicationCache(root)
    start = time.perf_counter()
    cache.store(scenario, 0, frames)
    t_store = time.perf_counter() - start
    start = time.perf_counter()
    assert ReplicationCache(root).load(scenario, 0) is not None
    t_load = time.perf_counter() - start
    size = cache.path(scenario, 0).stat().st_size
    start = time.perf_counter()
    blob = pickle.dumps(frames, protocol=pickle.HIGHEST_PROTOCOL)
    t_dump = time.perf_counter() - start
    start = time.perf_counter()
    pickle.loads(blob)
    t_unpickle = time.perf_counter() - start
    return (f"| {days} | {len(frames.incidents):,} | {t_run:.2f} | {t_store:.3f} | {t_load:.3f} "
            f"| {size / 1e6:.1f} | {t_dump:.3f} | {t_unpickle:.3f} | {len(blob) / 1e6:.1f} |")


if __name__ == "__main__":
    print("| days | incidents | run s | store s | load s | MB | pickle dump s | pickle load s "
          "| pickle MB |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for arg in sys.argv[1:] or ["28"]:
        print(measure(int(arg)))

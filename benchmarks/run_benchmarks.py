"""The performance benchmark in full: cost against days, and throughput on two workers.

Run from the repository root after `pip install .`:

    python benchmarks/run_benchmarks.py            # ~3 minutes on a 2-core machine

1. `sim bench --days D` for D = 30, 90, 365, each in a fresh process: wall time, the ratio
   against plain SimPy, peak memory, and seconds per simulated day (linear cost means the
   last column stays flat).
2. Replication throughput: the same 6 replications of the benchmark scenario (30 days) run
   with 1 worker and with 2 workers, timed in this one process; the speed-up is their ratio,
   shown beside the machine's own ceiling (two processes of plain Python arithmetic).
Results are printed as a Markdown table and written to results/benchmarks.json.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from sim.experiment.runner import run
from sim.scenario.loader import load_scenario

SCENARIO = Path("scenarios/bench_city_year.yaml")


def bench_days(days: int) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "sim", "bench", "--days", str(days)],
        check=True, capture_output=True, text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _burn(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i
    return total


def parallel_ceiling(n: int = 20_000_000) -> float:
    """Speed-up of 2 processes over 1 for trivially parallel pure Python on this machine."""
    from concurrent.futures import ProcessPoolExecutor

    start = time.perf_counter()
    _burn(n)
    _burn(n)
    one = time.perf_counter() - start
    with ProcessPoolExecutor(2) as pool:
        start = time.perf_counter()
        list(pool.map(_burn, [n, n]))
        two = time.perf_counter() - start
    return round(one / two, 2)


def throughput(reps: int = 6, days: int = 30) -> dict:
    scenario = load_scenario(SCENARIO, {"clock.days": days})
    timings = {}
    for jobs in (1, 2):
        start = time.perf_counter()
        run(scenario, reps=reps, jobs=jobs)
        timings[jobs] = time.perf_counter() - start
    return {"reps": reps, "days": days, "one_worker_s": round(timings[1], 2),
            "two_workers_s": round(timings[2], 2),
            "speedup": round(timings[1] / timings[2], 2), "machine_ceiling": parallel_ceiling()}


def main() -> None:
    rows = [bench_days(d) for d in (30, 90, 365)]
    print("| days | incidents | wall s | s per day | ratio | SimPy-run ratio | peak MB |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['days']} | {r['incidents']:,} | {r['wall_s']:.1f} | "
              f"{r['wall_s'] / r['days']:.3f} | {r['ratio']:.2f} | {r['simulate_ratio']:.2f} | "
              f"{r['peak_rss_mb']:.0f} |")
    tp = throughput()
    print(f"\n{tp['reps']} replications × {tp['days']} days: 1 worker {tp['one_worker_s']} s, "
          f"2 workers {tp['two_workers_s']} s, speed-up {tp['speedup']}× (this machine's "
          f"ceiling for trivially parallel pure Python: {tp['machine_ceiling']}×)")
    Path("results").mkdir(exist_ok=True)
    Path("results/benchmarks.json").write_text(json.dumps({"bench": rows, "throughput": tp},
                                                          indent=2))


if __name__ == "__main__":
    main()

"""`sim bench`: the performance benchmark, with a plain-SimPy baseline measured in the same run.

The figure that matters is a *ratio*: what one of our incidents costs against one customer of
a plain SimPy M/M/c queue (one process per customer, a ``Resource`` with c servers, as in
SimPy's own examples), both timed in one process on the same machine, so that machine speed
and load largely cancel out.
"""

from __future__ import annotations

import gc
import resource
import sys
import time
from pathlib import Path

import numpy as np
import simpy

from sim.engine.world import World, return_free_memory
from sim.experiment.replication import frames_from_raw
from sim.scenario.model import Scenario

BENCH_SCENARIO = Path("scenarios/bench_city_year.yaml")
PROBE_CUSTOMERS = 100_000  # customers of the baseline timed before the run


def plain_simpy_mmc(customers: int, servers: int, utilisation: float = 0.8, seed: int = 0) -> float:
    """Wall seconds for a plain SimPy M/M/c queue serving ``customers`` customers."""
    rng = np.random.default_rng(seed)
    inter = rng.exponential(1.0, customers).tolist()
    service = rng.exponential(utilisation * servers, customers).tolist()
    env = simpy.Environment()
    counter = simpy.Resource(env, capacity=servers)

    def customer(env: simpy.Environment, minutes: float):  # noqa: ANN202 - generator
        with counter.request() as request:
            yield request
            yield env.timeout(minutes)

    def source(env: simpy.Environment):  # noqa: ANN202 - generator
        for gap, minutes in zip(inter, service):
            yield env.timeout(gap)
            env.process(customer(env, minutes))

    env.process(source(env))
    start = time.perf_counter()
    env.run()
    return time.perf_counter() - start


def peak_rss_mb() -> float:
    """Peak resident memory of this process (MB)."""
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024.0 if sys.platform != "darwin" else kb / 1024.0 / 1024.0


def run_bench(scenario: Scenario, probe_customers: int = PROBE_CUSTOMERS) -> dict[str, float]:
    """Run one replication of the scenario, with the baseline timed before and after it.

    ``wall_s`` covers the whole replication as ``sim run`` does it (demand generation, the
    SimPy run, the tidy frames and KPIs); ``build_s``, ``simulate_s`` and ``frames_s`` split
    it, and ``simulate_ratio`` compares the SimPy run alone with the baseline.

    The baseline serves as many customers as the run had incidents. It is timed twice: before
    the run (``probe_customers`` customers, scaled to the run's count: its cost per customer
    is constant) and after it; the mean counts, so a burst of load on a shared machine at
    either moment weighs less. Both are reported.
    """
    officers = sum(g.count for g in scenario.units.values())
    before_per_customer = plain_simpy_mmc(probe_customers, servers=officers) / probe_customers
    gc.collect()
    start = time.perf_counter()
    world = World(scenario, 0)  # demand generated: incidents, vendors, parking
    built = time.perf_counter()
    raw = world.run()
    del world  # as sim.engine.world.run_and_release: the engine is freed after the run
    gc.collect()
    return_free_memory()
    ran = time.perf_counter()
    frames = frames_from_raw(raw)
    done = time.perf_counter()
    peak = peak_rss_mb()  # before the baseline runs again in this process
    incidents = len(frames.incidents)
    del frames, raw
    gc.collect()
    after = plain_simpy_mmc(incidents, servers=officers)
    before = before_per_customer * incidents
    baseline = (before + after) / 2
    wall = done - start
    return {
        "days": scenario.clock.days,
        "incidents": incidents,
        "wall_s": round(wall, 3),
        "incidents_per_s": round(incidents / wall, 1),
        "baseline_wall_s": round(baseline, 3),
        "baseline_before_s": round(before, 3),
        "baseline_after_s": round(after, 3),
        "ratio": round(wall / baseline, 3),
        "peak_rss_mb": round(peak, 1),
        "build_s": round(built - start, 3),
        "simulate_s": round(ran - built, 3),
        "frames_s": round(done - ran, 3),
        "simulate_ratio": round((ran - built) / baseline, 3),
    }

"""The event loop processes what SimPy's ``run(until=...)`` processes, in the same order."""

from __future__ import annotations

import random

import pytest
import simpy

from sim.engine.loop import run_until


def _model(env: simpy.Environment, log: list) -> None:
    """Processes with ties in time, urgent interrupts and events exactly at the horizon."""
    rng = random.Random(7)

    def worker(name: int):
        while True:
            try:
                yield env.timeout(rng.choice([0, 1, 2.5, 10]))
                log.append((env.now, name))
            except simpy.Interrupt:
                log.append((env.now, name, "interrupted"))

    procs = [env.process(worker(k)) for k in range(5)]

    def boss():
        while True:
            yield env.timeout(7)
            procs[rng.randrange(5)].interrupt()

    env.process(boss())


@pytest.mark.parametrize("horizon", [20.0, 70.0, 100.5])
def test_same_events_in_the_same_order_as_simpy(horizon):
    simpy_env, ours = simpy.Environment(), simpy.Environment()
    expected, got = [], []
    _model(simpy_env, expected)
    _model(ours, got)
    simpy_env.run(until=horizon)
    run_until(ours, horizon)
    assert got == expected and len(got) > 20
    assert ours.now == simpy_env.now == horizon
    assert any(t == 70.0 for t, *_ in got) == (horizon > 70.0)  # nothing at the horizon itself


def test_runs_in_stages_process_what_one_run_does():
    """A run stops at its horizon and a second run goes on from there."""
    simpy_env, ours = simpy.Environment(), simpy.Environment()
    expected, got = [], []
    _model(simpy_env, expected)
    _model(ours, got)
    simpy_env.run(until=60.0)
    run_until(ours, 25.0)
    run_until(ours, 60.0)
    assert got == expected and ours.now == 60.0


def test_an_unhandled_failure_stops_the_run_with_its_exception():
    env = simpy.Environment()

    def crash():
        yield env.timeout(3)
        raise ValueError("bad officer")

    env.process(crash())
    with pytest.raises(ValueError, match="bad officer"):
        run_until(env, 10.0)
    assert env.now == 3


def test_a_horizon_in_the_past_is_refused():
    env = simpy.Environment(initial_time=5)
    with pytest.raises(ValueError):
        run_until(env, 5.0)

"""sim.engine.calls: a ``Call`` runs exactly when a ``simpy.Timeout`` with a callback would.

The engine replaces hundreds of thousands of timeouts by plain calls on the promise that the
order of events (and so every result) does not change. The tests run one small program of
scheduled actions, ties included, once with every action a Timeout and once with a random
mix of Calls and Timeouts, and compare the logs.

Power (checked by injection): ``call_later`` (or ``timeout``) scheduling at ``URGENT`` instead
of ``NORMAL`` priority, or reusing one tie-breaking number instead of ``next(env._eid)``, makes
``test_a_mix_of_calls_and_timeouts_runs_in_timeout_order`` fail.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import simpy

from sim.engine.calls import Call, call_later, push, timeout

Schedule = Callable[[simpy.Environment, float, Callable[..., Any], Any], None]


def by_timeout(env: simpy.Environment, delay: float, action: Callable[..., Any], *args: Any) -> None:
    """The reference: a SimPy Timeout whose callback runs the action."""
    env.timeout(delay).callbacks.append(lambda _event: action(*args))


def by_fast_timeout(env: simpy.Environment, delay: float, action: Callable[..., Any],
                    *args: Any) -> None:
    """The engine's own timeout (``sim.engine.calls.timeout``) with the action as callback."""
    timeout(env, delay).callbacks.append(lambda _event: action(*args))


def by_push(env: simpy.Environment, delay: float, action: Callable[..., Any], *args: Any) -> None:
    """A long-lived object put on the queue as its own event (``sim.engine.calls.push``)."""
    event = Call(action, args)
    push(env, delay, event)


def run_program(kinds: list[Schedule]) -> list[tuple[float, str]]:
    """Scheduled actions (ties, nested scheduling, a process) logged as (time, tag)."""
    env = simpy.Environment()
    log: list[tuple[float, str]] = []
    pick = iter(kinds)

    def note(tag: str, children: int = 0) -> None:
        log.append((env.now, tag))
        for k in range(children):  # an action scheduling more, some at zero delay
            next(pick)(env, float(k % 2), note, f"{tag}.{k}")

    def process():
        for step in range(4):
            yield env.timeout(1.0)
            log.append((env.now, f"process {step}"))
            next(pick)(env, 0.0, note, f"from process {step}")

    env.process(process())
    for k, delay in enumerate([2.0, 1.0, 1.0, 0.0, 2.0, 3.0, 1.0, 0.0, 2.0, 2.0]):
        next(pick)(env, delay, note, f"top {k}", k % 3)
    env.run()
    return log


def test_a_mix_of_calls_and_timeouts_runs_in_timeout_order() -> None:
    reference = run_program([by_timeout] * 100)
    assert len(reference) > 20 and len({t for t, _ in reference}) > 3  # ties and several times
    for seed in range(20):
        rng = random.Random(seed)
        mixed = run_program([rng.choice([call_later, by_timeout, by_fast_timeout, by_push])
                             for _ in range(100)])
        assert mixed == reference, f"seed {seed}"
    assert run_program([call_later] * 100) == reference
    assert run_program([by_fast_timeout] * 100) == reference


def test_the_fast_timeout_is_simpys_timeout() -> None:
    env = simpy.Environment(initial_time=4.0)
    ours, theirs = timeout(env, 2.5), env.timeout(2.5)
    assert type(ours) is type(theirs)
    for name in ("env", "callbacks", "_value", "_delay", "_ok"):
        assert getattr(ours, name) == getattr(theirs, name), name
    env.run()
    assert ours.processed and ours.value is None and env.now == 6.5


def test_a_call_runs_at_its_time_with_its_arguments() -> None:
    env = simpy.Environment(initial_time=10.0)
    seen: list[tuple[float, tuple[Any, ...]]] = []
    call_later(env, 2.5, lambda *args: seen.append((env.now, args)), "a", 1)
    call_later(env, 0.0, lambda *args: seen.append((env.now, args)))
    env.run()
    assert seen == [(10.0, ()), (12.5, ("a", 1))]


def test_calls_after_the_run_end_do_not_run() -> None:
    env = simpy.Environment()
    seen: list[float] = []
    for t in (1.0, 5.0, 9.0):
        call_later(env, t, lambda: seen.append(env.now))
    env.run(until=6.0)
    assert seen == [1.0, 5.0] and env.now == 6.0
    env.run(until=10.0)
    assert seen == [1.0, 5.0, 9.0]


def test_a_call_has_what_the_event_loop_reads() -> None:
    call = Call(print, ())
    assert (call.callbacks, call._ok, call._value) == ((call,), True, None)

"""Larson's hypercube model (1974): officers as servers with locations, nearest-free dispatch,
an FCFS queue, solved exactly as a continuous-time Markov chain."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sim.theory.queueing import check_mmc


def hypercube_fcfs(
    arrival_rates: Sequence[float],
    service_rate: float,
    preference: Sequence[Sequence[int]],
    n_units: int,
    max_queue: int = 60,
) -> dict[str, object]:
    """Exact solution of Larson's hypercube model with an FCFS queue.

    State = busy set of N distinguishable units (bit i set = unit i busy), plus a
    birth-death tail of queue lengths 1..max_queue attached to the all-busy state.
    A call from atom j goes to the first free unit in ``preference[j]``; when all
    units are busy it queues (and is lost only at the truncation ``max_queue``).
    Every unit serves at rate mu (service includes travel). The generator is
    solved densely, so cost grows like ``(2**N + max_queue)**3``.

    Args:
        arrival_rates: Poisson call rate of each atom.
        service_rate: Exponential service rate mu of every unit.
        preference: Per atom, the dispatch order (a permutation of all units).
        n_units: Number of units N (1..12).
        max_queue: Queue truncation level for the numerical solution.

    Returns:
        Dict with ``workload`` (N,), ``dispatch_fraction`` (atoms x N, share of
        each atom's served calls handled by each unit; queued calls split 1/N),
        ``p_all_busy`` (probability an arrival finds all units busy),
        ``mean_queue_wait`` (Wq of served calls), ``state_probs`` (sorted tuple
        of busy units -> probability, zero-queue states only) and
        ``p_truncated`` (probability the queue is at ``max_queue``; should be tiny).

    Raises:
        ValueError: On inconsistent inputs or total load >= N mu.
    """
    n = int(n_units)
    lam = _check_inputs(arrival_rates, preference, n, max_queue)
    check_mmc(float(lam.sum()), service_rate, n)
    first_free = _first_free(preference, n)
    q = _generator(lam, float(service_rate), first_free, n, max_queue)
    return _measures(_stationary(q), lam, first_free, n)


def _check_inputs(arrival_rates: Sequence[float], preference: Sequence[Sequence[int]],
                  n: int, max_queue: int) -> np.ndarray:
    """The arrival rates as an array, once every input is known to be consistent."""
    if not 1 <= n <= 12:
        raise ValueError("n_units must be between 1 and 12 (dense 2**N solve)")
    if max_queue < 1:
        raise ValueError("max_queue must be >= 1")
    lam = np.asarray(arrival_rates, dtype=float)
    if lam.ndim != 1 or np.any(lam < 0):
        raise ValueError("arrival_rates must be a 1-d sequence of rates >= 0")
    _check_preferences(preference, lam.size, n)
    return lam


def _check_preferences(preference: Sequence[Sequence[int]], atoms: int, n: int) -> None:
    """One dispatch order per atom, each a permutation of the units."""
    if len(preference) != atoms:
        raise ValueError("need one preference list per atom")
    for pref in preference:
        if sorted(pref) != list(range(n)):
            raise ValueError(f"preference {list(pref)} is not a permutation of range({n})")


def _first_free(preference: Sequence[Sequence[int]], n: int) -> np.ndarray:
    """(atoms, 2**N): the unit atom j's call goes to in busy set b (-1 when all are busy)."""
    full = (1 << n) - 1
    first_free = np.full((len(preference), full + 1), -1, dtype=int)
    for j, pref in enumerate(preference):
        for b in range(full):
            first_free[j, b] = _first_free_unit(pref, b)
    return first_free


def _first_free_unit(pref: Sequence[int], b: int) -> int:
    """The first unit of ``pref`` not busy in busy set b."""
    return next(u for u in pref if not b >> u & 1)


def _generator(lam: np.ndarray, mu: float, first_free: np.ndarray, n: int,
               max_queue: int) -> np.ndarray:
    """The CTMC generator over busy sets 0..2**N-1, then queue lengths 1..max_queue."""
    full = (1 << n) - 1
    q = np.zeros((full + 1 + max_queue, full + 1 + max_queue))
    for b in range(full + 1):
        _call_rates(q, b, lam, first_free, full)
        _completion_rates(q, b, mu, n)
    _queue_rates(q, full, float(lam.sum()), n * mu, max_queue)
    np.fill_diagonal(q, -q.sum(axis=1))
    return q


def _queue_rates(q: np.ndarray, full: int, arrivals: float, services: float,
                 max_queue: int) -> None:
    """The birth-death tail of queue lengths 1..max_queue above the all-busy state."""
    for k in range(1, max_queue + 1):
        s = full + k
        q[s, s - 1] += services
        if k < max_queue:
            q[s, s + 1] += arrivals


def _call_rates(q: np.ndarray, b: int, lam: np.ndarray, first_free: np.ndarray,
                full: int) -> None:
    """Out of busy set b: a call from each atom (to the queue when all are busy)."""
    for j in range(lam.size):
        dest = b | (1 << first_free[j, b]) if b != full else full + 1
        q[b, dest] += lam[j]


def _completion_rates(q: np.ndarray, b: int, mu: float, n: int) -> None:
    """Out of busy set b: a completion by each busy unit."""
    for u in range(n):
        if b >> u & 1:
            q[b, b & ~(1 << u)] += mu


def _stationary(q: np.ndarray) -> np.ndarray:
    """Stationary distribution of generator ``q`` (balance equations, one replaced by
    the normalisation)."""
    pi = np.clip(np.linalg.solve(*_balance_equations(q)), 0.0, None)
    return pi / pi.sum()


def _balance_equations(q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """pi Q = 0 as ``A x = b``, its last equation replaced by sum(pi) = 1."""
    a = q.T.copy()
    a[-1, :] = 1.0
    rhs = np.zeros(len(q))
    rhs[-1] = 1.0
    return a, rhs


def _measures(pi: np.ndarray, lam: np.ndarray, first_free: np.ndarray,
              n: int) -> dict[str, object]:
    """Workloads, dispatch fractions, queueing and state probabilities from ``pi``."""
    full = (1 << n) - 1
    p_sets, p_queue = pi[: full + 1], pi[full + 1 :]
    bits = _busy_bits(n)
    p_all_busy = float(pi[full] + p_queue.sum())
    p_trunc = float(p_queue[-1])
    total = float(lam.sum())
    lq = float(np.arange(1, len(p_queue) + 1) @ p_queue)
    return {
        "workload": bits.T @ p_sets + p_queue.sum(),
        "dispatch_fraction": _dispatch(p_sets, first_free, p_all_busy, p_trunc, n),
        "p_all_busy": p_all_busy,
        "mean_queue_wait": lq / (total * (1.0 - p_trunc)) if total > 0 else 0.0,
        "state_probs": {_busy_units(bits[b]): float(p) for b, p in enumerate(p_sets)},
        "p_truncated": p_trunc,
    }


def _busy_bits(n: int) -> np.ndarray:
    """(2**N, N): bit u of busy set b, i.e. whether unit u is busy in it."""
    return (np.arange(1 << n)[:, None] >> np.arange(n)[None, :]) & 1


def _busy_units(bits: np.ndarray) -> tuple[int, ...]:
    """The busy units of one busy set's bits, in order."""
    return tuple(int(u) for u in np.flatnonzero(bits))


def _dispatch(p_sets: np.ndarray, first_free: np.ndarray, p_all_busy: float,
              p_trunc: float, n: int) -> np.ndarray:
    """Share of each atom's served calls handled by each unit (queued calls split 1/N)."""
    full = len(p_sets) - 1
    dispatch = np.zeros((len(first_free), n))
    for j in range(len(first_free)):
        np.add.at(dispatch[j], first_free[j, :full], p_sets[:full])
    dispatch += (p_all_busy - p_trunc) / n
    return dispatch / (1.0 - p_trunc)

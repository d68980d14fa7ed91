"""Analytic queueing results used to validate the simulator.

M/M/c (Erlang C), Cobham's non-preemptive priority M/M/c waits, Larson's hypercube
model (FCFS queue, solved as a CTMC) and a Poisson index-of-dispersion test with a
pure-Python chi-square tail. numpy only (no scipy) so the package stays light.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

__all__ = [
    "chi2_sf",
    "cobham_priority_waits",
    "erlang_c",
    "gammp",
    "gammq",
    "hypercube_fcfs",
    "mmc_metrics",
    "poisson_dispersion_test",
]

_EPS = 1e-16
_TINY = 1e-300


def _check_mmc(arrival_rate: float, service_rate: float, servers: int) -> float:
    """Validate M/M/c parameters and return the utilisation rho = lambda / (c mu)."""
    if isinstance(servers, bool) or int(servers) != servers or servers < 1:
        raise ValueError(f"servers must be a positive integer, got {servers!r}")
    if not service_rate > 0:
        raise ValueError(f"service_rate must be > 0, got {service_rate!r}")
    if not arrival_rate >= 0:
        raise ValueError(f"arrival_rate must be >= 0, got {arrival_rate!r}")
    rho = arrival_rate / (servers * service_rate)
    if rho >= 1:
        raise ValueError(f"unstable queue: rho = {rho:.6g} >= 1")
    return rho


def erlang_c(arrival_rate: float, service_rate: float, servers: int) -> float:
    """Probability that an arrival has to wait in an M/M/c queue.

    Uses the Erlang-B recursion ``B_k = a B_{k-1} / (k + a B_{k-1})`` and
    ``C = B_c / (1 - rho (1 - B_c))``, which is stable for thousands of servers.

    Args:
        arrival_rate: Poisson arrival rate lambda (>= 0).
        service_rate: Exponential service rate mu per server (> 0).
        servers: Number of servers c (>= 1).

    Returns:
        Erlang C probability P(wait > 0).

    Raises:
        ValueError: If rho = lambda / (c mu) >= 1 or parameters are invalid.
    """
    rho = _check_mmc(arrival_rate, service_rate, servers)
    a = arrival_rate / service_rate
    b = 1.0
    for k in range(1, int(servers) + 1):
        b = a * b / (k + a * b)
    return b / (1.0 - rho * (1.0 - b))


def mmc_metrics(arrival_rate: float, service_rate: float, servers: int) -> dict[str, float]:
    """Steady-state metrics of an M/M/c FCFS queue.

    Args:
        arrival_rate: Poisson arrival rate lambda.
        service_rate: Exponential service rate mu per server.
        servers: Number of servers c.

    Returns:
        Dict with ``p_wait``, ``mean_wait`` (Wq), ``mean_queue_length`` (Lq),
        ``mean_in_system`` (L), ``mean_time_in_system`` (W), ``utilisation``.
    """
    c_prob = erlang_c(arrival_rate, service_rate, servers)
    rho = arrival_rate / (servers * service_rate)
    wq = c_prob / (servers * service_rate - arrival_rate)
    w = wq + 1.0 / service_rate
    return {
        "p_wait": c_prob,
        "mean_wait": wq,
        "mean_queue_length": arrival_rate * wq,
        "mean_in_system": arrival_rate * w,
        "mean_time_in_system": w,
        "utilisation": rho,
    }


def cobham_priority_waits(
    arrival_rates: Sequence[float], service_rate: float, servers: int
) -> list[float]:
    """Mean queue wait per class in a non-preemptive priority M/M/c queue.

    All classes share the exponential service rate mu; class 0 is the highest
    priority and classes are FCFS internally. Cobham (1954):
    ``W_k = W0 / ((1 - s_{k-1}) (1 - s_k))`` with ``s_k = sum_{i<=k} lambda_i / (c mu)``
    and ``W0 = ErlangC(lambda, mu, c) / (c mu)``.

    Args:
        arrival_rates: Poisson arrival rate of each class, highest priority first.
        service_rate: Exponential service rate mu per server.
        servers: Number of servers c.

    Returns:
        Mean waiting time (before service) for each class.

    Raises:
        ValueError: If the total load is >= 1 or a rate is negative.
    """
    if any(not r >= 0 for r in arrival_rates):
        raise ValueError("arrival rates must be >= 0")
    total = float(sum(arrival_rates))
    cap = servers * service_rate
    w0 = erlang_c(total, service_rate, servers) / cap
    waits: list[float] = []
    sigma_prev = 0.0
    for rate in arrival_rates:
        sigma = sigma_prev + rate / cap
        waits.append(w0 / ((1.0 - sigma_prev) * (1.0 - sigma)))
        sigma_prev = sigma
    return waits


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
    if not 1 <= n <= 12:
        raise ValueError("n_units must be between 1 and 12 (dense 2**N solve)")
    if max_queue < 1:
        raise ValueError("max_queue must be >= 1")
    lam = np.asarray(arrival_rates, dtype=float)
    if lam.ndim != 1 or np.any(lam < 0):
        raise ValueError("arrival_rates must be a 1-d sequence of rates >= 0")
    if len(preference) != lam.size:
        raise ValueError("need one preference list per atom")
    for pref in preference:
        if sorted(pref) != list(range(n)):
            raise ValueError(f"preference {list(pref)} is not a permutation of range({n})")
    total = float(lam.sum())
    _check_mmc(total, service_rate, n)
    mu = float(service_rate)

    full = (1 << n) - 1
    n_states = full + 1 + max_queue  # busy sets, then queue lengths 1..max_queue
    # first_free[j, b]: unit that atom j's call goes to in busy set b (-1 if none)
    first_free = np.full((lam.size, full + 1), -1, dtype=int)
    for j, pref in enumerate(preference):
        for b in range(full):
            first_free[j, b] = next(u for u in pref if not b >> u & 1)

    q = np.zeros((n_states, n_states))
    for b in range(full + 1):
        for j in range(lam.size):
            dest = b | (1 << first_free[j, b]) if b != full else full + 1
            q[b, dest] += lam[j]
        for u in range(n):
            if b >> u & 1:
                q[b, b & ~(1 << u)] += mu
    for k in range(1, max_queue + 1):
        s = full + k
        q[s, s - 1] += n * mu
        if k < max_queue:
            q[s, s + 1] += total
    np.fill_diagonal(q, -q.sum(axis=1))

    a = q.T.copy()
    a[-1, :] = 1.0
    rhs = np.zeros(n_states)
    rhs[-1] = 1.0
    pi = np.linalg.solve(a, rhs)
    pi = np.clip(pi, 0.0, None)
    pi /= pi.sum()

    p_sets = pi[: full + 1]
    p_queue = pi[full + 1 :]
    bits = (np.arange(full + 1)[:, None] >> np.arange(n)[None, :]) & 1
    workload = bits.T @ p_sets + p_queue.sum()
    p_all_busy = float(pi[full] + p_queue.sum())
    p_trunc = float(p_queue[-1])
    accepted = 1.0 - p_trunc

    dispatch = np.zeros((lam.size, n))
    for j in range(lam.size):
        np.add.at(dispatch[j], first_free[j, :full], p_sets[:full])
    dispatch += (p_all_busy - p_trunc) / n
    dispatch /= accepted

    lq = float(np.arange(1, max_queue + 1) @ p_queue)
    wq = lq / (total * accepted) if total > 0 else 0.0
    state_probs = {
        tuple(int(u) for u in np.flatnonzero(bits[b])): float(p_sets[b]) for b in range(full + 1)
    }
    return {
        "workload": workload,
        "dispatch_fraction": dispatch,
        "p_all_busy": p_all_busy,
        "mean_queue_wait": wq,
        "state_probs": state_probs,
        "p_truncated": p_trunc,
    }


def _gser(a: float, x: float) -> float:
    """Regularized lower incomplete gamma P(a, x) by its series (x < a + 1)."""
    term = 1.0 / a
    total = term
    ap = a
    for _ in range(10_000 + int(20 * math.sqrt(a))):
        ap += 1.0
        term *= x / ap
        total += term
        if abs(term) < abs(total) * _EPS:
            return total * math.exp(-x + a * math.log(x) - math.lgamma(a))
    raise ArithmeticError("gser did not converge")


def _gcf(a: float, x: float) -> float:
    """Regularized upper incomplete gamma Q(a, x) by continued fraction (x >= a + 1)."""
    b = x + 1.0 - a
    c = 1.0 / _TINY
    d = 1.0 / b
    h = d
    for i in range(1, 10_000 + int(20 * math.sqrt(a))):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        d = _TINY if abs(d) < _TINY else d
        c = b + an / c
        c = _TINY if abs(c) < _TINY else c
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _EPS:
            return math.exp(-x + a * math.log(x) - math.lgamma(a)) * h
    raise ArithmeticError("gcf did not converge")


def _gamma_pq(a: float, x: float) -> tuple[float, float]:
    """Return (P(a, x), Q(a, x)), picking the series or continued fraction branch."""
    if a <= 0 or x < 0:
        raise ValueError("incomplete gamma requires a > 0 and x >= 0")
    if x == 0:
        return 0.0, 1.0
    if x < a + 1.0:
        p = _gser(a, x)
        return p, 1.0 - p
    q = _gcf(a, x)
    return 1.0 - q, q


def gammp(a: float, x: float) -> float:
    """Regularized lower incomplete gamma function P(a, x) (Numerical Recipes)."""
    return _gamma_pq(a, x)[0]


def gammq(a: float, x: float) -> float:
    """Regularized upper incomplete gamma function Q(a, x) = 1 - P(a, x)."""
    return _gamma_pq(a, x)[1]


def chi2_sf(x: float, df: float) -> float:
    """Chi-square survival function P(X >= x) for ``df`` degrees of freedom."""
    return 1.0 if x <= 0 else gammq(0.5 * df, 0.5 * x)


def poisson_dispersion_test(
    counts: Sequence[float], alternative: str = "greater"
) -> tuple[float, float]:
    """Index-of-dispersion test of the hypothesis that counts are Poisson.

    The statistic ``D = sum (x - mean)^2 / mean`` is approximately chi-square with
    ``n - 1`` degrees of freedom under the Poisson hypothesis.

    Args:
        counts: Non-negative counts (e.g. incidents per cell and period), n >= 2.
        alternative: ``"greater"`` (over-dispersion, default), ``"less"``
            (under-dispersion) or ``"two-sided"``.

    Returns:
        Tuple ``(D, p_value)``.

    Raises:
        ValueError: For fewer than two counts, negative counts or a zero mean.
    """
    x = [float(v) for v in counts]
    if len(x) < 2:
        raise ValueError("need at least two counts")
    if any(v < 0 for v in x):
        raise ValueError("counts must be non-negative")
    mean = sum(x) / len(x)
    if mean <= 0:
        raise ValueError("mean count is zero; dispersion undefined")
    stat = sum((v - mean) ** 2 for v in x) / mean
    lower, upper = _gamma_pq(0.5 * (len(x) - 1), 0.5 * stat)
    if alternative == "greater":
        p = upper
    elif alternative == "less":
        p = lower
    elif alternative == "two-sided":
        p = min(1.0, 2.0 * min(upper, lower))
    else:
        raise ValueError(f"unknown alternative {alternative!r}")
    return stat, p

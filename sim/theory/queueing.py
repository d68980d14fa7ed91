"""M/M/c queues: Erlang C and Cobham's non-preemptive priority waits.

Baselines a planner can use beside the simulation (how many officers an hour's workload needs
if officers were servers in a queue) and the references the engine is tested against.
"""

from __future__ import annotations

from collections.abc import Sequence


def check_mmc(arrival_rate: float, service_rate: float, servers: int) -> float:
    """Validate M/M/c parameters and return the utilisation rho = lambda / (c mu)."""
    _check_servers(servers)
    if not service_rate > 0:
        raise ValueError(f"service_rate must be > 0, got {service_rate!r}")
    if not arrival_rate >= 0:
        raise ValueError(f"arrival_rate must be >= 0, got {arrival_rate!r}")
    rho = arrival_rate / (servers * service_rate)
    if rho >= 1:
        raise ValueError(f"unstable queue: rho = {rho:.6g} >= 1")
    return rho


def _check_servers(servers: int) -> None:
    """A number of servers is a positive integer (a bool is not a number here)."""
    if isinstance(servers, bool) or int(servers) != servers or servers < 1:
        raise ValueError(f"servers must be a positive integer, got {servers!r}")


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
    rho = check_mmc(arrival_rate, service_rate, servers)
    b = erlang_b(arrival_rate / service_rate, servers)
    return b / (1.0 - rho * (1.0 - b))


def erlang_b(load: float, servers: int) -> float:
    """Erlang B (blocking probability) for ``load`` = lambda / mu offered to c servers."""
    b = 1.0
    for k in range(1, int(servers) + 1):
        b = load * b / (k + load * b)
    return b


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


def _check_rates(arrival_rates: Sequence[float]) -> None:
    if any(not r >= 0 for r in arrival_rates):
        raise ValueError("arrival rates must be >= 0")


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
    _check_rates(arrival_rates)
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



"""KN++ (Kim & Nelson 2006): fully sequential selection of the best with a PCS guarantee.

Setup: k systems, indifference zone ``delta``, confidence ``pcs`` (= 1 - alpha), first
stage ``n0`` replications of each. With c = 1 and the Bonferroni split
beta = alpha / (k - 1), at every stage r (r = n0, n0 + 1, ...):

* S²_il(r): sample variance of the paired differences X_i - X_l over replications 1..r
  (common random numbers make these small: that is where CRN pays);
* eta(r) = ½ [(2 beta)^(-2/(r-1)) - 1],  h²(r) = 2 eta(r) (r - 1)   (variance updating:
  the "++" of KN++);
* W_il(r) = max(0, delta / (2r) · (h² S²_il / delta² - r));
* system i is eliminated if its mean is worse than some survivor l's by more than W_il(r).

It stops when one system survives. If the best is at least ``delta`` better than every
other system, it is selected with probability ≥ pcs (for normal data; replications of a
simulation are means of many events, close to normal); in any case the selected system is
within ``delta`` of the best with that probability (Kim & Nelson 2006, Nelson et al. 2001).
A cap ``max_reps`` per system ends the procedure early, without the guarantee.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from sim.decide.sampling import Observations, SampleFn

N0 = 20
"""Default first stage. KN++ is asymptotically valid: in the least favourable
configuration (k = 5, normal, best exactly delta better) it selected correctly in 95.05 %
of 2,000 macro-replications with n0 = 10 (at, not above, the nominal 95 %) and in 96.5 %
with n0 = 20 (``tests/decide/test_algorithms.py``)."""


@dataclass
class KnResult:
    """The outcome of KN++.

    Attributes:
        selected: Index of the selected system.
        eliminated_at: System → stage (replications per system) at which it was eliminated.
        reps: Replications taken per system.
        means: Sample mean per system over its replications.
        guaranteed: False if ``max_reps`` ended the procedure with several survivors (the
            selected one is then the best survivor by sample mean, without the guarantee).
        stages: Number of screening stages.
    """

    selected: int
    eliminated_at: dict[int, int]
    reps: list[int]
    means: list[float]
    guaranteed: bool
    stages: int = 0
    survivors: list[int] = field(default_factory=list)


def h_squared(r: int, k: int, alpha: float) -> float:
    """KN's continuation constant h² = 2 c eta (r - 1) with c = 1, beta = alpha / (k - 1)."""
    beta = alpha / (k - 1)
    eta = 0.5 * ((2.0 * beta) ** (-2.0 / (r - 1)) - 1.0)
    return 2.0 * eta * (r - 1)


def screen(y: np.ndarray, delta: float, h2: float, n_var: int | None = None) -> np.ndarray:
    """Which rows of ``y`` (systems × r replications, larger is better) survive stage r.

    ``n_var``: estimate the variances from the first ``n_var`` replications only (KN
    without variance updating); None: from all r (KN++).
    Systems identical on every replication (zero variance of their difference) with equal
    means are ties: the later one goes (either is exactly as good).
    """
    r = y.shape[1]
    diff = y[:, None, :] - y[None, :, :]
    s2 = diff[:, :, :n_var].var(axis=2, ddof=1)
    w = np.maximum(0.0, delta / (2.0 * r) * (h2 * s2 / delta**2 - r))
    means = y.mean(axis=1)
    gap = means[:, None] - means[None, :]  # i minus l
    beaten = gap < -w
    np.fill_diagonal(beaten, False)
    return ~(beaten | _later_ties(s2, gap)).any(axis=1)


def _later_ties(s2: np.ndarray, gap: np.ndarray) -> np.ndarray:
    """(i, l): systems i and l equal on every replication, i the later one."""
    idx = np.arange(len(gap))
    return (s2 == 0) & (gap == 0) & (idx[:, None] > idx[None, :])


def kn_plus_plus(
    sample: SampleFn, k: int, delta: float, pcs: float = 0.95, n0: int = N0,
    minimize: bool = True, max_reps: int | None = None, batch: int = 1,
    update_variance: bool = True,
) -> KnResult:
    """Run KN++ on ``k`` systems observed through ``sample`` (see ``sampling.py``).

    Args:
        sample: ``sample(systems, start, stop)`` → observations, common random numbers
            per replication.
        k: Number of systems (≥ 2).
        delta: Indifference zone (> 0), in the measure's unit.
        pcs: Probability of correct selection asked for (1/k < pcs < 1).
        n0: First-stage replications per system (≥ 2; default 20, see ``N0``).
        minimize: Lower is better.
        max_reps: Stop after this many replications per system (None: no cap).
        batch: Replications added per surviving system between sampling calls (a larger
            batch keeps parallel workers busy; screening still happens at every stage).
        update_variance: True: KN++ (variances and h² from all r replications at every
            stage); False: KN (Kim & Nelson 2001: from the first n0 only; exact for normal
            data, more replications).
    """
    _check(k, delta, pcs, n0, max_reps, batch)
    run = _Run(Observations(sample, k), delta, 1.0 - pcs, n0, -1.0 if minimize else 1.0,
               max_reps, batch, update_variance)
    run.obs.extend(run.alive, n0)
    run.screen_stage()
    while not run.finished():
        run.next_stage()
        run.screen_stage()
    return run.result()


@dataclass
class _Run:
    """One run of KN++: the settings, the observations and the survivors so far."""

    obs: Observations
    delta: float
    alpha: float
    n0: int
    sign: float
    max_reps: int | None
    batch: int
    update_variance: bool
    alive: list[int] = field(init=False)
    eliminated: dict[int, int] = field(default_factory=dict)
    r: int = field(init=False)
    stages: int = 0

    def __post_init__(self) -> None:
        self.alive = list(range(len(self.obs.data)))
        self.r = self.n0

    def screen_stage(self) -> None:
        """Screen the survivors at stage r (replications 0..r-1 of each)."""
        self.stages += 1
        n_var = self.r if self.update_variance else self.n0
        h2 = h_squared(n_var, len(self.obs.data), self.alpha)
        keep = screen(self.sign * self.obs.matrix(self.alive, self.r), self.delta, h2, n_var)
        self.eliminated.update({i: self.r for i in _with_flag(self.alive, keep, False)})
        self.alive = _with_flag(self.alive, keep, True)

    def finished(self) -> bool:
        """One survivor left, or the cap reached."""
        return len(self.alive) == 1 or (self.max_reps is not None and self.r >= self.max_reps)

    def next_stage(self) -> None:
        """Stage r + 1: sample the survivors (a batch ahead) when they lack replication r."""
        self.r += 1
        if self.obs.n(self.alive[0]) < self.r:
            stop = self.r - 1 + self.batch
            self.obs.extend(self.alive, stop if self.max_reps is None else
                            min(stop, self.max_reps))

    def result(self) -> KnResult:
        """The selection: the survivor (or the best survivor by sample mean at the cap)."""
        means = self.obs.means()
        best = min(self.alive, key=lambda i: self.sign * -means[i])
        return KnResult(best, self.eliminated, self.obs.counts(), means,
                        guaranteed=len(self.alive) == 1, stages=self.stages,
                        survivors=self.alive)


def _with_flag(systems: list[int], keep: np.ndarray, flag: bool) -> list[int]:
    """The systems whose ``keep`` entry is ``flag`` (True: survivors, False: eliminated)."""
    return [i for i, k in zip(systems, keep) if bool(k) == flag]


def _check(k: int, delta: float, pcs: float, n0: int, max_reps: int | None,
           batch: int) -> None:
    """Refuse settings under which KN++ cannot run (ValueError)."""
    _check_goal(k, delta, pcs)
    _check_stages(n0, max_reps, batch)


def _check_goal(k: int, delta: float, pcs: float) -> None:
    """At least two systems, a positive indifference zone, 1/k < pcs < 1."""
    if k < 2:
        raise ValueError("selection needs at least two systems")
    if not delta > 0:
        raise ValueError(f"the indifference zone delta must be positive, got {delta}")
    if not 1.0 / k < pcs < 1.0:
        raise ValueError(f"pcs must be between 1/k = {1.0 / k:.3g} and 1, got {pcs}")


def _check_stages(n0: int, max_reps: int | None, batch: int) -> None:
    """A first stage of two or more, a cap not below it, a batch of one or more."""
    if n0 < 2:
        raise ValueError(f"n0 must be at least 2, got {n0}")
    if max_reps is not None and max_reps < n0:
        raise ValueError(f"max_reps ({max_reps}) must be at least n0 ({n0})")
    if batch < 1:
        raise ValueError(f"batch must be at least 1, got {batch}")


def best_index(means: Sequence[float] | np.ndarray, minimize: bool) -> int:
    """Index of the best mean."""
    return int(np.argmin(means) if minimize else np.argmax(means))

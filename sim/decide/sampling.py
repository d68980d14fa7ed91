"""What the selection procedures sample from: a function of systems and replications.

``sample(systems, start, stop)`` returns an array of shape ``(len(systems), stop - start)``:
the observations of replications ``start..stop-1`` of each system. Replication *r* of every
system shares its random numbers (common random numbers), which the procedures exploit by
working on paired differences.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

BLOCK = 256
SampleFn = Callable[[Sequence[int], int, int], np.ndarray]


class Observations:
    """The observations taken so far: system → its replications 0..n-1 (in order)."""

    def __init__(self, sample: SampleFn, k: int) -> None:
        self.sample = sample
        self.data: list[np.ndarray] = [np.empty(0) for _ in range(k)]

    def n(self, i: int) -> int:
        return int(self.data[i].size)

    def counts(self) -> list[int]:
        """Replications taken per system."""
        return [self.n(i) for i in range(len(self.data))]

    def means(self) -> list[float]:
        """Sample mean per system."""
        return [float(d.mean()) for d in self.data]

    def sds(self) -> list[float]:
        """Sample standard deviation per system."""
        return [float(d.std(ddof=1)) for d in self.data]

    def extend(self, systems: Sequence[int], stop: int) -> None:
        """Make sure each of ``systems`` has replications 0..stop-1."""
        self.extend_each({i: stop for i in systems})

    def extend_each(self, stops: dict[int, int]) -> None:
        """Make sure system i has replications 0..stops[i]-1, for every i.

        A sampling function with a ``many`` attribute gets every request in one call
        (``many([(system, start, stop), ...])`` → one array per request), so a simulation
        can run them in parallel; otherwise one call per distinct (start, stop).
        """
        requests = [(i, self.n(i), stop) for i, stop in stops.items() if self.n(i) < stop]
        if not requests:
            return
        for (i, start, stop), row in zip(requests, self._fetch(requests)):
            self._append(i, stop - start, row)

    def _fetch(self, requests: list[tuple[int, int, int]]) -> list[np.ndarray]:
        """The rows asked for: in one call of ``many`` if the sampler has it."""
        many = getattr(self.sample, "many", None)
        if many is not None:
            return list(many(requests))
        found: dict[int, np.ndarray] = {}
        for (start, stop), group in _by_range(requests).items():
            found.update(self._block(group, start, stop))
        return [found[i] for i, _, _ in requests]

    def _block(self, group: list[int], start: int, stop: int) -> dict[int, np.ndarray]:
        """Replications start..stop-1 of the systems of ``group``, in one call."""
        block = np.asarray(self.sample(group, start, stop), dtype=float)
        _check_shape(block, (len(group), stop - start))
        return {i: block[j] for j, i in enumerate(group)}

    def _append(self, i: int, length: int, row: np.ndarray) -> None:
        """Append ``length`` new observations of system i, once checked."""
        row = np.asarray(row, dtype=float)
        _check_shape(row, (length,))
        if not np.isfinite(row).all():
            raise ValueError(f"sample returned a missing or infinite value for system {i}")
        self.data[i] = np.concatenate([self.data[i], row])

    def matrix(self, systems: Sequence[int], r: int) -> np.ndarray:
        """Replications 0..r-1 of ``systems`` as rows."""
        return np.vstack([self.data[i][:r] for i in systems])


def _by_range(requests: list[tuple[int, int, int]]) -> dict[tuple[int, int], list[int]]:
    """The systems of each requested (start, stop), in order of first request."""
    by_range: dict[tuple[int, int], list[int]] = {}
    for i, start, stop in requests:
        by_range.setdefault((start, stop), []).append(i)
    return by_range


def _check_shape(values: np.ndarray, expected: tuple[int, ...]) -> None:
    if values.shape != expected:
        raise ValueError(f"sample returned shape {values.shape}, expected {expected}")


def normal_systems(means: Sequence[float], sds: Sequence[float], seed: int,
                   common_sd: float = 0.0) -> SampleFn:
    """Synthetic normal systems for tests: replication *r* of system *i* is
    ``means[i] + common_sd * Z_r + sds[i] * E_ir`` with ``Z_r`` shared by every system
    (common random numbers) and ``E_ir`` its own; reproducible per (seed, i, r): draws come
    in blocks of ``BLOCK`` replications, block *b* from ``default_rng([seed, b])``."""
    mu, sd = np.asarray(means, float), np.asarray(sds, float)
    blocks: dict[int, np.ndarray] = {}

    def block(b: int) -> np.ndarray:
        if b not in blocks:
            blocks[b] = np.random.default_rng([seed, b]).standard_normal((mu.size + 1, BLOCK))
        return blocks[b]

    def sample(systems: Sequence[int], start: int, stop: int) -> np.ndarray:
        reps = np.arange(start, stop)
        z = np.hstack([block(b) for b in range(start // BLOCK, (stop - 1) // BLOCK + 1)])
        z = z[:, reps - (start // BLOCK) * BLOCK]
        idx = np.asarray(systems, int)
        return mu[idx, None] + common_sd * z[0] + sd[idx, None] * z[idx + 1]

    return sample

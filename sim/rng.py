"""Named random streams: one root seed, one independent generator per named decision.

A stream is keyed by the root seed, the replication number and a *stable* hash of its name,
so the same decision draws the same numbers in every scenario (common random numbers) and
adding a stream never shifts another.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from itertools import chain
from typing import Any, cast

import numpy as np
from pydantic import BaseModel


def stable_hash(name: str) -> int:
    """A 64-bit hash of ``name`` that is the same in every process and Python version."""
    return int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest(), "little")


def replication_seed(root_seed: int, replication: int) -> int:
    """The seed recorded for one replication (derived, stable)."""
    seq = np.random.SeedSequence(entropy=root_seed, spawn_key=(replication,))
    return int(seq.generate_state(2, dtype=np.uint32).view(np.uint64)[0] >> 1)


class Streams:
    """Factory of named generators for one replication of one scenario."""

    def __init__(self, root_seed: int, replication: int) -> None:
        self.root_seed = root_seed
        self.replication = replication
        self._cache: dict[str, np.random.Generator] = {}

    def get(self, name: str) -> np.random.Generator:
        """The generator for ``name`` (created once, then shared within this replication)."""
        gen = self._cache.get(name)
        if gen is None:
            seq = np.random.SeedSequence(
                entropy=self.root_seed, spawn_key=(self.replication, stable_hash(name))
            )
            gen = np.random.Generator(np.random.PCG64(seq))
            self._cache[name] = gen
        return gen


def pick(rng: np.random.Generator, n: int) -> int:
    """A uniform index in ``range(n)`` from one uniform draw.

    For one number at a time this is several times faster than ``rng.integers(n)``, whose
    per-call argument handling dominates; ``min`` guards the (never seen) rounding to ``n``.
    """
    return min(int(rng.random() * n), n - 1)


class Uniforms:
    """Uniform [0, 1) numbers of one generator, drawn a block at a time.

    ``rng.random(n)`` yields the same numbers as ``n`` calls of ``rng.random()``, so for a
    stream used for nothing else this gives exactly the scalar sequence, several times faster.
    ``random`` is the ``__next__`` of one endless iterator over the blocks (each drawn when
    the previous one is used up): no Python call per number.
    """

    def __init__(self, rng: np.random.Generator, block: int = 1024) -> None:
        self.rng = rng
        self.block = block
        self.random: Callable[[], float] = chain.from_iterable(self._blocks()).__next__

    def _blocks(self) -> Iterator[list[float]]:
        while True:
            yield self.rng.random(self.block).tolist()


def uniform_stream(rng: np.random.Generator, draws: Iterable[Any]) -> np.random.Generator:
    """``rng`` for a stream used only to draw from ``draws`` and for ``rng.random()``.

    When every distribution among ``draws`` (searched through models, lists and dicts) uses
    one ``rng.random()`` per draw at most (``single_uniform``), the stream's uniforms are
    handed out a block at a time (:class:`Uniforms`): the same numbers, faster. Otherwise
    ``rng`` itself.
    """
    if all(d.single_uniform for d in distributions_in(list(draws))):
        return cast(np.random.Generator, Uniforms(rng))  # only ``random()`` is ever called
    return rng


def distributions_in(obj: Any) -> list[Any]:
    """Every distribution (an object with ``single_uniform``) found in ``obj``: models,
    lists, tuples and dict values, searched recursively."""
    if hasattr(obj, "single_uniform"):
        return [obj]
    if isinstance(obj, BaseModel):
        obj = [getattr(obj, name) for name in type(obj).model_fields]
    elif isinstance(obj, dict):
        obj = list(obj.values())
    if isinstance(obj, (list, tuple)):
        return [d for item in obj for d in distributions_in(item)]
    return []

"""The small, named vocabulary of probability distributions a scenario may use.

Every duration in a scenario is written as one of these, e.g.
``{kind: lognormal, mean: 12, sd: 6}`` (minutes). A bare number is shorthand for
``{kind: fixed, value: <number>}``.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, ClassVar, Literal

import numpy as np
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

MAX_MINUTES = 1e8  # about 190 years: longer than any run, far from float overflow
MIN_LOOP_MINUTES = 0.1  # the shortest mean of a duration that repeats in a loop (6 seconds)
MAX_CV = 1000.0  # the largest sd / mean of a log-normal
MIN_WEIGHT, MAX_WEIGHT = 1e-6, 1e6  # a positive relative weight lies between these

NonNegative = Annotated[float, Field(ge=0, le=MAX_MINUTES, allow_inf_nan=False)]
Positive = Annotated[float, Field(gt=0, le=MAX_MINUTES, allow_inf_nan=False)]


def _weight_in_range(value: float) -> float:
    if 0 < value < MIN_WEIGHT:
        raise ValueError(
            f"a weight is relative: write 0 or a value of at least {MIN_WEIGHT:g}, got {value:g}"
        )
    return value


Weight = Annotated[
    float, Field(ge=0, le=MAX_WEIGHT, allow_inf_nan=False), AfterValidator(_weight_in_range)
]
"""A relative weight: 0, or between 1e-6 and 1e6 (so sums and ratios stay finite)."""
PositiveWeight = Annotated[
    float, Field(gt=0, le=MAX_WEIGHT, allow_inf_nan=False), AfterValidator(_weight_in_range)
]


class _Dist(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    # Does ``draw`` use nothing of the generator but ``rng.random()``, at most once? Then a
    # stream used only for such draws may hand out its uniforms a block at a time
    # (``sim.rng.uniform_stream``: the same numbers, faster).
    single_uniform: ClassVar[bool] = False

    @property
    def mean(self) -> float:  # pragma: no cover - overridden
        raise NotImplementedError

    def draw(self, rng: np.random.Generator) -> float:
        """One sample."""
        return float(self.sample(rng, 1)[0])

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError


class Exponential(_Dist):
    """Exponential with the given mean."""

    kind: Literal["exponential"]
    mean_: Positive = Field(alias="mean")

    @property
    def mean(self) -> float:
        return self.mean_

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.exponential(self.mean_, size)

    def draw(self, rng: np.random.Generator) -> float:
        return rng.exponential(self.mean_)


class LogNormal(_Dist):
    """Log-normal parameterised by its own mean and standard deviation (not the log's)."""

    kind: Literal["lognormal"]
    mean_: Positive = Field(alias="mean")
    sd: Positive

    @model_validator(mode="after")
    def _spread(self) -> LogNormal:
        if self.sd > MAX_CV * self.mean_:
            raise ValueError(
                f"sd ({self.sd:g}) is more than {MAX_CV:g} × the mean ({self.mean_:g}): such a "
                "log-normal cannot be sampled reliably; use a smaller sd"
            )
        return self

    @property
    def mean(self) -> float:
        return self.mean_

    def _log_params(self) -> tuple[float, float]:
        sigma2 = math.log1p((self.sd / self.mean_) ** 2)
        return math.log(self.mean_) - sigma2 / 2, math.sqrt(sigma2)

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        mu, sigma = self._log_params()
        return rng.lognormal(mu, sigma, size)

    def draw(self, rng: np.random.Generator) -> float:
        params = self.__dict__.get("_params")  # cached: the model is frozen
        if params is None:
            params = self.__dict__["_params"] = self._log_params()
        return rng.lognormal(*params)


class Uniform(_Dist):
    """Uniform on [low, high]."""

    single_uniform: ClassVar[bool] = True

    kind: Literal["uniform"]
    low: NonNegative
    high: NonNegative

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.high < self.low:
            raise ValueError(
                f"a uniform distribution needs low ≤ high, got low {self.low:g}, high {self.high:g}"
            )
        return self

    @property
    def mean(self) -> float:
        return (self.low + self.high) / 2

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.uniform(self.low, self.high, size)

    def draw(self, rng: np.random.Generator) -> float:
        # numpy's own formula (low + range * U) without its per-call argument handling: the
        # same number as ``rng.uniform(low, high)``, a few times faster.
        return self.low + (self.high - self.low) * rng.random()


class Triangular(_Dist):
    """Triangular with low ≤ mode ≤ high."""

    single_uniform: ClassVar[bool] = True

    kind: Literal["triangular"]
    low: NonNegative
    mode: NonNegative
    high: NonNegative

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not self.low <= self.mode <= self.high or self.low == self.high:
            raise ValueError(
                "a triangular distribution needs low ≤ mode ≤ high and low < high, got "
                f"low {self.low:g}, mode {self.mode:g}, high {self.high:g}"
            )
        return self

    @property
    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3

    def draw(self, rng: np.random.Generator) -> float:
        # numpy's inverse-CDF formula, operation for operation, so the number is the same as
        # ``rng.triangular(low, mode, high)`` (a test checks this), without numpy's per-call
        # argument handling.
        low, mode, high = self.low, self.mode, self.high
        base = high - low
        u = rng.random()
        if u <= (mode - low) / base:
            return low + math.sqrt(u * ((mode - low) * base))
        return high - math.sqrt((1.0 - u) * ((high - mode) * base))

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.triangular(self.low, self.mode, self.high, size)


class Fixed(_Dist):
    """Always the same value."""

    single_uniform: ClassVar[bool] = True

    kind: Literal["fixed"]
    value: NonNegative

    @property
    def mean(self) -> float:
        return self.value

    def draw(self, rng: np.random.Generator) -> float:
        return self.value

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return np.full(size, self.value)


class Empirical(_Dist):
    """Draws from listed values, optionally with weights."""

    kind: Literal["empirical"]
    values: list[NonNegative] = Field(min_length=1)
    weights: list[PositiveWeight] | None = None

    @model_validator(mode="after")
    def _same_length(self) -> Empirical:
        if self.weights is not None and len(self.weights) != len(self.values):
            raise ValueError(
                f"weights has {len(self.weights)} entries but values has {len(self.values)}"
            )
        return self

    def _probabilities(self) -> np.ndarray | None:
        if self.weights is None:
            return None
        w = np.asarray(self.weights, dtype=float)
        w = w / w.max()  # first to at most 1, so the sum cannot overflow
        return w / w.sum()

    @property
    def mean(self) -> float:
        p = self._probabilities()
        v = np.asarray(self.values, dtype=float)
        return float(v.mean() if p is None else (v * p).sum())

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.choice(np.asarray(self.values, dtype=float), size=size, p=self._probabilities())


def _shorthand(value: Any) -> Any:
    """A bare number means a fixed value."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return {"kind": "fixed", "value": value}
    return value


Distribution = Annotated[
    Exponential | LogNormal | Uniform | Triangular | Fixed | Empirical,
    Field(discriminator="kind"),
    BeforeValidator(_shorthand),
]
"""Any distribution of the vocabulary; the ``kind`` field selects which."""


def _repeats_in_a_loop(dist: _Dist) -> _Dist:
    if not dist.mean >= MIN_LOOP_MINUTES:
        raise ValueError(
            f"the mean is {dist.mean:g} minutes: a duration that repeats in a loop (a patrol "
            f"dwell, a stop, a stay) must average at least {MIN_LOOP_MINUTES:g} minutes "
            "(6 seconds)"
        )
    return dist


LoopDuration = Annotated[Distribution, AfterValidator(_repeats_in_a_loop)]
"""A distribution that drives a loop (patrol dwell, stop, stay): mean ≥ 0.1 minutes."""


def fixed(value: float) -> Fixed:
    """A fixed distribution (for defaults in code)."""
    return Fixed(kind="fixed", value=value)

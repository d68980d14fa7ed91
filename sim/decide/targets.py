"""Targets a roster must meet: "MEASURE OP VALUE", checked against the measures registry."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from sim.decide.measure import DecisionError, check_measure
from sim.metrics import registry
from sim.scenario.model import Scenario

_TARGET = re.compile(r"^\s*([A-Za-z_][\w.]*)\s*(>=|<=|≥|≤)\s*([-+]?[\d.]+(?:[eE][-+]?\d+)?)\s*$")


@dataclass(frozen=True)
class Target:
    """``measure >= value`` (higher is better) or ``measure <= value`` (lower is better)."""

    measure: str
    op: str
    value: float

    @property
    def at_least(self) -> bool:
        return self.op == ">="

    def met_by(self, bound: float) -> bool:
        """Whether a confidence bound on the measure (the pessimistic one) meets it."""
        return bound >= self.value if self.at_least else bound <= self.value

    def __str__(self) -> str:
        return f"{self.measure} {self.op} {self.value:g}"


def parse_target(text: str, scenarios: Sequence[Scenario] = ()) -> Target:
    """Parse ``"sla.unowned_dog >= 0.9"``.

    Raises:
        DecisionError: Malformed text, an unknown measure, a measure without a direction,
            or an operator against the measure's direction (a target that more officers
            could only make harder to meet).
    """
    match = _TARGET.match(text or "")
    if match is None:
        raise DecisionError(f"--target {text!r}: expected MEASURE >= VALUE or MEASURE <= VALUE, "
                            "e.g. \"sla_attainment >= 0.9\" or \"exposure_h_per_day <= 1300\"")
    name, op, raw = match.groups()
    name = registry.canonical(name)
    op = {"≥": ">=", "≤": "<="}.get(op, op)
    value = _value(text, raw)
    try:
        measure = check_measure(name, scenarios)
    except DecisionError as exc:
        raise DecisionError(f"--target {text!r}: {exc}") from None
    _check_direction(text, name, op, bool(measure.lower_is_better))
    return Target(name, op, value)


def _check_direction(text: str, name: str, op: str, lower_is_better: bool) -> None:
    """The operator must ask for the measure's better direction."""
    wanted = "<=" if lower_is_better else ">="
    if op != wanted:
        raise DecisionError(
            f"--target {text!r}: {name} is better when {'lower' if lower_is_better else 'higher'}"
            f", so a target on it reads {name} {wanted} VALUE")


def _value(text: str, raw: str) -> float:
    """The target value: a finite number."""
    try:
        value = float(raw)
    except ValueError:
        raise DecisionError(f"--target {text!r}: {raw!r} is not a number") from None
    if not math.isfinite(value):
        raise DecisionError(f"--target {text!r}: the value must be finite")
    return value

"""Which summary measure a decision is about, checked against the measures registry."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.metrics import registry
from sim.scenario.model import Scenario

POOLED_WEIGHTS = {"resolution_std_mean_min"}


class DecisionError(ValueError):
    """A decision asked for that cannot be made (unknown measure, no direction, bad
    settings); raised before anything runs, the message says what was expected."""


def _known() -> str:
    usable = [n for n in registry.with_verdict() if n not in POOLED_WEIGHTS]
    return ", ".join(usable) + ", sla.<type>"


def check_measure(name: str, scenarios: Sequence[Scenario] = ()) -> registry.Measure:
    """The registry's measure for column ``name``; refuses unknown ones, those without a
    better direction, and per-type columns for types without a service target.

    Raises:
        DecisionError: With the known measures that would do.
    """
    measure = registry.measure_of(name)
    if measure is None:
        raise DecisionError(f"unknown measure {name!r}; expected one of: {_known()} "
                            "(see docs/measures.md)")
    _check_decidable(name, measure)
    if "." in name:
        _check_type_target(name, name.split(".", 1)[1], scenarios)
    return measure


def _check_decidable(name: str, measure: registry.Measure) -> None:
    """Refuse measures without a better direction and those pooled over scenarios."""
    if measure.lower_is_better is None:
        raise DecisionError(
            f"{name} ({measure.label}) has no better direction: it is descriptive, so no "
            f"strategy can be 'best' on it; expected one of: {_known()}")
    if name in POOLED_WEIGHTS:
        raise DecisionError(
            f"{name} standardises with type weights pooled over the strategies compared, "
            "so one replication's value depends on the others; use time_to_end_mean_min "
            "or sla.<type> instead")


def _has_target(scenario: Scenario, kind: str) -> bool:
    """Whether incident type ``kind`` is enabled in ``scenario`` with a service target."""
    incident = scenario.incidents.get(kind)
    return incident is not None and incident.enabled and bool(incident.sla_min)


def _check_type_target(name: str, kind: str, scenarios: Sequence[Scenario]) -> None:
    """A per-type column needs the type enabled, with a service target, in every scenario."""
    for s in scenarios:
        if not _has_target(s, kind):
            raise DecisionError(
                f"{name}: scenario {s.name} has no enabled incident type {kind!r} with a "
                f"service target (sla_min); types with one: {_with_targets(s)}")


def _with_targets(scenario: Scenario) -> str:
    """The scenario's enabled incident types with a service target, comma-separated."""
    return ", ".join(n for n in scenario.incidents if _has_target(scenario, n))


WEIGHTED = "weighted"
_TERM = re.compile(r"^\s*(?:([-+]?[\d.]+(?:[eE][-+]?\d+)?)\s*\*\s*)?([A-Za-z_][\w.]*)\s*$")


@dataclass(frozen=True)
class Weighted:
    """A weighted measure: Σ wᵢ · sᵢ · mᵢ with weights wᵢ > 0 and sᵢ = +1 for measures
    where lower is better, −1 where higher is better — so lower is better for the sum,
    and a larger weight makes a measure count more whichever its direction."""

    terms: tuple[tuple[str, float], ...]
    signs: tuple[int, ...]

    @property
    def column(self) -> str:
        return WEIGHTED

    def describe(self) -> str:
        parts = [f"{'−' if s < 0 else '+'} {w:g} × {m}" for (m, w), s in
                 zip(self.terms, self.signs)]
        text = " ".join(parts)
        return text[2:] if text.startswith("+ ") else "−" + text[2:]

    def values(self, summary: pd.DataFrame) -> pd.Series:
        """The weighted measure of each summary row (NaN where a term is missing)."""
        total = pd.Series(0.0, index=summary.index)
        for (m, w), s in zip(self.terms, self.signs):
            col = summary[m] if m in summary.columns else pd.Series(np.nan, summary.index)
            total = total + s * w * col.astype(float)
        return total


def _split_terms(text: str) -> list[tuple[str, str]]:
    """``"m1=w1,m2=w2"`` or ``"w1*m1 + w2*m2"`` → [(measure, weight text)]."""
    return _split_pairs(text) if "=" in text else [_split_product(t) for t in text.split("+")]


def _split_pairs(text: str) -> list[tuple[str, str]]:
    """``"m1=w1,m2=w2"`` → [(measure, weight text)] (ValueError if malformed)."""
    pairs = [p.split("=", 1) for p in text.split(",") if p.strip()]
    if any(len(p) != 2 for p in pairs):
        raise ValueError
    return [(m.strip(), w.strip()) for m, w in pairs]


def _split_product(term: str) -> tuple[str, str]:
    """``"w*m"`` or ``"m"`` → (measure, weight text) (ValueError if malformed)."""
    match = _TERM.match(term)
    if match is None:
        raise ValueError
    return match.group(2), match.group(1) or "1"


_EXAMPLE = ('e.g. "exposure_h_per_day=1,time_to_end_mean_min=0.5" or '
            '"exposure_h_per_day + 0.5*time_to_end_mean_min"')


def parse_weighted(text: str, scenarios: Sequence[Scenario] = ()) -> Weighted:
    """Parse a weighted measure, each measure checked against the registry.

    Raises:
        DecisionError: Malformed text, a weight that is not a positive number, a measure
            named twice, or a measure that could not be decided on alone.
    """
    pairs, weights = _terms(text)
    names = [registry.canonical(m) for m, _ in pairs]
    _check_weights(text, names, weights)
    if len(set(names)) != len(names):
        raise DecisionError(f"weighted measure {text!r}: a measure is named twice")
    signs = tuple(_sign(text, m, scenarios) for m in names)
    return Weighted(tuple(zip(names, weights)), signs)


def _terms(text: str) -> tuple[list[tuple[str, str]], list[float]]:
    """(measure, weight text) pairs and the weights as numbers; at least one term."""
    try:
        pairs = _split_terms(text or "")
        weights = [float(w) for _, w in pairs]
    except ValueError:
        raise DecisionError(f"weighted measure {text!r}: expected MEASURE=WEIGHT,... or "
                            f"WEIGHT*MEASURE + ..., {_EXAMPLE}") from None
    if not pairs:
        raise DecisionError(f"weighted measure {text!r}: no measure given ({_EXAMPLE})")
    return pairs, weights


def _check_weights(text: str, names: list[str], weights: list[float]) -> None:
    """Every weight a positive finite number."""
    for m, w in zip(names, weights):
        if not (math.isfinite(w) and w > 0):
            raise DecisionError(f"weighted measure {text!r}: the weight of {m} must be a "
                                f"positive number, got {w:g} (the measure's direction is "
                                "taken from the registry)")


def _sign(text: str, name: str, scenarios: Sequence[Scenario]) -> int:
    """+1 if lower is better for measure ``name``, -1 if higher is."""
    try:
        info = check_measure(name, scenarios)
    except DecisionError as exc:
        raise DecisionError(f"weighted measure {text!r}: {exc}") from None
    return 1 if info.lower_is_better else -1


def is_weighted(text: str) -> bool:
    """Whether a --measure text is a weighted combination rather than one measure."""
    return any(c in (text or "") for c in "=*+,")

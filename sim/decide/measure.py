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
    if measure.lower_is_better is None:
        raise DecisionError(
            f"{name} ({measure.label}) has no better direction: it is descriptive, so no "
            f"strategy can be 'best' on it; expected one of: {_known()}")
    if name in POOLED_WEIGHTS:
        raise DecisionError(
            f"{name} standardises with type weights pooled over the strategies compared, "
            "so one replication's value depends on the others; use time_to_end_mean_min "
            "or sla.<type> instead")
    if "." in name:
        kind = name.split(".", 1)[1]
        for s in scenarios:
            incident = s.incidents.get(kind)
            if incident is None or not incident.enabled or not incident.sla_min:
                raise DecisionError(
                    f"{name}: scenario {s.name} has no enabled incident type {kind!r} with a "
                    f"service target (sla_min); types with one: "
                    f"{', '.join(n for n, t in s.incidents.items() if t.enabled and t.sla_min)}")
    return measure


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
    if "=" in text:
        pairs = [p.split("=", 1) for p in text.split(",") if p.strip()]
        if any(len(p) != 2 for p in pairs):
            raise ValueError
        return [(m.strip(), w.strip()) for m, w in pairs]
    out = []
    for term in text.split("+"):
        match = _TERM.match(term)
        if match is None:
            raise ValueError
        out.append((match.group(2), match.group(1) or "1"))
    return out


def parse_weighted(text: str, scenarios: Sequence[Scenario] = ()) -> Weighted:
    """Parse a weighted measure, each measure checked against the registry.

    Raises:
        DecisionError: Malformed text, a weight that is not a positive number, a measure
            named twice, or a measure that could not be decided on alone.
    """
    example = ('e.g. "exposure_h_per_day=1,time_to_end_mean_min=0.5" or '
               '"exposure_h_per_day + 0.5*time_to_end_mean_min"')
    try:
        pairs = _split_terms(text or "")
        weights = [float(w) for _, w in pairs]
    except ValueError:
        raise DecisionError(f"weighted measure {text!r}: expected MEASURE=WEIGHT,... or "
                            f"WEIGHT*MEASURE + ..., {example}") from None
    if not pairs:
        raise DecisionError(f"weighted measure {text!r}: no measure given ({example})")
    for (m, _), w in zip(pairs, weights):
        if not (math.isfinite(w) and w > 0):
            raise DecisionError(f"weighted measure {text!r}: the weight of {m} must be a "
                                f"positive number, got {w:g} (the measure's direction is "
                                "taken from the registry)")
    names = [m for m, _ in pairs]
    if len(set(names)) != len(names):
        raise DecisionError(f"weighted measure {text!r}: a measure is named twice")
    signs = []
    for m in names:
        try:
            info = check_measure(m, scenarios)
        except DecisionError as exc:
            raise DecisionError(f"weighted measure {text!r}: {exc}") from None
        signs.append(1 if info.lower_is_better else -1)
    return Weighted(tuple(zip(names, weights)), tuple(signs))


def is_weighted(text: str) -> bool:
    """Whether a --measure text is a weighted combination rather than one measure."""
    return any(c in (text or "") for c in "=*+,")

"""Shop propensities: "x % of offenders commit y % of offences" as weights per shop (numpy).

See ``sim.scenario.offenders.Offending`` for the two families and their formulas. Weights
are relative within a zone: an incident of the zone belongs to shop s with probability
w_s / Σ w.
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np

from sim.scenario.offenders import Offending

_PHI = NormalDist()


def lognormal_sigma(top_share: float, offence_share: float) -> float:
    """σ of a lognormal whose top ``top_share`` carry ``offence_share`` of the mass.

    The Lorenz curve of a lognormal: the top q of the population hold 1 − Φ(Φ⁻¹(1 − q) − σ)
    of the total, so σ = Φ⁻¹(1 − x) − Φ⁻¹(1 − y).
    """
    return _PHI.inv_cdf(1.0 - top_share) - _PHI.inv_cdf(1.0 - offence_share)


def two_class_ratio(top_share: float, offence_share: float) -> float:
    """r with r·x / (r·x + 1 − x) = y: how much more often the prone class offends."""
    x, y = top_share, offence_share
    return y * (1.0 - x) / (x * (1.0 - y))


def draw_weights(spec: Offending, n: int, rng: np.random.Generator) -> np.ndarray:
    """Relative propensities of ``n`` shops (all ones for ``even``)."""
    if spec.kind == "lognormal":
        return np.exp(lognormal_sigma(spec.top_share, spec.offence_share) * rng.standard_normal(n))
    w = np.ones(n)
    if spec.kind == "two_class" and n:
        prone = rng.permutation(n)[: int(round(spec.top_share * n))]
        w[prone] = two_class_ratio(spec.top_share, spec.offence_share)
    return w


def zone_weights(spec: Offending, shops: np.ndarray, rng: np.random.Generator) -> list[np.ndarray]:
    """Per zone (layout order) the propensities of its shops, drawn zone after zone."""
    return [draw_weights(spec, int(n), rng) for n in shops]


def pick_shops(u: np.ndarray, zone_idx: np.ndarray, weights: list[np.ndarray]) -> np.ndarray:
    """Shop of each incident: the one whose cumulative-weight interval holds ``u`` × total."""
    shop = np.full(len(u), -1, dtype=np.int64)
    for z in np.unique(zone_idx).tolist():
        if len(weights[z]):
            rows = np.flatnonzero(zone_idx == z)
            shop[rows] = _pick_in_zone(u[rows], weights[z])
    return shop


def _pick_in_zone(u: np.ndarray, w: np.ndarray) -> np.ndarray:
    """The shops (by weights ``w``) of one zone's incidents with uniforms ``u``."""
    cum = np.cumsum(w)
    k = np.searchsorted(cum, u * cum[-1], side="right")
    return np.minimum(k, len(w) - 1)


def top_share_of(counts: np.ndarray, weights: np.ndarray, top_share: float) -> float:
    """Share of ``counts`` at the ``top_share`` of shops with the highest propensity."""
    k = max(1, int(round(top_share * len(weights))))
    top = np.argsort(-weights, kind="stable")[:k]
    total = counts.sum()
    return float(counts[top].sum() / total) if total else float("nan")

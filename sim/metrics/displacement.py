"""Displacement measured the field's way: the weighted displacement difference (WDD).

Wheeler & Ratcliffe (2018), "A simple weighted displacement difference test to evaluate place
based crime interventions", Crime Science 7:11. With counts before (0) and after (1) in the
treated area T, its control Ct, the displacement (buffer) area D and its control Cd::

    WDD = ΔT − ΔCt + ΔD − ΔCd,   Var(WDD) = T0 + T1 + Ct0 + Ct1 + D0 + D1 + Cd0 + Cd1

(counts Poisson, areas independent). Negative: fewer incidents than the controls predict.
Areas of different sizes are put on the treated area's scale by dividing each count by its
area weight, as in the authors' R package ``ptools::wdd`` (variance terms divided by the
weight squared). In ``sim compare`` "before" is the baseline scenario and "after" the
strategy, replication by replication on the same demand (common random numbers).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.experiment.stats import t_confidence_interval

Counts = tuple[float, float]  # (before, after)
TARGET_RATIO = 1.25  # a target zone has at least this × the baseline's presence

__all__ = ["WDD", "displacement_table", "neighbours", "target_zones", "wdd", "wdd_shared"]


@dataclass(frozen=True)
class WDD:
    """A WDD estimate: local (T vs Ct), displacement (D vs Cd) and total, with the SE."""

    local: float
    displacement: float
    total: float
    se: float

    def z(self) -> float:
        return self.total / self.se if self.se > 0 else math.nan

    def ci(self, z_crit: float = 1.959963984540054) -> tuple[float, float]:
        """Normal-approximation interval of the total (default 95 %)."""
        return self.total - z_crit * self.se, self.total + z_crit * self.se


def _delta(counts: Counts, weight: float) -> float:
    return (counts[1] - counts[0]) / weight


def _var(counts: Counts, weight: float) -> float:
    return (counts[0] + counts[1]) / weight**2


def wdd(treated: Counts, control: Counts, disp: Counts = (0, 0), disp_control: Counts = (0, 0),
        weights: Sequence[float] = (1, 1, 1, 1)) -> WDD:
    """The WDD of four independent areas; ``weights`` (T, Ct, D, Cd) divide their counts."""
    wt, wc, wd, wcd = weights
    local = _delta(treated, wt) - _delta(control, wc)
    displacement = _delta(disp, wd) - _delta(disp_control, wcd)
    var = _var(treated, wt) + _var(control, wc) + _var(disp, wd) + _var(disp_control, wcd)
    return WDD(local, displacement, local + displacement, math.sqrt(var))


def wdd_shared(treated: Counts, disp: Counts, control: Counts, n_treated: float,
               n_disp: float, n_control: float) -> WDD:
    """WDD with one control area for both terms, scaled to each area's size (zone counts).

    The control change is counted twice (once per term), so its variance enters with the
    summed weight squared: ((n_T + n_D) / n_C)² · (C0 + C1).
    """
    a, b = n_treated / n_control, n_disp / n_control
    dc = control[1] - control[0]
    local = treated[1] - treated[0] - a * dc
    displacement = disp[1] - disp[0] - b * dc
    var = sum(treated) + sum(disp) + (a + b) ** 2 * sum(control)
    return WDD(local, displacement, local + displacement, math.sqrt(var))


# ------------------------------------------------------------------------- zones
def neighbours(xy: np.ndarray, targets: Sequence[int]) -> list[int]:
    """Zones touching a target: centres within 1.5 × the distance from that target to its
    nearest zone (on a grid, the 8 surrounding cells). O(targets × zones) memory."""
    if not len(targets) or len(xy) < 2:
        return []
    d = np.hypot(*(xy[list(targets)][:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    spacing = np.where(d > 0, d, np.inf).min(axis=1, keepdims=True)
    near = (d <= 1.5 * spacing).any(axis=0)
    chosen = set(targets)
    return [int(z) for z in np.flatnonzero(near) if z not in chosen]


def target_zones(zones: pd.DataFrame, baseline: str, strategy: str,
                 ratio: float = TARGET_RATIO) -> list[str]:
    """Zones where ``strategy`` adds presence: mean officer presence-minutes (``zones.csv``)
    at least ``ratio`` × the baseline's (a zone the baseline never saw counts if covered)."""
    mean = zones.groupby(["scenario", "zone"], sort=False)["presence_min"].mean()
    order = list(dict.fromkeys(zones["zone"]))
    base = mean.get(baseline, pd.Series(dtype=float)).reindex(order).fillna(0.0)
    new = mean.get(strategy, pd.Series(dtype=float)).reindex(order).fillna(0.0)
    return [z for z in order if new[z] > 0 and new[z] >= ratio * base[z]]


def _counts(zones: pd.DataFrame, scenario: str, groups: dict[str, list[str]]) -> pd.DataFrame:
    """Incidents per replication (rows) and zone group (columns) of one scenario."""
    rows = zones[zones["scenario"] == scenario]
    group = rows["zone"].map({z: g for g, zs in groups.items() for z in zs})
    table = rows.groupby([rows["replication"], group])["incidents"].sum().unstack(fill_value=0)
    return table.reindex(columns=list(groups), fill_value=0).astype(float)


def _groups(zones: pd.DataFrame, baseline: str, strategy: str) -> dict[str, list[str]]:
    """Target zones, their neighbours and the rest (control), by zone id."""
    layout = zones[(zones["scenario"] == baseline)].drop_duplicates("zone")
    ids = layout["zone"].tolist()
    index = {z: k for k, z in enumerate(ids)}
    target = [z for z in target_zones(zones, baseline, strategy) if z in index]
    xy = layout[["x_m", "y_m"]].to_numpy(float)
    disp = [ids[k] for k in neighbours(xy, [index[z] for z in target])]
    taken = {*target, *disp}
    control = [z for z in ids if z not in taken]
    return {"target": target, "neighbours": disp, "control": control}


def _row(before: pd.DataFrame, after: pd.DataFrame, groups: dict[str, list[str]],
         level: float) -> dict[str, float]:
    """The WDD of the replications both scenarios ran: pooled (Poisson interval) and paired."""
    sizes = [len(groups[g]) for g in ("target", "neighbours", "control")]
    reps = before.index.intersection(after.index)
    b, a = before.loc[reps], after.loc[reps]
    pair = {g: (float(b[g].sum()), float(a[g].sum())) for g in groups}
    _, lo, hi = t_confidence_interval([_rep_wdd(b.loc[r], a.loc[r], sizes) for r in reps], level)
    return {**_pooled_columns(pair, sizes, len(reps), level),
            "ci_low_paired": lo, "ci_high_paired": hi}


def _pooled_columns(pair: dict[str, Counts], sizes: list[int], n: int,
                    level: float) -> dict[str, float]:
    """Per run: the target's counts, the pooled WDD, its parts and its Poisson interval."""
    pooled = wdd_shared(pair["target"], pair["neighbours"], pair["control"], *sizes)
    z = float(_normal_quantile(level))
    return {"replications": n, "target_before": pair["target"][0] / n,
            "target_after": pair["target"][1] / n, "local": pooled.local / n,
            "displacement": pooled.displacement / n, "wdd": pooled.total / n,
            "se_poisson": pooled.se / n, "ci_low": (pooled.total - z * pooled.se) / n,
            "ci_high": (pooled.total + z * pooled.se) / n, "z": pooled.z()}


def _rep_wdd(before: pd.Series, after: pd.Series, sizes: list[int]) -> float:
    """The total WDD of one replication (groups target, neighbours, control)."""
    t, d, c = ((float(before[g]), float(after[g])) for g in ("target", "neighbours", "control"))
    return wdd_shared(t, d, c, *sizes).total


def _normal_quantile(level: float) -> float:
    from scipy.special import ndtri

    return float(ndtri(0.5 + level / 2))


def displacement_table(zones: pd.DataFrame, scenarios: Sequence[str],
                       level: float = 0.95) -> pd.DataFrame:
    """One row per strategy (every scenario after the first, the baseline): WDD per run with
    its Poisson (paper) and paired-replication intervals; empty if no zone gains presence."""
    rows = (_strategy_row(zones, scenarios[0], strategy, level) for strategy in scenarios[1:])
    return pd.DataFrame([row for row in rows if row is not None])


def _strategy_row(zones: pd.DataFrame, baseline: str, strategy: str,
                  level: float) -> dict[str, Any] | None:
    """One strategy's row: its zone groups and WDD (None: no target or no control zone)."""
    groups = _groups(zones, baseline, strategy)
    if not groups["target"] or not groups["control"]:
        return None
    before, after = _counts(zones, baseline, groups), _counts(zones, strategy, groups)
    return {"scenario": strategy, "target_zones": " ".join(groups["target"]),
            "neighbour_zones": len(groups["neighbours"]),
            "control_zones": len(groups["control"]), **_row(before, after, groups, level)}

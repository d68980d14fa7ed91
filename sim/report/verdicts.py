"""Verdict sentences: one per measure and scenario, with the per-type picture behind it."""

from __future__ import annotations

import math

import pandas as pd

from sim.experiment.compare import Comparison
from sim.metrics import registry

# Pooled measure → (by_type.csv column, lower is better): its per-type detail.
PER_TYPE = {
    "exposure_h_per_day": ("exposure_h", True),
    "time_to_end_mean_min": ("time_to_end_mean_min", True),
    "sla_attainment": ("sla", False),
    "resolution_std_mean_min": ("resolution_mean_min", True),
}


def _pct(value: float) -> str:
    return f"{value:.0f}" if abs(value) >= 10 else f"{value:.1f}"


def fmt(value: float) -> str:
    """A number for tables: 3 significant digits, thousands separators, — for missing."""
    if value is None or not math.isfinite(value):
        return "—"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}" if abs(value) >= 0.001 or value == 0 else f"{value:.2e}"


def label(kpi: str) -> str:
    return registry.label(kpi)


def _phrase(kpi: str) -> tuple[str, str, str, str, str]:
    """(verb, word when lower, word when higher, object, noun) for a verdict sentence."""
    m = registry.measure_of(kpi)
    name = m.label if m else kpi
    if m is not None and m.verb is not None:
        verb, lower, higher, obj = m.verb
        return verb, lower, higher, obj, m.label.lower()
    return f"has {name.lower()}", "lower", "higher", "", name.lower()


def sentence(row: pd.Series, level: float = 0.95) -> str:
    """One verdict sentence for a row of the differences table."""
    before, lower, higher, after, noun = _phrase(row["kpi"])
    tail = f" {after}" if after else ""
    conf = f"{level * 100:.0f} % CI"
    rel, lo, hi = row["rel_diff_pct"], row["rel_ci_low_pct"], row["rel_ci_high_pct"]
    if row["verdict"] == "no significant difference":
        if math.isfinite(rel):
            span = f"{rel:+.1f} %, {conf} {lo:+.1f} to {hi:+.1f} %"
        else:
            span = f"{row['diff_mean']:+.3g}, {conf} {row['diff_ci_low']:+.3g} to " \
                   f"{row['diff_ci_high']:+.3g}"
        return (f"{row['scenario']}: no significant difference from {row['baseline']} in "
                f"{noun} ({span}).")
    word = lower if row["diff_mean"] < 0 else higher
    if math.isfinite(rel):
        a, b = sorted((abs(lo), abs(hi)))
        amount = f"{_pct(abs(rel))} % {word}"
        ci = f"({conf} {_pct(a)}–{_pct(b)} %)"
    else:
        amount = f"{word} (by {abs(row['diff_mean']):.3g})"
        ci = f"({conf} {row['diff_ci_low']:+.3g} to {row['diff_ci_high']:+.3g})"
    return f"{row['scenario']} {before} {amount}{tail} than {row['baseline']} {ci}."


def type_directions(by_type: pd.DataFrame, baseline: str, scenario: str, column: str,
                    lower_is_better: bool) -> tuple[int, int, int]:
    """(types better, types worse, types compared) of ``scenario`` against ``baseline`` in a
    by_type column, on means over replications (types missing in either are left out)."""
    means = by_type.groupby(["scenario", "type"], sort=False)[column].mean()
    if baseline not in means.index.get_level_values(0) or \
            scenario not in means.index.get_level_values(0):
        return 0, 0, 0
    pair = pd.concat([means.loc[baseline].rename("b"), means.loc[scenario].rename("s")],
                     axis=1, join="inner").dropna()
    lower = int((pair["s"] < pair["b"] - 1e-12).sum())
    higher = int((pair["s"] > pair["b"] + 1e-12).sum())
    return (lower, higher, len(pair)) if lower_is_better else (higher, lower, len(pair))


def per_type_clause(comparison: Comparison, row: pd.Series) -> str:
    """" Better in 9 of 12 incident types." — or a warning when the types disagree."""
    spec = PER_TYPE.get(row["kpi"])
    by_type = comparison.frames.extra.get("by_type")
    if spec is None or by_type is None:
        return ""
    better, worse, n = type_directions(by_type, row["baseline"], row["scenario"], *spec)
    if n == 0:
        return ""
    text = f" Per incident type: better in {better}, worse in {worse} of {n} types."
    if row["verdict"] == "better" and worse > better:
        text += " Mixed: better pooled, but worse for most types — read the per-type table."
    elif row["verdict"] == "worse" and better > worse:
        text += " Mixed: worse pooled, but better for most types — read the per-type table."
    return text


def verdict_sentences(comparison: Comparison, kpis: list[str] | None = None,
                      level: float = 0.95) -> list[str]:
    """Sentences like "B leaves 18 % less disorder exposure than A (95 % CI 12–24 %)",
    headline measures first, each with its per-type picture."""
    diffs = comparison.differences
    kpis = kpis or registry.with_verdict()
    rows = diffs[diffs["kpi"].isin(kpis)].copy()
    rows = rows[rows["diff_mean"].notna()]  # a measure only one side has: no verdict
    rows["order"] = rows["kpi"].map(kpis.index)
    rows = rows.sort_values(["order"], kind="stable")
    return [sentence(r, level) + per_type_clause(comparison, r)
            for scen in pd.unique(diffs["scenario"])
            for _, r in rows[rows["scenario"] == scen].iterrows()]

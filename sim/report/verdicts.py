"""Verdict sentences: one per measure and scenario, with the per-type picture behind it."""

from __future__ import annotations

import math

import pandas as pd

from sim.experiment.compare import Comparison
from sim.metrics import registry
from sim.report.i18n import current, measure_label, t

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
    """A measure's label with unit, in the report's language."""
    return measure_label(kpi)


def _phrase(kpi: str) -> tuple[str, str, str, str, str]:
    """(verb, word when lower, word when higher, object, noun) for a verdict sentence."""
    m = registry.measure_of(kpi)
    if m is not None and m.verb is not None:
        return (*m.verb, m.label.lower())
    name = (m.label if m else kpi).lower()
    return f"has {name}", "lower", "higher", "", name


def sentence(row: pd.Series, level: float = 0.95) -> str:
    """One verdict sentence for a row of the differences table (in the report's language)."""
    if current() == "zh":
        return _sentence_zh(row, level)
    conf = f"{level * 100:.0f} % CI"
    if row["verdict"] == "no significant difference":
        return (f"{row['scenario']}: no significant difference from {row['baseline']} in "
                f"{_phrase(row['kpi'])[4]} ({_span(row, conf)}).")
    before, lower, higher, after, _ = _phrase(row["kpi"])
    amount, ci = _amount_en(row, lower if row["diff_mean"] < 0 else higher, conf)
    tail = f" {after}" if after else ""
    return f"{row['scenario']} {before} {amount}{tail} than {row['baseline']} {ci}."


def _amount_en(row: pd.Series, word: str, conf: str) -> tuple[str, str]:
    """("18 % lower", "(95 % CI 12–24 %)"), or absolute when there is no relative figure."""
    if math.isfinite(row["rel_diff_pct"]):
        return f"{_pct(abs(row['rel_diff_pct']))} % {word}", f"({conf} {_rel_range(row)})"
    return (f"{word} (by {abs(row['diff_mean']):.3g})",
            f"({conf} {row['diff_ci_low']:+.3g} to {row['diff_ci_high']:+.3g})")


def _rel_range(row: pd.Series) -> str:
    """"12–24 %": the relative interval's bounds as sizes, smaller first."""
    a, b = sorted((abs(row["rel_ci_low_pct"]), abs(row["rel_ci_high_pct"])))
    return f"{_pct(a)}–{_pct(b)} %"


def _span(row: pd.Series, conf: str) -> str:
    """"-3.0 %, 95 % CI -8.0 to +2.0 %" (or absolute when there is no relative figure)."""
    rel, lo, hi = row["rel_diff_pct"], row["rel_ci_low_pct"], row["rel_ci_high_pct"]
    if math.isfinite(rel):
        return f"{rel:+.1f} %, {conf} {lo:+.1f} {t('to')} {hi:+.1f} %"
    return (f"{row['diff_mean']:+.3g}, {conf} {row['diff_ci_low']:+.3g} {t('to')} "
            f"{row['diff_ci_high']:+.3g}")


def _sentence_zh(row: pd.Series, level: float) -> str:
    """The verdict sentence in Chinese, e.g. B：乱象暴露比 A 低 18 %（…），更好。"""
    conf = f"{level * 100:.0f} % 置信区间"
    noun = measure_label(row["kpi"], with_unit=False)
    if row["verdict"] == "no significant difference":
        return t("{scenario}: no significant difference from {baseline} in {noun} ({span}).",
                 scenario=row["scenario"], baseline=row["baseline"], noun=noun,
                 span=_span(row, conf))
    amount, ci = _amount_zh(row, conf)
    return t("{scenario}: {noun} {word} than {baseline} by {amount} ({ci}), {verdict}.",
             scenario=row["scenario"], noun=noun, baseline=row["baseline"], amount=amount,
             word=t("lower" if row["diff_mean"] < 0 else "higher"), ci=ci,
             verdict=t(row["verdict"]))


def _amount_zh(row: pd.Series, conf: str) -> tuple[str, str]:
    """("18 %", "95 % 置信区间 12–24 %"), or absolute when there is no relative figure."""
    if math.isfinite(row["rel_diff_pct"]):
        return f"{_pct(abs(row['rel_diff_pct']))} %", f"{conf} {_rel_range(row)}"
    return (f"{abs(row['diff_mean']):.3g}",
            f"{conf} {row['diff_ci_low']:+.3g} 至 {row['diff_ci_high']:+.3g}")


def type_directions(by_type: pd.DataFrame, baseline: str, scenario: str, column: str,
                    lower_is_better: bool) -> tuple[int, int, int]:
    """(types better, types worse, types compared) of ``scenario`` against ``baseline`` in a
    by_type column, on means over replications (types missing in either are left out)."""
    means = by_type.groupby(["scenario", "type"], sort=False)[column].mean()
    pair = _paired_types(means, baseline, scenario)
    if pair is None:
        return 0, 0, 0
    lower = int((pair["s"] < pair["b"] - 1e-12).sum())
    higher = int((pair["s"] > pair["b"] + 1e-12).sum())
    return (lower, higher, len(pair)) if lower_is_better else (higher, lower, len(pair))


def _paired_types(means: pd.Series, baseline: str, scenario: str) -> pd.DataFrame | None:
    """Per type both means (``b`` baseline, ``s`` scenario), or None if one is missing."""
    present = means.index.get_level_values(0)
    if baseline not in present or scenario not in present:
        return None
    return pd.concat([means.loc[baseline].rename("b"), means.loc[scenario].rename("s")],
                     axis=1, join="inner").dropna()


def per_type_clause(comparison: Comparison, row: pd.Series) -> str:
    """" Better in 9 of 12 incident types." — or a warning when the types disagree."""
    spec = PER_TYPE.get(row["kpi"])
    by_type = comparison.frames.extra.get("by_type")
    if spec is None or by_type is None:
        return ""
    better, worse, n = type_directions(by_type, row["baseline"], row["scenario"], *spec)
    if n == 0:
        return ""
    return t(" Per incident type: better in {better}, worse in {worse} of {n} types.",
             better=better, worse=worse, n=n) + _mixed(row["verdict"], better, worse)


_MIXED = {
    "better": " Mixed: better pooled, but worse for most types — read the per-type table.",
    "worse": " Mixed: worse pooled, but better for most types — read the per-type table.",
}


def _mixed(verdict: str, better: int, worse: int) -> str:
    """A warning when the pooled verdict disagrees with most incident types."""
    disagrees = {"better": worse > better, "worse": better > worse}
    return t(_MIXED[verdict]) if disagrees.get(verdict, False) else ""


def verdict_sentences(comparison: Comparison, kpis: list[str] | None = None,
                      level: float = 0.95) -> list[str]:
    """Sentences like "B leaves 18 % less disorder exposure than A (95 % CI 12–24 %)",
    headline measures first, each with its per-type picture."""
    diffs = comparison.differences
    kpis = kpis or registry.with_verdict()
    rows = diffs[diffs["kpi"].isin(kpis)]
    rows = _in_order(rows[rows["diff_mean"].notna()], kpis)  # one side only: no verdict
    return [sentence(r, level) + per_type_clause(comparison, r)
            for scen in pd.unique(diffs["scenario"])
            for _, r in rows[rows["scenario"] == scen].iterrows()]


def _verdict_rows(comparison: Comparison) -> pd.DataFrame:
    """Rows of the differences table with a verdict, headline measures first."""
    diffs, kpis = comparison.differences, registry.with_verdict()
    return _in_order(diffs[diffs["kpi"].isin(kpis)], kpis)


def _in_order(rows: pd.DataFrame, kpis: list[str]) -> pd.DataFrame:
    """``rows`` sorted by their KPI's place in ``kpis`` (stable)."""
    return rows.assign(order=rows["kpi"].map(kpis.index)).sort_values(["order"], kind="stable")


def verdict_table(comparison: Comparison, level: float = 0.95) -> pd.DataFrame:
    """One row per scenario and measure: relative difference, its CI, the verdict."""
    rows = _verdict_rows(comparison)
    cells = [_difference(r) for _, r in rows.iterrows()]
    return pd.DataFrame({
        t("scenario"): rows["scenario"].astype(str).to_numpy(),
        t("measure"): [label(k) for k in rows["kpi"]],
        t("difference (% of baseline)"): [c[0] for c in cells],
        t("95 % CI"): [c[1] for c in cells],
        t("verdict"): [t(v) for v in rows["verdict"]]})


def _difference(row: pd.Series) -> tuple[str, str]:
    """(difference, CI) in % of the baseline, or absolute when the baseline mean is 0."""
    if math.isfinite(row["rel_diff_pct"]):
        return _signed(row["rel_diff_pct"]), (f"{_signed(row['rel_ci_low_pct'])} … "
                                              f"{_signed(row['rel_ci_high_pct'])}")
    if not math.isfinite(row["diff_mean"]):
        return "—", "—"
    return (f"{row['diff_mean']:+.3g}",
            f"{row['diff_ci_low']:+.3g} … {row['diff_ci_high']:+.3g}")


def _signed(value: float) -> str:
    return f"{value:+.1f} %" if math.isfinite(value) else "—"


def summary_paragraph(comparison: Comparison) -> str:
    """The report's opening paragraph in words: what was compared, and per scenario how
    many measures got better or worse, with the largest change each way."""
    text = _what_was_compared(comparison)
    rows = _verdict_rows(comparison)
    if rows.empty:
        return text + " " + t("Only one scenario: nothing to compare.")
    for scen, sub in rows.groupby("scenario", sort=False):
        text += " " + _scenario_summary(str(scen), sub)
    return text


def _what_was_compared(comparison: Comparison) -> str:
    """The summary's first sentence: scenarios, days, replications, baseline."""
    s = comparison.scenarios[0]
    return t("{n} scenario(s) simulated for {days} days in {reps} replication(s) each, "
             "compared with the baseline {baseline} under common random numbers.",
             n=len(comparison.scenarios), days=s.clock.days, reps=comparison.reps,
             baseline=comparison.baseline)


_LARGEST = (("better", "Largest improvement: {measure} ({change})."),
            ("worse", "Largest deterioration: {measure} ({change})."))


def _scenario_summary(scen: str, rows: pd.DataFrame) -> str:
    """How many measures got better or worse, and the largest change each way."""
    counts = rows["verdict"].value_counts()
    text = t("{scenario} is better in {better}, worse in {worse} and not significantly "
             "different in {same} of {total} measures.", scenario=scen,
             better=int(counts.get("better", 0)), worse=int(counts.get("worse", 0)),
             same=int(counts.get("no significant difference", 0)), total=len(rows))
    return text + "".join(_largest(rows, verdict, message) for verdict, message in _LARGEST)


def _largest(rows: pd.DataFrame, verdict: str, message: str) -> str:
    """" Largest improvement: ..." for the largest relative change with ``verdict``, or ""."""
    sub = rows[(rows["verdict"] == verdict) & rows["rel_diff_pct"].map(math.isfinite)]
    if sub.empty:
        return ""
    top = sub.loc[sub["rel_diff_pct"].abs().idxmax()]
    return " " + t(message, measure=measure_label(top["kpi"], with_unit=False),
                   change=_signed(top["rel_diff_pct"]))

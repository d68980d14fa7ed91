"""The comparison report: verdict sentences, figures, and the same content as Markdown and HTML.

The report is a list of blocks (heading, paragraph, list, table, figure) rendered twice:
``report.md`` links the figures in ``plots/``; ``report.html`` embeds them (base64 PNG) so
the one file can be forwarded.
"""

from __future__ import annotations

import base64
import html
import math
from pathlib import Path
from typing import Any

import pandas as pd

import sim
from sim.experiment.compare import Comparison
from sim.experiment.precision import PRECISION_KPIS
from sim.metrics import registry
from sim.metrics.window import window_of

Block = tuple[str, Any]

BAR_KPIS = registry.names("headline")
# Pooled measure → (by_type.csv column, lower is better): its per-type detail.
PER_TYPE = {
    "exposure_h_per_day": ("exposure_h", True),
    "time_to_end_mean_min": ("time_to_end_mean_min", True),
    "sla_attainment": ("sla", False),
    "resolution_std_mean_min": ("resolution_mean_min", True),
}
FIGURES = [
    ("kpi_bars", "Headline measures per scenario: mean over replications with 95 % CI."),
    ("resolution_ecdf", "Resolution time (occurrence to resolution) of officer-resolved "
     "incidents, replications pooled. Descriptive only: which incidents get resolved depends "
     "on the strategy, so compare the per-type tables, not this curve."),
    ("time_of_day", "Open incidents and officers on duty by hour of day: where disorder "
     "outruns staffing."),
    ("idleness_map", "Worst idleness per zone: the longest gap without an officer present "
     "(mean over replications); the brighter the zone, the longer it went unvisited."),
    ("exposure_map", "Disorder exposure per zone: hours of visible disorder (mean over "
     "replications)."),
    ("coverage_heatmap", "Share of each zone-hour with an officer present, by hour of day."),
]


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
    rows["order"] = rows["kpi"].map(kpis.index)
    rows = rows.sort_values(["order"], kind="stable")
    return [sentence(r, level) + per_type_clause(comparison, r)
            for scen in pd.unique(diffs["scenario"])
            for _, r in rows[rows["scenario"] == scen].iterrows()]


def key_table(comparison: Comparison, kpis: list[str] | None = None) -> pd.DataFrame:
    """Measure rows x scenario columns, cells "mean (low–high)" (strings)."""
    table = comparison.comparison
    present = set(table["kpi"])
    kpis = [k for k in (kpis or registry.names(key=True)) if k in present]
    out = {"measure": [label(k) for k in kpis]}
    for scen in pd.unique(table["scenario"]):
        sub = table[table["scenario"] == scen].set_index("kpi")
        out[str(scen)] = [
            fmt(sub.at[k, "mean"]) + ("" if not math.isfinite(sub.at[k, "half_width"])
                                      else f" ({fmt(sub.at[k, 'ci_low'])}–"
                                           f"{fmt(sub.at[k, 'ci_high'])})")
            for k in kpis]
    return pd.DataFrame(out)


PER_TYPE_TABLES = [
    ("exposure_h", "Disorder exposure per type (incident-hours in the observation window, "
     "per replication)"),
    ("time_to_end_mean_min", "Time to end of disorder per type (min, every incident, capped at "
     "the cool-down)"),
    ("sla", "Ended within target per type (share of every incident with a target)"),
    ("resolution_mean_min", "Resolution time per type (min, officer-resolved incidents; the "
     "share resolved in brackets)"),
]


def per_type_table(comparison: Comparison, column: str) -> pd.DataFrame | None:
    """Incident types x scenarios: means over replications of a by_type column."""
    by_type = comparison.frames.extra.get("by_type")
    if by_type is None or by_type.empty:
        return None
    means = by_type.groupby(["type", "scenario"], sort=False)[
        [column, "share_resolved", "incidents"]].mean()
    types = list(pd.unique(by_type["type"]))
    out: dict[str, list[str]] = {"type": types}
    for scen in pd.unique(by_type["scenario"]):
        cells = []
        for t in types:
            value = means.at[(t, scen), column]
            text = fmt(value)
            if column == "resolution_mean_min":
                text += f" ({fmt(means.at[(t, scen), 'share_resolved'])})"
            cells.append(text)
        out[str(scen)] = cells
    return pd.DataFrame(out)


def make_figures(folder: Path, comparison: Comparison) -> list[tuple[str, str]]:
    """Draw the comparison figures as PNG and SVG in ``folder``; returns (stem, caption)."""
    from sim import plots
    from sim.experiment.figures import frame_figures, observation_windows

    makers = {"kpi_bars": lambda: plots.kpi_bars(comparison.comparison, BAR_KPIS),
              **frame_figures(comparison.frames, observation_windows(comparison.scenarios))}
    for name, _ in FIGURES:
        plots.save_figure(makers[name](), folder / name, formats=("png", "svg"))
    return FIGURES


def methods(comparison: Comparison) -> str:
    """The methods paragraph: replications, days, warm-up, seeds, CRN, intervals."""
    s = comparison.scenarios[0]
    text = (
        f"Each scenario was simulated for {s.clock.days} days in {comparison.reps} "
        f"replication(s); the first {s.clock.warmup_days:g} day(s) are a warm-up left out "
        "of all measures. Incident measures count the incidents that occurred between "
        f"the end of the warm-up and {window_of(s).tau / 1440:g} day(s) before the end of "
        "the run (the cool-down), so each is followed until it ended or for at least the "
        "cool-down; times are capped there (restricted means). "
        f"Root seed {comparison.seed} ({comparison.seed_source}) for every "
        "scenario; replication r draws from streams keyed by (seed, r, decision). Common "
        "random numbers: in replication r every scenario faces the same exogenous demand "
        "(the same incidents at the same times and places, with the same offender "
        "behaviour), so scenarios are compared replication by replication (paired "
        "differences, scenario minus baseline). Intervals are 95 % Student-t confidence "
        "intervals over replications; relative figures are in % of the baseline mean; a "
        f"difference is significant when its interval excludes zero. sim {sim.__version__}.")
    if comparison.precision is not None:
        text += (" Replications were added in batches until every key KPI's CI half-width "
                 "was within the precision target of its mean (or the cap was reached).")
    if comparison.batch_means is not None:
        text += (" Batch means: one long replication per scenario; daily mean resolution "
                 "times after the warm-up are grouped into equal batches of whole days and "
                 "a t interval is taken over the batch means.")
    return text


def _table_frame(df: pd.DataFrame) -> pd.DataFrame:
    return df.apply(lambda col: col.map(lambda v: fmt(v) if isinstance(v, float) else str(v)))


def report_blocks(comparison: Comparison, figures: list[tuple[str, str]]) -> list[Block]:
    """The report's content, in order."""
    names = [s.name for s in comparison.scenarios]
    staff = comparison.staff_hours()
    blocks: list[Block] = [("h1", "Comparison: " + " vs ".join(names))]
    blocks += [("warn", w) for w in comparison.warnings]
    blocks.append(("h2", "Scenarios"))
    blocks.append(("table", pd.DataFrame({
        "scenario": names,
        "description": [" ".join(s.description.split()) or "—" for s in comparison.scenarios],
        "officers": [str(sum(g.count for g in s.units.values())) for s in comparison.scenarios],
        "staff-hours per week": [fmt(staff.get(n, math.nan)) for n in names]})))
    blocks += [("h2", f"Verdicts (baseline: {comparison.baseline})"),
               ("p", VERDICT_INTRO),
               ("ul", verdict_sentences(comparison) or ["Only one scenario: nothing to compare."]),
               ("h2", "Key measures (mean and 95 % CI)"), ("table", key_table(comparison))]
    blocks += _per_type_blocks(comparison)
    blocks += _analysis_blocks(comparison)
    blocks += [("h2", "Figures"), *(("fig", f) for f in figures)] if figures else []
    blocks += [("h2", "Methods"), ("p", methods(comparison))]
    blocks += [("ul", comparison.notes)] if comparison.notes else []
    return blocks


VERDICT_INTRO = (
    "Headline measures come first: they count the same incidents and zone-hours in every "
    "scenario (common random numbers), so a strategy cannot look better by resolving a "
    "different mix of incidents. Each incident measure is followed by its per-type picture. "
    "Definitions: docs/measures.md.")


def hour_bands(by_hour: pd.DataFrame) -> pd.DataFrame:
    """Per scenario and band of hours: officers on duty, P(wait), queue, response p90, target
    met — means over replications (the planner's table by hour, condensed)."""
    bands = {"00–06": range(0, 6), "06–10": range(6, 10), "10–16": range(10, 16),
             "16–20": range(16, 20), "20–24": range(20, 24)}
    band_of = {h: name for name, hours in bands.items() for h in hours}
    frame = by_hour.assign(band=by_hour["hour"].map(band_of))
    cols = ["officers_on_duty", "p_wait", "queue_mean", "response_p90_min", "sla"]
    means = frame.groupby(["scenario", "band"], sort=False)[cols].mean().reset_index()
    means["band"] = pd.Categorical(means["band"], list(bands))
    means = means.sort_values(["band"], kind="stable")
    return means.rename(columns={
        "band": "hours", "officers_on_duty": "officers on duty", "p_wait": "P(wait)",
        "queue_mean": "cases waiting", "response_p90_min": "response p90 (min)",
        "sla": "ended within target"})


def _per_type_blocks(comparison: Comparison) -> list[Block]:
    out: list[Block] = []
    for column, title in PER_TYPE_TABLES:
        table = per_type_table(comparison, column)
        if table is not None:
            out += [("h2", title), ("table", table)]
    by_hour = comparison.frames.extra.get("by_hour")
    if by_hour is not None and not by_hour.empty:
        out += [("h2", "By time of day (by_hour.csv, condensed)"),
                ("p", "When disorder outruns staffing: officers on duty, the chance that a "
                 "case waits for a free officer, cases waiting, the 90th-percentile response "
                 "(detection → arrival) and the share of incidents ended within target, by "
                 "band of hours; docs/tables.md explains each column."),
                ("table", _table_frame(hour_bands(by_hour)))]
    return out


def _analysis_blocks(comparison: Comparison) -> list[Block]:
    out: list[Block] = []
    if comparison.precision is not None:
        reached = bool(comparison.precision["reached"].all())
        text = (f"Target: 95 % CI half-width within ±{comparison.precision_target:.0%} of the "
                f"mean for {', '.join(PRECISION_KPIS)} in every scenario: "
                f"{'reached' if reached else 'not reached'} with {comparison.reps} "
                "replications per scenario.")
        out += [("h2", "Precision"), ("p", text),
                ("table", _table_frame(comparison.precision))]
    if comparison.warmup is not None:
        w = comparison.warmup.groupby("scenario", sort=False)["mser5_warmup_days"].max()
        out += [("h2", "Warm-up (MSER-5 on daily mean resolution time)"),
                ("ul", [f"{k}: {v} day(s) (longest over replications)" for k, v in w.items()])]
    if comparison.batch_means is not None:
        out += [("h2", "Batch means"), ("table", _table_frame(comparison.batch_means))]
    return out


def _md_table(df: pd.DataFrame) -> str:
    def cells(vals: list) -> str:
        return "| " + " | ".join(str(v).replace("|", "\\|") for v in vals) + " |"

    lines = [cells(list(df.columns)), cells(["---"] * len(df.columns))]
    return "\n".join(lines + [cells(list(row)) for row in df.itertuples(index=False)])


def render_markdown(blocks: list[Block]) -> str:
    """The blocks as Markdown; figures link ``plots/<name>.png``."""
    parts = []
    for kind, value in blocks:
        parts.append({
            "h1": lambda v: f"# {v}", "h2": lambda v: f"## {v}", "p": lambda v: v,
            "warn": lambda v: f"> **Warning:** {v}",
            "ul": lambda v: "\n".join(f"- {x}" for x in v), "table": _md_table,
            "fig": lambda v: f"![{v[1]}](plots/{v[0]}.png)\n\n*{v[1]}*",
        }[kind](value))
    return "\n\n".join(parts) + "\n"


def _html_block(kind: str, value: Any, folder: Path) -> str:
    e = html.escape
    if kind == "table":
        head = "".join(f"<th>{e(str(c))}</th>" for c in value.columns)
        body = "".join("<tr>" + "".join(f"<td>{e(str(v))}</td>" for v in row) + "</tr>"
                       for row in value.itertuples(index=False))
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    if kind == "fig":
        data = base64.b64encode((folder / f"{value[0]}.png").read_bytes()).decode("ascii")
        return (f'<figure><img alt="{e(value[1])}" src="data:image/png;base64,{data}">'
                f"<figcaption>{e(value[1])}</figcaption></figure>")
    if kind == "ul":
        return "<ul>" + "".join(f"<li>{e(x)}</li>" for x in value) + "</ul>"
    if kind == "warn":
        return f'<p class="warn"><strong>Warning:</strong> {e(value)}</p>'
    return f"<{kind}>{e(value)}</{kind}>"


STYLE = ("body{font-family:sans-serif;max-width:60em;margin:2em auto;line-height:1.4}"
         "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;"
         "padding:.3em .6em;text-align:left}th{background:#f3f3f3}img{max-width:100%}"
         ".warn{background:#fff3cd;padding:.5em;border-left:4px solid #e0a800}"
         "figcaption{font-style:italic;color:#555}")


def render_html(blocks: list[Block], plots_folder: Path) -> str:
    """The blocks as one self-contained HTML page (PNG figures embedded)."""
    title = html.escape(next((v for k, v in blocks if k == "h1"), "Report"))
    body = "\n".join(_html_block(k, v, plots_folder) for k, v in blocks)
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}'
            f"</title><style>{STYLE}</style></head><body>\n{body}\n</body></html>\n")

"""The comparison report's content: a list of blocks (heading, paragraph, list, table,
figure), rendered as Markdown and as one self-contained HTML page by ``sim.report.render``."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

import sim
from sim.experiment.compare import Comparison
from sim.experiment.precision import PRECISION_KPIS
from sim.metrics import registry
from sim.metrics.window import window_of
from sim.report.displacement import displacement_blocks
from sim.report.i18n import METHODS, t
from sim.report.tables import (
    PER_TYPE_TABLES,
    hour_bands,
    key_table,
    per_type_table,
    table_frame,
)
from sim.report.verdicts import fmt, summary_paragraph, verdict_sentences, verdict_table
from sim.report.workflow import workflow_blocks

Block = tuple[str, Any]

BAR_KPIS = registry.names("headline")
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


def make_figures(folder: Path, comparison: Comparison) -> list[tuple[str, str]]:
    """Draw the comparison figures as PNG and SVG in ``folder``; returns (stem, caption)."""
    from sim import plots
    from sim.experiment.figures import frame_figures, observation_windows

    makers = {"kpi_bars": lambda: plots.kpi_bars(comparison.comparison, BAR_KPIS),
              **frame_figures(comparison.frames, observation_windows(comparison.scenarios),
                             comparison.scenarios)}
    for name, _ in FIGURES:
        plots.save_figure(makers[name](), folder / name, formats=("png", "svg"))
    return FIGURES


PRECISION_NOTE = (
    " Replications were added in batches until every key KPI's CI half-width was within the "
    "precision target of its mean (or the cap was reached).")
BATCH_NOTE = (
    " Batch means: one long replication per scenario; daily mean resolution times after the "
    "warm-up are grouped into equal batches of whole days and a t interval is taken over the "
    "batch means.")


def methods(comparison: Comparison) -> str:
    """The methods paragraph: replications, days, warm-up, seeds, CRN, intervals."""
    s = comparison.scenarios[0]
    text = t(METHODS, days=s.clock.days, reps=comparison.reps,
             warmup=f"{s.clock.warmup_days:g}", cooldown=f"{window_of(s).tau / 1440:g}",
             seed=comparison.seed, source=comparison.seed_source, version=sim.__version__)
    if comparison.precision is not None:
        text += t(PRECISION_NOTE)
    if comparison.batch_means is not None:
        text += t(BATCH_NOTE)
    return text


MAPS = ("idleness_map", "exposure_map", "coverage_heatmap")
TIME_OF_DAY = ("time_of_day",)


def report_blocks(comparison: Comparison, figures: list[tuple[str, str]],
                  extra: Sequence[Block] = ()) -> list[Block]:
    """The report's content, in order: summary, verdicts, per-type tables, maps, time of
    day, the planner's tables, other figures, then ``extra`` sections (e.g. a replayed day;
    any blocks, "html" for raw HTML) and the methods."""
    figs = _figure_blocks(comparison, figures)
    blocks = _opening_blocks(comparison, figs)
    blocks += _verdict_blocks(comparison)
    blocks += _per_type_blocks(comparison, figs.pop("per_type", None))
    blocks += workflow_blocks(comparison)
    blocks += displacement_blocks(comparison)
    blocks += _section(t("Maps"), _take(figs, MAPS))
    blocks += _time_of_day_blocks(comparison, _take(figs, TIME_OF_DAY))
    blocks += _scenario_blocks(comparison) + _analysis_blocks(comparison)
    blocks += _section(t("Other figures"), list(figs.values()))
    blocks += list(extra)
    return blocks + _methods_blocks(comparison)


def _opening_blocks(comparison: Comparison, figs: dict[str, Block]) -> list[Block]:
    """Title, warnings, the summary and the note on the figures."""
    names = t(" vs ").join(s.name for s in comparison.scenarios)
    blocks: list[Block] = [("h1", t("Comparison: {names}", names=names))]
    blocks += [("warn", w) for w in comparison.warnings]
    blocks += [("h2", t("Summary")), ("p", summary_paragraph(comparison))]
    return blocks + _figures_note(figs)


def _take(figs: dict[str, Block], names: Sequence[str]) -> list[Block]:
    """Remove the figures named ``names`` from ``figs`` and return those it had, in order."""
    return [figs.pop(n) for n in names if n in figs]


def _methods_blocks(comparison: Comparison) -> list[Block]:
    """The methods paragraph, then the run's notes as a list."""
    blocks: list[Block] = [("h2", t("Methods")), ("p", methods(comparison))]
    return blocks + ([("ul", comparison.notes)] if comparison.notes else [])


def _figure_blocks(comparison: Comparison, figures: list[tuple[str, str]]) -> dict[str, Block]:
    """Figure name → ("fig", (stem, caption, interactive figure or None)); a figure that is
    only interactive has no stem (left out of report.md)."""
    from sim.report import interactive

    live = _live_figures(comparison) if figures else {}
    out: dict[str, Block] = {
        stem: ("fig", (stem, t(caption), live.get(stem))) for stem, caption in figures}
    if "per_type" in live:
        out["per_type"] = ("fig", (None, t(interactive.PER_TYPE_CAPTION), live["per_type"]))
    return out


def _live_figures(comparison: Comparison) -> dict[str, Any]:
    """The interactive figures, when plotly is installed."""
    from sim.report import interactive

    return interactive.figures(comparison) if interactive.available() else {}


LIVE_NOTE = ("Interactive figures: hover for values, click a scenario in the legend to hide or "
             "show it.")
STATIC_NOTE = ("Static figures only: the interactive figures need the optional extra "
               "(pip install 'chengguan-sim[interactive]').")


def _figures_note(figs: dict[str, Block]) -> list[Block]:
    """A line for report.html only: how to read the interactive figures, or how to get them."""
    if not figs:
        return []
    live = any(v[1][2] is not None for v in figs.values())
    return [("note", t(LIVE_NOTE if live else STATIC_NOTE))]


def _section(title: str, blocks: list[Block]) -> list[Block]:
    return [("h2", title), *blocks] if blocks else []


def _verdict_blocks(comparison: Comparison) -> list[Block]:
    sentences = verdict_sentences(comparison)
    out: list[Block] = [("h2", t("Verdicts (baseline: {baseline})",
                                 baseline=comparison.baseline)), ("p", t(VERDICT_INTRO))]
    if sentences:
        out += [("table", verdict_table(comparison))]
    out += [("ul", sentences or [t("Only one scenario: nothing to compare.")]),
            ("h2", t("Key measures (mean and 95 % CI)")), ("table", key_table(comparison))]
    return out


def _scenario_blocks(comparison: Comparison) -> list[Block]:
    """The scenarios table: description, officers and staff-hours per week."""
    scenarios = comparison.scenarios
    names = [s.name for s in scenarios]
    staff = comparison.staff_hours()
    return [("h2", t("Scenarios")), ("table", pd.DataFrame({
        t("scenario"): names,
        t("description"): [_description(s) for s in scenarios],
        t("officers"): [str(sum(g.count for g in s.units.values())) for s in scenarios],
        t("staff-hours per week"): [fmt(staff.get(n, math.nan)) for n in names]}))]


def _description(scenario: Any) -> str:
    """The scenario's description on one line ("—" when it has none)."""
    return " ".join(scenario.description.split()) or "—"


VERDICT_INTRO = (
    "Headline measures come first: they count the same incidents and zone-hours in every "
    "scenario (common random numbers), so a strategy cannot look better by resolving a "
    "different mix of incidents. Each incident measure is followed by its per-type picture. "
    "Definitions: docs/measures.md.")


def _per_type_blocks(comparison: Comparison, figure: Block | None) -> list[Block]:
    out: list[Block] = []
    for column, title in PER_TYPE_TABLES:
        table = per_type_table(comparison, column)
        if table is not None:
            out += [("h2", t(title)), ("table", table)]
            if figure is not None and column == "exposure_h":
                out.append(figure)
    return out


BY_HOUR_INTRO = (
    "When disorder outruns staffing: officers on duty, the chance that a case waits for a free "
    "officer, cases waiting, the 90th-percentile response (detection → arrival) and the share "
    "of incidents ended within target, by band of hours; docs/tables.md explains each column.")


def _time_of_day_blocks(comparison: Comparison, figures: list[Block]) -> list[Block]:
    out = _section(t("Time of day"), figures)
    by_hour = comparison.frames.extra.get("by_hour")
    if by_hour is not None and not by_hour.empty:
        out += [("h2", t("By time of day (by_hour.csv, condensed)")), ("p", t(BY_HOUR_INTRO)),
                ("table", table_frame(hour_bands(by_hour)))]
    return out


def _analysis_blocks(comparison: Comparison) -> list[Block]:
    """The sections of the optional analyses: precision, MSER-5 warm-up, batch means."""
    return (_precision_blocks(comparison) + _warmup_blocks(comparison)
            + _batch_blocks(comparison))


def _precision_blocks(comparison: Comparison) -> list[Block]:
    """Whether the precision target was reached, and the precision table."""
    if comparison.precision is None:
        return []
    return [("h2", t("Precision")), ("p", _precision_text(comparison, comparison.precision)),
            ("table", table_frame(comparison.precision))]


def _precision_text(comparison: Comparison, precision: pd.DataFrame) -> str:
    """The precision target and whether every scenario reached it."""
    reached = "reached" if bool(precision["reached"].all()) else "not reached"
    return (f"Target: 95 % CI half-width within ±{comparison.precision_target:.0%} of the "
            f"mean for {', '.join(PRECISION_KPIS)} in every scenario: {reached} with "
            f"{comparison.reps} replications per scenario.")


def _warmup_blocks(comparison: Comparison) -> list[Block]:
    """The MSER-5 warm-up per scenario (longest over replications)."""
    if comparison.warmup is None:
        return []
    w = comparison.warmup.groupby("scenario", sort=False)["mser5_warmup_days"].max()
    return [("h2", "Warm-up (MSER-5 on daily mean resolution time)"),
            ("ul", [f"{k}: {v} day(s) (longest over replications)" for k, v in w.items()])]


def _batch_blocks(comparison: Comparison) -> list[Block]:
    """The batch-means table."""
    if comparison.batch_means is None:
        return []
    return [("h2", t("Batch means")), ("table", table_frame(comparison.batch_means))]

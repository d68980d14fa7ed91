"""The report's tables: key measures, per incident type, by band of hours."""

from __future__ import annotations

import math

import pandas as pd

from sim.experiment.compare import Comparison
from sim.metrics import registry
from sim.report.i18n import t, type_labels
from sim.report.verdicts import fmt, label


def key_table(comparison: Comparison, kpis: list[str] | None = None) -> pd.DataFrame:
    """Measure rows x scenario columns, cells "mean (low–high)" (strings)."""
    table = comparison.comparison
    present = set(table["kpi"])
    kpis = [k for k in (kpis or registry.names(key=True)) if k in present]
    out = {t("measure"): [label(k) for k in kpis]}
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
    names = type_labels(comparison.scenarios)
    out: dict[str, list[str]] = {t("type"): [names.get(k, k) for k in types]}
    for scen in pd.unique(by_type["scenario"]):
        cells = []
        for kind in types:
            value = means.at[(kind, scen), column]
            text = fmt(value)
            if column == "resolution_mean_min":
                text += f" ({fmt(means.at[(kind, scen), 'share_resolved'])})"
            cells.append(text)
        out[str(scen)] = cells
    return pd.DataFrame(out)


def table_frame(df: pd.DataFrame) -> pd.DataFrame:
    return df.apply(lambda col: col.map(lambda v: fmt(v) if isinstance(v, float) else str(v)))


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
        "scenario": t("scenario"), "band": t("hours"),
        "officers_on_duty": t("officers on duty"), "p_wait": t("P(wait)"),
        "queue_mean": t("cases waiting"), "response_p90_min": t("response p90 (min)"),
        "sla": t("ended within target")})

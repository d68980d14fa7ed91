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
    kpis = _present(kpis or registry.names(key=True), set(table["kpi"]))
    out = {t("measure"): [label(k) for k in kpis]}
    for scen in pd.unique(table["scenario"]):
        out[str(scen)] = _ci_cells(table[table["scenario"] == scen].set_index("kpi"), kpis)
    return pd.DataFrame(out)


def _present(kpis: list[str], present: set[str]) -> list[str]:
    """The ``kpis`` the table has, in order."""
    return [k for k in kpis if k in present]


def _ci_cells(sub: pd.DataFrame, kpis: list[str]) -> list[str]:
    """"mean (low–high)" per KPI of one scenario's rows (indexed by KPI)."""
    return [_mean_and_ci(sub, k) for k in kpis]


def _mean_and_ci(sub: pd.DataFrame, kpi: str) -> str:
    """"mean (low–high)"; the mean alone when the interval is undefined."""
    text = fmt(sub.at[kpi, "mean"])
    if not math.isfinite(sub.at[kpi, "half_width"]):
        return text
    return text + f" ({fmt(sub.at[kpi, 'ci_low'])}–{fmt(sub.at[kpi, 'ci_high'])})"


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
    out: dict[str, list[str]] = {t("type"): _type_names(comparison, types)}
    for scen in pd.unique(by_type["scenario"]):
        out[str(scen)] = [_type_cell(means.loc[(kind, scen)], column) for kind in types]
    return pd.DataFrame(out)


def _type_names(comparison: Comparison, types: list[str]) -> list[str]:
    """The types' labels in the scenarios (the key when unlabelled)."""
    names = type_labels(comparison.scenarios)
    return [names.get(k, k) for k in types]


def _type_cell(means: pd.Series, column: str) -> str:
    """A type's mean of ``column``; resolution times with the share resolved in brackets."""
    text = fmt(means[column])
    if column == "resolution_mean_min":
        text += f" ({fmt(means['share_resolved'])})"
    return text


def table_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Every cell as text: floats by ``fmt``, anything else by ``str``."""
    return df.apply(lambda col: col.map(lambda v: fmt(v) if isinstance(v, float) else str(v)))


_BANDS = {"00–06": range(0, 6), "06–10": range(6, 10), "10–16": range(10, 16),
         "16–20": range(16, 20), "20–24": range(20, 24)}
_BAND_OF = {h: name for name, hours in _BANDS.items() for h in hours}
# by_hour column -> its heading (translated when the table is made)
_BAND_COLUMNS = {"officers_on_duty": "officers on duty", "p_wait": "P(wait)",
                 "queue_mean": "cases waiting", "response_p90_min": "response p90 (min)",
                 "sla": "ended within target"}


def hour_bands(by_hour: pd.DataFrame) -> pd.DataFrame:
    """Per scenario and band of hours: officers on duty, P(wait), queue, response p90, target
    met — means over replications (the planner's table by hour, condensed)."""
    frame = by_hour.assign(band=by_hour["hour"].map(_BAND_OF))
    means = frame.groupby(["scenario", "band"], sort=False)[list(_BAND_COLUMNS)].mean()
    means = means.reset_index()
    means["band"] = pd.Categorical(means["band"], list(_BANDS))
    means = means.sort_values(["band"], kind="stable")
    return means.rename(columns={"scenario": t("scenario"), "band": t("hours"),
                                 **{k: t(v) for k, v in _BAND_COLUMNS.items()}})

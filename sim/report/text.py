"""Readable text for terminals and reports."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable

import pandas as pd

from sim.metrics.registry import label as kpi_label


def _fmt(value: float) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.2f}" if abs(value) >= 1 else f"{value:.3f}"


def format_kpi_table(table: pd.DataFrame) -> str:
    """A KPI table (from stats.summarise) as aligned text: mean ± 95 % CI half-width."""
    scenarios = list(dict.fromkeys(table["scenario"])) if "scenario" in table else [""]
    width = max(len(kpi_label(k)) for k in table["kpi"])
    header = f"{'':<{width}}  " + "  ".join(" " * (22 - _width(s)) + s for s in scenarios)
    rows = [f"{kpi_label(kpi):<{width}}  " + _kpi_cells(table, kpi, scenarios)
            for kpi in dict.fromkeys(table["kpi"])]
    return "\n".join([header, *rows])


def _kpi_cells(table: pd.DataFrame, kpi: str, scenarios: list[str]) -> str:
    """A KPI's cells, one per scenario, right-aligned in 22 columns."""
    return "  ".join(f"{_kpi_cell(table, kpi, s):>22}" for s in scenarios)


def _kpi_cell(table: pd.DataFrame, kpi: str, scenario: str) -> str:
    """"mean ± half-width" of ``kpi`` in ``scenario`` ("": no such column); "" if no row."""
    row = table[(table["kpi"] == kpi) & ((table["scenario"] == scenario) if scenario else True)]
    if row.empty:
        return ""
    r = row.iloc[0]
    hw = r["half_width"]
    return _fmt(r["mean"]) + ("" if pd.isna(hw) else f" ± {_fmt(hw)}")


TYPE_COLUMNS = {
    "incidents": "incidents per day",
    "time_to_end_mean_min": "time to end (min)",
    "sla": "ended in target",
    "share_resolved": "resolved",
    "resolution_mean_min": "resolution (min)",
}


def format_type_table(by_type: pd.DataFrame, arrival_days: float,
                      labels: dict[str, str] | None = None) -> str:
    """Per incident type (named by ``labels``, the scenario's ``label:`` values, when given),
    means over replications: the detail behind the pooled measures."""
    means = _type_means(by_type, arrival_days, labels)
    width = max(_width(str(t)) for t in [*means.index, "per incident type"])
    header = _pad("per incident type", width) + "  " + _cells(TYPE_COLUMNS.values())
    rows = [_pad(str(name), width) + "  " + _cells(_fmt(v) for v in row)
            for name, row in means.iterrows()]
    return "\n".join([header, *rows])


def _type_means(by_type: pd.DataFrame, arrival_days: float,
                labels: dict[str, str] | None) -> pd.DataFrame:
    """Means over replications per type (named by ``labels``), incidents per day."""
    means = by_type.groupby("type", sort=False)[list(TYPE_COLUMNS)].mean()
    means["incidents"] = means["incidents"] / arrival_days if arrival_days > 0 else math.nan
    if labels:
        means.index = [labels.get(k, k) for k in means.index]
    return means


def _cells(texts: Iterable[str]) -> str:
    """Texts right-aligned in 18-column cells."""
    return "  ".join(f"{text:>18}" for text in texts)


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal (Chinese characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))

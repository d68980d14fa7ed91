"""Readable text for terminals and reports."""

from __future__ import annotations

import math
import unicodedata

import pandas as pd

from sim.metrics.registry import label as kpi_label


def _fmt(value: float) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def format_kpi_table(table: pd.DataFrame) -> str:
    """A KPI table (from stats.summarise) as aligned text: mean ± 95 % CI half-width."""
    lines = []
    scenarios = list(dict.fromkeys(table["scenario"])) if "scenario" in table else [""]
    width = max(len(kpi_label(k)) for k in table["kpi"])
    header = f"{'':<{width}}  " + "  ".join(" " * (22 - _width(s)) + s for s in scenarios)
    lines.append(header)
    for kpi in dict.fromkeys(table["kpi"]):
        cells = []
        for s in scenarios:
            row = table[(table["kpi"] == kpi) & ((table["scenario"] == s) if s else True)]
            if row.empty:
                cells.append(f"{'':>22}")
                continue
            r = row.iloc[0]
            hw = r["half_width"]
            text = _fmt(r["mean"]) + ("" if pd.isna(hw) else f" ± {_fmt(hw)}")
            cells.append(f"{text:>22}")
        lines.append(f"{kpi_label(kpi):<{width}}  " + "  ".join(cells))
    return "\n".join(lines)


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
    means = by_type.groupby("type", sort=False)[list(TYPE_COLUMNS)].mean()
    means["incidents"] = means["incidents"] / arrival_days if arrival_days > 0 else math.nan
    if labels:
        means.index = [labels.get(k, k) for k in means.index]
    width = max(_width(str(t)) for t in [*means.index, "per incident type"])
    lines = [_pad("per incident type", width) + "  "
             + "  ".join(f"{h:>18}" for h in TYPE_COLUMNS.values())]
    for name, row in means.iterrows():
        lines.append(_pad(str(name), width) + "  " + "  ".join(f"{_fmt(v):>18}" for v in row))
    return "\n".join(lines)


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal (Chinese characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))

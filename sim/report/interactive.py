"""Interactive figures for report.html (plotly, the optional extra ``interactive``).

Each figure shows the values on hover and lets the reader hide or show a scenario by clicking
it in the legend. Without plotly the report keeps its static images (and says so).
"""

from __future__ import annotations

import importlib.util
import math
from typing import TYPE_CHECKING, Any

import pandas as pd

from sim.experiment.compare import Comparison
from sim.metrics import registry
from sim.report.i18n import measure_label, t, type_labels, unit

if TYPE_CHECKING:
    from plotly.graph_objects import Figure

PER_TYPE_CAPTION = ("Disorder exposure per incident type and scenario (incident-hours per "
                    "replication).")
LAYOUT = {"template": "plotly_white", "margin": {"l": 60, "r": 20, "t": 60, "b": 40},
          "legend": {"title": {"text": ""}}, "hovermode": "closest"}


def available() -> bool:
    """True when plotly is installed."""
    return importlib.util.find_spec("plotly") is not None


def figures(comparison: Comparison) -> dict[str, Figure]:
    """Figure name (as the static figures') → interactive figure, for what the data allow."""
    out = {"kpi_bars": kpi_bars(comparison), "time_of_day": time_of_day(comparison)}
    by_type = comparison.frames.extra.get("by_type")
    if by_type is not None and not by_type.empty:
        out["per_type"] = per_type(comparison, by_type)
    return out


def _colors(names: list[str]) -> dict[str, str]:
    from matplotlib.colors import to_hex

    from sim.plots import scenario_colors

    return {k: to_hex(v) for k, v in scenario_colors(names).items()}


def _style(fig: Figure, title: str, height: int) -> Figure:
    fig.update_layout(title={"text": title}, height=height, **LAYOUT)
    fig.update_layout(legend_title_text=t("Scenario"))
    return fig


def kpi_bars(comparison: Comparison) -> Figure:
    """Headline measures: one panel per measure, one bar per scenario with its 95 % CI."""
    from plotly.subplots import make_subplots

    table = comparison.comparison
    present = set(table["kpi"])
    kpis = [k for k in registry.names("headline") if k in present]
    names = [str(s) for s in pd.unique(table["scenario"])]
    cols = min(3, max(1, len(kpis)))
    rows = math.ceil(len(kpis) / cols)
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[measure_label(k) for k in kpis])
    colors = _colors(names)
    for i, kpi in enumerate(kpis):
        sub = table[table["kpi"] == kpi].set_index("scenario")
        _add_bars(fig, sub, colors, i == 0, (i // cols + 1, i % cols + 1))
    return _style(fig, t("KPI comparison across scenarios (mean with confidence interval)"),
                  320 * rows + 80)


def _add_bars(fig: Figure, sub: pd.DataFrame, colors: dict[str, str], legend: bool,
              cell: tuple[int, int]) -> None:
    """One bar per scenario (the keys of ``colors``) in the panel at (row, col) ``cell``."""
    for name, color in colors.items():
        fig.add_trace(_bar(sub, name, color, legend), row=cell[0], col=cell[1])


def _bar(sub: pd.DataFrame, name: str, color: str, legend: bool) -> Any:
    import plotly.graph_objects as go

    row = sub.loc[name]
    mean = float(row["mean"])
    plus = float(row["ci_high"]) - mean if math.isfinite(row["ci_high"]) else 0.0
    return go.Bar(x=[name], y=[mean], name=name, legendgroup=name, showlegend=legend,
                  marker_color=color, error_y={"type": "data", "array": [plus],
                                               "arrayminus": [mean - float(row["ci_low"])
                                                              if plus else 0.0]},
                  hovertemplate="%{x}: %{y:.3g}<extra></extra>")


def time_of_day(comparison: Comparison) -> Figure:
    """Open incidents and officers on duty by hour of day, one line per scenario."""
    from plotly.subplots import make_subplots

    data = _hours(comparison)
    names = [str(s) for s in pd.unique(data["scenario"])]
    colors = _colors(names)
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, subplot_titles=[
        t("Open (visible) incidents"), t("Officers on duty")])
    for name in names:
        _hour_lines(fig, data[data["scenario"] == name], name, colors[name])
    fig.update_xaxes(title_text=t("Hour of day (h)"), row=2, col=1, range=[0, 24], dtick=3)
    fig.update_yaxes(title_text=t("Open incidents (mean count)"), row=1, col=1)
    fig.update_yaxes(title_text=t("Officers on duty (mean count)"), row=2, col=1)
    return _style(fig, t("Disorder vs. staffing by hour of day (mean over days and "
                         "replications)"), 560)


def _hours(comparison: Comparison) -> pd.DataFrame:
    """Open incidents and officers on duty per scenario and hour, over each observation
    window."""
    from sim.experiment.figures import observation_windows
    from sim.plots import open_and_on_duty_by_hour

    windows = observation_windows(comparison.scenarios)
    return open_and_on_duty_by_hour(
        comparison.frames.incidents, comparison.frames.units,
        horizon_min={k: w.t1 for k, w in windows.items()},
        start_min={k: w.t0 for k, w in windows.items()})


def _hour_lines(fig: Figure, d: pd.DataFrame, name: str, color: str) -> None:
    """One scenario's line in each panel (legend entry in the first only)."""
    import plotly.graph_objects as go

    for row, column in ((1, "incidents_open"), (2, "officers_on_duty")):
        fig.add_trace(go.Scatter(
            x=d["hour"] + 0.5, y=d[column].round(3), name=name, legendgroup=name,
            showlegend=row == 1, mode="lines+markers", line={"color": color},
            hovertemplate=name + " %{x:.1f} h: %{y:.3g}<extra></extra>"), row=row, col=1)


def _type_means(means: pd.Series, name: str, types: list[str]) -> list[float]:
    """The scenario's mean per type (NaN for a type it lacks)."""
    return [float(means.get((name, k), math.nan)) for k in types]


def per_type(comparison: Comparison, by_type: pd.DataFrame) -> Figure:
    """Disorder exposure per incident type (the scenario's labels), one bar per scenario."""
    import plotly.graph_objects as go

    means = by_type.groupby(["scenario", "type"], sort=False)["exposure_h"].mean()
    names = [str(s) for s in pd.unique(by_type["scenario"])]
    types = list(pd.unique(by_type["type"]))
    labels = type_labels(comparison.scenarios)
    x = [labels.get(k, k) for k in types]
    fig = go.Figure()
    for name, color in _colors(names).items():
        fig.add_trace(go.Bar(x=x, y=_type_means(means, name, types), name=name,
                             marker_color=color,
                             hovertemplate=name + "<br>%{x}: %{y:.3g}<extra></extra>"))
    fig.update_layout(barmode="group")
    fig.update_yaxes(title_text=f"{t('Disorder exposure')} ({unit('h')})")
    return _style(fig, t("Disorder exposure per type (incident-hours in the observation "
                         "window, per replication)"), 480)

"""Figures built from the simulator's tidy pandas frames (never SimPy objects).

Every plotting function takes frames and returns a :class:`matplotlib.figure.Figure`
created directly (no pyplot, no global backend selection). A ``scenario`` column is
optional in every frame; when absent all rows form one scenario named by ``label``.
Scenario colours follow tab10 in order of first appearance.
"""

from ._style import DEFAULT_LABEL, kpi_label, scenario_colors
from .distributions import kpi_bars, resolution_ecdf
from .export import save_figure
from .spatial import coverage_heatmap, district_map
from .temporal import open_and_on_duty_by_hour, parking_occupancy, time_of_day
from .tradeoff import pareto_front, sweep_tradeoff

__all__ = [
    "DEFAULT_LABEL",
    "coverage_heatmap",
    "district_map",
    "kpi_bars",
    "kpi_label",
    "open_and_on_duty_by_hour",
    "pareto_front",
    "parking_occupancy",
    "resolution_ecdf",
    "save_figure",
    "scenario_colors",
    "sweep_tradeoff",
    "time_of_day",
]

"""Figures leave the warm-up out, as tables do; the idleness map's caption matches its colours.

Power: drawing the ECDF from all incidents (the old write_plots) makes the first test fail
(more resolved incidents than the window holds); ignoring ``start_min`` in the time-of-day
profile makes the second fail (an officer seen on duty during the warm-up).
"""

from __future__ import annotations

import inspect
import re

import matplotlib
import numpy as np
import pandas as pd
import pytest

from sim import plots
from sim.experiment.figures import frame_figures, observation_windows
from sim.experiment.replication import run_replication
from sim.metrics.window import window_of
from sim.report.document import FIGURES
from tests.helpers.scenarios import realistic_scenario

DAY = 1440.0


def test_resolution_ecdf_counts_only_incidents_of_the_arrival_window() -> None:
    # warm-up 2 days, cool-down 2 days (the longest service target): arrivals of days 2-4
    scenario = realistic_scenario(days=6, warmup_days=2)
    assert window_of(scenario).arrival_end == 4 * DAY
    frames = run_replication(scenario, 0)
    inc = frames.incidents
    resolved = inc["outcome"] == "resolved"
    in_window = resolved & (inc["t_occur"] >= 2 * DAY) & (inc["t_occur"] < 4 * DAY)
    assert resolved.sum() > in_window.sum() > 0  # warm-up and cool-down had resolved ones too
    fig = frame_figures(frames, observation_windows([scenario]))["resolution_ecdf"]()
    label = fig.axes[0].get_legend().get_texts()[0].get_text()
    assert int(re.search(r"n=([\d,]+)", label).group(1).replace(",", "")) == in_window.sum()


def test_time_of_day_averages_over_the_window_only() -> None:
    # Officer on duty 00:00-02:00 of day 0 only (the warm-up); an incident open from 01:00 of
    # day 0 to 01:00 of day 1. Window [day 1, day 2): nobody on duty; the incident is open
    # during hour 0 of day 1 (one of one observed hour-0 samples).
    inc = pd.DataFrame({"t_occur": [60.0], "t_end": [DAY + 60.0]})
    uni = pd.DataFrame({"shift_start": [0.0], "shift_end": [120.0], "off_duty_at": [120.0]})
    out = plots.open_and_on_duty_by_hour(inc, uni, horizon_min=2 * DAY, start_min=DAY)
    assert (out["officers_on_duty"] == 0).all()
    expected = np.zeros(24)
    expected[0] = 1.0
    np.testing.assert_allclose(out["incidents_open"], expected)
    # a window starting mid-hour counts the part of the hour inside it
    out = plots.open_and_on_duty_by_hour(inc, uni, horizon_min=2 * DAY, start_min=DAY + 30)
    assert out["incidents_open"][0] == pytest.approx(1.0)
    assert out["officers_on_duty"].sum() == 0


def test_idleness_caption_agrees_with_the_colour_scale() -> None:
    caption = dict(FIGURES)["idleness_map"]
    assert "brighter" in caption and "dark zones are neglected" not in caption
    cmap = matplotlib.colormaps[inspect.signature(plots.district_map).parameters["cmap"].default]

    def luminance(rgba: tuple[float, ...]) -> float:
        return 0.299 * rgba[0] + 0.587 * rgba[1] + 0.114 * rgba[2]

    assert luminance(cmap(1.0)) > luminance(cmap(0.0))  # longer gaps are drawn brighter

"""CSV number formats: times exact to the second for a year, other floats compact, NaN empty.

Power: with the old single format "%.6g" a time at day 364 comes back 12 s off (checked below
on the format itself), so the round-trip test fails if times lose their fixed decimals.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.experiment.csv_files import FLOAT_FORMAT, write_csv

DAY = 1440.0


def test_a_time_at_day_364_round_trips_to_within_a_second(tmp_path) -> None:
    times = np.array([364 * DAY + 0.2, 364 * DAY + 1439.991, 69 * DAY + 0.51, np.nan, 0.0])
    frame = pd.DataFrame({"t_occur": times, "shift_start": times, "off_duty_at": times})
    write_csv(frame, tmp_path / "x.csv")
    back = pd.read_csv(tmp_path / "x.csv")
    for column in frame.columns:
        got = back[column].to_numpy(dtype=float)
        assert np.array_equal(np.isnan(got), np.isnan(times))
        ok = ~np.isnan(times)
        assert np.abs(got[ok] - times[ok]).max() * 60.0 < 1.0
    # the old format could not: whole minutes after day 69
    assert abs(float(FLOAT_FORMAT % times[0]) - times[0]) * 60.0 > 1.0


def test_times_get_fixed_decimals_and_other_columns_keep_their_format(tmp_path) -> None:
    frame = pd.DataFrame({"t_end": [1.5, np.nan], "share": [1 / 3, np.nan], "n": [3, 4],
                          "zone": ["A1", "t_x"], "shift_start": ["08:00", "17:00"]})
    write_csv(frame, tmp_path / "x.csv")
    lines = (tmp_path / "x.csv").read_text().splitlines()
    assert lines == ["t_end,share,n,zone,shift_start", "1.5000,0.333333,3,A1,08:00",
                     ",,4,t_x,17:00"]
    assert frame["t_end"].dtype == float  # the caller's frame is not changed

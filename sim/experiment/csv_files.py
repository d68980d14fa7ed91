"""CSV files with a fixed number format, so equal runs give equal bytes.

Times (minutes from the start: ``t_*`` columns and the shift times) are written with four
fixed decimals — exact to 0.006 s at any time of any run, where "%.6g" rounded times after day
69 to whole minutes and after day 694 to ten minutes. Every other float keeps six significant
digits.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

FLOAT_FORMAT = "%.6g"
TIME_FORMAT = "%.4f"
TIME_COLUMNS = frozenset({"shift_start", "shift_end", "off_duty_at"})


def is_time(column: object) -> bool:
    """Is this column a time in minutes from the start of the run?"""
    return isinstance(column, str) and (column.startswith("t_") or column in TIME_COLUMNS)


def _fixed(values: pd.Series) -> list[str]:
    """Each value with TIME_FORMAT; empty for NaN (as pandas writes missing floats)."""
    return ["" if x != x else TIME_FORMAT % x for x in values.to_numpy(dtype=float).tolist()]


def with_fixed_times(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with its float time columns already formatted as fixed-decimal text."""
    times = [c for c in frame.columns if is_time(c) and frame[c].dtype.kind == "f"]
    if not times:
        return frame
    return frame.assign(**{c: _fixed(frame[c]) for c in times})


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write ``frame`` without its index: times with fixed decimals, other floats "%.6g"."""
    with_fixed_times(frame).to_csv(path, index=False, float_format=FLOAT_FORMAT)

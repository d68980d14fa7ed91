"""Result tables: CSV files with a fixed number format, so equal runs give equal bytes;
optionally with a byte-order mark for Excel, or Parquet files instead (:class:`TableFormat`).

Times (minutes from the start: ``t_*`` columns and the shift times) are written with four
fixed decimals — exact to 0.006 s at any time of any run, where "%.6g" rounded times after day
69 to whole minutes and after day 694 to ten minutes. Every other float keeps six significant
digits.
"""

from __future__ import annotations

from dataclasses import dataclass
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
    times = _float_times(frame)
    return frame.assign(**{c: _fixed(frame[c]) for c in times}) if times else frame


def _float_times(frame: pd.DataFrame) -> list[str]:
    """The time columns of ``frame`` stored as floats."""
    return [c for c in frame.columns if is_time(c) and frame[c].dtype.kind == "f"]


def write_csv(frame: pd.DataFrame, path: Path, excel: bool = False) -> None:
    """Write ``frame`` without its index: times with fixed decimals, other floats "%.6g";
    ``excel``: UTF-8 with a byte-order mark, so Excel (a Chinese Windows too) reads the
    text as UTF-8 instead of the local code page."""
    with_fixed_times(frame).to_csv(path, index=False, float_format=FLOAT_FORMAT,
                                   encoding="utf-8-sig" if excel else "utf-8")


PARQUET_HINT = 'Parquet needs pyarrow: pip install "chengguan-sim[parquet]"'


class TableFormatError(ValueError):
    """A table format that cannot be written here; ``str()`` is for the user."""


def _need_pyarrow() -> None:
    """Refuse Parquet when pyarrow is not installed."""
    import importlib.util

    if importlib.util.find_spec("pyarrow") is None:
        raise TableFormatError(f"--format parquet: {PARQUET_HINT}")


@dataclass(frozen=True)
class TableFormat:
    """How result tables are written: ``csv`` (optionally ``excel``: with a BOM) or
    ``parquet`` (full precision, typed columns; needs pyarrow)."""

    kind: str = "csv"
    excel: bool = False

    def check(self) -> None:
        """Refuse, before anything runs, what cannot be written.

        Raises:
            TableFormatError: parquet without pyarrow, or ``excel`` with parquet.
        """
        if self.kind != "parquet":
            return
        if self.excel:
            raise TableFormatError("--excel applies to CSV files; drop it or use --format csv")
        _need_pyarrow()

    def write(self, frame: pd.DataFrame, folder: Path, name: str) -> Path:
        """Write ``frame`` as ``folder/name.csv`` or ``folder/name.parquet``."""
        if self.kind == "parquet":
            path = folder / f"{name}.parquet"
            frame.reset_index(drop=True).to_parquet(path, index=False)
        else:
            path = folder / f"{name}.csv"
            write_csv(frame, path, self.excel)
        return path

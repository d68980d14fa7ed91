"""Travel-time matrices from CSV files: a header `zone,<id>,…` and one row `<id>,<minutes>,…`
per zone, in any order (reordered to the district's zone order)."""

from __future__ import annotations

import csv
import math
import os
from pathlib import Path

import numpy as np

_READ: dict[tuple[str, int, int, tuple[str, ...]], np.ndarray] = {}


class MatrixFileError(ValueError):
    """A travel-time CSV that cannot be used; the message names the file and the row."""


def _minutes(text: str, where: str) -> float:
    """One travel time, a number of minutes from 0 to 1,000,000."""
    value = _number(text, where)
    if not (math.isfinite(value) and 0 <= value <= 1e6):
        raise MatrixFileError(f"{where}: {text!r} is not between 0 and 1,000,000 minutes")
    return value


def _number(text: str, where: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise MatrixFileError(f"{where}: {text!r} is not a number of minutes") from None


def _rows(path: str) -> list[list[str]]:
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            return [row for row in csv.reader(fh) if row]
    except (OSError, UnicodeDecodeError) as exc:
        raise MatrixFileError(f"cannot read {path}: {exc}") from None


def read_matrix(path: str, zone_ids: list[str]) -> np.ndarray:
    """The (zones, zones) minutes of ``path`` in ``zone_ids`` order, or MatrixFileError."""
    if not Path(path).is_file():
        raise MatrixFileError(f"file not found: {path}")
    st = os.stat(path)
    key = (path, st.st_size, st.st_mtime_ns, tuple(zone_ids))
    if key not in _READ:
        _READ[key] = _parse(path, zone_ids)
    return _READ[key]


def _parse(path: str, zone_ids: list[str]) -> np.ndarray:
    rows = _rows(path)
    if not rows:
        raise MatrixFileError(f"{path} is empty")
    header = [c.strip() for c in rows[0][1:]]
    _check_header(path, header, zone_ids, len(rows) - 1)
    out = _filled(path, rows[1:], header, zone_ids)
    if np.isnan(out).any():
        raise MatrixFileError(f"{path}: a zone appears on two rows")
    return out


def _filled(path: str, rows: list[list[str]], header: list[str],
            zone_ids: list[str]) -> np.ndarray:
    """The matrix in zone order from the data rows (NaN where no row gave a value)."""
    index = {z: k for k, z in enumerate(zone_ids)}
    columns = [index[zid] for zid in header]
    out = np.full((len(zone_ids), len(zone_ids)), np.nan)
    for line, row in enumerate(rows, start=2):
        k = _row_index(f"{path} line {line}", row, index, len(header))
        out[k, columns] = [_minutes(v, f"{path} line {line}") for v in row[1:]]
    return out


def _check_header(path: str, header: list[str], zone_ids: list[str], n_rows: int) -> None:
    """The header names every zone once and there is one row per zone."""
    want = set(zone_ids)
    if sorted(header) == sorted(want) and n_rows == len(zone_ids):
        return
    missing = sorted(want - set(header))[:8]
    extra = sorted(set(header) - want)[:8]
    raise MatrixFileError(f"{path}: expected a header and one row per zone of the district "
                          f"({len(zone_ids)}); header misses {missing}, has unknown {extra}, "
                          f"{n_rows} rows")


def _row_index(where: str, row: list[str], index: dict[str, int], n: int) -> int:
    """The zone index of a row that starts with a zone id and has n minutes."""
    zid = row[0].strip()
    if zid not in index or len(row) != n + 1:
        raise MatrixFileError(f"{where}: expected a zone id and {n} minutes")
    return index[zid]

"""A case log file as a table of strings: encoding, CSV or Excel, the line of every row."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.calibrate.caselog import LogError

FIRST_LINE = 2  # the header is line 1


def decode(data: bytes) -> tuple[str, str]:
    """Text and encoding: UTF-8 (a BOM is removed) or else GB18030 (a superset of GBK)."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gbk"
    except UnicodeDecodeError:
        raise LogError("the file is neither UTF-8 nor GBK text") from None


def read_table(path: Path) -> tuple[pd.DataFrame, str]:
    """All cells as strings, and the encoding read."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(path), "xlsx"
    text, encoding = decode(_bytes(path))
    if not text.strip():
        raise LogError("the file is empty")
    return parse_csv(text), encoding


def _bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise LogError(f"cannot read the file ({exc.strerror})") from None


def _read_xlsx(path: Path) -> pd.DataFrame:
    """The first sheet of a workbook, all cells as strings (needs openpyxl)."""
    _require_openpyxl()
    try:
        table = pd.read_excel(path, dtype=str, keep_default_na=False)
    except Exception as exc:  # openpyxl raises many kinds on a broken workbook
        raise LogError(f"cannot read the workbook ({exc})") from None
    table.columns = [str(c).strip() for c in table.columns]
    table.attrs["line"] = np.arange(len(table)) + FIRST_LINE
    return table


def _require_openpyxl() -> None:
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        raise LogError(
            "reading .xlsx needs openpyxl: pip install 'chengguan-sim[xlsx]', or save "
            "the sheet as CSV") from None


def parse_csv(text: str) -> pd.DataFrame:
    """All cells as strings; ``attrs["line"]`` is each row's first physical line (a quoted
    field may span lines), ``attrs["ragged"]`` (line, fields) of rows with extra values."""
    reader = csv.reader(io.StringIO(text, newline=""), skipinitialspace=True)
    try:
        header = [h.strip() for h in next(reader)]
        rows, lines, ragged = _records(reader, len(header))
    except csv.Error as exc:
        raise LogError(f"not a readable CSV table (line {reader.line_num}: {exc})") from None
    _check_header(header)
    table = pd.DataFrame(rows, columns=header, dtype=str)
    table.attrs["line"] = np.asarray(lines, dtype=int)
    table.attrs["ragged"] = ragged
    return table


def _check_header(header: list[str]) -> None:
    """No column name given twice."""
    twice = sorted({h for h in header if header.count(h) > 1 and h})
    if twice:
        raise LogError(f"column {twice[0]!r} appears twice in the header")


def _filled(cells: list[str]) -> bool:
    """Whether any cell holds more than spaces."""
    return any(cell.strip() for cell in cells)


def _records(reader: Any, width: int
             ) -> tuple[list[list[str]], list[int], list[tuple[int, int]]]:
    """The non-blank rows cut or padded to ``width``, their first lines, and (line, fields)
    of rows with values beyond the header."""
    rows, lines, ragged = [], [], []
    start = reader.line_num + 1
    for record in reader:
        if _filled(record):
            ragged += [(start, len(record))] if _filled(record[width:]) else []
            rows.append((record + [""] * width)[:width])
            lines.append(start)
        start = reader.line_num + 1
    return rows, lines, ragged

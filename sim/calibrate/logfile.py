"""Reading a case log: encoding, column mapping, timestamps, and every bad row named.

A log is a CSV file (UTF-8 with or without BOM, or GBK/GB18030 as Chinese office software
writes it) or an Excel ``.xlsx`` sheet (needs the ``xlsx`` extra). Rows with a problem are
never silently lost: each is recorded with its line, column and what was wrong, and either
dropped (unknown type or zone, unreadable report time, duplicate id) or kept with the bad
field emptied (an unreadable or out-of-order dispatch, arrival or closing time).
Reading the file is ``table.py``, checking its values ``clean.py``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sim.calibrate.caselog import CaseLog, LogError, Problem, describe
from sim.calibrate.clean import TIME_FORMATS, clean, parse_times
from sim.calibrate.mapping import REQUIRED, Mapping, guess_mapping
from sim.calibrate.table import FIRST_LINE, decode, parse_csv, read_table

__all__ = [
    "FIRST_LINE", "TIME_FORMATS", "CaseLog", "LogError", "Problem", "check_columns", "clean",
    "decode", "describe", "parse_csv", "parse_date", "parse_times", "problem_summary",
    "read_log", "read_table", "restrict_period",
]


def check_columns(table: pd.DataFrame, mapping: Mapping) -> None:
    """Every mapped column must be in the header (required ones named first)."""
    missing = [(f, h) for f, h in mapping.columns.items() if h not in table.columns]
    if missing:
        f, h = missing[0]
        need = "required" if f in REQUIRED else "mapped"
        raise LogError(
            f"column {h!r} ({f}, {need}) is not in the header; the header has: "
            f"{', '.join(map(str, table.columns[:12]))}")


def read_log(
    path: Path | str,
    mapping: Mapping | None,
    types: list[str] | dict[str, str | None],
    zones: list[str],
    start: str | None = None,
    end: str | None = None,
) -> CaseLog:
    """Read, check and clean a case log; LogError if nothing usable remains.

    ``types`` are the catalog's names (or name → label: a log may then use the labels) and
    ``zones`` its zone ids; ``start``/``end`` (dates, inclusive) restrict the period (default:
    the first to the last reported day).
    """
    path = Path(path)
    table, encoding = _read(path)
    if mapping is None:
        mapping = _guessed(path, table)
    _check_table(path, table, mapping)
    frame, problems = clean(table, mapping, types, zones)
    log = CaseLog(path, encoding, frame, problems, rows_read=len(table))
    restrict_period(log, start, end)
    return log


def _read(path: Path) -> tuple[pd.DataFrame, str]:
    """The file as a table of strings, and its encoding (errors name the file)."""
    try:
        return read_table(path)
    except LogError as exc:
        raise LogError(f"{path}: {exc}") from None


def _check_table(path: Path, table: pd.DataFrame, mapping: Mapping) -> None:
    """Every mapped column in the header, and at least one row."""
    try:
        check_columns(table, mapping)
    except LogError as exc:
        raise LogError(f"{path}: {exc} (mapping {mapping.source})") from None
    if table.empty:
        raise LogError(f"{path}: the log has a header but no rows")


def _guessed(path: Path, table: pd.DataFrame) -> Mapping:
    """The built-in mapping the header matches (LogError if none)."""
    mapping = guess_mapping(list(table.columns))
    if mapping is None:
        raise LogError(
            f"{path}: the header ({', '.join(map(str, table.columns[:8]))}) matches neither "
            "built-in mapping; give one with --columns MAPPING.yaml (see "
            "scenarios/caselog/mapping_zh.yaml)")
    return mapping


def parse_date(text: str, option: str) -> pd.Timestamp:
    for fmt in ("%Y-%m-%d", "%Y/%m/%d"):
        try:
            return pd.to_datetime(text, format=fmt)
        except ValueError:
            continue
    raise LogError(f"{option} {text!r}: expected a date like 2026-03-01")


def restrict_period(log: CaseLog, start: str | None, end: str | None) -> None:
    """Keep whole days [start, end] (inclusive); LogError if the period holds no case."""
    frame = log.frame
    if frame.empty:
        raise LogError(
            f"{log.path}: no usable row remains ({len(log.problems)} problems in "
            f"{log.rows_read} rows; first: {describe(log.problems[:3])}){_hint(log)}")
    first, last = _period(frame["reported_at"], start, end)
    stop = last + pd.Timedelta(days=1)
    inside = (frame["reported_at"] >= first) & (frame["reported_at"] < stop)
    if not inside.any():
        raise LogError(
            f"{log.path}: no case reported between {first.date()} and {last.date()} "
            f"(the log runs from {frame['reported_at'].min()} to {frame['reported_at'].max()})")
    log.outside_period = int((~inside).sum())
    log.frame = frame[inside].reset_index(drop=True)
    log.start, log.days = first, int((stop - first) / pd.Timedelta(days=1))


def _period(reported: pd.Series, start: str | None, end: str | None
            ) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day: as given, else those of the first and last report."""
    first = parse_date(start, "--from") if start else reported.min().normalize()
    last = parse_date(end, "--to") if end else reported.max().normalize()
    if last < first:
        raise LogError(f"--to {last.date()} is before --from {first.date()}")
    return first, last


def _hint(log: CaseLog) -> str:
    """What to do when one kind of problem explains most of the log."""
    dropped = [p.message for p in log.problems if p.action == "row dropped"]
    if _most(dropped, "not a zone"):
        return ("; if the log uses its own grid codes, map them to zone ids under `zones:` in "
                "a mapping file (--columns; see scenarios/caselog/mapping_zh.yaml)")
    if _most(dropped, "not in the catalog"):
        return ("; map the log's type names to catalog types under `types:` in a mapping file "
                "(--columns)")
    return ""


def _most(messages: list[str], words: str) -> bool:
    """Whether more than half of ``messages`` contain ``words``."""
    return sum(words in m for m in messages) > len(messages) / 2


def problem_summary(log: CaseLog, limit: int = 5) -> list[str]:
    """Short lines for the terminal: counts by column and message kind, a few examples."""
    if not log.problems:
        return []
    lines = [f"{log.path}: {len(log.problems)} problem(s); {log.dropped} row(s) dropped of "
             f"{log.rows_read} (all listed in the report)"]
    lines += _unknown_zones(log, limit) + _unknown_types(log, limit)
    first = sorted(log.problems, key=lambda p: p.action != "row dropped")[:limit]
    lines += [f"  line {p.line}, {p.column}: {p.message} ({p.action})"
              for p in sorted(first, key=lambda p: p.line)]
    more = len(log.problems) - len(first)
    return lines + ([f"  ... and {more} more (see the report)"] if more > 0 else [])


def _values_of(log: CaseLog, words: str) -> list[str]:
    """The distinct bad values of the problems whose message contains ``words``."""
    return sorted({p.value for p in log.problems if words in p.message})


def _unknown_zones(log: CaseLog, limit: int) -> list[str]:
    zones = _values_of(log, "not a zone")
    if not zones:
        return []
    return [f"  unknown zones: {', '.join(zones[:limit])}{', ...' if len(zones) > limit else ''}"]


def _unknown_types(log: CaseLog, limit: int) -> list[str]:
    types = _values_of(log, "not in the catalog")
    if not types:
        return []
    return [f"  unknown types: {', '.join(types[:limit])} — to keep them, add to the mapping "
            "file e.g. `types: {" + f"{types[0]}: <catalog type>" + "}`"]

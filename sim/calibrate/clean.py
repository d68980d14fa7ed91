"""Checking a case log's values: each bad one recorded with its line and column, and the
row dropped (unknown type or zone, unreadable report time, duplicate id) or the field
emptied (an unreadable or out-of-order dispatch, arrival or closing time)."""

from __future__ import annotations

import difflib
from collections.abc import Callable

import numpy as np
import pandas as pd

from sim.calibrate.caselog import Problem
from sim.calibrate.mapping import CHANNELS, TIME_FIELDS, Mapping
from sim.calibrate.table import FIRST_LINE

TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M",
                "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S.%f",
                "%Y/%m/%d %H:%M:%S.%f", "%Y.%m.%d %H:%M:%S", "%Y.%m.%d %H:%M",
                "%Y年%m月%d日 %H:%M:%S", "%Y年%m月%d日 %H:%M", "%Y年%m月%d日%H:%M")


def parse_times(values: pd.Series) -> pd.Series:
    """Timestamps in any of TIME_FORMATS (NaT where none fits or the cell is empty)."""
    text = values.astype(str).str.strip()
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    for fmt in TIME_FORMATS:
        todo = out.isna() & (text != "")
        if not todo.any():
            break
        out[todo] = pd.to_datetime(text[todo], format=fmt, errors="coerce")
    return out


def _suggest(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


class _Checker:
    """Collects problems while the columns are checked one by one."""

    def __init__(self, table: pd.DataFrame, mapping: Mapping) -> None:
        self.table, self.mapping = table, mapping
        self.problems: list[Problem] = []
        self.drop = np.zeros(len(table), dtype=bool)
        self.lines = table.attrs.get("line", np.arange(len(table)) + FIRST_LINE)
        self._ragged(dict(table.attrs.get("ragged", [])))

    def _ragged(self, extra: dict[int, int]) -> None:
        """Drop the rows with more values than the header has columns."""
        width = len(self.table.columns)
        for i, line in enumerate(self.lines):
            if int(line) in extra:
                self.problems.append(_ragged_problem(int(line), extra[int(line)], width))
                self.drop[i] = True

    def text(self, field_name: str) -> pd.Series:
        """A field's cells, stripped ("" in every row if the field is not mapped)."""
        cols = self.mapping.columns
        if field_name not in cols:
            return pd.Series([""] * len(self.table), index=self.table.index)
        return self.table[cols[field_name]].astype(str).str.strip()

    def flag(self, mask: np.ndarray, field_name: str, message: str | Callable[[str], str],
             drop: bool) -> None:
        """Record a problem for each row of ``mask``; drop those rows if ``drop``."""
        header = self.mapping.columns[field_name]
        values = self.table[header].astype(str).to_numpy()
        action = "row dropped" if drop else "field ignored"
        self.problems += [Problem(int(self.lines[i]), header, values[i],
                                  _message(message, values[i]), action)
                          for i in np.flatnonzero(mask)]
        if drop:
            self.drop |= mask


def _ragged_problem(line: int, values: int, width: int) -> Problem:
    return Problem(line, "(row)", "", f"{values} values but the header has {width} columns "
                   "(an unquoted comma?)", "row dropped")


def _message(message: str | Callable[[str], str], value: str) -> str:
    """The problem's text: fixed, or made from the bad value."""
    return message(value) if callable(message) else message


def clean(table: pd.DataFrame, mapping: Mapping, types: list[str] | dict[str, str | None],
          zones: list[str]) -> tuple[pd.DataFrame, list[Problem]]:
    """The usable rows as typed columns, and the problems of the others."""
    check = _Checker(table, mapping)
    ctype = _types(check, types)
    zone = _zones(check, zones)
    times = _times(check)
    channel = _channels(check)
    frame = pd.DataFrame({
        "line": check.lines, "case_id": _case_ids(check), "type": ctype,
        "zone": zone, "channel": channel,
        **{f: times.get(f, pd.Series(pd.NaT, index=table.index)) for f in TIME_FIELDS},
    })
    problems = sorted(check.problems, key=lambda p: (p.line, p.column))
    return frame[~check.drop].reset_index(drop=True), problems


def _types(check: _Checker, types: list[str] | dict[str, str | None]) -> pd.Series:
    """Catalog type per row (mapped, or named by its label); rows of no type dropped."""
    labels = {}
    if isinstance(types, dict):
        labels = {str(label).casefold(): name for name, label in types.items() if label}
    names = list(types)
    ctype = check.text("type").map(
        lambda v: check.mapping.types.get(v, labels.get(v.casefold(), v)))
    check.flag(~ctype.isin(names).to_numpy(), "type", lambda v: _type_message(v, names),
               drop=True)
    return ctype


def _type_message(value: str, names: list[str]) -> str:
    if not value:
        return "empty type"
    return (f"type {value!r} is not in the catalog{_suggest(value, names)} "
            f"(map it under `types:` in the mapping file)")


def _zones(check: _Checker, zones: list[str]) -> pd.Series:
    """District zone per row (mapped); rows of no zone of the district dropped."""
    zone = check.text("zone").map(lambda v: check.mapping.zones.get(v, v))
    check.flag(~zone.isin(zones).to_numpy(), "zone", lambda v: _zone_message(v, zones),
               drop=True)
    return zone


def _zone_message(value: str, zones: list[str]) -> str:
    if not value:
        return "empty zone"
    return f"zone {value!r} is not a zone of the district{_suggest(value, zones)}"


def _report_message(value: str) -> str:
    if not value:
        return "empty report time"
    return (f"cannot read {value!r} as a date and time (expected e.g. 2026-03-01 08:15:00 or "
            "2026/3/1 8:15)")


def _times(check: _Checker) -> dict[str, pd.Series]:
    """The mapped time fields: rows without a report time dropped, later times that are
    unreadable or before the report emptied."""
    times = {f: parse_times(check.text(f)) for f in TIME_FIELDS if f in check.mapping.columns}
    check.flag(times["reported_at"].isna().to_numpy(), "reported_at", _report_message,
               drop=True)
    for f in TIME_FIELDS[1:]:
        if f in times:
            times[f] = _later_time(check, f, times[f], times["reported_at"])
    return times


def _later_time(check: _Checker, field_name: str, values: pd.Series,
                reported: pd.Series) -> pd.Series:
    """A time after the report (dispatch, arrival, closing), emptied where before it."""
    filled = (check.text(field_name) != "").to_numpy()
    check.flag(filled & values.isna().to_numpy(), field_name,
               lambda v: f"cannot read {v!r} as a time", drop=False)
    before = (values < reported).to_numpy()
    check.flag(before, field_name, "before the report time", drop=False)
    return values.mask(before)


def _channels(check: _Checker) -> pd.Series | str:
    """Detection channel per row ("other" where not mapped; "" without the column)."""
    if "channel" not in check.mapping.columns:
        return ""
    channel = check.text("channel").map(lambda v: check.mapping.channels.get(v, v))
    unknown = ~channel.isin(CHANNELS).to_numpy() & (channel != "").to_numpy()
    check.flag(unknown, "channel", lambda v: f"channel {v!r} not mapped; counted as other",
               drop=False)
    return channel.where(channel.isin(CHANNELS), "other")


def _case_ids(check: _Checker) -> pd.Series:
    """Case id per row (its line without the column); a repeated id drops the row (checked
    last: among the rows still kept)."""
    if "case_id" not in check.mapping.columns:
        return pd.Series([str(line) for line in check.lines], index=check.table.index)
    case_id = check.text("case_id")
    dup = (case_id.duplicated() & (case_id != "")).to_numpy() & ~check.drop
    check.flag(dup, "case_id", lambda v: f"duplicate case id {v!r}", drop=True)
    return case_id

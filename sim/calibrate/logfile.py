"""Reading a case log: encoding, column mapping, timestamps, and every bad row named.

A log is a CSV file (UTF-8 with or without BOM, or GBK/GB18030 as Chinese office software
writes it) or an Excel ``.xlsx`` sheet (needs the ``xlsx`` extra). Rows with a problem are
never silently lost: each is recorded with its line, column and what was wrong, and either
dropped (unknown type or zone, unreadable report time, duplicate id) or kept with the bad
field emptied (an unreadable or out-of-order dispatch, arrival or closing time).
"""

from __future__ import annotations

import csv
import difflib
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.calibrate.mapping import CHANNELS, REQUIRED, TIME_FIELDS, Mapping, guess_mapping

TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M",
                "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S.%f",
                "%Y/%m/%d %H:%M:%S.%f", "%Y.%m.%d %H:%M:%S", "%Y.%m.%d %H:%M",
                "%Y年%m月%d日 %H:%M:%S", "%Y年%m月%d日 %H:%M", "%Y年%m月%d日%H:%M")
FIRST_LINE = 2  # the header is line 1


class LogError(Exception):
    """A log that cannot be used at all; ``str()`` names the file and what was expected."""


@dataclass(frozen=True)
class Problem:
    """One bad value in the log."""

    line: int
    column: str
    value: str
    message: str
    action: str  # "row dropped" or "field ignored"


@dataclass
class CaseLog:
    """Usable cases (one row each; times as pandas timestamps) and the problems found."""

    path: Path
    encoding: str
    frame: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    rows_read: int = 0
    outside_period: int = 0
    start: pd.Timestamp | None = None
    days: int = 0

    @property
    def dropped(self) -> int:
        return len({p.line for p in self.problems if p.action == "row dropped"})

    def minutes(self, column: str) -> np.ndarray:
        """A time column as minutes from the start of the period (NaN where empty)."""
        delta = self.frame[column] - self.start
        return (delta.dt.total_seconds() / 60.0).to_numpy(dtype=float)


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
        try:
            import openpyxl  # noqa: F401
        except ImportError:
            raise LogError(
                "reading .xlsx needs openpyxl: pip install 'chengguan-sim[xlsx]', or save "
                "the sheet as CSV") from None
        try:
            table = pd.read_excel(path, dtype=str, keep_default_na=False)
        except Exception as exc:  # openpyxl raises many kinds on a broken workbook
            raise LogError(f"cannot read the workbook ({exc})") from None
        table.columns = [str(c).strip() for c in table.columns]
        table.attrs["line"] = np.arange(len(table)) + FIRST_LINE
        return table, "xlsx"
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LogError(f"cannot read the file ({exc.strerror})") from None
    text, encoding = decode(data)
    if not text.strip():
        raise LogError("the file is empty")
    return parse_csv(text), encoding


def parse_csv(text: str) -> pd.DataFrame:
    """All cells as strings; ``attrs["line"]`` is each row's first physical line (a quoted
    field may span lines), ``attrs["ragged"]`` (line, fields) of rows with extra values."""
    reader = csv.reader(io.StringIO(text, newline=""), skipinitialspace=True)
    try:
        header = [h.strip() for h in next(reader)]
        rows, lines, ragged = [], [], []
        start = reader.line_num + 1
        for record in reader:
            if any(cell.strip() for cell in record):
                if any(cell.strip() for cell in record[len(header):]):
                    ragged.append((start, len(record)))
                rows.append((record + [""] * len(header))[:len(header)])
                lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise LogError(f"not a readable CSV table (line {reader.line_num}: {exc})") from None
    twice = sorted({h for h in header if header.count(h) > 1 and h})
    if twice:
        raise LogError(f"column {twice[0]!r} appears twice in the header")
    table = pd.DataFrame(rows, columns=header, dtype=str)
    table.attrs["line"] = np.asarray(lines, dtype=int)
    table.attrs["ragged"] = ragged
    return table


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
        width = len(table.columns)
        extra = {line: n for line, n in table.attrs.get("ragged", [])}
        for i, line in enumerate(self.lines):
            if int(line) in extra:
                self.problems.append(Problem(
                    int(line), "(row)", "", f"{extra[int(line)]} values but the header has "
                    f"{width} columns (an unquoted comma?)", "row dropped"))
                self.drop[i] = True

    def flag(self, mask: np.ndarray, field_name: str, message, drop: bool) -> None:
        header = self.mapping.columns[field_name]
        values = self.table[header].astype(str).to_numpy()
        for i in np.flatnonzero(mask):
            text = message(values[i]) if callable(message) else message
            self.problems.append(Problem(int(self.lines[i]), header, values[i], text,
                                         "row dropped" if drop else "field ignored"))
        if drop:
            self.drop |= mask


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
    try:
        table, encoding = read_table(path)
    except LogError as exc:
        raise LogError(f"{path}: {exc}") from None
    if mapping is None:
        mapping = guess_mapping(list(table.columns))
        if mapping is None:
            raise LogError(
                f"{path}: the header ({', '.join(map(str, table.columns[:8]))}) matches neither "
                "built-in mapping; give one with --columns MAPPING.yaml (see "
                "scenarios/caselog/mapping_zh.yaml)")
    try:
        check_columns(table, mapping)
    except LogError as exc:
        raise LogError(f"{path}: {exc} (mapping {mapping.source})") from None
    if table.empty:
        raise LogError(f"{path}: the log has a header but no rows")
    frame, problems = clean(table, mapping, types, zones)
    log = CaseLog(path, encoding, frame, problems, rows_read=len(table))
    restrict_period(log, start, end)
    return log


def clean(table: pd.DataFrame, mapping: Mapping, types: list[str] | dict[str, str | None],
          zones: list[str]) -> tuple[pd.DataFrame, list[Problem]]:
    """The usable rows as typed columns, and the problems of the others."""
    labels = {}
    if isinstance(types, dict):
        labels = {str(label).casefold(): name for name, label in types.items() if label}
    types = list(types)
    check = _Checker(table, mapping)
    cols = mapping.columns

    def text(f: str) -> pd.Series:
        return table[cols[f]].astype(str).str.strip() if f in cols else pd.Series(
            [""] * len(table), index=table.index)

    raw_type = text("type")
    ctype = raw_type.map(lambda v: mapping.types.get(v, labels.get(v.casefold(), v)))
    bad_type = ~ctype.isin(types).to_numpy()
    check.flag(bad_type, "type", lambda v: (
        "empty type" if not v else f"type {v!r} is not in the catalog{_suggest(v, types)} "
        f"(map it under `types:` in the mapping file)"), drop=True)
    raw_zone = text("zone")
    zone = raw_zone.map(lambda v: mapping.zones.get(v, v))
    bad_zone = ~zone.isin(zones).to_numpy()
    check.flag(bad_zone, "zone", lambda v: (
        "empty zone" if not v else f"zone {v!r} is not a zone of the district"
        f"{_suggest(v, zones)}"), drop=True)
    times = {f: parse_times(text(f)) for f in TIME_FIELDS if f in cols}
    bad_report = times["reported_at"].isna().to_numpy()
    check.flag(bad_report, "reported_at", lambda v: (
        "empty report time" if not v else
        f"cannot read {v!r} as a date and time (expected e.g. 2026-03-01 08:15:00 or "
        "2026/3/1 8:15)"),
        drop=True)
    for f in TIME_FIELDS[1:]:
        if f not in times:
            continue
        filled = (text(f) != "").to_numpy()
        unreadable = filled & times[f].isna().to_numpy()
        check.flag(unreadable, f, lambda v: f"cannot read {v!r} as a time", drop=False)
        before = (times[f] < times["reported_at"]).to_numpy()
        check.flag(before, f, "before the report time", drop=False)
        times[f] = times[f].mask(before)
    channel = text("channel").map(lambda v: mapping.channels.get(v, v))
    if "channel" in cols:
        unknown = ~channel.isin(CHANNELS).to_numpy() & (channel != "").to_numpy()
        check.flag(unknown, "channel", lambda v: f"channel {v!r} not mapped; counted as other",
                   drop=False)
        channel = channel.where(channel.isin(CHANNELS), "other")
    case_id = text("case_id") if "case_id" in cols else pd.Series(
        [str(line) for line in check.lines], index=table.index)
    if "case_id" in cols:
        dup = (case_id.duplicated() & (case_id != "")).to_numpy() & ~check.drop
        check.flag(dup, "case_id", lambda v: f"duplicate case id {v!r}", drop=True)
    frame = pd.DataFrame({
        "line": check.lines, "case_id": case_id, "type": ctype,
        "zone": zone, "channel": channel if "channel" in cols else "",
        **{f: times.get(f, pd.Series(pd.NaT, index=table.index)) for f in TIME_FIELDS},
    })
    problems = sorted(check.problems, key=lambda p: (p.line, p.column))
    return frame[~check.drop].reset_index(drop=True), problems


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
    first = parse_date(start, "--from") if start else frame["reported_at"].min().normalize()
    last = parse_date(end, "--to") if end else frame["reported_at"].max().normalize()
    if last < first:
        raise LogError(f"--to {last.date()} is before --from {first.date()}")
    stop = last + pd.Timedelta(days=1)
    inside = (frame["reported_at"] >= first) & (frame["reported_at"] < stop)
    if not inside.any():
        raise LogError(
            f"{log.path}: no case reported between {first.date()} and {last.date()} "
            f"(the log runs from {frame['reported_at'].min()} to {frame['reported_at'].max()})")
    log.outside_period = int((~inside).sum())
    log.frame = frame[inside].reset_index(drop=True)
    log.start, log.days = first, int((stop - first) / pd.Timedelta(days=1))


def _hint(log: CaseLog) -> str:
    """What to do when one kind of problem explains most of the log."""
    dropped = [p for p in log.problems if p.action == "row dropped"]
    zones = sum("not a zone" in p.message for p in dropped)
    types = sum("not in the catalog" in p.message for p in dropped)
    if zones > len(dropped) / 2:
        return ("; if the log uses its own grid codes, map them to zone ids under `zones:` in "
                "a mapping file (--columns; see scenarios/caselog/mapping_zh.yaml)")
    if types > len(dropped) / 2:
        return ("; map the log's type names to catalog types under `types:` in a mapping file "
                "(--columns)")
    return ""


def describe(problems: list[Problem]) -> str:
    """``line 7, 上报时间: cannot read ...; ...`` for messages."""
    return "; ".join(f"line {p.line}, {p.column}: {p.message}" for p in problems)


def problem_summary(log: CaseLog, limit: int = 5) -> list[str]:
    """Short lines for the terminal: counts by column and message kind, a few examples."""
    if not log.problems:
        return []
    lines = [f"{log.path}: {len(log.problems)} problem(s); {log.dropped} row(s) dropped of "
             f"{log.rows_read} (all listed in the report)"]
    by_zone = sorted({p.value for p in log.problems if "not a zone" in p.message})
    if by_zone:
        lines.append(f"  unknown zones: {', '.join(by_zone[:limit])}"
                     f"{', ...' if len(by_zone) > limit else ''}")
    by_type = sorted({p.value for p in log.problems if "not in the catalog" in p.message})
    if by_type:
        lines.append(
            f"  unknown types: {', '.join(by_type[:limit])} — to keep them, add to the mapping "
            "file e.g. `types: {" + f"{by_type[0]}: <catalog type>" + "}`")
    first = sorted(log.problems, key=lambda p: p.action != "row dropped")[:limit]
    lines += [f"  line {p.line}, {p.column}: {p.message} ({p.action})"
              for p in sorted(first, key=lambda p: p.line)]
    if len(log.problems) > len(first):
        lines.append(f"  ... and {len(log.problems) - len(first)} more (see the report)")
    return lines

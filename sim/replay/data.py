"""What a replay needs from a `sim run` results folder, checked: the district (from the
scenario the run saved), one replication's legs and incidents around one day."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.compiled import Layout, compile_layout
from sim.scenario.loader import load_scenario
from sim.scenario.model import Scenario
from sim.strategy.plans import ZoneFacts

DAY_MIN = 1440.0
SCENARIO_FILE = "scenario.resolved.yaml"
INCIDENT_TIMES = ["t_occur", "t_detect", "t_dispatch", "t_arrive", "t_notice", "t_end"]
INCIDENT_COLUMNS = ["replication", "incident_id", "type", "zone", *INCIDENT_TIMES]
TRACE_COLUMNS = ["replication", "unit_id", "mode", "activity", "t_start", "t_end",
                 "from_zone", "to_zone"]
INFO_COLUMNS = ["replication", "t_from", "t_to", "t_cut"]


class ReplayError(Exception):
    """A results folder, day or replication that cannot be replayed; ``str()`` is for the user."""


@dataclass
class ReplayData:
    """One replication's day: the district, the legs and incidents that touch the day."""

    scenario: Scenario
    layout: Layout
    facts: ZoneFacts  # the engine's paths through the zones
    day: int
    replication: int
    legs: pd.DataFrame
    incidents: pd.DataFrame
    warnings: list[str]

    @property
    def t0(self) -> float:
        """The day's first minute."""
        return self.day * DAY_MIN


TEXT_COLUMNS = ("unit_id", "mode", "activity", "from_zone", "to_zone", "zone", "type")


def read_csv(path: Path, columns: list[str]) -> pd.DataFrame:
    """A results CSV with the columns a replay needs (others dropped), or a ReplayError.

    Ids stay text even when they look like numbers (a zone named ``07``)."""
    frame = _read(path, columns, {c: str for c in TEXT_COLUMNS if c in columns})
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ReplayError(f"{path} lacks the column(s) {', '.join(missing)}")
    return frame


def _read(path: Path, columns: list[str], text: dict[str, type]) -> pd.DataFrame:
    """``columns`` of the CSV, ``text`` ones as strings and only empty cells of the others
    missing; a ReplayError when the file is missing or unreadable."""
    try:
        return pd.read_csv(path, usecols=lambda c: c in columns, dtype=text,
                           keep_default_na=False,
                           na_values={c: [""] for c in columns if c not in text})
    except FileNotFoundError:
        raise ReplayError(f"{path} is missing") from None
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise ReplayError(f"cannot read {path}: {exc}") from None


def check_folder(folder: Path) -> None:
    """A `sim run` results folder with a movement trace, or a ReplayError saying what to do."""
    if not folder.is_dir():
        raise ReplayError(f"{folder}: no such results folder")
    if not (folder / SCENARIO_FILE).is_file():
        raise ReplayError(f"{folder} is not a results folder of `sim run` (it has no "
                          f"{SCENARIO_FILE})")
    if not (folder / "trace.csv").is_file():
        raise ReplayError(f"{folder} has no movement trace (trace.csv): the run was not "
                          "traced; rerun it with `sim run SCENARIO --trace` (or "
                          "--trace-days N for day N only)")


def trace_window(folder: Path, day: int, replication: int, days: int) -> list[str]:
    """Check that the trace covers ``day`` of ``replication``; returns warnings."""
    if not 0 <= day < days:
        raise ReplayError(f"--day {day}: the run has days 0-{days - 1}")
    t_from, t_to, t_cut = _trace_info(folder, replication)
    start, end = day * DAY_MIN, (day + 1) * DAY_MIN
    if start < t_from or start >= t_to:
        covered = f"{int(t_from // DAY_MIN)}-{int(np.ceil(t_to / DAY_MIN)) - 1}"
        raise ReplayError(f"--day {day}: the trace covers days {covered} only; rerun with "
                          f"--trace-days {day}")
    if start >= t_cut:
        raise ReplayError(f"--day {day}: the trace of replication {replication} stopped at "
                          f"day {int(t_cut // DAY_MIN)} (its cap on legs); rerun with "
                          f"--trace-days {day}")
    return [f"the trace stops at {_clock(t_cut)} (its cap on legs): later officers are "
            "missing"] if t_cut < end else []


def _trace_info(folder: Path, replication: int) -> tuple[float, float, float]:
    """(first, end, cut-off) minute of the replication's trace (trace_info.csv)."""
    info = read_csv(folder / "trace_info.csv", INFO_COLUMNS)
    row = info[info["replication"] == replication]
    if row.empty:
        reps = sorted(info["replication"].astype(int).tolist())
        raise ReplayError(f"--replication {replication}: the results have replication(s) "
                          f"{_ranges(reps)}")
    first = row.iloc[0]
    return float(first["t_from"]), float(first["t_to"]), float(first["t_cut"])


def _ranges(values: list[int]) -> str:
    return ", ".join(str(v) for v in values[:10]) + (", ..." if len(values) > 10 else "")


def _clock(t: float) -> str:
    return f"day {int(t // DAY_MIN)} {int(t % DAY_MIN // 60):02d}:{int(t % 60):02d}"


def day_legs(folder: Path, replication: int, start: float, end: float) -> pd.DataFrame:
    """Legs of the replication under way some time during [start, end)."""
    legs = read_csv(folder / "trace.csv", TRACE_COLUMNS)
    keep = (legs["replication"] == replication) & (legs["t_end"] >= start) & (
        legs["t_start"] < end)
    return legs[keep].reset_index(drop=True)


def day_incidents(folder: Path, replication: int, start: float, end: float) -> pd.DataFrame:
    """Incidents of the replication visible some time during [start, end)."""
    inc = read_csv(folder / "incidents.csv", INCIDENT_COLUMNS)
    ended = inc["t_end"].fillna(np.inf)
    keep = (inc["replication"] == replication) & (inc["t_occur"] < end) & (ended >= start)
    return inc[keep].reset_index(drop=True)


def check_zones(path: Path, zones: set[str], layout: Layout) -> None:
    """Every zone a results file names is one of the saved scenario's."""
    unknown = sorted(zones - set(layout.zone_ids))
    if unknown:
        raise ReplayError(f"{path} names zones the results folder's scenario lacks: "
                          f"{', '.join(unknown[:5])}")


def load_day(folder: Path | str, day: int, replication: int = 0) -> ReplayData:
    """Everything needed to replay ``day`` (from 0) of ``replication`` of a traced run.

    Raises:
        ReplayError: no such folder, no trace, day or replication outside the results.
        ScenarioError: the saved scenario cannot be read.
    """
    folder = Path(folder)
    check_folder(folder)
    scenario = load_scenario(folder / SCENARIO_FILE)
    warnings = trace_window(folder, day, replication, scenario.clock.days)
    layout = compile_layout(scenario)
    start, end = day * DAY_MIN, (day + 1) * DAY_MIN
    legs = day_legs(folder, replication, start, end)
    check_zones(folder / "trace.csv", set(legs["from_zone"]) | set(legs["to_zone"]), layout)
    incidents = day_incidents(folder, replication, start, end)
    check_zones(folder / "incidents.csv", set(incidents["zone"]), layout)
    return ReplayData(scenario, layout, ZoneFacts(scenario, layout), day, replication, legs,
                      incidents, warnings)

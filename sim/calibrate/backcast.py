"""The back-cast: run the calibrated scenario over the log's period and compare with the log.

Both sides are reduced to the same measures from the same columns (report, arrival and
closing times in minutes from the period's start, type, channel): cases per day by type and
by channel, cases per day by hour of report, mean response (report → arrival) by type and by
hour of report, and on-time closure (closed within the type's ``sla_min`` of the report) by
type and by hour of report.

The simulation starts BURN_IN_DAYS (a week) before the period, so that the period opens with
the backlog a real one has. The log is one realisation of the period; each simulated replication is another. The
replications give the simulated mean with its 95 % t interval and a 95 % *prediction*
interval for one realisation, mean ± t·sd·√(1 + 1/R). The log "agrees" where it lies inside
the prediction interval; otherwise it is higher or lower than the simulation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.calibrate.detection import BURN_IN_DAYS, shift_burn_in
from sim.calibrate.export import cases_from_incidents
from sim.calibrate.logfile import CaseLog
from sim.experiment.stats import t_quantile
from sim.scenario.model import Scenario

BLOCKS = 4  # hours per block in the by-hour tables


@dataclass(frozen=True)
class Cases:
    """Cases in a common form: minutes from the period's start (NaN: not recorded)."""

    frame: pd.DataFrame  # type, channel, t_report, t_arrive, t_close
    days: int


def from_log(log: CaseLog) -> Cases:
    frame = pd.DataFrame({
        "type": log.frame["type"].to_numpy(), "channel": log.frame["channel"].to_numpy(),
        "t_report": log.minutes("reported_at"), "t_arrive": log.minutes("arrived_at"),
        "t_close": log.minutes("closed_at"),
    })
    return Cases(frame, log.days)


def from_incidents(incidents: pd.DataFrame, days: int) -> Cases:
    """Cases reported in [0, days), times from the end of the burn-in."""
    cases = cases_from_incidents(shift_burn_in(incidents))
    frame = pd.DataFrame({
        "type": cases["type"].to_numpy(), "channel": cases["channel"].to_numpy(),
        "t_report": cases["t_detect"].to_numpy(), "t_arrive": cases["t_arrive"].to_numpy(),
        "t_close": cases["t_close"].to_numpy(),
    })
    inside = (frame["t_report"] >= 0) & (frame["t_report"] < days * 1440.0)
    return Cases(frame[inside].reset_index(drop=True), days)


def _block(t: pd.Series) -> pd.Series:
    start = (np.asarray(t, float) // 60 % 24 // BLOCKS * BLOCKS).astype(int)
    return pd.Series([f"{h:02d}-{h + BLOCKS:02d}" for h in start], index=t.index)


def measures(cases: Cases, targets: dict[str, float]) -> dict[tuple[str, str], float]:
    """(measure, group) → value for one realisation."""
    f = cases.frame
    block = _block(f["t_report"])
    out = {**_cases_per_day(f, block, cases.days), **_responses(f, block)}
    if f["t_close"].notna().any():  # no closing times at all: nothing to compare
        out.update(_on_time(f, block, targets))
    return {k: float(v) for k, v in out.items() if not math.isnan(float(v))}


def _keyed(measure: str, by: str, values: pd.Series) -> dict[tuple[str, str], float]:
    """{(measure, "by name"): value} for each group of a grouped result."""
    return {(measure, f"{by} {name}"): v for name, v in values.items()}


def _cases_per_day(f: pd.DataFrame, block: pd.Series, days: int
                   ) -> dict[tuple[str, str], float]:
    """Cases per day by type, by channel (where recorded) and by hour block."""
    channelled = f[f["channel"].fillna("") != ""]
    return {**_keyed("cases per day", "type", f.groupby("type").size() / days),
            **_keyed("cases per day", "channel", channelled.groupby("channel").size() / days),
            **_keyed("cases per day", "hours", f.groupby(block).size() / days)}


def _responses(f: pd.DataFrame, block: pd.Series) -> dict[tuple[str, str], float]:
    """Mean report → arrival minutes by type and by hour block."""
    response = f["t_arrive"] - f["t_report"]
    return {**_keyed("response min", "type", response.groupby(f["type"]).mean()),
            **_keyed("response min", "hours", response.groupby(block).mean())}


def _on_time(f: pd.DataFrame, block: pd.Series, targets: dict[str, float]
             ) -> dict[tuple[str, str], float]:
    """Share closed within the type's target by type and by hour block (types with one)."""
    sla = f["type"].map(targets)  # a case never closed counts as not on time
    ok = ((f["t_close"] - f["t_report"]) <= sla).where(sla.notna())
    return {**_keyed("closed on time", "type", ok.groupby(f["type"]).mean()),
            **_keyed("closed on time", "hours", ok.groupby(block).mean())}


def compare(log_values: dict, sim_values: list[dict]) -> pd.DataFrame:
    """One row per (measure, group): log, simulated mean, CI, prediction interval, verdict."""
    keys = sorted(set(log_values) | {k for v in sim_values for k in v})
    log_kinds = {(m, g.split(" ")[0]) for m, g in log_values}
    return pd.DataFrame([_compare_row(key, log_values, sim_values, log_kinds)
                         for key in keys])


def _compare_row(key: tuple[str, str], log_values: dict, sim_values: list[dict],
                 log_kinds: set[tuple[str, str]]) -> dict[str, object]:
    """Log value, simulated intervals and verdict of one (measure, group)."""
    # a replication without a case of a type had 0 cases per day (not an unknown), unless
    # the log has no such column at all (no channel recorded)
    fill = 0.0 if key[0] == "cases per day" else np.nan
    sims = np.array([v.get(key, fill) for v in sim_values], dtype=float)
    sims = sims[~np.isnan(sims)]
    recorded = (key[0], key[1].split(" ")[0]) in log_kinds
    log = log_values.get(key, fill if recorded else np.nan)
    return {"measure": key[0], "group": key[1], "log": log,
            **_clipped(_interval(sims), key[0]), "verdict": _verdict(log, sims)}


def _clipped(iv: dict[str, float], measure: str) -> dict[str, float]:
    """Interval bounds kept at or above 0 (and at most 1 for shares)."""
    upper = 1.0 if measure == "closed on time" else np.inf  # shares stay in [0, 1]
    iv.update({k: float(np.clip(iv[k], 0.0, upper)) for k in
               ("ci_low", "ci_high", "pi_low", "pi_high") if not np.isnan(iv[k])})
    return iv


def _interval(sims: np.ndarray) -> dict[str, float]:
    r = len(sims)
    mean = float(sims.mean()) if r else np.nan
    if r < 2:
        return {"sim_mean": mean, "ci_low": np.nan, "ci_high": np.nan, "pi_low": np.nan,
                "pi_high": np.nan, "reps": r}
    sd = float(sims.std(ddof=1))
    t = t_quantile(0.975, r - 1)
    return {"sim_mean": mean, "ci_low": mean - t * sd / math.sqrt(r),
            "ci_high": mean + t * sd / math.sqrt(r), "pi_low": mean - t * sd * math.sqrt(1 + 1 / r),
            "pi_high": mean + t * sd * math.sqrt(1 + 1 / r), "reps": r}


def _verdict(log: float, sims: np.ndarray) -> str:
    if math.isnan(log) or len(sims) < 2:
        return "not comparable"
    iv = _interval(sims)
    if iv["pi_low"] <= log <= iv["pi_high"]:
        return "agrees"
    return "log higher" if log > iv["pi_high"] else "log lower"


def run_backcast(scenario: Scenario, log: CaseLog, reps: int) -> pd.DataFrame:
    """Simulate ``reps`` replications of the period and compare with the log."""
    from sim.experiment.replication import run_replication

    scenario = _over_period(scenario, log)
    targets = {n: t.sla_min for n, t in scenario.incidents.items() if t.sla_min}
    log_values = measures(from_log(log), targets)
    sim_values = [measures(from_incidents(run_replication(scenario, r).incidents, log.days),
                           targets) for r in range(reps)]
    return compare(log_values, sim_values)


def _over_period(scenario: Scenario, log: CaseLog) -> Scenario:
    """The scenario over the log's period, after a burn-in of whole weeks."""
    from sim.scenario.loader import with_changes
    from sim.scenario.units import WEEKDAYS

    return with_changes(scenario, {"clock.days": log.days + BURN_IN_DAYS,
                                   "clock.start_weekday": WEEKDAYS[log.first_day.weekday()]})


def _fmt(v: float) -> str:
    return "—" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.3g}"


def backcast_markdown(table: pd.DataFrame, scenario_name: str, log: CaseLog, reps: int) -> str:
    bad = table[table["verdict"].isin(["log higher", "log lower"])]
    lines = _summary(table, len(bad), scenario_name, log, reps) + _disagreements(bad)
    for measure, part in table.groupby("measure", sort=False):
        lines += _measure_table(str(measure), part)
    return "\n".join(lines)


def _summary(table: pd.DataFrame, n_bad: int, scenario_name: str, log: CaseLog,
             reps: int) -> list[str]:
    """The heading, the period and method, and how many comparisons agree."""
    last = (log.first_day + pd.Timedelta(days=log.days - 1)).date()
    agree = int((table["verdict"] == "agrees").sum())
    other = len(table) - agree - n_bad
    return [f"# Back-cast of {scenario_name} against {log.path.name}", "",
            f"Period {log.first_day.date()} to {last} ({log.days} days), {len(log.frame)} cases "
            f"in the log, {reps} simulated replications. Response = report → arrival; "
            "closed on time = closed within the type's service target (sla_min) of the "
            "report. Hours are those of the report, in blocks of 4.", "",
            "The log is one realisation: it *agrees* when it lies in the simulation's 95 % "
            "prediction interval for one realisation (mean ± t·sd·√(1 + 1/R)).", "",
            f"**{agree} of {len(table)} comparisons agree, {n_bad} disagree**"
            + (f" ({other} not comparable: no value on one side)." if other else ".")
            + f" Even a perfect model disagrees on about 1 comparison in 20 by chance "
            f"(≈ {0.05 * (agree + n_bad):.0f} here); look for disagreements that are large "
            "or that line up (one type, one hour block, one measure).", ""]


def _disagreements(bad: pd.DataFrame) -> list[str]:
    """One line per comparison where the log is outside the prediction interval."""
    if not len(bad):
        return []
    return ["## Where they disagree", "",
            *[f"- {row['measure']}, {row['group']}: log {_fmt(row['log'])}, "
              f"simulated {_fmt(row['sim_mean'])} (95 % prediction "
              f"{_fmt(row['pi_low'])}–{_fmt(row['pi_high'])}): {row['verdict']}"
              for _, row in bad.iterrows()], ""]


def _measure_table(measure: str, part: pd.DataFrame) -> list[str]:
    """One measure's comparisons as a Markdown table."""
    return [f"## {measure}", "", "| group | log | simulated | 95 % CI | 95 % prediction "
            "| verdict |", "|---|---|---|---|---|---|",
            *[f"| {row['group']} | {_fmt(row['log'])} | {_fmt(row['sim_mean'])} | "
              f"{_fmt(row['ci_low'])}–{_fmt(row['ci_high'])} | "
              f"{_fmt(row['pi_low'])}–{_fmt(row['pi_high'])} | {row['verdict']} |"
              for _, row in part.iterrows()], ""]

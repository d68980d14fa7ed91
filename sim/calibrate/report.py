"""``calibration.md``: what was read, dropped and fitted, with observed vs fitted tables."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from sim.calibrate.checks import checks
from sim.calibrate.fit import DURATIONS, Calibration, TypeFit, sensitivity, type_total_interval
from sim.calibrate.handling import DistFit, spec_text
from sim.calibrate.logfile import CaseLog
from sim.calibrate.shrink import poisson_interval
from sim.scenario.units import WEEKDAYS

MAX_LISTED = 200
CHANNEL_COLUMNS = ("patrol", "camera", "complaint", "other")


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return out + [""]


def problems_section(log: CaseLog) -> list[str]:
    lines = ["## Rows with problems", ""]
    if not log.problems:
        return lines + ["None: every row was read.", ""]
    rows = [[p.line, p.column, p.value.replace("|", "/"), p.message.replace("|", "/"), p.action]
            for p in log.problems[:MAX_LISTED]]
    return lines + [_problem_counts(log), ""] + _table(
        ["line", "column", "value", "problem", "action"], rows)


def _problem_counts(log: CaseLog) -> str:
    """How many problems, rows dropped, and where they are all listed."""
    listed = f"; the first {MAX_LISTED} here." if len(log.problems) > MAX_LISTED else "."
    return (f"{len(log.problems)} problem(s) in {log.rows_read} rows; {log.dropped} row(s) "
            "dropped, the others kept with the field ignored. Every one is in "
            "`calibration_rows.csv`" + listed)


def problems_frame(log: CaseLog) -> pd.DataFrame:
    return pd.DataFrame([p.__dict__ for p in log.problems],
                        columns=["line", "column", "value", "message", "action"])


def summary_section(cal: Calibration) -> list[str]:
    rows = [_rate_row(fit, cal.log.days) for fit in cal.types.values()]
    return ["## Rates", "",
            "Occurrences per day in the district = cases ÷ e, with e the cases recorded per "
            "occurrence in the simulated district; the 95 % interval is Poisson on the count, "
            "widened by the simulation's uncertainty in e (binomial). The last column is the rate if the true detection share is "
            "20 % lower / 20 % higher than modelled.", "",
            *_table(["type", "cases", "cases/day", "e", "occurrences/day", "95 % CI",
                     "share −20 % / +20 %"], rows)]


def _rate_row(fit: TypeFit, days: int) -> list[object]:
    """A type's cases, e, occurrences per day, their interval and sensitivity."""
    low, high = type_total_interval(fit, days)
    s_low, s_high = sensitivity(fit)
    e = fit.n / days / fit.occurrence_per_day() if fit.occurrence_per_day() else float("nan")
    return [fit.name, fit.n, f"{fit.n / days:.2f}", f"{e:.2f}", f"{fit.occurrence_per_day():.2f}",
            f"{low:.2f}–{high:.2f}", f"{s_high:.2f} / {s_low:.2f}"]


def channel_section(cal: Calibration) -> list[str]:
    rows = [[fit.name, *[_channel_cell(fit, c) for c in CHANNEL_COLUMNS]]
            for fit in cal.types.values()]
    flags = [flag for fit in cal.types.values() if (flag := _patrol_flag(fit))]
    lines = ["## Channels: log / simulated district", "",
             "The channel mix checks the detection assumption: a patrol share far from the "
             "simulated one means the log period's deployment differs from the district "
             "scenario's, and the rates are off in the same direction as the patrol share "
             "(more patrol finds in the log → e too low → rates too high).", "",
             *_table(["type", *CHANNEL_COLUMNS], rows)]
    if flags:
        lines += ["**Check these**: " + "; ".join(flags) + ".", ""]
    return lines


def _log_share(fit: TypeFit, channel: str) -> float:
    """Share of the type's logged cases found by ``channel`` (NaN without channels)."""
    total = sum(fit.channels.values())
    return fit.channels.get(channel, 0) / total if total else float("nan")


def _channel_cell(fit: TypeFit, channel: str) -> str:
    """``log share / simulated share`` (— without a detection simulation)."""
    if not fit.sim_channels:  # no detection simulation
        return f"{_log_share(fit, channel):.2f} / —"
    return f"{_log_share(fit, channel):.2f} / {fit.sim_channels.get(channel, 0.0):.2f}"


def _patrol_flag(fit: TypeFit) -> str:
    """A warning when patrols find a share of the log's cases far from the simulated one
    (at least 30 cases with a channel; "" otherwise)."""
    if not fit.sim_channels or sum(fit.channels.values()) < 30:
        return ""
    log_share, sim_share = _log_share(fit, "patrol"), fit.sim_channels.get("patrol", 0.0)
    if abs(log_share - sim_share) <= 0.15:
        return ""
    return (f"{fit.name}: patrol finds {log_share:.0%} of the log's cases but "
            f"{sim_share:.0%} in the simulated district")


def type_section(cal: Calibration, fit: TypeFit) -> list[str]:
    return [f"## {fit.name}", "", *_fit_checks(cal, fit), *_by_hour(cal, fit),
            *_by_weekday(cal, fit), *_by_zone(cal, fit), *_handling(fit)]


def _fit_checks(cal: Calibration, fit: TypeFit) -> list[str]:
    rows = [[c.name, c.statistic, f"{c.p:.3f}" if np.isfinite(c.p) else "—", c.verdict]
            for c in checks(cal, fit)]
    return ["### Goodness of fit", "", *_table(["check", "statistic", "p", "verdict"], rows)]


def _by_hour(cal: Calibration, fit: TypeFit) -> list[str]:
    total_occ = fit.occurrence_per_day() * cal.log.days
    hour_occ = fit.hour_profile / fit.hour_profile.sum() * total_occ
    weak = (": **the occurrence hours are weakly determined by the log** (most cases "
            "are found hours later, e.g. by the next shift's patrol); the profile leans "
            "on the district's where the log is silent." if fit.weakly_timed else ".")
    lines = ["### By hour of day", "",
             "Cases by hour of report (log) and occurrences by hour (fitted, unfolded through "
             f"the simulated report delays). {fit.prompt:.0%} of this type's cases are "
             "reported within an hour of occurring in the simulated district" + weak, ""]
    return lines + _table(["hour", *[f"{h:02d}" for h in range(24)]],
                          [["cases", *[int(v) for v in fit.hour_counts]],
                           ["fitted occ.", *[f"{v:.0f}" for v in hour_occ]]])


def _by_weekday(cal: Calibration, fit: TypeFit) -> list[str]:
    per_day = np.divide(fit.dow_counts, cal.days_of_week, out=np.zeros(7),
                        where=cal.days_of_week > 0)
    occ_day = fit.occurrence_per_day()
    lines = ["### By weekday", "", "Cases per day of each weekday (log), the fitted weekday "
             "profile and the fitted occurrences per day.", ""]
    return lines + _table(["", *[w.capitalize() for w in WEEKDAYS]],
                          [["days in period", *[int(v) for v in cal.days_of_week]],
                           ["cases/day", *[f"{v:.1f}" for v in per_day]],
                           ["profile", *[f"{v:.2f}" for v in fit.dow_profile]],
                           ["fitted occ./day", *[f"{occ_day * v:.1f}" for v in fit.dow_profile]]])


def _by_zone(cal: Calibration, fit: TypeFit) -> list[str]:
    rows = [_zone_row(cal, fit, i) for i in range(len(cal.zone_ids))
            if fit.zone_counts[i] != 0 or fit.shrunk.rate[i] != 0]
    lines = ["### By zone", "", "Zones with cases or a fitted rate above 0. Fitted cases = rate "
             "× e × days; w = weight on the zone's own data (0: the kind's mean).", ""]
    return lines + _table(["zone", "kind", "cases", "fitted cases", "e", "w", "rate/day",
                           "95 % CI"], rows)


def _zone_row(cal: Calibration, fit: TypeFit, i: int) -> list[object]:
    s = fit.shrunk
    return [cal.zone_ids[i], cal.zone_kinds[i], int(fit.zone_counts[i]),
            f"{s.rate[i] * fit.expansion[i] * cal.log.days:.1f}", f"{fit.expansion[i]:.2f}",
            f"{s.weight[i]:.2f}", f"{s.rate[i]:.3f}", f"{s.low[i]:.3f}–{s.high[i]:.3f}"]


def _handling(fit: TypeFit) -> list[str]:
    rows = [_duration_row(label, fit.durations.get(label)) for label in DURATIONS]
    return ["### Handling times (minutes)", "",
            *_table(["interval", "n", "mean", "median", "best by AIC", "AIC"], rows)]


def _duration_row(label: str, d: DistFit | None) -> list[object]:
    if d is None:
        return [label, "fewer than 10 values", "", "", ""]
    return [label, d.n, f"{d.mean:.1f}", f"{d.median:.1f}", f"`{spec_text(d.spec)}`",
            ", ".join(f"{k} {v:.0f}" for k, v in d.aic.items())]


METHOD_NOTES = [
    "**Assumption.** The log holds detected cases only. Occurrences are estimated as cases "
    "÷ e, where e, the cases recorded per occurrence (recurrences included), comes from "
    "simulating the district scenario's detection model (patrol sight, cameras, complaint "
    "probabilities, self-clearing) and deployment over the log's period. If the district "
    "scenario does not describe the deployment of that period, the rates are off by the "
    "ratio of true to modelled detection share: see the ±20 % column and the channel check.",
    "",
    "**Zone rates** are empirical-Bayes (gamma–Poisson) estimates: each zone's rate is "
    "pulled toward its zone kind's mean with weight w on its own data, w = E/(E + β), E "
    "= days × e, β = kind mean ÷ between-zone variance (method of moments); w = 0 when the "
    "kind's zones differ no more than Poisson noise.", "",
    "**Handling times** (report → dispatch → arrival → closing) come from the timestamps; "
    "each is fitted by exponential, lognormal, uniform and triangular maximum likelihood "
    "and the smallest AIC is shown. They depend on the deployment, so they are reported "
    "here and compared by `sim backcast`, not written into the scenario.", "",
]


def calibration_markdown(cal: Calibration, scenario_file: str) -> str:
    lines = [*_header(cal, scenario_file), *METHOD_NOTES, *problems_section(cal.log),
             *summary_section(cal), *channel_section(cal)]
    for fit in cal.types.values():
        lines += type_section(cal, fit)
    return "\n".join(lines)


def _header(cal: Calibration, scenario_file: str) -> list[str]:
    """What was read, from which period, against which district, and what was written."""
    log = cal.log
    last = (log.first_day + pd.Timedelta(days=log.days - 1)).date()
    return [
        f"# Calibration from {log.path.name}", "",
        f"- log: `{log.path}` ({log.encoding}), period {log.first_day.date()} to {last} "
        f"({log.days} days)",
        f"- rows: {log.rows_read} read, {len(log.frame)} used, {log.dropped} dropped, "
        f"{log.outside_period} outside the period",
        f"- district: `{cal.district_path}`; " + (
            f"detection simulated with {cal.reps} replication(s) per round, three rounds"
            if cal.reps else "**no detection correction** (`--detection none`: e = 1, the "
            "log is taken as complete)"),
        *([f"- disabled (no case in the log): {', '.join(cal.absent)}"] if cal.absent else []),
        f"- written: `{scenario_file}`; figures in `calibration_figures/` (hours.png, "
        "weekdays.png, rates.png)", "",
    ]


__all__ = ["calibration_markdown", "poisson_interval", "problems_frame"]


def figure_frames(cal: Calibration) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Tidy frames for the figures: by hour, by weekday (per day), rates per type."""
    fits = list(cal.types.values())
    hours = [row for fit in fits for row in _hour_points(fit, cal.log.days)]
    weekdays = [row for fit in fits for row in _weekday_points(cal, fit)]
    rates = [_rate_point(fit, cal.log.days) for fit in fits]
    return pd.DataFrame(hours), pd.DataFrame(weekdays), pd.DataFrame(rates)


def _hour_points(fit: TypeFit, days: int) -> list[dict[str, object]]:
    """Cases and fitted occurrences in each hour of the day, over the period."""
    fitted = fit.hour_profile / fit.hour_profile.sum() * (fit.occurrence_per_day() * days)
    return [{"type": fit.name, "hour": h, "cases": fit.hour_counts[h], "fitted": fitted[h]}
            for h in range(24)]


def _weekday_points(cal: Calibration, fit: TypeFit) -> list[dict[str, object]]:
    """Cases and fitted occurrences per day of each weekday."""
    per_day = np.divide(fit.dow_counts, cal.days_of_week, out=np.zeros(7),
                        where=cal.days_of_week > 0)
    return [{"type": fit.name, "weekday": d, "cases": per_day[d],
             "fitted": fit.occurrence_per_day() * fit.dow_profile[d]} for d in range(7)]


def _rate_point(fit: TypeFit, days: int) -> dict[str, object]:
    """Cases and occurrences per day, with the interval and the sensitivity bounds."""
    low, high = type_total_interval(fit, days)
    s_low, s_high = sensitivity(fit)
    return {"type": fit.name, "cases_per_day": fit.n / days, "rate": fit.occurrence_per_day(),
            "low": low, "high": high, "sens_low": s_low, "sens_high": s_high}


def write_figures(cal: Calibration, folder) -> list:
    """PNG figures into ``folder``: hours, weekdays, rates."""
    from sim.plots.calibration import calibration_profiles, calibration_rates
    from sim.plots.export import save_figure

    hours, weekdays, rates = figure_frames(cal)
    written = save_figure(calibration_profiles(hours), folder / "hours", ("png",))
    written += save_figure(calibration_profiles(
        weekdays, "weekday", "Cases per day (log) and fitted occurrences per day, Monday = 0"),
        folder / "weekdays", ("png",))
    written += save_figure(calibration_rates(rates), folder / "rates", ("png",))
    return written

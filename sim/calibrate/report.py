"""``calibration.md``: what was read, dropped and fitted, with observed vs fitted tables."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.calibrate.checks import checks
from sim.calibrate.fit import DURATIONS, Calibration, TypeFit, sensitivity, type_total_interval
from sim.calibrate.handling import spec_text
from sim.calibrate.logfile import CaseLog
from sim.calibrate.shrink import poisson_interval
from sim.scenario.units import WEEKDAYS

MAX_LISTED = 200


def _table(header: list[str], rows: list[list[object]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return out + [""]


def problems_section(log: CaseLog) -> list[str]:
    lines = ["## Rows with problems", ""]
    if not log.problems:
        return lines + ["None: every row was read.", ""]
    lines.append(f"{len(log.problems)} problem(s) in {log.rows_read} rows; {log.dropped} row(s) "
                 "dropped, the others kept with the field ignored. Every one is in "
                 "`calibration_rows.csv`" + (f"; the first {MAX_LISTED} here." if
                                             len(log.problems) > MAX_LISTED else "."))
    lines.append("")
    rows = [[p.line, p.column, p.value.replace("|", "/"), p.message.replace("|", "/"), p.action]
            for p in log.problems[:MAX_LISTED]]
    return lines + _table(["line", "column", "value", "problem", "action"], rows)


def problems_frame(log: CaseLog) -> pd.DataFrame:
    return pd.DataFrame([p.__dict__ for p in log.problems],
                        columns=["line", "column", "value", "message", "action"])


def summary_section(cal: Calibration) -> list[str]:
    days = cal.log.days
    rows = []
    for fit in cal.types.values():
        low, high = type_total_interval(fit, days)
        s_low, s_high = sensitivity(fit)
        e = fit.n / days / fit.occurrence_per_day() if fit.occurrence_per_day() else float("nan")
        rows.append([fit.name, fit.n, f"{fit.n / days:.2f}", f"{e:.2f}",
                     f"{fit.occurrence_per_day():.2f}", f"{low:.2f}–{high:.2f}",
                     f"{s_high:.2f} / {s_low:.2f}"])
    return ["## Rates", "",
            "Occurrences per day in the district = cases ÷ e, with e the cases recorded per "
            "occurrence in the simulated district; the 95 % interval is Poisson on the count, "
            "widened by the simulation's uncertainty in e (binomial). The last column is the rate if the true detection share is "
            "20 % lower / 20 % higher than modelled.", "",
            *_table(["type", "cases", "cases/day", "e", "occurrences/day", "95 % CI",
                     "share −20 % / +20 %"], rows)]


def channel_section(cal: Calibration) -> list[str]:
    rows = []
    flags = []
    for fit in cal.types.values():
        total = sum(fit.channels.values())
        cells = [fit.name]
        for c in ("patrol", "camera", "complaint", "other"):
            log_share = fit.channels.get(c, 0) / total if total else float("nan")
            if not fit.sim_channels:  # no detection simulation
                cells.append(f"{log_share:.2f} / —")
                continue
            sim_share = fit.sim_channels.get(c, 0.0)
            cells.append(f"{log_share:.2f} / {sim_share:.2f}")
            if total >= 30 and c == "patrol" and abs(log_share - sim_share) > 0.15:
                flags.append(f"{fit.name}: patrol finds {log_share:.0%} of the log's cases but "
                             f"{sim_share:.0%} in the simulated district")
        rows.append(cells)
    lines = ["## Channels: log / simulated district", "",
             "The channel mix checks the detection assumption: a patrol share far from the "
             "simulated one means the log period's deployment differs from the district "
             "scenario's, and the rates are off in the same direction as the patrol share "
             "(more patrol finds in the log → e too low → rates too high).", "",
             *_table(["type", "patrol", "camera", "complaint", "other"], rows)]
    if flags:
        lines += ["**Check these**: " + "; ".join(flags) + ".", ""]
    return lines


def type_section(cal: Calibration, fit: TypeFit) -> list[str]:
    days = cal.log.days
    lines = [f"## {fit.name}", ""]
    lines += ["### Goodness of fit", ""]
    lines += _table(["check", "statistic", "p", "verdict"],
                    [[c.name, c.statistic, f"{c.p:.3f}" if np.isfinite(c.p) else "—", c.verdict]
                     for c in checks(cal, fit)])
    total_occ = fit.occurrence_per_day() * days
    hour_occ = fit.hour_profile / fit.hour_profile.sum() * total_occ
    lines += ["### By hour of day", "",
              "Cases by hour of report (log) and occurrences by hour (fitted, unfolded through "
              f"the simulated report delays). {fit.prompt:.0%} of this type's cases are "
              "reported within an hour of occurring in the simulated district" + (
                  ": **the occurrence hours are weakly determined by the log** (most cases "
                  "are found hours later, e.g. by the next shift's patrol); the profile leans "
                  "on the district's where the log is silent." if fit.weakly_timed else "."),
              ""]
    lines += _table(["hour", *[f"{h:02d}" for h in range(24)]],
                    [["cases", *[int(v) for v in fit.hour_counts]],
                     ["fitted occ.", *[f"{v:.0f}" for v in hour_occ]]])
    per_day = np.divide(fit.dow_counts, cal.days_of_week, out=np.zeros(7),
                        where=cal.days_of_week > 0)
    lines += ["### By weekday", "", "Cases per day of each weekday (log), the fitted weekday "
              "profile and the fitted occurrences per day.", ""]
    occ_day = fit.occurrence_per_day()
    lines += _table(["", *[w.capitalize() for w in WEEKDAYS]],
                    [["days in period", *[int(v) for v in cal.days_of_week]],
                     ["cases/day", *[f"{v:.1f}" for v in per_day]],
                     ["profile", *[f"{v:.2f}" for v in fit.dow_profile]],
                     ["fitted occ./day", *[f"{occ_day * v:.1f}" for v in fit.dow_profile]]])
    lines += ["### By zone", "", "Zones with cases or a fitted rate above 0. Fitted cases = rate "
              "× e × days; w = weight on the zone's own data (0: the kind's mean).", ""]
    rows = []
    for i, zone in enumerate(cal.zone_ids):
        if fit.zone_counts[i] == 0 and fit.shrunk.rate[i] == 0:
            continue
        rows.append([zone, cal.zone_kinds[i], int(fit.zone_counts[i]),
                     f"{fit.shrunk.rate[i] * fit.expansion[i] * days:.1f}",
                     f"{fit.expansion[i]:.2f}", f"{fit.shrunk.weight[i]:.2f}",
                     f"{fit.shrunk.rate[i]:.3f}",
                     f"{fit.shrunk.low[i]:.3f}–{fit.shrunk.high[i]:.3f}"])
    lines += _table(["zone", "kind", "cases", "fitted cases", "e", "w", "rate/day", "95 % CI"],
                    rows)
    lines += ["### Handling times (minutes)", ""]
    rows = []
    for label in DURATIONS:
        d = fit.durations.get(label)
        if d is None:
            rows.append([label, "fewer than 10 values", "", "", ""])
            continue
        rows.append([label, d.n, f"{d.mean:.1f}", f"{d.median:.1f}", f"`{spec_text(d.spec)}`",
                     ", ".join(f"{k} {v:.0f}" for k, v in d.aic.items())])
    lines += _table(["interval", "n", "mean", "median", "best by AIC", "AIC"], rows)
    return lines


def calibration_markdown(cal: Calibration, scenario_file: str) -> str:
    log = cal.log
    last = (log.start + pd.Timedelta(days=log.days - 1)).date()
    lines = [
        f"# Calibration from {log.path.name}", "",
        f"- log: `{log.path}` ({log.encoding}), period {log.start.date()} to {last} "
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
    lines += problems_section(log)
    lines += summary_section(cal)
    lines += channel_section(cal)
    for fit in cal.types.values():
        lines += type_section(cal, fit)
    return "\n".join(lines)


__all__ = ["calibration_markdown", "poisson_interval", "problems_frame"]


def figure_frames(cal: Calibration) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Tidy frames for the figures: by hour, by weekday (per day), rates per type."""
    hours, weekdays, rates = [], [], []
    days = cal.log.days
    for fit in cal.types.values():
        total = fit.occurrence_per_day() * days
        fitted = fit.hour_profile / fit.hour_profile.sum() * total
        hours += [{"type": fit.name, "hour": h, "cases": fit.hour_counts[h],
                   "fitted": fitted[h]} for h in range(24)]
        per_day = np.divide(fit.dow_counts, cal.days_of_week, out=np.zeros(7),
                            where=cal.days_of_week > 0)
        weekdays += [{"type": fit.name, "weekday": d, "cases": per_day[d],
                      "fitted": fit.occurrence_per_day() * fit.dow_profile[d]} for d in range(7)]
        low, high = type_total_interval(fit, days)
        s_low, s_high = sensitivity(fit)
        rates.append({"type": fit.name, "cases_per_day": fit.n / days,
                      "rate": fit.occurrence_per_day(), "low": low, "high": high,
                      "sens_low": s_low, "sens_high": s_high})
    return pd.DataFrame(hours), pd.DataFrame(weekdays), pd.DataFrame(rates)


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

"""Goodness-of-fit checks per type, each with a verdict in words.

* zones: χ² of the recorded cases per zone against the fitted ones (rate × e × days);
* hour × weekday: χ² of independence on six 4-hour blocks × 7 weekdays — the scenario has one
  hour profile for every weekday, so this tests that assumption;
* arrivals: the time-rescaling theorem — under an inhomogeneous Poisson process with the fitted
  intensity (weekday rate × hour share of the recorded cases), the integrated intensity between
  successive reports is Exp(1); a Kolmogorov–Smirnov test of those gaps. The intensity is
  fitted on the same reports, so the test is somewhat lenient.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.calibrate.fit import Calibration, TypeFit
from sim.calibrate.gof import chi2_sf, chi_square, ks_exponential

ALPHA = 0.05


@dataclass(frozen=True)
class Check:
    name: str
    statistic: str
    p: float
    verdict: str


def _verdict(p: float, good: str, bad: str) -> str:
    if not np.isfinite(p):
        return "too few cases to test"
    return good if p >= ALPHA else bad


def zone_check(cal: Calibration, fit: TypeFit) -> Check:
    expected = fit.shrunk.rate * fit.expansion * cal.log.days
    n_kinds = len(set(np.asarray(cal.zone_kinds)[expected > 0]))
    stat, df, p = chi_square(fit.zone_counts, expected, fitted_params=max(n_kinds - 1, 0))
    return Check("zones", f"χ² = {stat:.1f}, df = {df}", p, _verdict(
        p, "the zone counts agree with the fitted zone rates",
        "zones differ more than the fitted rates allow (look at the zone table)"))


def _block_weekday_table(reported: pd.Series) -> np.ndarray:
    """Reports per 4-hour block (rows) and weekday (columns), empty rows and columns left
    out."""
    table = np.zeros((6, 7))
    np.add.at(table, (reported.dt.hour.to_numpy() // 4, reported.dt.day_of_week.to_numpy()), 1)
    return table[table.sum(1) > 0][:, table.sum(0) > 0]


def hour_weekday_check(cal: Calibration, fit: TypeFit) -> Check:
    frame = cal.log.frame[cal.log.frame["type"] == fit.name]
    table = _block_weekday_table(frame["reported_at"])
    if min(table.shape) < 2:
        return Check("hour × weekday", "—", float("nan"), "too few cases to test")
    expected = np.outer(table.sum(1), table.sum(0)) / table.sum()
    stat = float(((table - expected) ** 2 / expected).sum())
    df = (table.shape[0] - 1) * (table.shape[1] - 1)
    p = chi2_sf(stat, df) if expected.min() >= 1 else float("nan")
    return Check("hour × weekday", f"χ² = {stat:.1f}, df = {df}", p, _verdict(
        p, "the daily pattern is the same on every weekday (one hour profile fits)",
        "the daily pattern differs between weekdays; one hour profile is an approximation"))


def rescaling_check(cal: Calibration, fit: TypeFit) -> Check:
    frame = cal.log.frame[cal.log.frame["type"] == fit.name]
    t = np.sort(cal.log.minutes("reported_at")[frame.index.to_numpy()])
    if len(t) < 20:
        return Check("arrivals", "—", float("nan"), "too few cases to test")
    lam = _integrated(_hourly_reports(cal, fit, len(t)), t)
    d, p = ks_exponential(np.diff(np.concatenate([[0.0], lam])))
    return Check("arrivals", f"KS D = {d:.3f}, n = {len(t)}", p, _verdict(
        p, "report times are consistent with a Poisson process with the fitted profiles",
        "report times are not Poisson with these profiles (clustered reports, a trend over "
        "the period, or a pattern the profiles miss)"))


def _hourly_reports(cal: Calibration, fit: TypeFit, n: int) -> np.ndarray:
    """Expected reports in each hour of the period (weekday rate × hour share), n in all."""
    weekday = (cal.log.first_day.weekday() + np.arange(cal.log.days)) % 7
    per_weekday = np.divide(fit.dow_counts, cal.days_of_week, out=np.zeros(7),
                            where=cal.days_of_week > 0)
    hour_w = fit.hour_counts / fit.hour_counts.sum()
    bins = (per_weekday[weekday][:, None] * hour_w[None, :]).reshape(-1)
    return bins / bins.sum() * n


def _integrated(bins: np.ndarray, t: np.ndarray) -> np.ndarray:
    """The integrated intensity at times ``t`` (minutes), piecewise constant per hour."""
    cum = np.concatenate([[0.0], np.cumsum(bins)])
    k = np.minimum((t // 60).astype(int), len(bins) - 1)
    return cum[k] + bins[k] * (t - 60 * k) / 60.0


def checks(cal: Calibration, fit: TypeFit) -> list[Check]:
    return [zone_check(cal, fit), hour_weekday_check(cal, fit), rescaling_check(cal, fit)]

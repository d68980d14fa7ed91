"""The calibrated scenario: a YAML file that ``extends:`` the district, one comment per value.

Only what the log determines is overridden: each fitted type's rates (per zone kind where the
kind's zones are pooled, per zone where a zone keeps weight on its own data), hour and weekday
profiles, the clock of the log's period, and the behavioural demand models whose types are now
fixed rates. Everything else (deployment, ladders, detection) is inherited.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from sim.calibrate.fit import Calibration, TypeFit

DIGITS = 4
MODELS_OFF = {  # demand model -> why the calibrated scenario switches it off
    "vendors": "the vendor type is fitted from the log as fixed rates (or is not in the log)",
    "parking": "parking and charging types are fitted from the log as fixed rates (or are not "
               "in the log)",
    "door_front": "contracts' thinning is already in the log's counts",
}


def fmt(value: float) -> str:
    """A rate with four significant digits (0 as 0)."""
    return "0" if value == 0 else f"{float(f'{value:.{DIGITS}g}'):g}"


def _profile(values: np.ndarray) -> str:
    return "[" + ", ".join(f"{v:.3f}".rstrip("0").rstrip(".") or "0" for v in values) + "]"


def _kind_lines(cal: Calibration, fit: TypeFit) -> tuple[list[str], list[str]]:
    """``rate_per_day`` lines (pooled kinds) and ``zone_rates`` lines (zones on own data)."""
    kinds = np.asarray(cal.zone_kinds)
    district_type = cal.district.incidents[fit.name]
    kind_lines: list[str] = []
    zone_lines: list[str] = []
    for kind in sorted(set(cal.zone_kinds) | set(district_type.rate_per_day)):
        idx = np.flatnonzero(kinds == kind)
        kind_lines.append(_kind_line(cal, fit, kind, idx))
        zone_lines += [_zone_line(cal, fit, int(i), fit.shrunk.prior_mean[idx][0]) for i in idx
                       if fit.shrunk.weight[i] > 0 or cal.zone_ids[i] in district_type.zone_rates]
    return kind_lines, zone_lines


def _kind_line(cal: Calibration, fit: TypeFit, kind: str, idx: np.ndarray) -> str:
    """A kind's pooled rate, with its cases, zones, e and how far its zones are pooled."""
    if len(idx) == 0:
        return f"      {kind}: 0{' ' * 10}# no zone of this kind"
    n = int(fit.zone_counts[idx].sum())
    e = float(np.mean(fit.expansion[idx]))
    own = fit.shrunk.weight[idx]
    how = ("fully pooled: zones differ no more than Poisson noise" if own.max() == 0
           else f"kind mean; {int((own > 0).sum())} zone(s) partly on own data below")
    return (f"      {kind}: {fmt(fit.shrunk.prior_mean[idx][0])}    # {n} cases in {len(idx)} "
            f"zone(s) over {cal.log.days} d, e = {e:.2f}; {how}")


def _zone_line(cal: Calibration, fit: TypeFit, i: int, pooled: float) -> str:
    """A zone's own rate, with its cases, e, weight on own data and interval (``pooled``:
    its kind's mean)."""
    s = fit.shrunk
    return (f"      {cal.zone_ids[i]}: {fmt(s.rate[i])}    # {int(fit.zone_counts[i])} "
            f"cases, e = {fit.expansion[i]:.2f}, weight on own data {s.weight[i]:.2f} (kind "
            f"mean {fmt(pooled)}); 95% {fmt(s.low[i])}-{fmt(s.high[i])}")


def type_block(cal: Calibration, fit: TypeFit) -> list[str]:
    kind_lines, zone_lines = _kind_lines(cal, fit)
    lines = [f"  {fit.name}:", "    enabled: true",
             "    rate_per_day:                 # occurrences per zone per day"]
    lines += kind_lines + (["    zone_rates:", *zone_lines] if zone_lines else [])
    lines.append(f"    # {fit.n} report times, corrected by the simulated occurrence ÷ report "
                 "ratio per hour / weekday")
    lines.append(f"    hour_profile: {_profile(fit.hour_profile)}")
    lines.append(f"    dow_profile: {_profile(fit.dow_profile)}")
    return lines


def demand_lines(cal: Calibration) -> list[str]:
    lines = [f"  {part}: {{enabled: false}}    # {why}" for part, why in MODELS_OFF.items()
             if f"demand.{part}.enabled" in cal.changes]
    return ["demand:", *lines] if lines else []


def calibrated_yaml(cal: Calibration, out: Path, name: str) -> str:
    """The calibrated scenario's text; ``extends:`` is relative to ``out``'s folder."""
    head = _head(cal, out, name)
    if cal.district.clock.warmup_days >= cal.log.days:
        head.append("  warmup_days: 0")
    return "\n".join(head + [""] + _incident_lines(cal)) + "\n"


def _head(cal: Calibration, out: Path, name: str) -> list[str]:
    """How the file was made, ``extends:``, name, description and the log's clock."""
    log = cal.log
    rel = os.path.relpath(Path(cal.district_path).resolve(), Path(out).resolve().parent)
    last = (log.first_day + np.timedelta64(log.days - 1, "D")).date()
    return [
        f"# Calibrated by `sim calibrate` from {log.path.name} ({log.encoding}), "
        f"{log.first_day.date()} to {last} ({log.days} days):",
        f"# {log.rows_read} rows read, {len(log.frame)} cases used, {log.dropped} rows dropped, "
        f"{log.outside_period} outside the period (see calibration.md).",
        "# Rates are occurrences per zone per day = cases ÷ (days × e), where e (recorded cases",
        "# per occurrence) is simulated with the district's detection model and deployment, then",
        "# shrunk toward the zone kind's mean (empirical Bayes, gamma-Poisson; weights below).",
        (f"# Assumption: {Path(cal.district_path).name} describes the log period's deployment "
         "and detection." if cal.reps else
         "# NO DETECTION CORRECTION (--detection none): e = 1, the log is taken as complete."),
        f"extends: {Path(rel).as_posix()}",
        "",
        f"name: {name}",
        f"description: Demand calibrated from the case log {log.path.name} ({log.first_day.date()} "
        f"to {last}).",
        "",
        "clock:",
        f"  days: {log.days}              # the log's period",
        f"  start_weekday: {cal.start_weekday}",
    ]


def _incident_lines(cal: Calibration) -> list[str]:
    """``demand:`` switches, then ``incidents:``: the fitted types, the absent ones off."""
    body = demand_lines(cal) + ["", "incidents:"]
    for fit in cal.types.values():
        body += type_block(cal, fit)
    return body + [f"  {name}: {{enabled: false}}    # no case in the log (--keep-unlogged "
                   "keeps the district's rates)" for name in cal.absent]

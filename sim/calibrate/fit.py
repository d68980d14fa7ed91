"""The fit: per incident type, zone rates, profiles, channel shares and handling times.

``calibrate`` runs the whole estimation: raw counts from the log, then three rounds of the
detection correction (:mod:`sim.calibrate.detection`) and the fit — empirical-Bayes zone
rates (:mod:`sim.calibrate.shrink`) on exposure = days × e per zone, unfolded profiles — each
round simulating with the previous round's rates and profiles, so that officer workload and
the timing of incidents against shifts in the simulation are those of the fit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.calibrate.detection import (
    Expansion,
    expansion,
    no_correction,
    simulate_cases,
    structure_changes,
    unfold,
)
from sim.calibrate.handling import DistFit, fit_duration
from sim.calibrate.logfile import CaseLog
from sim.calibrate.shrink import Shrunk, poisson_interval, shrink
from sim.scenario.model import Scenario
from sim.scenario.units import WEEKDAYS

SENSITIVITY = 0.2
PROMPT_ENOUGH = 0.5
HOUR_SMOOTHING = 0.5  # EMS: each hour mixed with its neighbours at every EM step
ROUNDS = 3  # simulate, fit, and simulate again with the fitted rates and profiles  # the detection share ± 20 %
DURATIONS = {
    "response": ("reported_at", "arrived_at"),
    "dispatch_wait": ("reported_at", "dispatched_at"),
    "travel": ("dispatched_at", "arrived_at"),
    "on_scene": ("arrived_at", "closed_at"),
}


@dataclass
class TypeFit:
    """Everything fitted for one incident type."""

    name: str
    zone_counts: np.ndarray
    shrunk: Shrunk
    expansion: np.ndarray
    hour_counts: np.ndarray
    dow_counts: np.ndarray
    hour_profile: np.ndarray
    dow_profile: np.ndarray
    channels: dict[str, int]
    sim_channels: dict[str, float]
    prompt: float
    sim_occurrences: int
    durations: dict[str, DistFit | None] = field(default_factory=dict)

    @property
    def weakly_timed(self) -> bool:
        """Most cases are reported more than an hour after they occur: the report hours say
        little about the occurrence hours (the profile then leans on the district's)."""
        return self.prompt < PROMPT_ENOUGH

    @property
    def n(self) -> int:
        return int(self.zone_counts.sum())

    def occurrence_per_day(self) -> float:
        return float(self.shrunk.rate.sum())


@dataclass
class Calibration:
    """The fit of a whole log against one district scenario."""

    log: CaseLog
    district_path: Path
    district: Scenario
    zone_ids: list[str]
    zone_kinds: list[str]
    types: dict[str, TypeFit]
    changes: dict[str, object]
    reps: int
    days_of_week: np.ndarray
    absent: list[str] = field(default_factory=list)

    @property
    def start_weekday(self) -> str:
        return WEEKDAYS[self.log.first_day.weekday()]


def counts_by_zone(frame: pd.DataFrame, name: str, zone_ids: list[str]) -> np.ndarray:
    pos = {z: i for i, z in enumerate(zone_ids)}
    zones = frame.loc[frame["type"] == name, "zone"].map(pos)
    return np.bincount(zones, minlength=len(zone_ids)).astype(float)


def weekday_days(start: pd.Timestamp, days: int) -> np.ndarray:
    """How many of each weekday (Monday first) the period holds."""
    return np.bincount((start.weekday() + np.arange(days)) % 7, minlength=7).astype(float)


def _normalise(values: np.ndarray, mean_one: bool = True) -> np.ndarray:
    total = values.sum()
    if total <= 0:
        return np.ones(len(values))
    return values / values.mean() if mean_one else values / total


def clean_profile(values: np.ndarray) -> np.ndarray:
    """Mean one, four decimals, weights below 0.001 of the mean set to 0 (the scenario
    language refuses weights between 0 and 1e-6, and such a weight means nothing)."""
    profile = _normalise(np.asarray(values, float))
    profile = np.where(profile < 1e-3, 0.0, np.round(profile, 4))
    return profile if profile.sum() > 0 else np.ones(len(profile))


Rates = dict[str, dict[str, float]]  # type -> zone -> occurrences per day
Profiles = dict[str, tuple[np.ndarray, np.ndarray]]  # type -> (hour, weekday) profiles


@dataclass
class _Inputs:
    """What every round of the fit works from: the district's zones and the log's counts."""

    district: Scenario
    zone_ids: list[str]
    kinds: list[str]
    types: list[str]
    absent: list[str]
    days: int
    counts: dict[str, np.ndarray]
    weekday: str
    dow_days: np.ndarray

    def changes(self, rates: Rates, profiles: Profiles | None) -> dict[str, object]:
        """The structure scenario's changes for these rates and profiles."""
        return structure_changes(self.district, self.types, rates, self.days, self.weekday,
                                 profiles, self.absent)

    def first_rates(self) -> Rates:
        """A first guess: each zone at its kind's mean recorded cases per day."""
        return {t: _pooled_raw(self.counts[t], self.kinds, self.days, self.zone_ids)
                for t in self.types}


def _inputs(log: CaseLog, district: Scenario, keep_unlogged: bool) -> _Inputs:
    """Zones and kinds of the district, the log's types and their counts by zone."""
    zones = district.district.all_zones()
    zone_ids, kinds = [z.id for z in zones], [str(z.kind) for z in zones]
    types = sorted(log.frame["type"].unique())
    absent = [] if keep_unlogged else _unlogged(district, types)
    counts = {t: counts_by_zone(log.frame, t, zone_ids) for t in types}
    start = log.first_day
    return _Inputs(district, zone_ids, kinds, types, absent, log.days, counts,
                   WEEKDAYS[start.weekday()], weekday_days(start, log.days))


def _unlogged(district: Scenario, types: list[str]) -> list[str]:
    """The district's enabled types without a case in the log."""
    return [t for t, spec in district.incidents.items() if spec.enabled and t not in types]


def calibrate(log: CaseLog, district_path: Path, reps: int = 2, correct: bool = True,
              keep_unlogged: bool = False) -> Calibration:
    """Fit every type the log holds; the district gives zones, kinds and detection.

    ``correct=False`` skips the detection correction (e = 1: the log is taken as complete).
    Catalog types with no case in the log are disabled unless ``keep_unlogged``."""
    from sim.scenario.loader import load_scenario

    inp = _inputs(log, load_scenario(district_path), keep_unlogged)
    fits, rates, profiles = _fit_rounds(log, inp, reps, correct)
    return Calibration(log, Path(district_path), inp.district, inp.zone_ids, inp.kinds, fits,
                       inp.changes(rates, profiles), reps if correct else 0, inp.dow_days,
                       inp.absent)


def _fit_rounds(log: CaseLog, inp: _Inputs, reps: int, correct: bool
                ) -> tuple[dict[str, TypeFit], Rates, Profiles | None]:
    """The fit, each round's structure simulated with the previous round's rates and
    profiles (one round, e = 1, without the detection correction)."""
    rates = inp.first_rates()
    profiles: Profiles | None = None
    fits: dict[str, TypeFit] = {}
    for _ in range(ROUNDS if correct else 1):
        exp = _expansion(inp, rates, profiles, reps) if correct else no_correction(
            inp.types, len(inp.zone_ids))
        fits = _fit_all(log, inp, exp)
        rates = {t: dict(zip(inp.zone_ids, f.shrunk.rate)) for t, f in fits.items()}
        profiles = {t: (f.hour_profile, f.dow_profile) for t, f in fits.items()}
    return fits, rates, profiles


def _fit_all(log: CaseLog, inp: _Inputs, exp: Expansion) -> dict[str, TypeFit]:
    """Every type fitted against one round's detection correction."""
    return {t: fit_type(log, t, inp.counts[t], inp.kinds, inp.days, exp, inp.dow_days,
                        inp.district) for t in inp.types}


def _expansion(inp: _Inputs, rates: Rates, profiles: Profiles | None, reps: int) -> Expansion:
    """Simulate the structure scenario of these rates and profiles; e and kernels from it."""
    from sim.scenario.loader import with_changes

    sim = simulate_cases(with_changes(inp.district, inp.changes(rates, profiles)), reps)
    return expansion(sim, inp.types, inp.zone_ids, inp.kinds, reps, inp.weekday, inp.days)


def _pooled_raw(counts: np.ndarray, kinds: list[str], days: int, zone_ids: list[str]
                ) -> dict[str, float]:
    """A first guess: each zone at its kind's mean recorded cases per day."""
    kinds_a = np.asarray(kinds)
    out = np.zeros(len(counts))
    for kind in np.unique(kinds_a):
        idx = kinds_a == kind
        out[idx] = counts[idx].sum() / idx.sum() / days
    return dict(zip(zone_ids, out))


def fit_type(log: CaseLog, name: str, counts: np.ndarray, kinds: list[str], days: int,
             exp: Expansion, dow_days: np.ndarray, district: Scenario | None = None) -> TypeFit:
    """Zone rates, unfolded profiles, channels and handling times of one type."""
    frame = log.frame[log.frame["type"] == name]
    e = exp.per_zone[name]
    reported = frame["reported_at"]
    hours = np.bincount(reported.dt.hour, minlength=24).astype(float)
    dows = np.bincount(reported.dt.day_of_week, minlength=7).astype(float)
    prior_hour, prior_dow = _priors(district, name)
    hour_profile = clean_profile(unfold(hours, exp.hour_kernel[name], prior_hour,
                                        smooth=HOUR_SMOOTHING))
    occ_days = unfold(dows, exp.dow_kernel[name], prior_dow * dow_days)
    dow_profile = clean_profile(np.divide(occ_days, dow_days, out=prior_dow.copy(),
                                          where=dow_days > 0))
    fit = TypeFit(name, counts, shrink(counts, days * e, np.asarray(kinds)), e, hours, dows,
                  hour_profile, dow_profile, _channels(frame), exp.sim_channels[name],
                  exp.prompt[name], exp.occurrences[name])
    fit.durations.update(_durations(frame))
    return fit


def _priors(district: Scenario | None, name: str) -> tuple[np.ndarray, np.ndarray]:
    """The district's hour and weekday profiles of the type (flat without a district)."""
    if district is None:
        return np.ones(24), np.ones(7)
    spec = district.incidents[name]
    return np.asarray(spec.hour_profile, float), np.asarray(spec.dow_profile, float)


def _channels(frame: pd.DataFrame) -> dict[str, int]:
    """Cases per detection channel (none without the column)."""
    counts = frame["channel"].value_counts().to_dict() if "channel" in frame else {}
    return {str(k): int(v) for k, v in counts.items() if k}


def _durations(frame: pd.DataFrame) -> dict[str, DistFit | None]:
    """The best fit of each handling interval both of whose times the log has."""
    return {label: fit_duration((frame[b] - frame[a]).dt.total_seconds().to_numpy() / 60.0)
            for label, (a, b) in DURATIONS.items() if a in frame and b in frame}


def type_total_interval(fit: TypeFit, days: int) -> tuple[float, float]:
    """95 % interval of the type's occurrences per day: Poisson (Garwood) on the count, widened
    by the binomial uncertainty of the simulated e, sd(ln e) ≈ √((1 − e) / (e · occurrences
    simulated))."""
    mean_e = fit.n / fit.occurrence_per_day() / days if fit.occurrence_per_day() > 0 else 1.0
    low, high = poisson_interval(fit.n)
    e = min(mean_e, 1.0)
    sd_log_e = math.sqrt((1 - e) / (e * fit.sim_occurrences)) if fit.sim_occurrences else 0.0
    widen = math.exp(1.959964 * sd_log_e)
    return low / days / mean_e / widen, high / days / mean_e * widen


def sensitivity(fit: TypeFit) -> tuple[float, float]:
    """Occurrences per day if the true detection share is 20 % higher / lower than modelled."""
    total = fit.occurrence_per_day()
    return total / (1 + SENSITIVITY), total / (1 - SENSITIVITY)

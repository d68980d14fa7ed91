"""sim: a discrete-event simulator of city-appearance enforcement deployment.

The public API (imports are lazy: ``import sim`` loads neither pandas, matplotlib nor dask)::

    import sim
    base = sim.load_scenario("scenarios/default.yaml", {"clock.days": 14})
    frames = sim.run(base, reps=5, jobs=2)              # tidy DataFrames
    result = sim.compare([base, other], reps=10)        # CRN comparison with CIs
    table = sim.sweep(base, {"units.foot.count": [8, 12, 16]}, reps=5)
    best = sim.select([base, other], "exposure_h_per_day", delta=20)   # KN++ guarantee
    roster = sim.staff(base, ["sla_attainment >= 0.65"], shift_hours=[8, 9])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:  # pragma: no cover
    from concurrent.futures import Executor

    import pandas as pd

    from sim.decide.select import Selection
    from sim.decide.staff import StaffResult
    from sim.experiment.compare import Comparison
    from sim.experiment.replication import Frames
    from sim.scenario.model import Scenario

__all__ = ["__version__", "compare", "load_scenario", "run", "select", "staff", "sweep"]


def _cache(cache_dir: Path | str | None) -> Any:
    if cache_dir is None:
        return None
    from sim.experiment.cache import ReplicationCache

    return ReplicationCache(Path(cache_dir))


def load_scenario(path: Path | str, overrides: Mapping[str, Any] | None = None) -> Scenario:
    """Load a scenario file (``extends:`` merged, dotted-path overrides applied, validated).

    Raises:
        ScenarioError: The file is missing or invalid (the message names file and field).
    """
    from sim.scenario.loader import load_scenario as _load

    return _load(path, dict(overrides or {}))


def run(
    scenario: Scenario,
    reps: int | None = None,
    jobs: int = 1,
    executor: Executor | None = None,
    cache_dir: Path | str | None = None,
    presence: bool = False,
    trace: Any = None,
) -> Frames:
    """Run ``reps`` replications (default: the scenario's) and stack their frames.

    ``frames.incidents``, ``.units``, ``.zones``, ``.coverage``, ``.summary`` and the
    tables in ``frames.extra`` (``by_type``, ``by_hour``, ...); with ``presence=True`` also
    ``frames.extra["presence"]``: one row per stay of an officer in a zone (unit_id, mode,
    zone, t_start, t_end in minutes, activity), the patrol record behind coverage.

    Args:
        scenario: The scenario.
        reps: Replications 0..reps-1.
        jobs: Local worker processes (1: in this process); ignored with ``executor``.
        executor: Any ``concurrent.futures`` executor, e.g. ``dask_client.get_executor()``.
        cache_dir: Reuse finished replications stored here and store new ones (not
            with ``presence`` or ``trace``, which are never cached).
        presence: Keep the presence frame (large over long runs).
        trace: Record the officers' movement trace (``frames.extra["trace"]``, used by
            ``sim replay``): True for every day, ``(first, last)`` for those days (from 0),
            or a :class:`sim.engine.trace.TraceSpec`. Off by default.

    Raises:
        ValueError: The traced days lie outside the run.
    """
    from sim.engine.trace import as_trace_spec
    from sim.experiment.runner import run as _run

    spec = as_trace_spec(trace, scenario.clock.days)
    return _run(scenario, reps, jobs, executor, cache=_cache(cache_dir), presence=presence,
                trace=spec)


def compare(
    scenarios: Sequence[Scenario],
    reps: int | None = None,
    jobs: int = 1,
    executor: Executor | None = None,
    cache_dir: Path | str | None = None,
    **options: Any,
) -> Comparison:
    """Compare scenarios (first = baseline) under common random numbers.

    Returns a :class:`~sim.experiment.compare.Comparison` with ``frames``, ``comparison``
    (mean, sd, 95 % CI per scenario and KPI) and ``differences`` (paired, with verdicts).
    ``options``: ``seed``, ``days``, ``precision``, ``max_reps``, ``warmup_mser``,
    ``batch_means``, ``level`` (see :func:`sim.experiment.compare.compare`).
    """
    from sim.experiment.compare import compare as _compare

    return _compare(scenarios, reps, jobs, executor, cache=_cache(cache_dir), **options)


def sweep(
    scenario: Scenario,
    vary: Mapping[str, list[Any]],
    reps: int | None = None,
    jobs: int = 1,
    executor: Executor | None = None,
    cache_dir: Path | str | None = None,
) -> pd.DataFrame:
    """Full-factorial sweep over dotted fields; one row per point x replication.

    Example: ``sim.sweep(s, {"units.foot.count": [8, 16], "dispatch.policy": ["nearest"]})``.

    Raises:
        SweepError: A point is not a valid scenario (nothing has run).
    """
    from sim.experiment.sweep import sweep as _sweep

    return _sweep(scenario, vary, reps, jobs, executor, cache=_cache(cache_dir))


def select(
    scenarios: Sequence[Scenario],
    measure: str,
    delta: float | None = None,
    pcs: float = 0.95,
    budget: int | None = None,
    jobs: int = 1,
    executor: Executor | None = None,
    cache_dir: Path | str | None = None,
    **options: Any,
) -> Selection:
    """The best scenario on ``measure`` under common random numbers, with a guarantee.

    With ``delta`` (and no ``budget``): KN++ — with probability ≥ ``pcs`` the selected
    scenario is within ``delta`` (the measure's unit) of the best. With ``budget``: OCBA
    spends that many replications in all and reports an approximate probability.
    ``options``: ``n0``, ``max_reps``, ``seed``, ``days`` (see
    :func:`sim.decide.select.select`). ``result.statement()`` is the sentence to forward.

    Raises:
        DecisionError: Unknown measure, a measure without a better direction, bad settings.
    """
    from sim.decide.select import select as _select

    return _select(scenarios, measure, delta, pcs, budget, jobs, executor,
                   cache=_cache(cache_dir), **options)


def staff(
    scenario: Scenario,
    targets: Sequence[str],
    shift_hours: Sequence[float] = (8.0,),
    starts: str = "00:00-23:00/60min",
    jobs: int = 1,
    executor: Executor | None = None,
    cache_dir: Path | str | None = None,
    **options: Any,
) -> StaffResult:
    """The fewest staff-hours per week whose measures meet every target.

    ``targets``: strings such as ``"sla_attainment >= 0.9"``. ``starts``: allowed shift
    starts, ``"HH:MM-HH:MM/STEPmin"``. ``options``: ``group`` (a name or a list: foot, car), ``week`` (auto, same, split),
    ``exhaustive``, ``refine``, ``reps``, ``max_reps``,
    ``confidence`` (see :func:`sim.decide.staff.staff`). ``result.chosen``,
    ``result.scenario``, ``result.candidates``, ``result.check``. Needs scipy
    (``pip install "chengguan-sim[decide]"``).

    Raises:
        DecisionError: A malformed target or one on an unknown or descriptive measure.
        ValueError: Settings that cannot work.
    """
    from sim.decide.staff import parse_starts
    from sim.decide.staff import staff as _staff
    from sim.decide.targets import parse_target

    parsed = [parse_target(t, [scenario]) for t in targets]
    return _staff(scenario, parsed, tuple(shift_hours), parse_starts(starts), jobs=jobs,
                  executor=executor, cache=_cache(cache_dir), **options)

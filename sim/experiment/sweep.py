"""Parameter sweeps: a full factorial over dotted scenario fields, one row per point x replication.

Every point keeps the scenario's seed, so points are compared under common random numbers.
All points are validated before anything runs.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Mapping
from concurrent.futures import Executor
from typing import Any, NamedTuple

import pandas as pd
import yaml

from sim.experiment.cache import ReplicationCache
from sim.experiment.executors import DoneHook, Task
from sim.experiment.replication import Frames
from sim.experiment.runner import RunOptions, run_replications
from sim.experiment.single import available
from sim.experiment.stats import summarise
from sim.metrics import registry
from sim.scenario.errors import ScenarioError
from sim.scenario.limits import over_limit
from sim.scenario.loader import with_changes
from sim.scenario.model import Scenario
from sim.scenario.yaml_reader import UniqueKeyLoader

SWEEP_KPIS = registry.names()
_FLOAT_TOL = 1e-9


class SweepError(ValueError):
    """A ``--vary`` that cannot be read or a sweep point that is not a valid scenario."""


def _scalar(text: str) -> Any:
    """One value read as YAML 1.2, exactly as in scenario files and ``--set`` (``17:00`` is
    text, ``010`` is ten; YAML 1.1 would make ``8:24`` the base-60 number 504)."""
    return yaml.load(text, Loader=UniqueKeyLoader)


def _number(text: str) -> int | float:
    """A number read as YAML 1.2 (ValueError if ``text`` is anything else)."""
    try:
        value = _scalar(text)
    except yaml.YAMLError:
        raise ValueError(text) from None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(text)
    return value


def _three_numbers(text: str) -> tuple[int | float, int | float, int | float]:
    """The three numbers of ``a:b:c`` (ValueError if it is anything else)."""
    parts = text.split(":")
    if len(parts) != 3:
        raise ValueError(text)
    return _number(parts[0]), _number(parts[1]), _number(parts[2])


def _range_numbers(text: str) -> tuple[int | float, int | float, int | float]:
    """Start, stop and step of ``a:b:step`` (stop >= start, step > 0)."""
    try:
        start, stop, step = _three_numbers(text)
    except ValueError:
        raise SweepError(f"range {text!r}: expected start:stop:step with numbers") from None
    if step <= 0 or stop < start:
        raise SweepError(f"range {text!r}: needs step > 0 and stop >= start")
    return start, stop, step


def _range_count(text: str, start: float, stop: float, step: float) -> int:
    """How many values the range holds (refused above the ``sweep_values`` limit)."""
    span = (stop - start) / step
    problem = over_limit("sweep_values", span + 1, f"range {text!r} has {{n}} values")
    if problem or not math.isfinite(span):
        raise SweepError(problem or f"range {text!r}: too many values")
    return int(math.floor(span + _FLOAT_TOL)) + 1


def parse_range(text: str) -> list[int | float]:
    """``a:b:step`` → a, a+step, ... up to b inclusive (integers if all three are)."""
    start, stop, step = _range_numbers(text)
    values = [start + i * step for i in range(_range_count(text, start, stop, step))]
    if all(isinstance(v, int) for v in (start, stop, step)):
        return values
    return [round(v, 12) for v in values]


class Vary(NamedTuple):
    """One ``--vary``: the dotted field and its values."""

    field: str
    values: list[Any]


def parse_vary(text: str) -> Vary:
    """``field.path=values`` → (field, values): a range ``a:b:step`` or a comma list.

    A range has exactly three parts, all numbers (no clock time has three). Anything else is
    a comma list whose items are read as YAML 1.2 scalars (``4``, ``0.5``, ``true``,
    ``nearest``, ``17:00`` as text); ``8:24`` is therefore the text "8:24", never a range
    nor a base-60 number, and a numeric field refuses it (see :func:`_point_problem`).
    """
    field, values = _field_and_values(text)
    if values.count(":") == 2 and "," not in values:
        return Vary(field, parse_range(values.strip()))
    return Vary(field, _value_list(field, values))


def _field_and_values(text: str) -> tuple[str, str]:
    """``field.path=values`` split at the first ``=`` (both parts required)."""
    field, sep, values = text.partition("=")
    field = field.strip()
    if not sep or not field or not values.strip():
        raise SweepError(f"--vary expects field.path=values, got {text!r}")
    return field, values


def _value_list(field: str, values: str) -> list[Any]:
    """The comma-separated plain scalars of ``--vary field=values``."""
    problem = over_limit("sweep_values", values.count(",") + 1, f"--vary {field} has {{n}} values")
    if problem:
        raise SweepError(problem)
    try:
        items = [_scalar(v.strip()) for v in values.split(",")]
    except yaml.YAMLError:
        raise SweepError(f"--vary {field}: cannot read the values {values!r}") from None
    if not all(map(_is_plain, items)):
        raise SweepError(f"--vary {field}: values must be plain scalars, got {values!r}")
    return items


def _is_plain(value: Any) -> bool:
    """A scalar: neither a mapping, a list, nor empty."""
    return value is not None and not isinstance(value, (dict, list))


def check_size(vary: Mapping[str, list[Any]], reps: int) -> None:
    """Refuse a factorial with more points, or points × replications, than the limits.

    Raises:
        SweepError: Names the --vary options and the limit (and its environment variable).
    """
    points = math.prod(len(values) for values in vary.values())
    problem = over_limit("sweep_points", points,
                         f"the sweep has {_sizes(vary)} = {{n}} points") or over_limit(
        "runs", points * reps, f"{points:,} points × {reps:,} replications = {{n}} runs")
    if problem:
        raise SweepError(f"--vary: {problem}")


def _sizes(vary: Mapping[str, list[Any]]) -> str:
    """``3 (units.foot.count) × 2 (dispatch.policy)``."""
    return " × ".join(f"{len(v)} ({field})" for field, v in vary.items())


def expand(vary: Mapping[str, list[Any]]) -> list[dict[str, Any]]:
    """The full factorial of ``vary``: one dict per point, the last field varying fastest."""
    fields = list(vary)
    return [dict(zip(fields, combo)) for combo in itertools.product(*vary.values())]


_COLON_PAIR = re.compile(r"^\s*[-+]?[0-9.]+\s*:\s*[-+]?[0-9.]+\s*$")


def _range_hint(point: dict[str, Any]) -> str:
    """A hint when a value such as ``8:24`` (text) was probably meant as a range."""
    pairs = [v for v in point.values() if isinstance(v, str) and _COLON_PAIR.match(v)]
    if not pairs:
        return ""
    return (f" ({pairs[0]!r} is read as text, a clock time; a range of numbers is "
            "start:stop:step, e.g. 8:24:4, and a list is 8,12,16)")


def _point_problem(point: dict[str, Any], exc: Exception) -> str:
    """What is wrong with a sweep point: the scenario's problems, or a bad field path."""
    shown = ", ".join(f"{k}={v!r}" for k, v in point.items())
    return f"sweep point {shown}: {_detail(exc)}{_range_hint(point)}"


def _detail(exc: Exception) -> str:
    """The problems a ScenarioError lists (``field: message``), else a bad field path."""
    if isinstance(exc, ScenarioError) and exc.problems:
        return "; ".join(f"{f}: {m}" if f else m for f, m in exc.problems)
    return f"not a valid field path ({exc})"


def sweep_scenarios(scenario: Scenario, vary: Mapping[str, list[Any]]) -> list[Scenario]:
    """One validated scenario per point, in ``expand`` order.

    Raises:
        SweepError: A point is not a valid scenario (names the fields and values).
    """
    out = []
    for point in expand(vary):
        try:
            out.append(with_changes(scenario, point))
        except (ScenarioError, ValueError, IndexError, TypeError, AttributeError) as exc:
            raise SweepError(_point_problem(point, exc)) from None
    return out


def sweep_table(
    points: list[dict[str, Any]], summaries: list[pd.DataFrame], kpis: list[str] = SWEEP_KPIS
) -> pd.DataFrame:
    """Tidy table: point, varied fields (dotted names), replication, seed, KPIs."""
    rows = []
    for i, (point, summary) in enumerate(zip(points, summaries)):
        base = summary[["scenario", "replication", "seed", *available(kpis, summary)]].drop(
            columns=list(point), errors="ignore")
        for j, (field, value) in enumerate(point.items()):
            base.insert(j, field, value)
        base.insert(0, "point", i)
        rows.append(base)
    return pd.concat(rows, ignore_index=True)


def sweep_summary(table: pd.DataFrame, kpis: list[str] = SWEEP_KPIS,
                  level: float = 0.95) -> pd.DataFrame:
    """Mean, sd and t CI of every KPI per sweep point (varied fields kept as columns)."""
    return summarise(table, by=["point", *varied_columns(table)], kpis=available(kpis, table),
                     level=level)


def varied_columns(table: pd.DataFrame) -> list[str]:
    """The varied fields of a sweep table: the columns between ``point`` and ``scenario``."""
    columns = list(table.columns)
    return columns[columns.index("point") + 1:columns.index("scenario")]


def sweep(
    scenario: Scenario,
    vary: Mapping[str, list[Any]],
    reps: int | None = None,
    jobs: int = 1,
    executor: Executor | None = None,
    *,
    cache: ReplicationCache | None = None,
    on_done: DoneHook | None = None,
) -> pd.DataFrame:
    """Run every point of the full factorial ``vary`` and return the tidy table.

    Args:
        scenario: The scenario every point starts from.
        vary: Dotted field → values, e.g. ``{"units.foot.count": [4, 8, 12]}``.
        reps: Replications per point (default: the scenario's ``replications``).
        jobs: Local worker processes (1: in this process); ignored with ``executor``.
        executor: Any ``concurrent.futures`` executor (e.g. a Dask client's).
        cache: Reuse finished replications and store new ones.
        on_done: Progress hook (see ``executors.execute``).

    Returns:
        One row per point x replication: ``point``, the varied fields, ``scenario``,
        ``replication``, ``seed`` and the KPI columns (``staff_hours_per_week`` included).

    Raises:
        SweepError: A point is not a valid scenario; nothing has run then.
    """
    scenarios = sweep_scenarios(scenario, vary)
    n = reps or scenario.replications
    tasks = [Task(s, r) for s in scenarios for r in range(n)]
    results = run_replications(tasks, RunOptions(jobs, executor, cache, on_done))
    return sweep_table(expand(vary), _summaries(results, n))


def _summaries(results: list[Frames], n: int) -> list[pd.DataFrame]:
    """The summary frames of each point (``n`` consecutive results), stacked."""
    return [pd.concat([f.summary for f in results[i:i + n]], ignore_index=True)
            for i in range(0, len(results), n)]

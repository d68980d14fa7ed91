"""The decision tools run their replications the one way every experiment does: through
``sim.experiment.runner`` (``RunOptions`` + ``runner()`` / ``Runner.run``), never on an
executor of their own.

A spy stands in for the runner's pool (it records the ``jobs`` asked for and runs the
tasks in this process), any other pool fails, and every replication computed must have gone through
``Runner.run``. Checked by injection: with ``select``, ``staff`` and ``propose`` opening
their own pools and calling ``execute`` (as before the runner), every test here fails.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

import sim
from sim.cli import main
from sim.decide.staff import FRESH_SEED_OFFSET
from sim.experiment import executors
from sim.experiment import runner as runner_module
from sim.scenario.model import Scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"

TINY = {
    "name": "tiny", "seed": 5,
    "clock": {"days": 3, "warmup_days": 1},
    "district": {"grid": {"rows": 2, "cols": 2, "cell_m": 250}},
    "incidents": {"pile": {"rate_per_day": {"residential": 12}, "sla_min": 120,
                           "self_clear": {"kind": "lognormal", "mean": 600, "sd": 300},
                           "ladder": [{"name": "remove", "duration": 20}]}},
    "units": {"foot": {"count": 2, "shifts": [{"start": "08:00", "end": "16:00"}]}},
}


class InProcess(Executor):
    """An executor that runs each task at once, in this process (the spy's pool)."""

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        future.set_result(fn(*args, **kwargs))
        return future


@dataclass
class Record:
    """Pools the runner asked for (their ``jobs``), tasks passed to ``Runner.run``, and
    replications computed (scenario name, seed, replication)."""

    pools: list[int] = field(default_factory=list)
    routed: set[tuple[str, int, int]] = field(default_factory=set)
    computed: list[tuple[str, int, int]] = field(default_factory=list)

    def pools_opened(self) -> list[int]:
        """The pools of local workers asked for (``jobs > 1``)."""
        return [j for j in self.pools if j > 1]


def _key(scenario: Any, replication: int) -> tuple[str, int, int]:
    return scenario.name, scenario.seed, replication


@pytest.fixture()
def record(monkeypatch: pytest.MonkeyPatch) -> Record:
    """Spy on the runner's pool and ``Runner.run``; any other pool fails the test."""
    rec = Record()
    run, replicate = runner_module.Runner.run, executors.run_replication

    @contextlib.contextmanager
    def spy_pool(jobs: int = 1, scheduler: str | None = None) -> Iterator[Executor | None]:
        rec.pools.append(jobs)
        yield InProcess() if jobs > 1 else None  # as make_executor, but seen below

    def own_pool(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("an executor opened outside the runner")

    def spy_run(self: Any, tasks: Any) -> Any:
        rec.routed.update(_key(*executors.Task(*t)[:2]) for t in tasks)
        return run(self, tasks)

    def spy_replicate(scenario: Any, replication: int, *args: Any, **kwargs: Any) -> Any:
        rec.computed.append(_key(scenario, replication))
        return replicate(scenario, replication, *args, **kwargs)

    monkeypatch.setattr(runner_module, "make_executor", spy_pool)
    monkeypatch.setattr(executors, "make_executor", own_pool)
    monkeypatch.setattr(runner_module.Runner, "run", spy_run)
    monkeypatch.setattr(executors, "run_replication", spy_replicate)
    return rec


def _through_the_runner(rec: Record) -> None:
    """One pool of two workers, opened by the runner; every replication went through it."""
    assert rec.pools_opened() == [2]
    assert rec.computed and set(rec.computed) <= rec.routed


def _tiny(folder: Path, name: str, count: int) -> Scenario:
    """A small scenario file with ``count`` officers, loaded."""
    data = {**TINY, "name": name, "units": {"foot": {**TINY["units"]["foot"], "count": count}}}
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return sim.load_scenario(path)


@pytest.mark.parametrize("goal", [{"delta": 0.05}, {"budget": 12}], ids=["KN++", "OCBA"])
def test_select_runs_through_the_runner(tmp_path: Path, record: Record, goal: dict) -> None:
    scenarios = [_tiny(tmp_path, "one", 1), _tiny(tmp_path, "three", 3)]
    result = sim.select(scenarios, "sla_attainment", jobs=2, n0=4, max_reps=6, **goal)
    _through_the_runner(record)
    assert len(record.computed) == result.table["reps"].sum()


def test_staff_runs_through_the_runner(tmp_path: Path, record: Record) -> None:
    scenario = _tiny(tmp_path, "tiny", 2)
    result = sim.staff(scenario, ["sla_attainment >= 0.5"], starts="00:00-16:00/480min",
                       jobs=2, reps=2, max_reps=2, exhaustive=0)
    _through_the_runner(record)
    assert result.check is not None  # the fresh-seed check ran through it too:
    assert scenario.seed + FRESH_SEED_OFFSET in {seed for _, seed, _ in record.routed}


def test_cli_select_and_staff_open_no_pool_of_their_own(tmp_path: Path, record: Record,
                                                         capsys: pytest.CaptureFixture) -> None:
    _tiny(tmp_path, "one", 1), _tiny(tmp_path, "three", 3)
    files = [str(tmp_path / f"{n}.yaml") for n in ("one", "three")]
    assert main(["select", *files, "--measure", "sla_attainment", "--budget", "10",
                 "--n0", "4", "--jobs", "2", "--no-cache", "-o", str(tmp_path / "s")]) == 0
    _through_the_runner(record)
    record.pools.clear()
    assert main(["staff", files[0], "--target", "sla_attainment >= 0.5", "--starts",
                 "00:00-16:00/480min", "--reps", "2", "--max-reps", "2", "--exhaustive", "0",
                 "--jobs", "2", "--no-cache", "--no-plots", "-o", str(tmp_path / "f")]) == 0
    _through_the_runner(record)


def test_shifts_propose_runs_baseline_and_check_on_one_runner(tmp_path: Path, record: Record,
                                                             capsys: pytest.CaptureFixture
                                                             ) -> None:
    assert main(["shifts", "propose", str(SCENARIOS / "default.yaml"), "--officers", "8",
                 "--shift-hours", "8", "--days", "7", "--reps", "2", "--jobs", "2",
                 "--no-cache", "--no-plots", "-o", str(tmp_path / "p")]) == 0
    _through_the_runner(record)
    names = {name for name, _, _ in record.computed}
    assert names == {"default", "default_proposal"}  # the baseline once (cached), then the
    assert len(record.computed) == 4                  # proposal: 2 + 2 replications

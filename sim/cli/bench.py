"""`sim bench`: run the performance benchmark and print its figures (last line: JSON)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from sim.cli.common import Subparsers, add_command, arg


def cmd_bench(args: argparse.Namespace) -> int:
    """``sim bench``: run the benchmark scenario, print its figures, then them as JSON."""
    from sim.experiment.bench import run_bench

    scenario = _bench_scenario(args)
    result = run_bench(scenario)
    _print_bench(scenario.name, result)
    print(json.dumps(result))
    return 0


def _bench_scenario(args: argparse.Namespace) -> Any:
    """The benchmark scenario (``--scenario``, else the shipped one), ``--days`` long."""
    from sim.cli.common import UsageError
    from sim.experiment.bench import BENCH_SCENARIO
    from sim.scenario.loader import load_scenario

    path = Path(args.scenario) if args.scenario else BENCH_SCENARIO
    if not path.exists():
        raise UsageError(f"benchmark scenario {path} not found (run from the repository root)")
    overrides = {"clock.days": args.days, "clock.warmup_days": 0} if args.days else {}
    return load_scenario(path, overrides)


def _print_bench(name: str, result: dict[str, Any]) -> None:
    """Speed against plain SimPy and peak memory, with a note for short runs."""
    print(
        f"{name}: {result['days']} days, {result['incidents']:,} incidents in "
        f"{result['wall_s']:.2f} s ({result['incidents_per_s']:,.0f} incidents/s); "
        f"plain SimPy M/M/c with as many customers: {result['baseline_wall_s']:.2f} s; "
        f"ratio {result['ratio']:.2f} (SimPy run alone {result['simulate_ratio']:.2f}); "
        f"peak memory {result['peak_rss_mb']:.0f} MB"
    )
    if result["days"] < 30:
        print(
            "note: runs this short are dominated by fixed costs (layout, frames, pandas); "
            "the benchmark's targets are for the default 365 days"
        )


BENCH_ARGUMENTS = (
    arg("--days", type=int, help="simulate this many days (default: 365)"),
    arg("--scenario", help="benchmark scenario (default scenarios/bench_city_year.yaml)"),
)


def add_bench_command(sub: Subparsers) -> None:
    """Register `sim bench`."""
    add_command(sub, "bench", BENCH_ARGUMENTS, cmd_bench,
                "run the performance benchmark (last line is JSON)")

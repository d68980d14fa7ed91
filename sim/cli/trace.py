"""`sim run --trace`: the options that record the officers' movement trace for `sim replay`."""

from __future__ import annotations

import argparse
import re
from typing import Any

from sim.cli.common import UsageError, add_arguments, arg

_DAYS = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$")


TRACE_OPTIONS = (
    arg("--trace", action="store_true",
        help="record every officer's legs (trace.csv, for `sim replay`); "
        "at most 1,000,000 legs per replication"),
    arg("--trace-days", metavar="FIRST[-LAST]",
        help="record the trace of these days only (from 0; implies --trace)"),
)


def add_trace_options(p: argparse.ArgumentParser) -> None:
    """--trace and --trace-days."""
    add_arguments(p, TRACE_OPTIONS)


def trace_spec(args: argparse.Namespace, days: int) -> Any:
    """The TraceSpec the options ask for (None: no trace), checked against the run's days."""
    text = getattr(args, "trace_days", None)
    if text is None and not getattr(args, "trace", False):
        return None
    from sim.engine.trace import TraceSpec

    if text is None:
        return TraceSpec()
    spec = TraceSpec(*_day_range(text))
    problem = spec.problem(days)
    if problem:
        raise UsageError(f"--trace-days {text}: {problem}")
    return spec


def _day_range(text: str) -> tuple[int, int]:
    """``--trace-days FIRST[-LAST]`` → (first, last)."""
    match = _DAYS.match(text)
    if match is None:
        raise UsageError(f"--trace-days expects FIRST or FIRST-LAST (days from 0), got {text!r}")
    first = int(match[1])
    return first, int(match[2]) if match[2] else first


def trace_warnings(frames: Any) -> list[str]:
    """A warning per replication whose trace the cap cut short."""
    info = frames.extra.get("trace_info")
    if info is None:
        return []
    cut = info[info["t_cut"].notna()]
    return [
        f"replication {int(r.replication)}: the trace stopped at day {int(r.t_cut // 1440)} "
        f"{int(r.t_cut % 1440 // 60):02d}:{int(r.t_cut % 60):02d} (the cap of "
        f"{int(r.max_legs):,} legs); record fewer days with --trace-days"
        for r in cut.itertuples()
    ]

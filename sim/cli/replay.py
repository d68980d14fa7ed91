"""`sim replay`: animate one day of a traced run (officers moving, incidents by state)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.cli.common import Subparsers, add_command, arg, as_usage_error


def cmd_replay(args: argparse.Namespace) -> int:
    from sim.replay import ReplayError, replay

    with as_usage_error(ReplayError):
        result = replay(Path(args.results), args.day, args.replication, args.out,
                        fps=args.fps, step_min=args.step_min)
    for warning in result.warnings:
        print(f"sim: warning: {warning}", file=sys.stderr)
    print(f"day {args.day}, replication {args.replication}: {result.frames} frames → "
          f"{result.path}")
    return 0


REPLAY_ARGUMENTS = (
    arg("results", metavar="RESULTS_DIR", help="results folder of `sim run --trace`"),
    arg("--day", type=int, required=True, help="the day to replay (from 0)"),
    arg("--replication", type=int, default=0, help="replication (default 0)"),
    arg("--out", help="file to write: .html (default "
        "RESULTS_DIR/replay/day<N>-rep<R>.html), .gif, or .mp4 (needs ffmpeg)"),
    arg("--fps", type=int, default=8, help="frames per second (default 8)"),
    arg("--step-min", type=float, default=10.0,
        help="simulated minutes between frames (default 10: 144 frames)"),
)


def add_replay_command(sub: Subparsers) -> None:
    """Register `sim replay`."""
    add_command(sub, "replay", REPLAY_ARGUMENTS, cmd_replay,
                "animate one day of a run recorded with --trace (HTML, GIF or MP4)")

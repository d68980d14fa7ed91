"""`sim replay`: animate one day of a traced run (officers moving, incidents by state)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.cli.common import UsageError


def cmd_replay(args: argparse.Namespace) -> int:
    from sim.replay import ReplayError, replay

    try:
        result = replay(Path(args.results), args.day, args.replication, args.out,
                        fps=args.fps, step_min=args.step_min)
    except ReplayError as exc:
        raise UsageError(str(exc)) from None
    for warning in result.warnings:
        print(f"sim: warning: {warning}", file=sys.stderr)
    print(f"day {args.day}, replication {args.replication}: {result.frames} frames → "
          f"{result.path}")
    return 0


def add_replay_command(sub: argparse._SubParsersAction) -> None:
    """Register `sim replay`."""
    p = sub.add_parser("replay", help="animate one day of a run recorded with --trace "
                       "(HTML, GIF or MP4)")
    p.add_argument("results", metavar="RESULTS_DIR", help="results folder of `sim run --trace`")
    p.add_argument("--day", type=int, required=True, help="the day to replay (from 0)")
    p.add_argument("--replication", type=int, default=0, help="replication (default 0)")
    p.add_argument("--out", help="file to write: .html (default "
                   "RESULTS_DIR/replay/day<N>-rep<R>.html), .gif, or .mp4 (needs ffmpeg)")
    p.add_argument("--fps", type=int, default=8, help="frames per second (default 8)")
    p.add_argument("--step-min", type=float, default=10.0,
                   help="simulated minutes between frames (default 10: 144 frames)")
    p.set_defaults(func=cmd_replay)

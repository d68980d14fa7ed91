"""A day replayed: officers moving and incidents changing state on the district map,
from a results folder of `sim run --trace` (see docs/replay.md).

    from sim.replay import replay
    result = replay("results/default", day=3)          # results/default/replay/day3-rep0.html
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sim.replay.data import ReplayError, load_day

__all__ = ["ReplayError", "ReplayResult", "replay"]

NOTE = (
    "One simulated day. Officers (marker: mode; colour: what they are doing) move along "
    "their recorded legs, from zone centre to zone centre through the zones on the way; "
    "incidents (crosses) are coloured by their state: unnoticed, reported, an officer "
    "dispatched, on scene, a rectification notice given, ended (faded, for 30 minutes)."
)


@dataclass
class ReplayResult:
    """Where the replay went, how many frames it has, and what the reader should know."""

    path: Path
    frames: int
    warnings: list[str]


def default_output(folder: Path, day: int, replication: int) -> Path:
    return folder / "replay" / f"day{day}-rep{replication}.html"


def check_options(step_min: float, fps: int) -> None:
    if not 0 < step_min <= 1440:
        raise ReplayError(f"--step-min must be above 0 and at most 1440, got {step_min:g}")
    if not 1 <= fps <= 60:
        raise ReplayError(f"--fps must be 1 to 60 frames per second, got {fps}")


def replay(
    folder: Path | str, day: int, replication: int = 0, out: Path | str | None = None,
    fps: int = 8, step_min: float = 10.0,
) -> ReplayResult:
    """Animate ``day`` (from 0) of ``replication`` of a traced run; write HTML, GIF or MP4.

    Args:
        folder: A results folder of ``sim run --trace``.
        out: File to write (``.html``, ``.gif``, ``.mp4``); default
            ``<folder>/replay/day<N>-rep<R>.html``.
        fps: Frames per second when played.
        step_min: Simulated minutes between frames (1440 / step_min frames).

    Raises:
        ReplayError: no such folder, no trace, day or replication outside the results, an
            unknown output format, MP4 without ffmpeg.
    """
    from sim.plots.replay import replay_animation
    from sim.replay.export import check_format, save
    from sim.replay.manifest import register
    from sim.replay.scene import build_scene

    folder = Path(folder)
    check_options(step_min, fps)
    target = Path(out) if out is not None else default_output(folder, day, replication)
    check_format(target)
    data = load_day(folder, day, replication)
    scene = build_scene(data, step_min)
    anim = replay_animation(scene, fps)
    save(anim, target, fps, scene.title, NOTE)
    register(folder, target)
    return ReplayResult(target, len(scene.clocks), data.warnings)

"""A replay's scene: frame times, officer positions, incident states and the clock."""

from __future__ import annotations

import numpy as np

from sim.plots.replay import Scene, cell_size
from sim.replay.data import DAY_MIN, ReplayData
from sim.replay.motion import motion, positions
from sim.replay.states import scatter_offsets, states_at
from sim.scenario.units import WEEKDAYS

WEEKDAY_NAMES = dict(zip(WEEKDAYS, ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")))


def frame_times(day: int, step_min: float) -> np.ndarray:
    """Frame times through the day: its midnight, then every ``step_min`` minutes."""
    return day * DAY_MIN + np.arange(0.0, DAY_MIN, step_min)


def clock_label(t: float, start_weekday: str) -> str:
    """``Wed · day 2 · 08:40`` for minute ``t`` of a run starting on ``start_weekday``."""
    day = int(t // DAY_MIN)
    weekday = WEEKDAYS[(WEEKDAYS.index(start_weekday) + day) % 7]
    minute = int(round(t - day * DAY_MIN))
    return f"{WEEKDAY_NAMES[weekday]} · day {day} · {minute // 60:02d}:{minute % 60:02d}"


def incident_positions(data: ReplayData, side: float) -> np.ndarray:
    """Each incident at its zone's centre, spread within the zone's square."""
    index = positions(list(data.layout.zone_ids))
    centre = data.layout.xy[[index[z] for z in data.incidents["zone"]]].reshape(-1, 2)
    return centre + scatter_offsets(data.incidents["incident_id"].to_numpy(), 0.4 * side)


def zone_kinds(data: ReplayData) -> list[str]:
    """Each zone's kind, in the layout's zone order."""
    kinds = {z.id: z.kind for z in data.scenario.district.all_zones()}
    return [kinds[z] for z in data.layout.zone_ids]


def build_scene(data: ReplayData, step_min: float) -> Scene:
    """Everything the animation of ``data``'s day draws, one frame per ``step_min``."""
    layout = data.layout
    times = frame_times(data.day, step_min)
    moves = motion(data.legs, times, layout.xy, list(layout.zone_ids), data.facts.path)
    states = np.array([states_at(data.incidents, t) for t in times], dtype=int)
    return Scene(
        title=f"{data.scenario.name}: day {data.day}, replication {data.replication}",
        zone_ids=list(layout.zone_ids),
        zone_xy=layout.xy,
        zone_kinds=zone_kinds(data),
        motion=moves,
        incident_xy=incident_positions(data, cell_size(layout.xy)),
        incident_states=states.reshape(len(times), len(data.incidents)),
        clocks=[clock_label(t, data.scenario.clock.start_weekday) for t in times],
    )

"""The animated replay of one day: the district, officers moving, incidents by state, a clock.

Draws a :class:`Scene` (computed by :mod:`sim.replay` from a traced run's frames); the
animation is a matplotlib ``FuncAnimation`` on a figure created directly (no pyplot).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.animation import FuncAnimation
from matplotlib.axes import Axes
from matplotlib.collections import PatchCollection, PathCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from sim.replay.motion import Motion
from sim.replay.states import STATES

MODE_MARKERS = {"foot": "o", "ebike": "^", "car": "s"}
ACTIVITY_COLORS = {
    "patrol": "#2ca02c", "travel": "#1f77b4", "dispatch": "#17becf", "job": "#9467bd",
    "post": "#556b2f", "standby": "#7f7f7f",
}
STATE_COLORS = dict(zip(STATES, ("#d62728", "#ff7f0e", "#ffd700", "#e377c2", "#8c564b",
                                 "#b0b0b0")))
KIND_COLORS = {
    "residential": "#f2f2f2", "commercial": "#fde9d9", "market": "#fff2cc",
    "school": "#e2efda", "old_community": "#ede7f6", "construction": "#f8e0d0",
    "transit": "#ddebf7", "park": "#d9f0d3",
}


@dataclass
class Scene:
    """Everything one replay draws, per frame where it changes."""

    title: str
    zone_ids: list[str]
    zone_xy: np.ndarray  # (zones, 2) metres
    zone_kinds: list[str]
    motion: Motion
    incident_xy: np.ndarray  # (incidents, 2)
    incident_states: np.ndarray  # (frames, incidents): index in STATES, -1 hidden
    clocks: list[str]  # per frame


def cell_size(xy: np.ndarray) -> float:
    """Side of a zone square: 90 % of the smallest distance between zone centres."""
    if len(xy) < 2:
        return 100.0
    d = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    d[d == 0] = np.inf
    return 0.9 * float(d.min()) if np.isfinite(d).any() else 100.0


def draw_district(ax: Axes, scene: Scene) -> float:
    """Zones as squares tinted by kind (labelled when few); returns the square's side."""
    side = cell_size(scene.zone_xy)
    rects = [Rectangle((x - side / 2, y - side / 2), side, side) for x, y in scene.zone_xy]
    colors = [KIND_COLORS.get(k, "#f2f2f2") for k in scene.zone_kinds]
    ax.add_collection(PatchCollection(rects, facecolor=colors, edgecolor="#c8c8c8", lw=0.6))
    if len(scene.zone_ids) <= 64:
        _zone_labels(ax, scene, side)
    _fit_district(ax, scene.zone_xy, side)
    return side


def _zone_labels(ax: Axes, scene: Scene, side: float) -> None:
    """Each zone's id in grey in the top left corner of its square."""
    for zid, (x, y) in zip(scene.zone_ids, scene.zone_xy):
        ax.text(x - side * 0.45, y + side * 0.45, zid, fontsize=6, color="#909090",
                ha="left", va="top")


def _fit_district(ax: Axes, xy: np.ndarray, side: float) -> None:
    """Equal-aspect axes around the zone centres, padded by a square's side."""
    lo, hi = xy.min(axis=0) - side, xy.max(axis=0) + side
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_aspect("equal")
    ax.set_xlabel("x (m)")
    ax.set_ylabel("y (m)")


def legend_handles() -> list[Line2D]:
    """Officers' modes (marker) and activities (colour), then incident states."""
    def mark(label: str, marker: str, color: str) -> Line2D:
        return Line2D([], [], ls="", marker=marker, color=color, mec="black", mew=0.5,
                      ms=7, label=label)

    blank = Line2D([], [], ls="", label=" ")
    return ([mark(f"officer, {m}", k, "white") for m, k in MODE_MARKERS.items()]
            + [mark(a, "o", c) for a, c in ACTIVITY_COLORS.items()] + [blank]
            + [mark(f"incident: {s}", "X", c) for s, c in STATE_COLORS.items()])


class ReplayArtist:
    """The figure and the artists a frame updates."""

    def __init__(self, scene: Scene, dpi: float = 80) -> None:
        self.scene = scene
        self.fig = Figure(figsize=(10, 7.2), dpi=dpi)
        self.fig.subplots_adjust(left=0.08, right=0.74, top=0.9, bottom=0.12)
        ax = self.fig.add_subplot()
        side = draw_district(ax, scene)
        size = float(np.clip(side / 12, 3, 9)) ** 2  # marker area (points²), smaller if dense
        self.incidents = ax.scatter([], [], marker="X", s=size * 0.9, lw=0.3, ec="black",
                                    zorder=3)
        self.officers = _officer_artists(ax, size)
        self.modes = np.asarray(scene.motion.modes, dtype=object)
        self.clock = _clock_text(ax)
        self.status = self.fig.text(0.08, 0.02, "", fontsize=8, va="bottom")
        self._officer_text = ""
        ax.set_title(scene.title, fontsize=11)
        self.fig.legend(handles=legend_handles(), loc="center left",
                        bbox_to_anchor=(0.75, 0.5), fontsize=8, frameon=False)

    def update(self, k: int) -> list:
        """Draw frame ``k``: officers on duty, incidents shown, the clock and counts."""
        self._officers(k)
        self._incidents(k)
        self.clock.set_text(self.scene.clocks[k])
        return [self.incidents, *self.officers.values(), self.clock, self.status]

    def _officers(self, k: int) -> None:
        motion = self.scene.motion
        xy, act = motion.xy[k], motion.activity[k]
        on = ~np.isnan(xy[:, 0])
        for mode, artist in self.officers.items():
            pick = on & (self.modes == mode)
            set_points(artist, xy[pick], [ACTIVITY_COLORS.get(a, "white") for a in act[pick]])
        self._officer_text = _duty_text(on, act)

    def _incidents(self, k: int) -> None:
        states = self.scene.incident_states[k]
        shown = states >= 0
        set_points(self.incidents, self.scene.incident_xy[shown],
                   [_state_color(STATES[s]) for s in states[shown]])
        counts = np.bincount(states[shown], minlength=len(STATES))
        self.status.set_text(self._officer_text + "\nIncidents: " + ", ".join(
            f"{n} {s}" for s, n in zip(STATES, counts)))


def _officer_artists(ax: Axes, size: float) -> dict[str, PathCollection]:
    """An empty scatter per mode (its marker) for the officers on duty."""
    return {m: ax.scatter([], [], marker=k, s=size * 1.6, lw=0.6, ec="black", zorder=4)
            for m, k in MODE_MARKERS.items()}


def _clock_text(ax: Axes) -> Text:
    """The clock in the top left corner, bold on a white box."""
    return ax.text(0.01, 0.99, "", transform=ax.transAxes, ha="left", va="top", fontsize=13,
                   fontweight="bold", zorder=5,
                   bbox={"fc": "white", "ec": "#888888", "alpha": 0.9})


def _duty_text(on: np.ndarray, act: np.ndarray) -> str:
    """"On duty 5: 3 patrol, 2 travel": officers on duty and what they are doing."""
    counts = {a: int((act == a).sum()) for a in ACTIVITY_COLORS}
    return f"On duty {int(on.sum())}: " + ", ".join(f"{n} {a}" for a, n in counts.items() if n)


def _state_color(state: str) -> tuple[float, float, float, float]:
    """An incident state's colour, faded once ended."""
    return to_rgba(STATE_COLORS[state], 0.45 if state == "ended" else 1.0)


def set_points(artist: PathCollection, xy: np.ndarray, colors: list) -> None:
    """Move a scatter's points (possibly none) and recolour them."""
    artist.set_offsets(xy.reshape(-1, 2))
    artist.set_facecolor(colors if len(colors) else "none")


def replay_animation(scene: Scene, fps: int = 8, dpi: float = 80) -> FuncAnimation:
    """The day as an animation, one frame per time in ``scene.motion.times``."""
    artist = ReplayArtist(scene, dpi)
    return FuncAnimation(artist.fig, artist.update, frames=len(scene.clocks),
                         interval=1000.0 / fps, blit=False, repeat=False)

"""Officer states, presence kinds and activity accounting shared by the engine modules."""

from __future__ import annotations

from array import array
from typing import Any

import numpy as np

OFF, PATROL_TRAVEL, PATROL, POST, STANDBY, JOB = range(6)
PRESENCE_PATROL, PRESENCE_POST, PRESENCE_JOB, PRESENCE_PASSING = range(4)
PRESENCE_NAMES = ("patrol", "post", "job", "passing")
ACTIVITIES = ("travel_min", "busy_travel_min", "job_min", "patrol_min", "post_min", "standby_min")


def account(officer: Any, activity: str, minutes: float) -> None:
    """Add minutes of an activity to the officer's current shift record."""
    if officer.shift is not None:
        officer.shift[activity] += minutes


def presence_code(officer: int, zone: int, kind: int) -> int:
    """Officer, zone and presence kind of a presence record packed in one integer (stored as
    a double beside the record's two times: 24 bytes a record, a year has millions)."""
    return ((officer << 16) + zone << 3) + kind


def presence_fields(codes: Any) -> tuple[Any, Any, Any]:
    """Officer, zone and kind arrays from an integer array of presence codes."""
    return codes >> 19, (codes >> 3) & 0xFFFF, codes & 7


class PresenceLog:
    """Presence records (code, t0, t1), three doubles each, packed: a year has millions.

    The engine adds a record with ``recent += (code, t0, t1)`` (a list takes three numbers
    several times faster than an array does) and calls ``spill`` once ``recent`` holds
    ``SPILL`` numbers; ``records`` moves the rest in and gives the packed view.
    """

    SPILL = 3 * 4096

    def __init__(self) -> None:
        self.packed = array("d")
        self.recent: list[float] = []

    def spill(self) -> None:
        """Move the recent records into the packed array."""
        self.packed.fromlist(self.recent)
        self.recent.clear()

    def records(self) -> np.ndarray:
        """Every record so far as an (n, 3) float array (a view of the packed array)."""
        self.spill()
        return np.frombuffer(self.packed, dtype=float).reshape(-1, 3)

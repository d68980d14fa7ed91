"""Officer states, presence kinds and activity accounting shared by the engine modules."""

from __future__ import annotations

from typing import Any

OFF, PATROL_TRAVEL, PATROL, POST, STANDBY, JOB = range(6)
PRESENCE_PATROL, PRESENCE_POST, PRESENCE_JOB, PRESENCE_PASSING = range(4)
PRESENCE_NAMES = ("patrol", "post", "job", "passing")
ACTIVITIES = ("travel_min", "busy_travel_min", "job_min", "patrol_min", "post_min", "standby_min")


def account(officer: Any, activity: str, minutes: float) -> None:
    """Add minutes of an activity to the officer's current shift record."""
    if officer.shift is not None:
        officer.shift[activity] += minutes

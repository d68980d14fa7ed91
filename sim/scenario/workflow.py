"""The case workflow of a digital urban-management command room, as data.

A case is found, filed, dispatched, handled, reported back, checked and closed; each step has a
timer, each case class a time limit per step (in working or calendar hours), and the check
before closing can fail and send the case back to the officers. Without a ``workflow:``
section none of this runs and a case ends when the officer finishes.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator

from sim.scenario.base import Frozen, Whole
from sim.scenario.distributions import Distribution, fixed
from sim.scenario.errors import FieldProblems
from sim.scenario.incidents import Probability
from sim.scenario.shifts import WEEKDAYS, Weekday

STEPS = ("filing", "dispatch", "handling", "report_back", "check", "closing", "case")
Step = Literal["filing", "dispatch", "handling", "report_back", "check", "closing", "case"]
_SPAN = re.compile(r"^([0-2]\d):([0-5]\d)-([0-2]\d):([0-5]\d)$")


def span_minutes(text: str) -> tuple[int, int]:
    """("08:30-12:00") → (510, 720), minutes after midnight; ValueError if malformed."""
    m = _SPAN.match(text)
    if not m:
        raise ValueError(f"expected HH:MM-HH:MM, got {text!r}")
    a, b = int(m[1]) * 60 + int(m[2]), int(m[3]) * 60 + int(m[4])
    if not 0 <= a < b <= 1440:
        raise ValueError(f"{text!r}: the start must come before the end, within one day")
    return a, b


def span_at(k: int, text: str) -> tuple[int, int]:
    """Span ``k`` of a list in minutes, or FieldProblems naming its index."""
    try:
        return span_minutes(text)
    except ValueError as err:
        raise FieldProblems((str(k), str(err))) from None


class WorkCalendar(Frozen):
    """When the bureau works: working days and the working hours of each."""

    days: list[Weekday] = Field(
        default_factory=lambda: list(WEEKDAYS[:5]),  # type: ignore[arg-type]
        description="Working weekdays.",
    )
    hours: list[str] = Field(
        default_factory=lambda: ["08:30-12:00", "13:30-17:30"], min_length=1,
        description="Working hours of a working day, as HH:MM-HH:MM spans in order (a lunch "
        "break is the gap between two spans).",
    )

    @field_validator("hours")
    @classmethod
    def _spans(cls, value: list[str]) -> list[str]:
        spans = [span_at(k, text) for k, text in enumerate(value)]
        for k in range(1, len(spans)):
            if spans[k][0] < spans[k - 1][1]:
                raise FieldProblems((str(k), "spans must be in order and must not overlap"))
        return value


class TimeLimit(Frozen):
    """A time limit: hours, counted on the work calendar or on the clock."""

    hours: float = Field(gt=0, le=100_000, allow_inf_nan=False, description="The limit (hours).")
    basis: Literal["working", "calendar"] = Field(
        "working", description="working: only hours of the work calendar count; calendar: "
        "every hour counts.",
    )


class CaseClass(Frozen):
    """A case class: the incident types it covers and its time limits per step."""

    types: list[str] = Field(min_length=1, description="Incident types in this class.")
    limits: dict[Step, TimeLimit] = Field(
        default_factory=dict,
        description="Time limit per step (filing: found → filed; dispatch: filed → "
        "dispatched; handling: dispatched → handled; report_back: handled → reported; "
        "check: reported → checked; closing: checked → closed) and for the whole case "
        "(case: filed → closed).",
    )


class Check(Frozen):
    """The check before closing (核查): who checks, how long it takes, how often it fails."""

    by: Literal["grid_supervisor", "command_room"] = Field(
        "grid_supervisor", description="grid_supervisor: a supervisor goes to look; "
        "command_room: checked on video from the command room.",
    )
    staff: Whole = Field(2, ge=1, le=10_000, description="Checkers working in parallel.")
    duration: Distribution = Field(
        default_factory=lambda: fixed(30.0),
        description="Minutes one check takes (the supervisor's trip and look, or the video "
        "review).",
    )
    working_hours_only: bool = Field(
        False, description="Checks start only in the work calendar's hours.",
    )
    fail_probability: Probability = Field(
        0.0, description="Chance a check finds the problem still there: the case is reopened "
        "and dispatched to the officers again (the disorder is visible again until handled).",
    )


class Workflow(Frozen):
    """The command room's case workflow: found → filed → dispatched → handled → reported back
    → checked → closed, with per-class time limits and the bureau's published targets."""

    calendar: WorkCalendar = Field(default_factory=WorkCalendar, description="Work calendar.")
    classes: dict[str, CaseClass] = Field(
        default_factory=dict, description="Case classes by name; a type in no class is in "
        "class `other` (no limits).",
    )
    report_back: Distribution = Field(
        default_factory=lambda: fixed(5.0),
        description="Handled → reported back to the command room (minutes; the officer's "
        "report, no officer time).",
    )
    check: Check = Field(default_factory=Check, description="The check visit before closing.")
    closing: Distribution = Field(
        default_factory=lambda: fixed(10.0), description="Checked → closed by the command "
        "room (minutes).",
    )
    target_closed_share: Probability = Field(
        0.95, description="Published target: share of filed cases closed (e.g. 0.95).",
    )
    target_case_time_h: float = Field(
        7.0, gt=0, allow_inf_nan=False,
        description="Published target: mean case time, filed → closed (hours).",
    )

    def class_of(self, type_name: str) -> str:
        """The class an incident type belongs to (``other`` if none lists it)."""
        for name, spec in self.classes.items():
            if type_name in spec.types:
                return name
        return "other"

    def type_refs(self) -> list[tuple[str, str]]:
        """(where, incident type) of every type a case class lists."""
        return [(f"workflow.classes.{cname}.types", name)
                for cname, spec in self.classes.items() for name in spec.types]

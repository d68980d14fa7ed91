"""Clock times, weekdays and shifts: when officers are on duty."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from sim.scenario.base import Frozen

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_SETS: dict[str, tuple[str, ...]] = {
    "all": WEEKDAYS,
    "weekdays": WEEKDAYS[:5],
    "weekends": WEEKDAYS[5:],
}
_CLOCK = re.compile(r"^(\d{2}):(\d{2})$")


def clock_minutes(text: str) -> int:
    """Minutes after midnight of an "HH:MM" clock time ("24:00" is 1440)."""
    match = _CLOCK.match(text)
    if not match:
        raise ValueError(f"expected a clock time as HH:MM, got {text!r}")
    hours, minutes = int(match.group(1)), int(match.group(2))
    if not _on_the_clock(hours, minutes):
        raise ValueError(f"{text!r} is not a clock time between 00:00 and 24:00")
    return hours * 60 + minutes


def _on_the_clock(hours: int, minutes: int) -> bool:
    """00:00 to 23:59, or 24:00."""
    return minutes < 60 and (hours < 24 or (hours == 24 and minutes == 0))


def _valid_clock(text: str) -> str:
    clock_minutes(text)
    return text


ClockTime = Annotated[str, AfterValidator(_valid_clock)]


class Shift(Frozen):
    """A daily duty period on some weekdays. Across midnight needs ``overnight: true``."""

    days: list[Weekday] | Literal["all", "weekdays", "weekends"] = Field(
        "all", description="Weekdays the shift starts on: a list (mon..sun) or all/weekdays/weekends."
    )
    start: ClockTime = Field(description="Start, HH:MM.")
    end: ClockTime = Field(description="End, HH:MM (24:00 allowed).")
    overnight: bool = Field(False, description="The shift ends after midnight, on the next day.")

    @model_validator(mode="after")
    def _ordered(self) -> Shift:
        start, end = clock_minutes(self.start), clock_minutes(self.end)
        problem = self._overnight_problem(start, end) if self.overnight else self._day_problem(
            start, end)
        if problem:
            raise ValueError(problem)
        return self

    def _overnight_problem(self, start: int, end: int) -> str:
        if end < start:
            return ""
        return f"overnight shift {self.start}-{self.end} must end earlier in the day than it starts"

    def _day_problem(self, start: int, end: int) -> str:
        if end > start:
            return ""
        return (f"shift ends ({self.end}) before it starts ({self.start}); "
                "for a shift across midnight set overnight: true")

    def weekdays(self) -> tuple[int, ...]:
        """Weekday numbers (0 = Monday) the shift starts on."""
        names = DAY_SETS[self.days] if isinstance(self.days, str) else self.days
        return tuple(sorted({WEEKDAYS.index(d) for d in names}))

    def bounds(self) -> tuple[int, int]:
        """(start, end) in minutes after the start day's midnight; end may exceed 1440."""
        start, end = clock_minutes(self.start), clock_minutes(self.end)
        return start, end + (1440 if self.overnight else 0)

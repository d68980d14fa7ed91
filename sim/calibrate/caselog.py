"""A case log once read: the usable cases, and every problem found in the others."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd


class LogError(Exception):
    """A log that cannot be used at all; ``str()`` names the file and what was expected."""


@dataclass(frozen=True)
class Problem:
    """One bad value in the log."""

    line: int
    column: str
    value: str
    message: str
    action: str  # "row dropped" or "field ignored"


@dataclass
class CaseLog:
    """Usable cases (one row each; times as pandas timestamps) and the problems found."""

    path: Path
    encoding: str
    frame: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    rows_read: int = 0
    outside_period: int = 0
    start: pd.Timestamp | None = None
    days: int = 0

    @property
    def dropped(self) -> int:
        return len({p.line for p in self.problems if p.action == "row dropped"})

    @property
    def first_day(self) -> pd.Timestamp:
        """The first day of the period (once ``restrict_period`` has set it)."""
        if self.start is None:
            raise LogError(f"{self.path}: the log's period is not set")
        return self.start

    def minutes(self, column: str) -> np.ndarray:
        """A time column as minutes from the start of the period (NaN where empty)."""
        delta = self.frame[column] - self.first_day
        return (delta.dt.total_seconds() / 60.0).to_numpy(dtype=float)


def describe(problems: list[Problem]) -> str:
    """``line 7, 上报时间: cannot read ...; ...`` for messages."""
    return "; ".join(f"line {p.line}, {p.column}: {p.message}" for p in problems)

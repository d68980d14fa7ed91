"""The raw incident table as the measures read it: its columns, typed.

The engine's ``IncidentTable`` creates one numpy column per entry of
``sim.engine.incidents.COLUMNS`` by name, so a type checker cannot see them; this protocol
names the ones the measures read (first ``n`` rows are the run's incidents).
"""

from __future__ import annotations

from typing import Protocol, cast

import numpy as np

from sim.engine.world import RawRun


class IncidentColumns(Protocol):
    """Column storage of every incident of a run (see ``sim.engine.incidents.COLUMNS``)."""

    n: int
    t_occur: np.ndarray
    type_idx: np.ndarray
    zone_idx: np.ndarray
    recurrence_of: np.ndarray
    source: np.ndarray
    t_detect: np.ndarray
    t_queued: np.ndarray
    t_dispatch: np.ndarray
    t_arrive: np.ndarray
    t_resolve: np.ndarray
    t_notice: np.ndarray
    t_reinspect: np.ndarray
    t_end: np.ndarray
    channel: np.ndarray
    outcome: np.ndarray
    unit: np.ndarray
    first_unit: np.ndarray
    found_by: np.ndarray
    ladder_step: np.ndarray
    reinspections: np.ndarray


def incident_columns(raw: RawRun) -> IncidentColumns:
    """``raw.incidents`` with its columns typed (the engine sets them by name)."""
    return cast(IncidentColumns, raw.incidents)

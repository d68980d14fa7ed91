"""The planner's tables of one replication: by hour, by shift, by officer group, by zone.

Classic allocation models give planners these tables: RAND's Patrol Car Allocation Model per
tour and hour (Chaiken & Dormont 1978, Management Science 24(12)) and Larson's hypercube model
per unit and area (Larson 1974, Computers & OR 1(1)). Each is written as ``<name>.csv``; every
row carries ``scenario`` and ``replication``. Columns are documented in docs/tables.md.
"""

from __future__ import annotations

import pandas as pd

from sim.engine.world import RawRun
from sim.metrics.tables_space import by_group, by_zone, first_responses, officer_areas
from sim.metrics.tables_time import busy_spans, by_hour, by_shift
from sim.metrics.window import window_of

TABLE_NAMES = ("by_hour", "by_shift", "by_group", "by_zone")


def planner_tables(raw: RawRun, incidents: pd.DataFrame, units: pd.DataFrame,
                   presence: pd.DataFrame,
                   idle: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """The four tables, each row tagged with ``replication`` (``idle``: see ``by_zone``).

    Incidents count if they occur in the arrival window [warm-up, horizon − cool-down), as in
    the summary; time (on duty, busy, queue, presence, exposure) counts in [warm-up, horizon).
    """
    w = window_of(raw.scenario)
    t0, t1, end = w.t0, w.t1, w.arrival_end
    zone_ids = list(raw.layout.zone_ids)
    sent = first_responses(incidents, officer_areas(raw.scenario, raw.layout), zone_ids, t0, end)
    tables = {
        "by_hour": by_hour(incidents, units, busy_spans(raw.shifts, t1), t0, t1, end),
        "by_shift": by_shift(incidents, units, t0, t1, end),
        "by_group": by_group(units, sent, t0, t1),
        "by_zone": by_zone(incidents, presence, zone_ids, sent, t0, t1, end, idle),
    }
    for frame in tables.values():
        frame.insert(0, "replication", raw.replication)
    return tables

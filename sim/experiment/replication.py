"""One replication: scenario + replication number → tidy frames. Pure and picklable."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from sim.compiled import Layout, compile_layout
from sim.demand.arrivals import CHANNEL_NAMES
from sim.engine.trace import TraceSpec
from sim.engine.world import RawRun, return_free_memory, simulate
from sim.metrics.demand import demand_frames, demand_kpis
from sim.metrics.kpis import ZoneStays, coverage_frame, summary_row, zones_frame
from sim.metrics.offenders import offender_kpis
from sim.metrics.outcomes import (
    by_type,
    exogenous,
    hit_by_hour,
    standardised_resolution,
    type_weights,
)
from sim.metrics.records import incidents_frame, presence_frame, units_frame
from sim.metrics.tables import planner_tables
from sim.metrics.trace import trace_frames
from sim.metrics.window import Window, window_of
from sim.metrics.workflow import cases_frame, channel_table, workflow_frames
from sim.rng import replication_seed
from sim.scenario.demand import VEHICLES
from sim.scenario.district import MODES
from sim.scenario.model import Scenario

FRAME_NAMES = ("incidents", "units", "zones", "coverage", "summary")


@dataclass
class Frames:
    """The tidy results of one or many replications, one DataFrame per measure."""

    incidents: pd.DataFrame
    units: pd.DataFrame
    zones: pd.DataFrame
    coverage: pd.DataFrame
    summary: pd.DataFrame
    extra: dict[str, pd.DataFrame] = field(default_factory=dict)

    def items(self) -> list[tuple[str, pd.DataFrame]]:
        return [(name, getattr(self, name)) for name in FRAME_NAMES] + list(self.extra.items())

    @staticmethod
    def from_tables(tables: dict[str, pd.DataFrame]) -> Frames:
        """Frames from tables by name: the five measures, every other table as ``extra``."""
        extra = {k: v for k, v in tables.items() if k not in FRAME_NAMES}
        return Frames(tables["incidents"], tables["units"], tables["zones"],
                      tables["coverage"], tables["summary"], extra=extra)

    @staticmethod
    def concat(parts: list[Frames]) -> Frames:
        """Stack the frames of several replications (or scenarios)."""
        tables = [dict(p.items()) for p in parts]
        names = [*FRAME_NAMES, *sorted(set().union(*(p.extra for p in parts)))]
        return Frames.from_tables({name: _stack(tables, name) for name in names})


def _stack(tables: list[dict[str, pd.DataFrame]], name: str) -> pd.DataFrame:
    """The ``name`` tables of those that have one, stacked."""
    return pd.concat([t[name] for t in tables if name in t], ignore_index=True)


def zone_table(layout: Layout, scenario: Scenario) -> pd.DataFrame:
    """One row per zone: id, name (the id if unnamed), kind and position."""
    rows = [(z.id, z.name or z.id, z.kind, z.x_m, z.y_m) for z in scenario.district.all_zones()]
    zone, name, kind, x_m, y_m = (list(column) for column in zip(*rows))
    return pd.DataFrame({"zone": zone, "name": name, "kind": kind, "x_m": x_m, "y_m": y_m})


def run_replication(
    scenario: Scenario, replication: int, presence: bool = False,
    trace: TraceSpec | None = None,
) -> Frames:
    """Simulate one replication and compute its frames (each row tagged with scenario and rep);
    ``presence``: keep the presence frame too (``extra["presence"]``); ``trace``: with the
    officers' legs as ``trace`` and ``trace_info``."""
    layout = compile_layout(scenario)
    return frames_from_raw(simulate(scenario, replication, layout, trace), presence)


def frames_from_raw(raw: RawRun, keep_presence: bool = False) -> Frames:
    """The tidy frames and measures of one simulated replication (with ``keep_presence``,
    also the presence frame: one row per stay of an officer in a zone).

    Consumes ``raw``: its incident table and presence records are dropped (set to None) as
    soon as their frames are built, so a long run's peak memory holds one copy of each.
    """
    scenario, layout, replication = raw.scenario, raw.layout, raw.replication
    w = window_of(scenario)
    t0, t1 = w.t0, w.t1
    incidents = incidents_frame(raw)
    extra = demand_frames(raw, t0, t1)
    offenders = offender_kpis(raw, w)
    cases = cases_frame(raw) if raw.cases is not None else None  # reads the incident table
    raw.incidents = None  # type: ignore[assignment]  # consumed (see docstring)
    units = units_frame(raw)
    presence = presence_frame(raw)
    raw.presence = None  # type: ignore[assignment]
    return_free_memory()
    stays = ZoneStays.of(presence, layout.zone_ids, MODES)
    zones = _tagged(zones_frame(zone_table(layout, scenario), incidents, presence, t0, t1,
                                stays), replication)
    coverage = _tagged(coverage_frame(list(layout.zone_ids), presence, t0, t1, MODES, stays),
                       replication)
    del stays
    targets = service_targets(scenario)
    types = _tagged(by_type(incidents, layout.type_names, targets, w), replication)
    extra["by_type"] = types
    row = {**summary_row(incidents, units, zones, coverage, targets, w),
           **demand_kpis(extra, incidents, _parking_types(scenario), t0, t1), **offenders}
    summary = _summary(scenario, replication, row, types)
    add_workflow_frames(raw, cases, incidents, w, extra, summary)
    extra.update(planner_tables(raw, incidents, units, presence, _idleness(zones, layout)))
    extra.update(trace_frames(raw))
    raw.trace = None  # consumed too
    extra["by_hour"] = extra["by_hour"].merge(
        hit_by_hour(incidents, targets, w, only=exogenous(incidents)), on="hour", how="left")
    if keep_presence:
        extra["presence"] = presence
    return _named(Frames(incidents, units, zones, coverage, summary, extra=extra), scenario.name)


def _idleness(zones: pd.DataFrame, layout: Layout) -> pd.DataFrame:
    """The zones' idleness (``zones_frame``), one row per zone of the layout in its order."""
    columns = ["mean_idleness_min", "max_gap_min"]
    return zones.set_index("zone").reindex(list(layout.zone_ids))[columns].reset_index(drop=True)


def _tagged(frame: pd.DataFrame, replication: int) -> pd.DataFrame:
    """``frame`` with a first column ``replication`` (inserted in place)."""
    frame.insert(0, "replication", replication)
    return frame


def _named(frames: Frames, scenario: str) -> Frames:
    """``frames`` with a first column ``scenario`` in every frame (inserted in place)."""
    for _, frame in frames.items():
        frame.insert(0, "scenario", scenario)
    return frames


def _parking_types(scenario: Scenario) -> dict[str, str]:
    """Vehicle → the incident type of its parking offences."""
    return {v: getattr(scenario.demand.parking, v).incident_type for v in VEHICLES}


def _summary(scenario: Scenario, replication: int, row: dict, types: pd.DataFrame) -> pd.DataFrame:
    """The one-row summary: replication, its seed, the measures in ``row``, then the
    resolution time standardised over incident types."""
    summary = pd.DataFrame([{"replication": replication,
                             "seed": replication_seed(scenario.seed, replication), **row}])
    summary["resolution_std_mean_min"] = standardised_resolution(
        types, type_weights(types), keys=("replication",)).reindex([replication]).to_numpy()
    return summary


def add_workflow_frames(raw: RawRun, cases: pd.DataFrame | None, incidents: pd.DataFrame,
                        w: Window, extra: dict[str, pd.DataFrame],
                        summary: pd.DataFrame) -> None:
    """The case workflow's frames and measures, and the per-channel table, when the scenario
    has a workflow or further detection layers (nothing otherwise)."""
    if cases is not None:
        steps, measures = workflow_frames(cases, raw.scenario, raw.replication, w)
        extra["cases"], extra["workflow"] = cases, steps
        for name, value in measures.items():
            summary[name] = value
    if len(raw.channel_names) > len(CHANNEL_NAMES):
        table = channel_table(incidents, list(raw.layout.type_names), raw.channel_names, w)
        table.insert(0, "replication", raw.replication)
        extra["by_channel"] = table


def standardise(frames: Frames) -> Frames:
    """Recompute ``resolution_std_mean_min`` with type weights pooled over every scenario and
    replication in ``frames`` (so the weights are the same for each of them)."""
    types = frames.extra.get("by_type")
    if types is None or frames.summary.empty:
        return frames
    values = standardised_resolution(types, type_weights(types))
    keys = pd.MultiIndex.from_frame(frames.summary[["scenario", "replication"]])
    frames.summary["resolution_std_mean_min"] = values.reindex(keys).to_numpy()
    return frames


def service_targets(scenario: Scenario) -> dict[str, float]:
    """Incident type → service target (minutes), for the enabled types that have one."""
    return {n: t.sla_min for n, t in scenario.incidents.items() if t.enabled and t.sla_min}

"""The World of one replication: builds the pieces, runs SimPy, hands back raw records."""

from __future__ import annotations

import ctypes
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import simpy

from sim.compiled import Layout, compile_layout
from sim.demand.arrivals import IncidentBatch, generate_incidents
from sim.engine.calls import call_later
from sim.engine.channels import Layers, channel_names
from sim.engine.command import CommandRoom
from sim.engine.deterrence import Deterrence, ShopCards
from sim.engine.fleet import Fleet
from sim.engine.incidents import Feeder, IncidentBook, feeder_events
from sim.engine.loop import run_until
from sim.engine.offenders import Escalation, ShopSanctions, shop_records
from sim.engine.officer import Officer
from sim.engine.parking import ParkingLot
from sim.engine.recurrence import Recurrences
from sim.engine.spawn import exogenous_mix
from sim.engine.table import IncidentTable
from sim.engine.trace import LegTrace, TraceSpec, TracingFleet
from sim.engine.vendors import Vendors
from sim.engine.workflow import CaseBook
from sim.rng import Streams, uniform_stream
from sim.scenario.district import MODES
from sim.scenario.model import Scenario


class World:
    """Everything one replication needs, passed explicitly to every process."""

    def __init__(
        self,
        scenario: Scenario,
        replication: int,
        layout: Layout | None = None,
        batch: IncidentBatch | None = None,
        trace: TraceSpec | None = None,
    ) -> None:
        self.scenario = scenario
        self.replication = replication
        self.layout = layout or compile_layout(scenario)
        self.streams = Streams(scenario.seed, replication)
        self.env = simpy.Environment()
        self.types = [scenario.incidents[name] for name in self.layout.type_names]
        self.onscene_rngs = [uniform_stream(self.streams.get(f"onscene/{n}"), [t.ladder])
                             for n, t in zip(self.layout.type_names, self.types)]
        speeds = scenario.district.travel.speeds_kmh
        self.speed_km_per_min = [getattr(speeds, m) / 60.0 for m in MODES]
        self.channel_names = channel_names(scenario)
        shops, contracted = self._build_demand(batch)
        self.command = CommandRoom(self)
        self.deterrence = Deterrence(self)
        # the movement trace (opt-in) records in a Fleet subclass: nothing to pay when off
        self.officers = Fleet(self) if trace is None else TracingFleet(self, trace)
        self.recurrences = Recurrences(self)
        self.cards = ShopCards(self, shops, contracted)
        self.vendors = Vendors(self)
        self.sanctions = ShopSanctions(self, len(shops))
        self.escalation = Escalation(self)
        self.workflow = None if scenario.workflow is None else CaseBook(
            self, len(self.channel_names) - 1,
            self.layers.handlers if self.layers is not None else set())

    def _build_demand(self, batch: IncidentBatch | None) -> tuple[np.ndarray, np.ndarray]:
        """The exogenous incidents (drawn unless given), mixed with the demand models'
        (vendors, parking, door fronts) and the further detection layers' finds, in the
        incident book; returns the shops (per incident) and their contracts."""
        scenario = self.scenario
        self.batch: IncidentBatch | None = (
            batch if batch is not None else generate_incidents(scenario, self.layout, self.streams)
        )
        self.parking = ParkingLot(self)  # demand models: vendors, parking, door fronts
        self.shop_weights: list[np.ndarray] | None = None  # shop propensities (door fronts)
        self.batch, source, shops, contracted = exogenous_mix(self, self.batch)
        extra_layers = len(self.channel_names) > 5 + (scenario.workflow is not None)
        self.layers: Layers | None = Layers(self) if extra_layers else None
        end_channel = None
        if self.layers is not None:
            self.batch, end_channel = self.layers.apply(self.batch)
        self.incidents = IncidentBook(self, IncidentTable(self.batch))
        self.incidents.table.source[: len(source)] = source
        if end_channel is not None:
            self.incidents.table.end_channel[: len(end_channel)] = end_channel
        return shops, contracted

    def at(self, t: float, action: Callable[..., Any], *args: Any) -> None:
        """Call ``action(*args)`` at time ``t`` (a plain callback: no process needed)."""
        now = self.env._now
        call_later(self.env, t - now if t > now else 0.0, action, *args)

    def on_scene(self, i: int) -> None:
        """An officer starts the ladder on incident ``i``: repeat offenders start higher."""
        if self.vendors.active:
            self.vendors.on_scene(i)
        if self.escalation.active:
            self.escalation.on_scene(i)
        if self.cards.active:
            self.cards.on_scene(i, self.env._now)

    def on_finish(self, i: int, outcome: int) -> None:
        """Incident ``i`` ended: deterrence, card points and vendors take note."""
        now = self.env._now
        self.deterrence.on_finish(i, outcome, now)
        if self.cards.active:
            self.cards.on_finish(i, outcome, now)
        if self.vendors.active:
            self.vendors.on_finish(i, outcome)
        if self.workflow is not None:
            self.workflow.on_finish(i)

    def run(self) -> RawRun:
        assert self.batch is not None, "a World runs once"
        times, kinds, who = feeder_events(self.batch, self.layout.horizon)
        self.batch = None  # copied into the incident table; free it for long runs
        feeder = Feeder(self.incidents, times, kinds, who)
        occur = self.sanctions.wrap(feeder.handlers[0])  # deterred offences, if cards deter
        feeder.handlers = (occur, *feeder.handlers[1:])  # type: ignore[assignment]
        feeder.start()
        self.officers.start()
        self.vendors.start()
        self.parking.start()
        with rarer_garbage_collection():
            run_until(self.env, self.layout.horizon)
        self.officers.close_all()
        return RawRun(
            scenario=self.scenario,
            layout=self.layout,
            replication=self.replication,
            incidents=self.incidents.table,
            # a view of the packed records, not a copy (a year has millions of rows)
            presence=self.officers.presence.records(),
            shifts=self.officers.shift_rows + open_shift_rows(self),
            officer_ids=[o.uid for o in self.officers.members],
            officer_modes=[o.mode for o in self.officers.members],
            demand={"vendors": self.vendors.records(), "parking": self.parking.records(),
                    "shops": shop_records(self)},
            channel_names=self.channel_names,
            cases=None if self.workflow is None else self.workflow.records(),
            trace=self.officers.trace.result() if isinstance(self.officers, TracingFleet) else None,
        )


@contextmanager
def rarer_garbage_collection(young: int = 10_000) -> Iterator[None]:
    """Run the cyclic garbage collector less often for a while (thresholds restored after).

    A run allocates millions of short-lived events and generators; with Python's default
    thresholds (700, 10, 10) collecting them costs about 5 % of the run. Collecting every
    ``young`` allocations instead changes nothing but when memory of dead cycles is returned.
    """
    old = gc.get_threshold()
    gc.set_threshold(young, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*old)


def open_shift_rows(world: World) -> list[dict]:
    """Shift records of officers still on duty when the run stops at the horizon."""
    horizon = world.layout.horizon
    return [_open_row(o, o.shift, horizon) for o in world.officers.members if o.shift is not None]


def _open_row(officer: Officer, shift: dict, horizon: float) -> dict:
    """The record of a shift under way at the horizon (no time off duty, no overtime)."""
    return {**shift, "unit_id": officer.uid, "group": officer.group_name, "mode": officer.mode,
            "off_duty_at": np.nan, "overtime_min": 0.0,
            "on_duty_min": horizon - shift["shift_start"]}


@dataclass
class RawRun:
    """What a replication produced, before it becomes tidy frames."""

    scenario: Scenario
    layout: Layout
    replication: int
    incidents: IncidentTable
    presence: np.ndarray  # (n, 3): code, t0, t1; see sim.engine.state.presence_code
    shifts: list[dict]
    officer_ids: list[str]
    officer_modes: list[str] = field(default_factory=list)  # per officer, as officer_ids
    demand: dict[str, dict[str, Any]] = field(default_factory=dict)  # vendor and parking records
    channel_names: tuple[str, ...] = ()  # channel labels by code (sim.engine.channels)
    cases: dict[str, np.ndarray] | None = None  # the case workflow's records, if it ran
    trace: LegTrace | None = None  # officer legs, when the run was traced


def simulate(
    scenario: Scenario, replication: int = 0, layout: Layout | None = None,
    trace: TraceSpec | None = None,
) -> RawRun:
    """Run one replication of a scenario (``trace``: also record the officers' legs)."""
    return run_and_release(World(scenario, replication, layout, trace=trace))


def run_and_release(world: World) -> RawRun:
    """Run ``world`` and free the engine at once, keeping only the raw records.

    The engine's objects (processes, officers, the command room) refer to each other in
    cycles that only the cyclic collector frees, and they hold the run's incident table and
    presence buffer: collected now, a year's frames are built without a second copy of them.
    The caller must not keep its own reference to ``world``.
    """
    raw = world.run()
    del world
    gc.collect()
    return_free_memory()
    return raw


def return_free_memory() -> None:
    """Hand memory the process has freed back to the system (glibc's ``malloc_trim``; a
    no-op elsewhere): after a year's run, the engine's many small objects leave ~60 MB of
    free heap that would otherwise stay counted in the process's size."""
    with suppress(OSError, AttributeError):  # no glibc: nothing to do
        ctypes.CDLL("libc.so.6").malloc_trim(0)

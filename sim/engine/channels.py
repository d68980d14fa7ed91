"""Further detection layers (co-management) during a run: when each finds each incident.

The built-in channels (cameras, hotline, the shop) are drawn with the incident's attributes
(``sim.demand.arrivals``); each further layer of ``detection.channels`` draws from streams of
its own (``layers/<name>/<type>`` for the incidents generated before the run,
``layers/<name>/spawned`` for those created during it), so adding a layer changes nothing
else: under common random numbers the same incidents are found by the same channels, plus
what the new layer finds first. A reporting layer competes with the camera and the hotline
for the first report (``t_report``); a handling layer competes with the shop for ending the
incident itself (``t_merchant``; its channel is kept in ``end_channel``). Built only when the
scenario has such a layer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields, replace
from typing import TYPE_CHECKING

import numpy as np

from sim.demand.arrivals import CHANNEL_NAMES, IncidentBatch
from sim.rng import Uniforms
from sim.scenario.channels import custom_layers, span_minutes
from sim.scenario.model import Scenario

if TYPE_CHECKING:
    from sim.compiled import Layout
    from sim.engine.ports import WorldPort

DAY = 1440.0


def channel_names(scenario: Scenario) -> tuple[str, ...]:
    """Channel labels by code: the built-in ones, each further layer, then ``reopened``."""
    names = CHANNEL_NAMES + tuple(layer.name for layer in custom_layers(
        scenario.detection.layers()))
    return names + ("reopened",) if scenario.workflow is not None else names


def next_open(t: np.ndarray, spans: np.ndarray | None) -> np.ndarray:
    """The first instant ≥ t inside the daily ``spans`` ((start, end) minutes; None: t)."""
    if spans is None:
        return t
    day = np.floor(t / DAY)
    minute = t - day * DAY
    best = np.full(t.shape, np.inf)
    for s, e in spans:
        inside = (minute >= s) & (minute < e)
        best = np.where(inside, t, np.minimum(best, np.where(minute < s, day * DAY + s, np.inf)))
    return np.where(np.isinf(best), (day + 1) * DAY + spans[0][0], best)


def zone_mask(layout: Layout, zones: Sequence[str]) -> np.ndarray:
    """Per zone: does a layer covering ``zones`` ("all", or zone ids) look there?"""
    ok = np.zeros(layout.n_zones, dtype=bool)
    if zones == "all":
        ok[:] = True
    else:
        ok[[layout.zone_index[z] for z in zones]] = True
    return ok


def daily_spans(hours: list[str] | None) -> np.ndarray | None:
    """A layer's daily hours as (start, end) minutes (None: round the clock)."""
    if hours is None:
        return None
    return np.array([span_minutes(h) for h in hours], dtype=float)


class Layers:
    """The further layers of one replication (``world.layers``; None without any)."""

    def __init__(self, world: WorldPort) -> None:
        scenario, layout = world.scenario, world.layout
        self.world = world
        self.specs = custom_layers(scenario.detection.layers())
        base = len(CHANNEL_NAMES)
        self.codes = [base + k for k in range(len(self.specs))]
        self.handlers = {c for c, s in zip(self.codes, self.specs) if s.handles}
        self.zones = [zone_mask(layout, spec.zones) for spec in self.specs]
        self.chance = [[s.chance(t) for t in layout.type_names] for s in self.specs]
        self.spans = [daily_spans(s.hours) for s in self.specs]
        self._spawned_draws(world)

    def _spawned_draws(self, world: WorldPort) -> None:
        """Per layer, the streams that decide its finds of incidents created during the run."""
        self.uniforms = [Uniforms(world.streams.get(f"layers/{s.name}/spawned"))
                         for s in self.specs]
        self.delays = [s.found_delay() for s in self.specs]
        self.delay_rngs = [world.streams.get(f"layers/{s.name}/spawned_delay")
                           for s in self.specs]

    def apply(self, batch: IncidentBatch) -> tuple[IncidentBatch, np.ndarray]:
        """The batch with each layer's finds; and per row the channel that ends it itself."""
        t_report, channel = batch.t_report.copy(), batch.report_channel.copy()
        t_fix = batch.t_merchant.copy()
        end_channel = np.full(len(batch), CHANNEL_NAMES.index("merchant"), dtype=np.int8)
        names = self.world.layout.type_names
        for k, spec in enumerate(self.specs):
            for t_idx, tname in enumerate(names):
                rows = np.flatnonzero(batch.type_idx == t_idx)
                rng = self.world.streams.get(f"layers/{spec.name}/{tname}")
                u, delay = rng.random(len(rows)), spec.found_delay().sample(rng, len(rows))
                found = self.zones[k][batch.zone_idx[rows]] & (u < self.chance[k][t_idx])
                when = next_open(batch.t_occur[rows], self.spans[k]) + delay
                target = t_fix if spec.handles else t_report
                first = rows[found & (when < target[rows])]
                target[first] = when[found & (when < target[rows])]
                (end_channel if spec.handles else channel)[first] = self.codes[k]
        columns = {f.name: getattr(batch, f.name) for f in fields(batch)}
        columns.update(t_report=t_report, report_channel=channel, t_merchant=t_fix)
        return replace(batch, **columns), end_channel

    def row(self, attrs: dict, t: float, type_idx: int, zone: int) -> dict:
        """One incident created during the run, with each layer's find (scalar Python)."""
        attrs = dict(attrs)
        for k, spec in enumerate(self.specs):
            u = self.uniforms[k].random()
            delay = self.delays[k].draw(self.delay_rngs[k])
            if not (self.zones[k][zone] and u < self.chance[k][type_idx]):
                continue
            when = float(next_open(np.array([t]), self.spans[k])[0]) + delay
            key = "t_merchant" if spec.handles else "t_report"
            if when < attrs[key]:
                attrs[key] = when
                attrs["end_channel" if spec.handles else "report_channel"] = self.codes[k]
        return attrs

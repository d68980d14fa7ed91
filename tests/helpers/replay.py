"""A small district for the trace and replay tests: four kinds of officer, two days."""

from __future__ import annotations

from pathlib import Path

TRACED = """\
name: traced
seed: 5
clock: {days: 2, warmup_days: 0}
district:
  grid: {rows: 3, cols: 3, cell_m: 300, patches: {B2: {kind: market}}}
incidents:
  vendor:
    rate_per_day: {residential: 4, market: 12}
    self_clear: {kind: lognormal, mean: 90, sd: 60}
    complaint: {probability: 0.3, delay: 20}
    flee_probability: 0.2
    ladder:
      - {name: persuade, duration: 5, compliance: 0.7}
      - {name: seize, duration: {kind: triangular, low: 10, mode: 15, high: 30}}
  pile:
    rate_per_day: {residential: 1}
    sla_min: 600
    ladder:
      - {name: order, duration: 5, compliance: 0.8, deadline_min: 120}
      - {name: remove, duration: 30}
units:
  foot:
    count: 2
    home_zone: A1
    shifts: [{start: "08:00", end: "17:00"}]
  bike:
    count: 1
    mode: ebike
    home_zone: C3
    shifts: [{start: "20:00", end: "02:00", overnight: true}]
    behaviour: {kind: hotspot_patrol}
  post:
    count: 1
    home_zone: A1
    shifts: [{start: "07:00", end: "15:00"}]
    behaviour: {kind: fixed_post, zone: B2, dispatchable: true}
  car:
    count: 1
    mode: car
    home_zone: C1
    shifts: [{start: "10:00", end: "18:00"}]
    behaviour: {kind: standby}
"""


def traced_scenario(folder: Path) -> Path:
    """Write the scenario into ``folder``; returns its path."""
    path = folder / "traced.yaml"
    path.write_text(TRACED, encoding="utf-8")
    return path

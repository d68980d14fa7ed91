"""Scale of map districts: one 28-day replication at 64, 400 and 1,000 unit grids.

Run from the repository root (needs the geo extra; about 3 minutes):

    python benchmarks/geo_scale.py            # 64, 400, 1000 zones, 28 days
    python benchmarks/geo_scale.py 400 --days 7

Each size runs in a fresh process, in a scratch folder: a GeoJSON of n unit grids of 100 m
(as near square as n allows) in EPSG:4326, a GraphML street lattice every 50 m (streets on
the grid lines, footways through the cells' middles), and a scenario extending
scenarios/base.yaml (its incident catalog at rate_multiplier 0.16 = (100/250)², i.e. the
same disorder per km², parking off) with 150 officers per 400 zones (100 on foot in two
shifts, 50 on e-bikes). Reported: `prep_s` (reading the map and routing every mode, no
cache), `cached_s` (the same from the cache), the replication split as `sim bench` splits it
(`build_s` demand, `simulate_s` the SimPy run, including the walking paths computed when
first used, `frames_s`), `wall_s` = build + simulate + frames, `cpu_s` the CPU time of those
(steadier than wall time on a loaded machine), and the peak memory.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

SCENARIO = """\
extends: {base}
name: geo_scale_{n}
replications: 1
clock: {{days: {days}, warmup_days: 1}}
rate_multiplier: 0.16
district:
  grid: null
  map:
    zones: {{file: zones.geojson, id_field: code}}
    network: {{file: streets.graphml, max_snap_m: 100}}
detection: {{cameras: {{zones: [{hot}]}}}}
units:
  foot:
    count: {foot}
    home_zone: {home}
    shifts: [{{start: "07:00", end: "15:00"}}, {{start: "13:00", end: "21:00"}}]
  ebike:
    count: {ebike}
    mode: ebike
    home_zone: {home}
    shifts: [{{start: "08:00", end: "20:00"}}]
    behaviour: {{kind: random_patrol, dwell: {{kind: lognormal, mean: 15, sd: 6}}}}
demand:
  vendors:
    neighbour_m: 110
    sites:
      - {{zone: {home}, vendors: 6, trading: {{kind: lognormal, mean: 90, sd: 40}},
         sessions: [{{start: "06:00", end: "09:00"}}, {{start: "17:00", end: "19:30"}}]}}
  parking: {{enabled: false}}
"""


def write_inputs(folder: Path, n: int, days: int) -> Path:
    """The zones, the street lattice and the scenario of an n-zone district in ``folder``."""
    from tests.helpers import geo as h

    cols = math.ceil(math.sqrt(n))
    while n % cols:
        cols += 1
    rows = n // cols
    h.zones_geojson(folder / "zones.geojson", n=rows, cols=cols)
    h.graphml(folder / "streets.graphml", n=rows, cols=cols)
    officers = round(150 * n / 400)
    ids = [h.code(r, c, rows, cols) for r in range(rows) for c in range(cols)]
    path = folder / "scenario.yaml"
    path.write_text(SCENARIO.format(
        base=ROOT / "scenarios" / "base.yaml", n=n, days=days, hot=", ".join(ids[:: max(1, n // 8)]),
        home=ids[len(ids) // 2], foot=officers * 2 // 3, ebike=officers - officers * 2 // 3))
    return path


def measure(n: int, days: int) -> dict:
    """One size, in this process."""
    from sim.compiled import compile_layout
    from sim.engine.world import World
    from sim.experiment.bench import peak_rss_mb
    from sim.experiment.replication import frames_from_raw
    from sim.geo import resolve
    from sim.scenario import load_scenario

    folder = Path(tempfile.mkdtemp(prefix=f"geo{n}-"))
    path = write_inputs(folder, n, days)
    t0 = time.perf_counter()
    scenario = load_scenario(path)
    prep = time.perf_counter() - t0
    resolve._ZONES.clear()
    resolve._TRAVEL.clear()
    t0 = time.perf_counter()
    scenario = load_scenario(path)
    compile_layout(scenario)
    cached = time.perf_counter() - t0
    c0, t0 = time.process_time(), time.perf_counter()
    world = World(scenario, 0)
    t1 = time.perf_counter()
    raw = world.run()
    t2 = time.perf_counter()
    frames = frames_from_raw(raw)
    t3 = time.perf_counter()
    return {"zones": n, "officers": sum(g.count for g in scenario.units.values()), "days": days,
            "incidents": len(frames.incidents), "prep_s": round(prep, 2),
            "cached_s": round(cached, 2), "build_s": round(t1 - t0, 2),
            "simulate_s": round(t2 - t1, 2), "frames_s": round(t3 - t2, 2),
            "wall_s": round(t3 - t0, 2), "cpu_s": round(time.process_time() - c0, 2),
            "peak_rss_mb": round(peak_rss_mb())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[64, 400, 1000])
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.sizes[0], args.days)))
        return
    rows = []
    for n in args.sizes:
        out = subprocess.run([sys.executable, __file__, str(n), "--days", str(args.days), "--one"],
                             capture_output=True, text=True, check=True)
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(json.dumps(rows[-1]), flush=True)
    keys = list(rows[0])
    print("| " + " | ".join(keys) + " |\n|" + "---:|" * len(keys))
    for r in rows:
        print("| " + " | ".join(f"{r[k]:,}" for k in keys) + " |")


if __name__ == "__main__":
    main()

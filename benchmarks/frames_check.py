"""Is a change to the frames code output-neutral, and is it faster? (``frames_from_raw``)

Run from the repository root:

    python benchmarks/frames_check.py raws RAWS            # raw runs of the shipped scenarios
    python benchmarks/frames_check.py snapshot RAWS OUT    # their frames, with this code
    python benchmarks/frames_check.py compare OUT_A OUT_B  # exit 1 if any frame differs
    python benchmarks/frames_check.py time RAWS/bench_city_year_w0.pkl [N]

``raws`` runs every scenario of scenarios/ (7 days, warm-up 0 and the scenario's own; bench
city year: 365 days, warm-up 0) once and pickles the raw engine records. ``snapshot``
computes the frames of each raw run (with the presence frame, and without) and pickles every
table with the CSV text ``sim run`` would write. ``compare`` checks every table of two
snapshots: equal bit for bit (``check_exact``), same dtypes and column order, same CSV
text, and the same Python type in every cell of object columns. ``time`` gives the process
time of ``frames_from_raw`` on one raw run, best of N (default 3).

Take the snapshot of the code before a change, then after it, from the same raw runs.
"""

from __future__ import annotations

import pickle
import sys
import time
from pathlib import Path

import pandas as pd

from sim.engine.world import World
from sim.experiment.csv_files import FLOAT_FORMAT, with_fixed_times
from sim.experiment.replication import frames_from_raw
from sim.scenario.loader import load_scenario

BIG = 200_000  # rows: larger tables (a year's presence) are compared without their CSV


def raws(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for path in sorted(Path("scenarios").glob("*.yaml")):
        year = path.stem == "bench_city_year"
        for warmup in (0,) if year else (0, None):
            over: dict[str, object] = {} if year else {"clock.days": 7}
            if warmup is not None:
                over["clock.warmup_days"] = warmup
            raw = World(load_scenario(str(path), over), 1).run()
            (out / f"{path.stem}_w{warmup}.pkl").write_bytes(pickle.dumps(raw))
            print(path.stem, warmup, flush=True)


def snapshot(raw_dir: Path, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for path in sorted(raw_dir.glob("*.pkl")):
        for keep in (False, True):
            frames = frames_from_raw(pickle.loads(path.read_bytes()), keep)
            tables = {name: (frame, _csv(frame)) for name, frame in frames.items()}
            (out / f"{path.stem}_p{int(keep)}.pkl").write_bytes(pickle.dumps(tables))


def _csv(frame: pd.DataFrame) -> str | None:
    if len(frame) > BIG:
        return None
    return with_fixed_times(frame).to_csv(None, index=False, float_format=FLOAT_FORMAT)


def compare(a: Path, b: Path) -> int:
    bad = total = 0
    for path in sorted(a.glob("*.pkl")):
        left, right = pickle.loads(path.read_bytes()), pickle.loads((b / path.name).read_bytes())
        if list(left) != list(right):
            print("DIFF", path.name, "tables", list(left), list(right))
            bad += 1
            continue
        for name in left:
            total += 1
            problem = _difference(left[name], right[name])
            if problem:
                bad += 1
                print("DIFF", path.name, name, problem[:300])
    print(f"{total} tables compared, {bad} differ")
    return 1 if bad else 0


def _difference(left: tuple[pd.DataFrame, str | None], right: tuple[pd.DataFrame, str | None]
                ) -> str:
    (fa, ca), (fb, cb) = left, right
    if list(fa.columns) != list(fb.columns) or list(map(str, fa.dtypes)) != list(
            map(str, fb.dtypes)):
        return "columns or dtypes"
    try:
        pd.testing.assert_frame_equal(fa, fb, check_exact=True)
    except AssertionError as error:
        return str(error)
    if ca != cb:
        return "CSV text"
    objects = [c for c in fa.columns if fa[c].dtype == object]
    same = all([type(x) for x in fa[c]] == [type(x) for x in fb[c]] for c in objects)
    return "" if same else "cell types"


def timed(raw: Path, n: int) -> None:
    data = raw.read_bytes()
    times = []
    for _ in range(n):
        run = pickle.loads(data)
        start = time.process_time()
        frames_from_raw(run)
        times.append(time.process_time() - start)
    print("frames_s", " ".join(f"{t:.3f}" for t in times), f"best {min(times):.3f}")


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "raws":
        raws(Path(args[0]))
    elif command == "snapshot":
        snapshot(Path(args[0]), Path(args[1]))
    elif command == "compare":
        sys.exit(compare(Path(args[0]), Path(args[1])))
    else:
        timed(Path(args[0]), int(args[1]) if len(args) > 1 else 3)

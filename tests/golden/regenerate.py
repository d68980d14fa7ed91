"""Regenerate the golden summary (tests/golden/summary.csv) from tests/golden/scenario.yaml.

    python tests/golden/regenerate.py            # from the repository root

The golden back-test (tests/system/test_golden.py) re-runs the scenario and compares every KPI of
every replication with the committed file at rtol 1e-9. It fails on ANY change of results.

When regenerating is legitimate — only when the change of results is intended and explained:
  * a deliberate change of the model (engine, demand, metrics) whose effect you can name, e.g.
    "officers now return to the post only if they arrive before the window ends";
  * a bug fix that is meant to change numbers (say which bug in the commit message);
  * a deliberate change of the random-stream layout (stream names, draw order) or of the
    golden scenario itself;
  * a KPI added, renamed or removed in the summary (the column set changes).
Regenerate in the same commit as the change, and say in the commit message why the golden
numbers moved and roughly by how much (`git diff tests/golden/summary.csv`).

When it is NOT legitimate: a refactoring, a speed-up, a dependency upgrade or a platform move
that was meant to leave results alone. Then the failure is the finding — the change altered
results (a different draw order, a different tie-break, a float expression reordered) and
must be fixed or understood first, not papered over by regenerating.

Before regenerating, run the theory tests (tests/validation/): the golden file only
says "unchanged", they say "still right".
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
SCENARIO = HERE / "scenario.yaml"
SUMMARY = HERE / "summary.csv"
REPLICATIONS = 2
FLOAT_FORMAT = "%.17g"  # round-trips every float64 exactly


def golden_summary() -> pd.DataFrame:
    """The summary frame (one row per replication) of the golden scenario, as sim.run gives it."""
    from sim.experiment.runner import run
    from sim.scenario.loader import load_scenario

    scenario = load_scenario(SCENARIO)
    frames = run(scenario, reps=REPLICATIONS, jobs=1)
    return frames.summary.reset_index(drop=True)


def main() -> int:
    summary = golden_summary()
    summary.to_csv(SUMMARY, index=False, float_format=FLOAT_FORMAT)
    print(f"wrote {SUMMARY} ({len(summary)} replications x {summary.shape[1]} columns)")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parents[1]))  # the repository root, for `import sim`
    sys.exit(main())

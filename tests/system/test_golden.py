"""Golden back-test: a small scenario's KPIs must not change unless a change is intended.

tests/golden/scenario.yaml is run for the replications in tests/golden/regenerate.py and every
column of the summary (one row per replication) is compared with tests/golden/summary.csv:
numbers at rtol 1e-9 (atol 1e-12, NaN equals NaN), text exactly. Any unintended change of
results — a draw order, a tie-break, a metric's definition — fails here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.golden.regenerate import REPLICATIONS, SUMMARY, golden_summary

RTOL, ATOL = 1e-9, 1e-12
HOW_TO_REGENERATE = (
    "If this change of results is intended, regenerate with `python tests/golden/regenerate.py` "
    "(read its docstring first: when that is legitimate, and say why in the commit message); "
    "if it is not intended, a change altered the simulation's results — find out which."
)


@pytest.fixture(scope="module")
def summaries() -> tuple[pd.DataFrame, pd.DataFrame]:
    expected = pd.read_csv(SUMMARY)
    actual = golden_summary()
    return expected, actual


def test_golden_summary_has_the_same_shape(summaries) -> None:
    expected, actual = summaries
    assert len(expected) == REPLICATIONS
    missing = sorted(set(expected.columns) - set(actual.columns))
    extra = sorted(set(actual.columns) - set(expected.columns))
    assert not missing and not extra, (
        f"summary columns changed: missing {missing}, new {extra}. {HOW_TO_REGENERATE}"
    )
    assert len(actual) == len(expected), HOW_TO_REGENERATE


def test_golden_summary_every_kpi_unchanged(summaries) -> None:
    expected, actual = summaries
    changed = []
    for column in expected.columns:
        if column not in actual.columns:
            continue
        want, got = expected[column], actual[column]
        if pd.api.types.is_numeric_dtype(want):
            w = want.to_numpy(dtype=float)
            g = pd.to_numeric(got, errors="coerce").to_numpy(dtype=float)
            same = np.isclose(g, w, rtol=RTOL, atol=ATOL) | (np.isnan(g) & np.isnan(w))
        else:
            same = want.astype(str).to_numpy() == got.astype(str).to_numpy()
        for rep in np.flatnonzero(~same):
            changed.append(f"  replication {rep}: {column}: golden {want.iloc[rep]!r}, "
                           f"now {got.iloc[rep]!r}")
    assert not changed, (
        f"{len(changed)} KPI value(s) differ from tests/golden/summary.csv:\n"
        + "\n".join(changed[:40]) + f"\n{HOW_TO_REGENERATE}"
    )


def test_golden_scenario_exercises_every_path() -> None:
    # guard against a golden scenario that silently stopped covering the model
    from sim.experiment.runner import run
    from sim.scenario.loader import load_scenario
    from tests.golden.regenerate import SCENARIO

    inc = run(load_scenario(SCENARIO), reps=1).incidents
    assert {"resolved", "self_cleared", "fled", "merchant_fixed"} <= set(inc["outcome"])
    assert {"patrol", "camera", "complaint"} <= set(inc["channel"])
    assert (inc["reinspections"] > 0).any() and (inc["recurrence_of"] >= 0).any()
    assert inc["unit_id"].str.startswith("bike").any()

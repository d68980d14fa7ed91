"""Detection layers as a list (`detection.channels`): the old keys are the same layers, each
further layer finds what the others missed, and the per-layer counts are reported."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.engine.channels import next_open
from sim.experiment.replication import run_replication
from sim.scenario.loader import scenario_from_dict
from sim.scenario.operations import Detection
from tests.helpers.scenarios import realistic_scenario_dict

OLD_KEYS = {
    "cameras": {"zones": ["B2", "A3"], "probability": 0.5, "delay": 10},
    "door_front": {"contract_share": 0.4, "fix_share": 0.5, "delay": 45},
}
AS_LIST = {
    "door_front": {"contract_share": 0.4},
    "channels": [
        {"name": "merchant", "kind": "merchant", "probability": 0.5, "delay": 45},
        {"name": "camera", "kind": "camera", "zones": ["B2", "A3"], "probability": 0.5,
         "delay": 10},
        {"name": "hotline", "kind": "hotline"},
    ],
}
SUPERVISOR = {"name": "supervisor", "probability": 0.5, "delay": 20}
COMANAGER = {"name": "comanager", "probability": {"vendor": 0.4, "pile": 0.6}, "delay": 30,
             "handles": True, "hours": ["08:00-20:00"]}


def scenario(detection: dict, days: int = 5, **kwargs):
    data = realistic_scenario_dict(days=days, **kwargs)
    data["detection"] = copy.deepcopy(detection)
    return scenario_from_dict(data)


def with_layers(*layers: dict) -> dict:
    return {**AS_LIST, "channels": [*AS_LIST["channels"], *layers]}


def test_old_keys_and_the_list_are_the_same_scenario_and_the_same_results() -> None:
    old, new = scenario(OLD_KEYS), scenario(AS_LIST)
    assert old.detection.cameras == new.detection.cameras
    assert old.detection.door_front == new.detection.door_front
    assert old.detection.complaints and new.detection.complaints
    a, b = run_replication(old, 0), run_replication(new, 0)
    pd.testing.assert_frame_equal(a.summary, b.summary)
    pd.testing.assert_frame_equal(a.incidents, b.incidents)


def test_the_old_keys_translate_to_the_list() -> None:
    layers = scenario(OLD_KEYS).detection.layers()
    assert [(x.name, x.kind) for x in layers] == [
        ("merchant", "merchant"), ("camera", "camera"), ("hotline", "hotline")]
    assert layers[1].zones == ["B2", "A3"] and layers[0].probability == 0.5
    assert [x.kind for x in Detection(complaints=False).layers()] == ["merchant"]


def test_a_built_in_kind_left_out_of_the_list_is_off() -> None:
    det = scenario({"channels": [{"name": "hotline", "kind": "hotline"}]}).detection
    assert det.cameras.zones == [] and det.door_front.fix_share == 0.0 and det.complaints
    frames = run_replication(scenario({"channels": [SUPERVISOR]}), 0)
    assert not {"complaint", "camera", "merchant"} & set(frames.incidents["channel"])
    assert (frames.incidents["channel"] == "supervisor").any()


def summaries(detection: dict, reps: int = 4) -> pd.DataFrame:
    sc = scenario(detection, days=6)
    return pd.concat([run_replication(sc, r).summary for r in range(reps)], ignore_index=True)


@pytest.fixture(scope="module")
def stacks() -> list[pd.DataFrame]:
    """Common random numbers: the same incidents, with 0, 1 and 2 further layers."""
    return [summaries(AS_LIST), summaries(with_layers(SUPERVISOR)),
            summaries(with_layers(SUPERVISOR, COMANAGER))]


def test_each_layer_added_detects_no_less_and_leaves_no_more_exposure(stacks) -> None:
    # Paired over 4 replications × 6 days under common random numbers. Tolerances: share
    # detected may not fall by more than 0.5 points, exposure not rise by more than 2 %
    # (officers sent to the extra reports patrol less, so a small give-back is possible).
    for before, after in zip(stacks, stacks[1:]):
        assert after["share_detected"].mean() >= before["share_detected"].mean() - 0.005
        assert after["exposure_h_per_day"].mean() <= before["exposure_h_per_day"].mean() * 1.02
    # and the two layers together do measurably better than none
    assert stacks[2]["share_detected"].mean() > stacks[0]["share_detected"].mean() + 0.02
    assert stacks[2]["exposure_h_per_day"].mean() < stacks[0]["exposure_h_per_day"].mean()


def test_per_layer_counts_per_type_are_reported() -> None:
    frames = run_replication(scenario(with_layers(SUPERVISOR, COMANAGER)), 0)
    table = frames.extra["by_channel"].set_index(["type", "channel"])["incidents"]
    assert table[("vendor", "comanager")] > 0
    assert table[("dog", "comanager")] == 0 and table[("parking", "comanager")] == 0
    assert table.xs("supervisor", level="channel").sum() > 0
    inc = frames.incidents
    ended = inc[inc["channel"] == "comanager"]
    assert (ended["outcome"] == "merchant_fixed").all()  # a handling layer ends it itself
    reported = inc[inc["channel"] == "supervisor"]
    assert not (reported["outcome"] == "merchant_fixed").all()


def test_a_layer_works_only_in_its_hours() -> None:
    layer = {"name": "morning", "probability": 1.0, "delay": 0, "hours": ["08:00-09:00"]}
    inc = run_replication(scenario(with_layers(layer)), 0).incidents
    found = inc.loc[inc["channel"] == "morning", "t_detect"].to_numpy()
    assert found.size > 0
    minute = found % 1440
    assert ((minute >= 480) & (minute < 540)).all()


def test_next_open() -> None:
    spans = np.array([[480.0, 720.0], [810.0, 1050.0]])
    t = np.array([100.0, 500.0, 750.0, 1100.0, 1440 + 900.0])
    assert next_open(t, spans).tolist() == [480.0, 500.0, 810.0, 1440 + 480.0, 1440 + 900.0]
    assert next_open(t, None).tolist() == t.tolist()


def _first_open(t: float, spans: list[tuple[float, float]]) -> float:
    """next_open by its definition, one instant at a time."""
    day = t // 1440
    if any(s <= t - day * 1440 < e for s, e in spans):
        return t
    return min(d * 1440 + s for d in (day, day + 1) for s, _ in spans if d * 1440 + s >= t)


@pytest.mark.parametrize("seed", range(5))
def test_next_open_against_its_definition(seed: int) -> None:
    """Random daily hours (1-3 spans, one may end at midnight), instants over a week, span
    edges included. Power: ``minute <= e`` for ``minute < e`` in ``next_open`` fails here."""
    rng = np.random.default_rng(seed)
    edges = np.sort(rng.choice(np.arange(0, 1441, 30), 2 * rng.integers(1, 4), replace=False))
    spans = [(float(a), float(b)) for a, b in edges.reshape(-1, 2)]
    t = np.concatenate([rng.uniform(0, 7 * 1440, 300),
                        [d * 1440 + x for d in (0, 3) for span in spans for x in span]])
    got = next_open(t, np.array(spans))
    assert got.tolist() == [_first_open(x, spans) for x in t.tolist()]


def test_a_scenario_with_layers_reads_back_from_its_resolved_yaml() -> None:
    import yaml

    from sim.scenario.loader import load_scenario, scenario_yaml

    for name in ("layered_comanagement", "case_workflow", "remote_notices"):
        sc = load_scenario(Path(__file__).resolve().parents[2] / "scenarios" / f"{name}.yaml")
        assert scenario_from_dict(yaml.safe_load(scenario_yaml(sc))) == sc, name

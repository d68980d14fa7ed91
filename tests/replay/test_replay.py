"""`sim replay`: positions along legs, incident states, the animation and its files, errors."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from sim.cli import main
from sim.replay import replay
from sim.replay.data import load_day
from sim.replay.motion import along, motion
from sim.replay.scene import build_scene, frame_times
from sim.replay.states import STATES, states_at
from tests.helpers.replay import traced_scenario

STEP = 120.0  # minutes between frames: 12 frames a day keeps the tests fast


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory):
    return traced_scenario(tmp_path_factory.mktemp("replay"))


@pytest.fixture(scope="module")
def results(scenario_file):
    out = scenario_file.parent / "results"
    assert main(["run", str(scenario_file), "-o", str(out), "--reps", "1", "--no-plots",
                 "--trace"]) == 0
    return out


# -- positions ------------------------------------------------------------------------------
def test_along_walks_each_segment_in_equal_time():
    pts = np.array([[0.0, 0.0], [100.0, 0.0], [100.0, 300.0]])
    got = along(pts, np.array([0.0, 0.25, 0.5, 0.75, 1.0]))
    np.testing.assert_allclose(got, [[0, 0], [50, 0], [100, 0], [100, 150], [100, 300]])


def legs_frame(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["unit_id", "mode", "activity", "t_start", "t_end",
                                       "from_zone", "to_zone"])


def test_motion_interpolates_through_the_zones_on_the_way_and_hides_off_duty():
    xy = np.array([[0.0, 0.0], [100.0, 0.0], [200.0, 0.0], [200.0, 100.0]])
    zones = ["a", "b", "c", "d"]
    paths = {(0, 3): [1, 2, 3], (3, 3): [3]}
    legs = legs_frame([("o-1", "foot", "travel", 10.0, 40.0, "a", "d"),
                       ("o-1", "foot", "patrol", 40.0, 60.0, "d", "d")])
    times = np.array([0.0, 10.0, 15.0, 25.0, 35.0, 40.0, 50.0, 60.0])
    m = motion(legs, times, xy, zones, lambda a, b: paths[(a, b)])
    expected = [[np.nan, np.nan], [0, 0], [50, 0], [150, 0], [200, 50], [200, 100],
                [200, 100], [np.nan, np.nan]]
    np.testing.assert_allclose(m.xy[:, 0], expected)
    assert m.activity[:, 0].tolist() == ["", "travel", "travel", "travel", "travel", "patrol",
                                          "patrol", ""]
    assert m.officers == ["o-1"] and m.modes == ["foot"]


def test_incident_states_follow_the_latest_moment_passed():
    inc = pd.DataFrame({
        "t_occur": [0.0, 0.0, 0.0], "t_detect": [10.0, np.nan, 5.0],
        "t_dispatch": [20.0, np.nan, 6.0], "t_arrive": [30.0, np.nan, 7.0],
        "t_notice": [np.nan, np.nan, 8.0], "t_end": [40.0, 50.0, np.nan],
    })
    name = {-1: "hidden", **dict(enumerate(STATES))}

    def at(t):
        return [name[s] for s in states_at(inc, t)]

    assert at(1) == ["unnoticed", "unnoticed", "unnoticed"]
    assert at(5.5) == ["unnoticed", "unnoticed", "reported"]
    assert at(25) == ["dispatched", "unnoticed", "notice given"]
    assert at(35) == ["on scene", "unnoticed", "notice given"]
    assert at(55) == ["ended", "ended", "notice given"]
    assert at(90) == ["hidden", "hidden", "notice given"]


# -- the replay of a traced run -----------------------------------------------------------
def test_scene_shows_officers_moving(results):
    scene = build_scene(load_day(results, 1), STEP)
    assert len(scene.clocks) == 12 and scene.clocks[4].endswith("08:00")
    xy = scene.motion.xy
    both = ~np.isnan(xy[1:, :, 0]) & ~np.isnan(xy[:-1, :, 0])
    moved = np.hypot(*(xy[1:] - xy[:-1]).transpose(2, 0, 1))[both]
    assert (moved > 1.0).any(), "no officer changes position between frames"
    assert (scene.incident_states >= 0).any()


def test_replay_writes_a_gif_with_one_frame_per_step(results, tmp_path):
    out = tmp_path / "day1.gif"
    result = replay(results, day=1, out=out, step_min=STEP, fps=4)
    assert result.frames == len(frame_times(1, STEP)) == 12
    with Image.open(out) as gif:
        assert gif.n_frames == 12
        frames = []
        for k in (3, 6):  # 06:00 and 12:00
            gif.seek(k)
            frames.append(np.asarray(gif.convert("RGB"), dtype=int))
    assert np.abs(frames[0] - frames[1]).sum() > 0
    assert not list(tmp_path.glob(".*")), "a temporary file was left behind"


def test_replay_writes_an_offline_html_page_listed_in_the_results(results):
    result = replay(results, day=0, step_min=STEP)
    assert result.path == results / "replay" / "day0-rep0.html"
    page = result.path.read_text(encoding="utf-8")
    assert "new Array(12)" in page
    assert len(re.findall(r'frames\[\d+\] = "data:image/png;base64,', page)) == 12
    assert "http://" not in page and "https://" not in page and "<link" not in page
    entries = json.loads((results / ".sim-results").read_text())["entries"]
    assert "replay/day0-rep0.html" in entries  # a later `sim run` may replace it


def test_replay_cli(results, tmp_path, capsys):
    out = tmp_path / "r.html"
    assert main(["replay", str(results), "--day", "1", "--out", str(out),
                 "--step-min", "240"]) == 0
    assert "6 frames" in capsys.readouterr().out and out.stat().st_size > 10_000


# -- what cannot be replayed ----------------------------------------------------------------
def refused(args: list[str], capsys) -> str:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


def test_errors_name_the_problem(results, tmp_path, capsys):
    r = str(results)
    assert "no such results folder" in refused(["replay", str(tmp_path / "no"), "--day", "0"],
                                               capsys)
    assert "not a results folder" in refused(["replay", str(tmp_path), "--day", "0"], capsys)
    assert "days 0-1" in refused(["replay", r, "--day", "2"], capsys)
    assert "replication(s) 0" in refused(["replay", r, "--day", "0", "--replication", "1"],
                                         capsys)
    assert ".html, .gif or .mp4" in refused(["replay", r, "--day", "0", "--out", "x.avi"],
                                            capsys)
    assert "--step-min" in refused(["replay", r, "--day", "0", "--step-min", "0"], capsys)


def test_an_untraced_run_says_to_rerun_with_trace(scenario_file, tmp_path, capsys):
    out = tmp_path / "plain"
    assert main(["run", str(scenario_file), "-o", str(out), "--reps", "1", "--no-plots",
                 "--days", "1"]) == 0
    assert "--trace" in refused(["replay", str(out), "--day", "0"], capsys)


def test_a_day_outside_the_traced_days(scenario_file, tmp_path, capsys):
    out = tmp_path / "day1"
    assert main(["run", str(scenario_file), "-o", str(out), "--reps", "1", "--no-plots",
                 "--trace-days", "1"]) == 0
    err = refused(["replay", str(out), "--day", "0"], capsys)
    assert "covers days 1-1" in err and "--trace-days 0" in err


def test_bad_trace_days(scenario_file, tmp_path, capsys):
    out = str(tmp_path / "x")
    assert "days 0-1" in refused(["run", str(scenario_file), "-o", out, "--trace-days", "2"],
                                 capsys)
    assert "FIRST-LAST" in refused(["run", str(scenario_file), "-o", out, "--trace-days",
                                    "a"], capsys)
    assert not (tmp_path / "x").exists()


def test_mp4_without_ffmpeg_is_refused_clearly(results, monkeypatch, capsys):
    from matplotlib.animation import writers

    monkeypatch.setattr(writers, "is_available", lambda name: False)
    err = refused(["replay", str(results), "--day", "0", "--out", "x.mp4"], capsys)
    assert "ffmpeg" in err and ".gif" in err


def test_mp4_with_ffmpeg(results, tmp_path):
    from matplotlib.animation import writers

    if not writers.is_available("ffmpeg"):
        pytest.skip("ffmpeg is not installed (Debian: apt-get install ffmpeg)")
    out = tmp_path / "day0.mp4"
    replay(results, day=0, out=out, step_min=STEP)
    assert out.stat().st_size > 1000


NUMBERED = """\
name: numbered
seed: 3
clock: {days: 1, warmup_days: 0}
district:
  zones:
    - {id: "01", x_m: 0, y_m: 0}
    - {id: "02", x_m: 300, y_m: 0}
    - {id: "10", x_m: 0, y_m: 300, kind: market}
incidents:
  vendor:
    rate_per_day: {residential: 6, market: 12}
    ladder: [{name: persuade, duration: 5}]
units:
  foot: {count: 2, home_zone: "01", shifts: [{start: "08:00", end: "16:00"}]}
"""


def test_zone_ids_that_look_like_numbers_stay_text(tmp_path):
    path = tmp_path / "numbered.yaml"
    path.write_text(NUMBERED, encoding="utf-8")
    out = tmp_path / "results"
    assert main(["run", str(path), "-o", str(out), "--no-plots", "--trace"]) == 0
    data = load_day(out, 0)
    assert set(data.legs["from_zone"]) <= {"01", "02", "10"} and len(data.legs) > 5
    assert build_scene(data, 240.0).motion.officers == ["foot-1", "foot-2"]


def test_running_again_replaces_a_replay_written_in_the_results(scenario_file, tmp_path):
    out = tmp_path / "again"
    run = ["run", str(scenario_file), "-o", str(out), "--no-plots", "--days", "1"]
    assert main([*run, "--trace"]) == 0
    replay(out, day=0, step_min=480)
    assert main(run) == 0  # no --force needed: sim wrote the replay
    assert not (out / "replay").exists() and not (out / "trace.csv").exists()

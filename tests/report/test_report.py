"""The comparison report and the compare command end to end."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from sim.cli import main
from sim.report import interactive
from sim.report.verdicts import sentence

BASE = {
    "name": "default",
    "description": "Two officers on a day shift.",
    "seed": 3,
    "clock": {"days": 3, "warmup_days": 1},
    "district": {"grid": {"rows": 3, "cols": 3, "cell_m": 250}},
    "incidents": {
        "vendor": {
            "rate_per_day": {"residential": 6},
            "self_clear": {"kind": "lognormal", "mean": 240, "sd": 120},
            "complaint": {"probability": 0.4},
            "sla_min": 60,
            "ladder": [{"name": "persuade", "duration": 5, "compliance": 0.7},
                       {"name": "seize", "duration": 20}],
        },
    },
    "units": {"foot": {"count": 2, "shifts": [{"start": "08:00", "end": "17:00"}]}},
}


def _row(**kw: object) -> pd.Series:
    row = {"scenario": "night_inspection", "baseline": "default", "kpi": "time_to_end_mean_min",
           "diff_mean": -20.0, "diff_ci_low": -27.0, "diff_ci_high": -13.0,
           "rel_diff_pct": -18.0, "rel_ci_low_pct": -24.0, "rel_ci_high_pct": -12.0,
           "verdict": "better"}
    return pd.Series({**row, **kw})


def test_verdict_sentences() -> None:
    assert sentence(_row()) == ("night_inspection ends disorder 18 % faster than default "
                                "(95 % CI 12–24 %).")
    worse = _row(kpi="coverage_share", diff_mean=-0.05, rel_diff_pct=-6.5,
                 rel_ci_low_pct=-9.0, rel_ci_high_pct=-4.0, verdict="worse")
    assert sentence(worse) == ("night_inspection covers 6.5 % fewer zone-hours than default "
                               "(95 % CI 4.0–9.0 %).")
    same = _row(verdict="no significant difference", rel_diff_pct=-3.0, rel_ci_low_pct=-8.0,
                rel_ci_high_pct=2.0)
    assert sentence(same) == ("night_inspection: no significant difference from default in "
                              "time to end of disorder (-3.0 %, 95 % CI -8.0 to +2.0 %).")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    folder = tmp_path_factory.mktemp("report")
    more = copy.deepcopy(BASE)
    more.update(name="more_officers", description="Six officers on the same shift.")
    more["units"]["foot"]["count"] = 6
    paths = []
    for data in (BASE, more):
        paths.append(folder / f"{data['name']}.yaml")
        paths[-1].write_text(yaml.safe_dump(data), encoding="utf-8")
    out = folder / "out"
    code = main(["compare", *map(str, paths), "--reps", "4", "-o", str(out), "--jobs", "2",
                 "--write-incidents"])
    assert code == 0
    return out, (out / "report.md").read_text("utf-8"), (out / "report.html").read_text("utf-8")


def test_report_mentions_scenarios_verdicts_and_methods(report: tuple[Path, str, str]) -> None:
    _, md, html = report
    for text in (md, html):
        for needle in ("default", "more_officers", "Six officers on the same shift.",
                       "staff-hours per week", "common random numbers", "4 replication(s)"):
            assert needle.lower() in text.lower(), needle
        assert re.search(r"more_officers ends disorder \d+(\.\d)? % faster than default "
                         r"\(95 % CI [\d.]+–[\d.]+ %\)", text)
        assert "differ by" in text  # 3x the staff-hours: warned
    assert "Root seed 3" in md


def test_report_embeds_figures(report: tuple[Path, str, str]) -> None:
    out, md, html = report
    linked = re.findall(r"!\[[^\]]*\]\((plots/[\w]+\.png)\)", md)
    assert len(linked) == 6 and all((out / p).stat().st_size > 1000 for p in linked)
    assert all((out / p.replace(".png", ".svg")).exists() for p in linked)
    # headline measures and time of day are interactive when plotly is installed (and a
    # per-type figure is added); the other figures are embedded PNGs
    live = 3 if interactive.available() else 0
    assert html.count('<figure class="interactive">') == live
    assert html.count('<img alt="') == 6 - (2 if live else 0)
    assert "<figcaption>" in html and 'src="plots/' not in html  # self-contained


def test_compare_folder_tables(report: tuple[Path, str, str]) -> None:
    out, _, _ = report
    summary = pd.read_csv(out / "summary.csv")
    assert len(summary) == 2 * 4 and set(summary["scenario"]) == {"default", "more_officers"}
    comparison = pd.read_csv(out / "comparison.csv")
    assert {"n", "mean", "sd", "ci_low", "ci_high"} <= set(comparison)
    diffs = pd.read_csv(out / "differences.csv")
    assert set(diffs["scenario"]) == {"more_officers"}
    assert {"rel_diff_pct", "rel_ci_low_pct", "verdict"} <= set(diffs)
    incidents = pd.read_csv(out / "incidents.csv")
    assert set(incidents["scenario"]) == {"default", "more_officers"}
    for name in ("units", "zones", "coverage"):
        assert (out / f"{name}.csv").exists()


def test_compare_prints_table_and_skips_incidents_by_default(
        report: tuple[Path, str, str], tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out, _, _ = report
    scenario = out.parent / "default.yaml"
    target = tmp_path / "cmp"
    assert main(["compare", str(scenario), str(out.parent / "more_officers.yaml"), "--reps",
                 "4", "-o", str(target), "--no-plots"]) == 0
    captured = capsys.readouterr()
    assert "Time to end of disorder (min)" in captured.out and "faster than default" in captured.out
    assert "staff-hours per week differ" in captured.err
    assert not (target / "incidents.csv").exists()
    assert "data:image" not in (target / "report.html").read_text("utf-8")


def test_compare_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(yaml.safe_dump(BASE), encoding="utf-8")
    assert main(["compare", str(path), "--precision", "5"]) == 2
    assert main(["compare", str(path), "--batch-means", "--reps", "3"]) == 2
    assert main(["compare", str(path), "--batch-means", "--days", "4"]) == 2
    assert "batch means needs at least 4 days" in capsys.readouterr().err
    assert main(["compare", str(path), str(tmp_path / "missing.yaml")]) == 2
    assert "missing.yaml" in capsys.readouterr().err

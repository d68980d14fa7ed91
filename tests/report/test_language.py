"""The report in Chinese or English: --lang, the scenario's report.lang, type labels."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from sim.cli import main
from sim.metrics import registry
from sim.report import i18n
from sim.report.verdicts import sentence
from tests.helpers.report import ZH_LABEL, NoGlyphWarnings, zh_scenarios
from tests.report.test_report import BASE

REPO = Path(__file__).resolve().parents[2]


def test_every_measure_has_a_chinese_label() -> None:
    assert set(registry.LABELS_ZH) == set(registry.BY_NAME)
    assert registry.label("coverage_share", "zh") == "巡查覆盖率 (网格小时比例)"
    assert registry.label("coverage_share") == "Coverage (share of zone-hours)"


def test_language_switch_falls_back_and_restores() -> None:
    assert i18n.t("Summary") == "Summary"
    with i18n.language("zh"):
        assert i18n.t("Summary") == "概要"
        assert i18n.t("a text nobody translated") == "a text nobody translated"
    assert i18n.current() == "en"
    with pytest.raises(ValueError, match="fr"), i18n.language("fr"):
        pass


def test_verdict_sentence_in_chinese() -> None:
    row = pd.Series({"scenario": "夜查", "baseline": "默认方案", "kpi": "exposure_h_per_day",
                     "diff_mean": -20.0, "diff_ci_low": -27.0, "diff_ci_high": -13.0,
                     "rel_diff_pct": -18.0, "rel_ci_low_pct": -24.0, "rel_ci_high_pct": -12.0,
                     "verdict": "better"})
    with i18n.language("zh"):
        assert sentence(row) == "夜查：乱象暴露比 默认方案 低 18 %（95 % 置信区间 12–24 %），更好。"


def test_report_in_chinese_from_the_scenario(zh_report: Path) -> None:
    md = (zh_report / "report.md").read_text("utf-8")
    page = (zh_report / "report.html").read_text("utf-8")
    for text in (md, page):
        for needle in ("方案比较：默认方案 对比 more_officers", "## 概要" if text is md else "概要",
                       "主要指标", "乱象暴露", "方法", ZH_LABEL):
            assert needle in text, needle
        assert "<h2>Methods</h2>" not in text and "## Methods" not in text
    assert '<html lang="zh-CN">' in page
    # the type's label, never its key, in the per-type tables
    per_type = md.split("## 分类型乱象暴露")[1].split("## ")[0]
    assert ZH_LABEL in per_type and "vendor" not in per_type


def test_lang_option_overrides_the_scenario(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["compare", *map(str, zh_scenarios(tmp_path)), "--reps", "2", "--no-plots",
                 "--lang", "en", "-o", str(out)]) == 0
    md = (out / "report.md").read_text("utf-8")
    assert "## Key measures" in md and "概要" not in md
    summary = md.split("## Summary")[1].split("## ")[0]
    assert re.search(r"more_officers is better in \d+, worse in \d+ and not significantly "
                     r"different in \d+ of \d+ measures\.", summary)
    assert md.index("## Summary") < md.index("## Verdicts") < md.index("| scenario | measure |")
    assert ZH_LABEL in md.split("## Disorder exposure per type")[1]  # labels in English too


def test_run_lang_figures_and_type_labels(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = zh_scenarios(tmp_path, lang=None)[0]
    with NoGlyphWarnings():
        assert main(["run", str(path), "--reps", "1", "--lang", "zh",
                     "-o", str(tmp_path / "run")]) == 0
    captured = capsys.readouterr()
    assert ZH_LABEL in captured.out  # the terminal's per-type table
    if _has_cjk_font():
        assert "CJK" not in captured.err
    assert (tmp_path / "run" / "plots" / "time_of_day.png").stat().st_size > 0


def _has_cjk_font() -> bool:
    from sim.plots.fonts import cjk_font

    return cjk_font() is not None


@pytest.mark.parametrize("argv", [["--lang", "fr"]])
def test_bad_language_is_a_usage_error(tmp_path: Path, argv: list[str],
                                       capsys: pytest.CaptureFixture) -> None:
    path = zh_scenarios(tmp_path)[0]
    with pytest.raises(SystemExit) as exc:
        main(["run", str(path), *argv])
    assert exc.value.code == 2
    assert "--lang" in capsys.readouterr().err


def test_bad_report_lang_in_the_scenario(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    data = {**copy.deepcopy(BASE), "report": {"lang": "fr"}}
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "report.lang" in err and "en, zh" in err and "Traceback" not in err


def test_the_chinese_example_is_the_default_scenario_renamed() -> None:
    from sim.experiment.differs import demand_parts
    from sim.scenario.loader import load_scenario, scenario_hash

    zh = load_scenario(REPO / "scenarios" / "default_zh.yaml")
    default = load_scenario(REPO / "scenarios" / "default.yaml")
    assert zh.report.lang == "zh" and default.report.lang == "en"
    labels = [t.label for t in zh.incidents.values()]
    assert all(label and any("\u4e00" <= ch <= "\u9fff" for ch in label) for label in labels)
    assert demand_parts(zh) == demand_parts(default)  # names and labels are not demand
    assert scenario_hash(zh) != scenario_hash(default)

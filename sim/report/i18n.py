"""The report's language: one table of translations, keyed by the English text.

``with language("zh"):`` makes every :func:`t` call (report text, figure titles, axes and
legends) answer in Chinese until the block ends; English is the default and the fallback for
any text the table lacks. Measure labels come from :mod:`sim.metrics.registry`
(``registry.label(name, lang)``); incident-type names from the scenario's ``label:`` values
(:func:`type_labels`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from typing import Any

LANGS = ("en", "zh")

# The methods paragraph of a comparison report (sim.report.document).
METHODS = (
    "Each scenario was simulated for {days} days in {reps} replication(s); the first "
    "{warmup} day(s) are a warm-up left out of all measures. Incident measures count the "
    "incidents that occurred between the end of the warm-up and {cooldown} day(s) before the "
    "end of the run (the cool-down), so each is followed until it ended or for at least the "
    "cool-down; times are capped there (restricted means). Root seed {seed} ({source}) for "
    "every scenario; replication r draws from streams keyed by (seed, r, decision). Common "
    "random numbers: in replication r every scenario faces the same exogenous demand (the "
    "same incidents at the same times and places, with the same offender behaviour), so "
    "scenarios are compared replication by replication (paired differences, scenario minus "
    "baseline). Intervals are 95 % Student-t confidence intervals over replications; relative "
    "figures are in % of the baseline mean; a difference is significant when its interval "
    "excludes zero. sim {version}.")
_current: ContextVar[str] = ContextVar("sim_report_lang", default="en")

ZH: dict[str, str] = {
    # report: headings and fixed text
    "Comparison: {names}": "方案比较：{names}",
    " vs ": " 对比 ",
    "Summary": "概要",
    "Scenarios": "方案",
    "Verdicts (baseline: {baseline})": "结论（基准方案：{baseline}）",
    "Key measures (mean and 95 % CI)": "主要指标（均值与 95 % 置信区间）",
    "Maps": "地图",
    "Time of day": "一天中的时段",
    "Other figures": "其他图表",
    "Methods": "方法",
    "Precision": "精度",
    "Batch means": "批均值",
    "Warning:": "警告：",
    "Only one scenario: nothing to compare.": "只有一个方案：无可比较。",
    "Interactive figures: hover for values, click a scenario in the legend to hide or show "
    "it.": "交互式图表：将鼠标悬停可查看数值，点击图例中的方案可隐藏或显示。",
    "Static figures only: the interactive figures need the optional extra "
    "(pip install 'chengguan-sim[interactive]').":
        "仅静态图表：交互式图表需要可选组件（pip install 'chengguan-sim[interactive]'）。",
    "Headline measures come first: they count the same incidents and zone-hours in every "
    "scenario (common random numbers), so a strategy cannot look better by resolving a "
    "different mix of incidents. Each incident measure is followed by its per-type picture. "
    "Definitions: docs/measures.md.":
        "首要指标排在最前：各方案统计的是相同的事件和相同的网格小时（共同随机数），因此某一"
        "策略不能靠处置另一种事件组合而显得更好。每个事件指标后附分类型情况。定义见 "
        "docs/measures.md。",
    METHODS:
        "每个方案模拟 {days} 天，重复 {reps} 次；前 {warmup} 天为预热期，不计入任何指标。事件"
        "指标统计预热期结束至运行结束前 {cooldown} 天（冷却期）之间发生的事件，因此每个事件"
        "都被跟踪到其结束或至少一个冷却期；时间以冷却期为上限（受限均值）。所有方案的根随机"
        "种子均为 {seed}（{source}）；第 r 次重复使用按（种子、r、决策）划分的随机数流。共同"
        "随机数：在第 r 次重复中，各方案面对相同的外生需求（相同时间、相同地点的相同事件，"
        "违法者行为相同），因此按重复逐次比较各方案（配对差值，方案减基准）。区间为各次重复"
        "的 95 % Student-t 置信区间；相对数值为占基准均值的百分比；区间不含零即为显著差异。"
        "sim {version}。",
    " Replications were added in batches until every key KPI's CI half-width was within the "
    "precision target of its mean (or the cap was reached).":
        " 分批增加重复次数，直至每个主要指标的置信区间半宽在其均值的精度目标之内（或达到上限）。",
    " Batch means: one long replication per scenario; daily mean resolution times after the "
    "warm-up are grouped into equal batches of whole days and a t interval is taken over the "
    "batch means.": " 批均值法：每个方案一次长时间运行；预热期后的日均处置时间按整日分成等长"
    "批次，对批均值取 t 区间。",
    # tables
    "scenario": "方案", "description": "说明", "officers": "队员数",
    "staff-hours per week": "每周工时", "measure": "指标", "type": "事件类型",
    "difference (% of baseline)": "差异（占基准的 %）", "95 % CI": "95 % 置信区间",
    "verdict": "结论", "better": "更好", "worse": "更差",
    "no significant difference": "无显著差异",
    "hours": "时段", "officers on duty": "在岗队员", "P(wait)": "需等待概率",
    "cases waiting": "等待案件数", "response p90 (min)": "响应时间 p90（分钟）",
    "ended within target": "按时消除",
    "Disorder exposure per type (incident-hours in the observation window, per "
    "replication)": "分类型乱象暴露（观察期内事件小时数，每次重复）",
    "Time to end of disorder per type (min, every incident, capped at the cool-down)":
        "分类型乱象消除时间（分钟，全部事件，以冷却期为上限）",
    "Ended within target per type (share of every incident with a target)":
        "分类型按时消除率（有时限要求的全部事件中的比例）",
    "Resolution time per type (min, officer-resolved incidents; the share resolved in "
    "brackets)": "分类型处置时间（分钟，队员处置的事件；括号内为处置比例）",
    "By time of day (by_hour.csv, condensed)": "按时段（by_hour.csv，汇总）",
    "When disorder outruns staffing: officers on duty, the chance that a case waits for a "
    "free officer, cases waiting, the 90th-percentile response (detection → arrival) and "
    "the share of incidents ended within target, by band of hours; docs/tables.md explains "
    "each column.": "乱象何时超出警力：按时段列出在岗队员、案件需等待空闲队员的概率、等待"
    "案件数、第 90 百分位响应时间（发现→到场）以及按时消除的事件比例；各列说明见 "
    "docs/tables.md。",
    # summary paragraph
    "{n} scenario(s) simulated for {days} days in {reps} replication(s) each, compared with "
    "the baseline {baseline} under common random numbers.":
        "共 {n} 个方案，各模拟 {days} 天、重复 {reps} 次，在共同随机数下与基准方案 "
        "{baseline} 比较。",
    "{scenario} is better in {better}, worse in {worse} and not significantly different in "
    "{same} of {total} measures.": "{scenario} 在 {total} 项指标中 {better} 项更好、{worse} "
    "项更差、{same} 项无显著差异。",
    "Largest improvement: {measure} ({change}).": "改善最大：{measure}（{change}）。",
    "Largest deterioration: {measure} ({change}).": "恶化最大：{measure}（{change}）。",
    # verdict sentences
    "{scenario}: no significant difference from {baseline} in {noun} ({span}).":
        "{scenario}：{noun}与 {baseline} 无显著差异（{span}）。",
    "{scenario}: {noun} {word} than {baseline} by {amount} ({ci}), {verdict}.":
        "{scenario}：{noun}比 {baseline} {word} {amount}（{ci}），{verdict}。",
    "lower": "低", "higher": "高", "to": "至",
    " Per incident type: better in {better}, worse in {worse} of {n} types.":
        " 分事件类型：{n} 类中 {better} 类更好，{worse} 类更差。",
    " Mixed: better pooled, but worse for most types — read the per-type table.":
        " 结果不一：总体更好，但多数类型更差——请查看分类型表。",
    " Mixed: worse pooled, but better for most types — read the per-type table.":
        " 结果不一：总体更差，但多数类型更好——请查看分类型表。",
    # figure captions
    "Headline measures per scenario: mean over replications with 95 % CI.":
        "各方案首要指标：重复间均值及 95 % 置信区间。",
    "Resolution time (occurrence to resolution) of officer-resolved incidents, replications "
    "pooled. Descriptive only: which incidents get resolved depends on the strategy, so "
    "compare the per-type tables, not this curve.":
        "队员处置事件的处置时间（发生至处置），合并各次重复。仅作描述：哪些事件得到处置取决"
        "于策略，请比较分类型表，而非此曲线。",
    "Open incidents and officers on duty by hour of day: where disorder outruns staffing.":
        "按小时的未消除事件数与在岗队员数：乱象在何时超出警力。",
    "Worst idleness per zone: the longest gap without an officer present (mean over "
    "replications); the brighter the zone, the longer it went unvisited.":
        "各网格最长空巡时间：无队员在场的最长间隔（重复间均值）；颜色越亮，无人巡查越久。",
    "Disorder exposure per zone: hours of visible disorder (mean over replications).":
        "各网格乱象暴露：可见乱象的小时数（重复间均值）。",
    "Share of each zone-hour with an officer present, by hour of day.":
        "按小时的各网格有队员在场的时间比例。",
    "Disorder exposure per incident type and scenario (incident-hours per replication).":
        "各事件类型、各方案的乱象暴露（每次重复的事件小时数）。",
    # figures: titles, axes, legends
    "Scenario": "方案", "value": "数值", "Hour of day (h)": "一天中的小时（时）",
    "Open incidents (mean count)": "未消除事件（平均数）",
    "Open (visible) incidents": "未消除（可见）事件",
    "Officers on duty (mean count)": "在岗队员（平均数）", "Officers on duty": "在岗队员",
    "Disorder vs. staffing by hour of day (mean over days and replications)":
        "按小时的乱象与警力（日与重复间均值）",
    "KPI comparison across scenarios (mean with confidence interval)":
        "各方案指标比较（均值及置信区间）",
    "Resolution time, occurrence to resolution (min)": "处置时间，发生至处置（分钟）",
    "Cumulative share of resolved incidents": "已处置事件累计比例",
    "Resolution time ECDF (replications pooled)": "处置时间经验分布（合并各次重复）",
    "{name} (n={n}, median {med} min)": "{name}（n={n}，中位数 {med} 分钟）",
    "no resolved incidents": "无已处置事件", "no parking data": "无停车数据",
    "Median": "中位数", "median": "中位数", "no data": "无数据",
    "{name} by zone (mean over replications)": "各网格{name}（重复间均值）",
    "x (m)": "x（米）", "y (m)": "y（米）", "Zone": "网格",
    "Covered share of observed time (%)": "观察时间中有人覆盖的比例（%）",
    "Patrol coverage by zone and hour of day": "按网格与小时的巡查覆盖",
    "Legal capacity (100%)": "合法泊位容量（100%）",
    "Parking occupancy by hour of day (mean over zones and replications)":
        "按小时的停车占用率（网格与重复间均值）",
    "Disorder exposure (incident-hours)": "乱象暴露（事件小时）",
    "Max revisit gap": "最长巡查间隔", "Disorder exposure": "乱象暴露",
    "Mean revisit gap": "平均巡查间隔",
}



def current() -> str:
    """The language in force ("en" unless inside :func:`language`)."""
    return _current.get()


@contextlib.contextmanager
def language(lang: str | None) -> Iterator[str]:
    """Write reports and figures in ``lang`` ("en" or "zh"; ``None`` keeps the current)."""
    lang = lang or current()
    if lang not in LANGS:
        raise ValueError(f"unknown report language {lang!r}; expected one of {LANGS}")
    token = _current.set(lang)
    try:
        yield lang
    finally:
        _current.reset(token)


def t(text: str, **values: Any) -> str:
    """``text`` in the current language, with ``{name}`` fields filled from ``values``."""
    out = ZH.get(text, text) if current() == "zh" else text
    return out.format(**values) if values else out


def unit(text: str) -> str:
    """A unit in the current language."""
    from sim.metrics.registry import UNITS_ZH

    return UNITS_ZH.get(text, text) if current() == "zh" else text


def measure_label(name: str, with_unit: bool = True) -> str:
    """A measure's readable label in the current language (registry), with its unit."""
    from sim.metrics import registry

    if with_unit:
        return registry.label(name, current())
    return registry.short_label(name, current())


def type_labels(scenarios: Sequence[Any]) -> dict[str, str]:
    """Incident-type key → the scenario's ``label:`` (the key when none), first scenario
    that labels a type wins."""
    out: dict[str, str] = {}
    for scenario in scenarios:
        for key, spec in scenario.incidents.items():
            if out.get(key, key) == key:  # not labelled yet
                out[key] = spec.label or key
    return out

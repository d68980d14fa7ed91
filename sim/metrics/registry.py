"""The measures registry: every measure defined once — name, label, unit, direction, meaning.

Tables, verdicts, plots, sweeps, the report and ``docs/measures.md`` all read this list; a
measure is added here and nowhere else. The order is the order of reports: the *headline*
measures come first. A headline measure compares the same population in every scenario
(every zone-hour, or every incident the district produced, which under common random numbers
is the same in every scenario), so a strategy cannot look better by changing which incidents
are counted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Better = Literal["lower", "higher", "neither"]
Role = Literal["headline", "secondary", "descriptive"]


@dataclass(frozen=True)
class Measure:
    """One measure (a column of ``summary.csv``, one value per replication).

    Attributes:
        name: Column name.
        label: Short readable name for tables and axes.
        unit: Unit as a reader would say it.
        better: Which direction is better ("neither": no verdict, only higher/lower).
        role: "headline" (leads every verdict; same population in every scenario),
            "secondary" (a verdict, after the headline) or "descriptive" (no verdict: its
            population or meaning depends on the strategy).
        definition: One or two sentences a planner understands.
        verb: Verdict phrase, e.g. ("leaves", "less", "more", "disorder exposure"): "B leaves
            12 % less disorder exposure than A".
        key: Shown in the terminal table of ``sim run`` and the report's key table.
    """

    name: str
    label: str
    unit: str
    better: Better
    role: Role
    definition: str
    verb: tuple[str, str, str, str] | None = None
    key: bool = False

    @property
    def lower_is_better(self) -> bool | None:
        return None if self.better == "neither" else self.better == "lower"


def _m(name: str, label: str, unit: str, better: Better, role: Role, definition: str,
       verb: tuple[str, str, str, str] | None = None, key: bool = False) -> Measure:
    return Measure(name, label, unit, better, role, " ".join(definition.split()), verb, key)


MEASURES: tuple[Measure, ...] = (
    # -- headline: the same population in every scenario ---------------------------------
    _m("exposure_h_per_day", "Disorder exposure", "incident-hours per day", "lower", "headline",
       """Hours of visible disorder per day: for every incident, whatever ended it (an
       officer, the offender leaving, the shop) or still open at the end, the time it was
       visible inside the observation window, summed.""",
       ("leaves", "less", "more", "disorder exposure (incident-hours)"), key=True),
    _m("time_to_end_mean_min", "Time to end of disorder", "min", "lower", "headline",
       """Mean time from occurrence until the disorder ended — by an officer, by itself or by
       the shop — over every exogenous incident (those the district produces whatever the
       officers do) that occurred in the arrival window. Times are capped at the cool-down,
       so an incident still open then counts the cool-down (a restricted mean): nothing is
       dropped and the result does not depend on the run length.""",
       ("ends disorder", "faster", "slower", ""), key=True),
    _m("sla_attainment", "Ended within target", "share", "higher", "headline",
       """Share of exogenous incidents of the types with a service target (sla_min) whose
       disorder ended within the target after occurrence. Every incident counts: one that
       lasted past its target is a miss whether an officer, the offender or the shop ended
       it, so earlier detection or more officers can only raise it.""",
       ("meets the service target", "less often", "more often", ""), key=True),
    _m("coverage_share", "Coverage", "share of zone-hours", "higher", "headline",
       """Share of zone-hours with at least one officer present in the zone: patrolling,
       posted, on a job, or passing through.""",
       ("covers", "fewer", "more", "zone-hours"), key=True),
    _m("night_coverage_share", "Night coverage (20:00–06:00)", "share of zone-hours", "higher",
       "headline", """Coverage counted only over the night hours 20:00–06:00.""",
       ("covers", "fewer", "more", "night zone-hours (20:00–06:00)"), key=True),
    _m("worst_idleness_min", "Worst zone idleness", "min", "lower", "headline",
       """The longest time any zone went without an officer present (the worst gap).""",
       ("leaves zones unvisited", "for shorter", "for longer", "(worst gap)")),
    # -- secondary: a verdict, but read it after the headline ----------------------------
    _m("resolution_std_mean_min", "Resolution time, mix-standardised", "min", "lower",
       "secondary",
       """Mean time from occurrence to resolution of officer-resolved incidents computed per
       incident type, then averaged with type weights that are the same for every scenario
       of a comparison (each type's share of all exogenous incidents, pooled over the
       scenarios and replications compared). Unlike a pooled mean it cannot improve just
       because a strategy resolves more of the quick types.""",
       ("resolves the incidents it resolves", "faster", "slower", "(per type, standardised)"),
       key=True),
    _m("share_detected", "Share detected", "share", "higher", "secondary",
       """Share of exogenous incidents in the arrival window that an officer, a camera, a
       complaint or a further detection layer (`detection.channels`: reporting it, or ending
       it itself) found; the shop fixing its own disorder does not count.""",
       ("detects", "fewer", "more", "incidents")),
    _m("mean_idleness_min", "Mean zone idleness", "min", "lower", "secondary",
       """Time-average, over zones and time, of how long ago an officer was last present.""",
       ("leaves zones unvisited", "for shorter", "for longer", "on average")),
    _m("parking_illegal_share", "Illegal parking share", "share", "lower", "secondary",
       """Share of arriving drivers who parked illegally (parking model).""",
       ("has", "fewer", "more", "drivers parking illegally")),
    _m("vendor_trading_h_per_day", "Vendor trading", "hours per day", "lower", "secondary",
       """Hours per day that vendors traded (vendor model).""",
       ("has", "less", "more", "vendor trading (hours per day)")),
    _m("shop_repeat_offence_share", "Repeat offences at shops", "share", "lower", "secondary",
       """Share of shop-front offences (door-front model) in the arrival window committed by a
       shop that had offended before in the run: how much of the disorder comes back from
       the same shops.""",
       ("has", "fewer", "more", "repeat offences at shops")),
    _m("case_closed_share", "Cases closed (workflow)", "share", "higher", "secondary",
       """Case workflow only: share of the cases filed in the arrival window that the command
       room had closed (handled, reported back, checked, closed) by the end of the run; a
       case still open then counts as not closed. Bureaus publish it (e.g. ≥ 95 %).""",
       ("closes", "fewer", "more", "of its cases")),
    _m("case_on_time_share", "Cases closed on time (workflow)", "share", "higher",
       "secondary",
       """Case workflow only: share of the cases filed in the arrival window, of the classes
       with a whole-case limit, closed within it (filed → closed, in working or calendar
       hours as the class says); a case still open when its limit ran out is late, one still
       within it at the end of the run is left out. `case_on_time.<class>` per class; per
       step in workflow.csv.""", ("closes", "fewer", "more", "cases on time")),
    _m("case_targets_met", "Bureau targets met (workflow)", "share of replications",
       "higher", "secondary",
       """Case workflow only: 1 if the replication met both published targets of the
       scenario (cases closed ≥ target_closed_share and mean case time ≤
       target_case_time_h), else 0; its mean is the share of replications that met them.""",
       ("meets the bureau's targets", "less often", "more often", "")),
    # -- descriptive: no verdict ----------------------------------------------------------
    _m("incidents_per_day", "Incidents", "per day", "neither", "descriptive",
       """Incidents that occurred per day in the arrival window (all sources: the exogenous
       ones, recurrences, vendors setting up, illegally parked vehicles)."""),
    _m("share_resolved", "Resolved by officers", "share", "neither", "descriptive",
       """Share of incidents in the arrival window that an officer resolved (the rest fled,
       cleared by themselves, were fixed by the shop or were still open)."""),
    _m("resolution_mean_min", "Resolution time, pooled (resolved only)", "min", "neither",
       "descriptive",
       """Mean occurrence → resolution over officer-resolved incidents, all types pooled.
       Which incidents get resolved depends on the strategy, so this mixes different
       populations: compare it per type (by_type.csv) or use the mix-standardised mean."""),
    _m("resolution_p90_min", "Resolution time p90, pooled (resolved only)", "min", "neither",
       "descriptive", """90th percentile of occurrence → resolution, officer-resolved
       incidents pooled (same caveat as the pooled mean)."""),
    _m("detection_delay_mean_min", "Detection delay (resolved)", "min", "neither",
       "descriptive", """Occurrence → detection, mean over officer-resolved incidents."""),
    _m("dispatch_wait_mean_min", "Dispatch wait (resolved)", "min", "neither", "descriptive",
       """Detection → dispatch (the command room's handling and the wait for a free
       officer), mean over officer-resolved incidents."""),
    _m("travel_mean_min", "Travel (resolved)", "min", "neither", "descriptive",
       """Dispatch → arrival of the first visit, mean over officer-resolved incidents."""),
    _m("on_scene_mean_min", "On-scene work (resolved)", "min", "neither", "descriptive",
       """Arrival → end of the first visit's work (the notice, where a deadline was given),
       mean over officer-resolved incidents."""),
    _m("rectification_mean_min", "Rectification period (resolved)", "min", "neither",
       "descriptive", """Notice → arrival of the re-inspection (the deadline, then the wait
       and travel of the re-inspection); zero where no deadline was given."""),
    _m("reinspection_mean_min", "Re-inspection (resolved)", "min", "neither", "descriptive",
       """Arrival of the re-inspection → resolution; zero where no deadline was given."""),
    _m("share_found_patrol", "Found by patrol", "share", "neither", "descriptive",
       """Share of incidents first detected by an officer on patrol."""),
    _m("share_found_camera", "Found by camera", "share", "neither", "descriptive",
       """Share of incidents first reported by a camera."""),
    _m("share_found_complaint", "Found by complaint", "share", "neither", "descriptive",
       """Share of incidents first reported by the public (hotline)."""),
    _m("cases_per_day", "Cases filed (workflow)", "per day", "neither", "descriptive",
       """Case workflow only: cases the command room filed (or an officer found and
       handled) per day of the arrival window; reopened cases are not counted again."""),
    _m("case_time_mean_h", "Mean case time (workflow)", "hours", "neither", "descriptive",
       """Case workflow only: mean time from filing to closing over the cases filed in the
       arrival window, capped at the cool-down (a case still open counts the cool-down: a
       restricted mean). Which incidents become cases depends on detection, so it gets no
       verdict; compare it with the published target (e.g. ≤ 7 h)."""),
    _m("case_reopened_share", "Cases reopened (workflow)", "share", "neither", "descriptive",
       """Case workflow only: share of the cases filed in the arrival window whose check
       failed at least once (reopened and dispatched again)."""),
    _m("utilisation", "Officer utilisation", "share", "neither", "descriptive",
       """Share of on-duty time spent on jobs (travel to them and work on scene)."""),
    _m("staff_hours_per_week", "Staff-hours", "per week", "neither", "descriptive",
       """Officer-hours on duty per week, overtime included: the cost of a strategy."""),
    _m("carded_shops", "Carded shops", "shops", "neither", "descriptive",
       """Contracted shops that held a yellow or red card at an officer's visit in the
       observation window (door-front points scheme)."""),
    _m("sanction_deterred_per_day", "Offences deterred by cards", "per day", "neither",
       "descriptive", """Shop-front offences per day that a carded shop gave up
       (``cards.sanction_effect``): they never happened."""),
    _m("overtime_h", "Overtime", "hours", "neither", "descriptive",
       """Hours worked past the end of shifts (finishing a job) in the observation window."""),
)

BY_NAME: dict[str, Measure] = {m.name: m for m in MEASURES}

BY_TYPE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("incidents", "incidents of the type in the arrival window"),
    ("share_exogenous", "share of them produced by the district whatever the officers do"),
    ("time_to_end_mean_min", "time to end of disorder, capped at the cool-down (minutes)"),
    ("sla_target_min, sla", "the type's service target and the share that ended within it"),
    ("exposure_h", "hours of visible disorder of the type in the observation window"),
    ("share_<outcome>", "resolved, fled, self_cleared, merchant_fixed, open_at_end"),
    ("share_found_<channel>", "first detected by patrol, camera, complaint, merchant, none"),
    ("resolved, share_resolved", "officer-resolved incidents: count and share"),
    ("resolution_mean_min, resolution_p90_min", "occurrence → resolution, resolved only"),
    ("detection_mean_min … reinspection_mean_min", "the parts of the resolution time: "
     "detection, dispatch wait, travel, on-scene work, rectification period (notice → "
     "re-inspection), re-inspection; for every resolved incident they add up to its "
     "resolution time"),
)


def get(name: str) -> Measure:
    """The measure called ``name`` (KeyError with the known names if there is none)."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown measure {name!r}; known: {', '.join(BY_NAME)}") from None


def names(role: Role | None = None, *, key: bool | None = None) -> list[str]:
    """Measure names in report order, optionally only one role or only key measures."""
    return [m.name for m in MEASURES
            if (role is None or m.role == role) and (key is None or m.key == key)]


def with_verdict() -> list[str]:
    """Measures that get a better/worse verdict: headline first, then secondary."""
    return names("headline") + names("secondary")


def directions(columns: Iterable[str]) -> dict[str, bool | None]:
    """Per column: True if lower is better, False if higher is, None for no direction.

    Per-type columns (``sla.<type>``) take the direction of their family.
    """
    out: dict[str, bool | None] = {}
    for column in columns:
        measure = measure_of(column)
        out[column] = measure.lower_is_better if measure is not None else None
    return out


FAMILIES = {"sla": "sla_attainment", "time_to_end": "time_to_end_mean_min",
            "case_on_time": "case_on_time_share"}

# Shorter names a planner may write for a measure (targets, --measure): the column they mean.
ALIASES = {"coverage": "coverage_share", "night_coverage": "night_coverage_share"}


def canonical(name: str) -> str:
    """The column a measure name means (an alias replaced; other names as they are)."""
    return ALIASES.get(name, name)


def measure_of(column: str) -> Measure | None:
    """The measure a summary column belongs to (per-type columns: their family), or None."""
    family = column.split(".", 1)[0]
    return BY_NAME.get(column) or (BY_NAME.get(FAMILIES[family]) if family in FAMILIES else None)


# Chinese labels of the measures (the report's ``--lang zh``), and of their units.
LABELS_ZH: dict[str, str] = {
    "exposure_h_per_day": "乱象暴露",
    "time_to_end_mean_min": "乱象消除时间",
    "sla_attainment": "按时消除率",
    "coverage_share": "巡查覆盖率",
    "night_coverage_share": "夜间覆盖率（20:00–06:00）",
    "worst_idleness_min": "网格最长空巡时间",
    "resolution_std_mean_min": "处置时间（按类型结构标准化）",
    "share_detected": "发现率",
    "mean_idleness_min": "网格平均空巡时间",
    "parking_illegal_share": "违法停车比例",
    "vendor_trading_h_per_day": "流动摊贩经营时长",
    "incidents_per_day": "事件数",
    "share_resolved": "队员处置比例",
    "resolution_mean_min": "处置时间（合并，仅已处置）",
    "resolution_p90_min": "处置时间 p90（合并，仅已处置）",
    "detection_delay_mean_min": "发现延迟（已处置）",
    "dispatch_wait_mean_min": "派遣等待（已处置）",
    "travel_mean_min": "途中时间（已处置）",
    "on_scene_mean_min": "现场处置（已处置）",
    "rectification_mean_min": "整改期（已处置）",
    "reinspection_mean_min": "复查（已处置）",
    "share_found_patrol": "巡查发现比例",
    "share_found_camera": "视频发现比例",
    "share_found_complaint": "投诉发现比例",
    "utilisation": "队员利用率",
    "staff_hours_per_week": "工时",
    "overtime_h": "加班",
    "shop_repeat_offence_share": "商户重复违规比例",
    "carded_shops": "被亮牌商户数",
    "case_closed_share": "结案率（案件流程）",
    "case_on_time_share": "按期结案率（案件流程）",
    "case_targets_met": "考核目标达成（案件流程）",
    "cases_per_day": "立案数（案件流程）",
    "case_time_mean_h": "平均结案时长（案件流程）",
    "case_reopened_share": "核查不通过返工比例（案件流程）",
    "sanction_deterred_per_day": "因亮牌而减少的违规",
}
UNITS_ZH: dict[str, str] = {
    "min": "分钟", "h": "小时", "hours": "小时", "share": "比例", "count": "个数",
    "per day": "每天", "per week": "每周", "incident-hours per day": "事件小时/天",
    "share of zone-hours": "网格小时比例", "share of replications": "重复运行比例", "hours per day": "小时/天", "km": "公里",
    "shops": "家",
}


def label(column: str, lang: str = "en") -> str:
    """A readable label with unit for a measure column (per-type columns: "…: <type>"), in
    English or Chinese (``lang="zh"``)."""
    m = measure_of(column)
    if m is None:
        return column
    name, unit = m.label, m.unit
    if lang == "zh":
        name, unit = LABELS_ZH.get(m.name, name), UNITS_ZH.get(unit, unit)
    if "." in column:
        name = f"{name}: {column.split('.', 1)[1]}"
    return f"{name} ({unit})"


def short_label(name: str, lang: str = "en") -> str:
    """A measure's label without unit, in English or Chinese."""
    m = measure_of(name)
    if m is None:
        return name
    return LABELS_ZH.get(m.name, m.label) if lang == "zh" else m.label


_MARKDOWN_INTRO = (
    "# Measures reference",
    "",
    "<!-- Generated by `sim measures -o docs/measures.md` from sim/metrics/registry.py;"
    " do not edit by hand. -->",
    "",
    "Every number `sim` reports is one of these measures, one value per replication "
    "(`summary.csv`), then a mean and confidence interval over replications (`kpis.csv`, "
    "`comparison.csv`) and paired differences between scenarios (`differences.csv`).",
    "",
    "**Headline** measures count the same population in every scenario — every "
    "zone-hour, or every incident the district produced (under common random numbers "
    "the same incidents occur in every scenario) — so they lead every verdict. "
    "**Secondary** measures also get a verdict, read after the headline. "
    "**Descriptive** measures get none: which incidents they average over depends on "
    "the strategy, so a difference in them can be a change of mix, not of service.",
    "",
    "Where measures look: the *observation window* runs from the end of the warm-up "
    "(`clock.warmup_days`) to the end of the run; incident measures count the incidents "
    "that occur in the *arrival window*, from the end of the warm-up to the end of the "
    "run less the cool-down (`clock.cooldown_days`), so every counted incident is "
    "followed for at least the cool-down. *Exogenous* incidents are those the district "
    "produces whatever the officers do (the incident catalog and charging wires); "
    "recurrences, vendors setting up and illegally parked vehicles respond to the "
    "officers and are counted in exposure and in the per-type tables, not in the pooled "
    "time to end or service target.",
    "",
    "Per-type detail of every pooled incident measure is in `by_type.csv`; "
    "`summary.csv` also has `sla.<type>` (the service target per type).",
    "",
)
"""The top of ``docs/measures.md``: what a measure is, the roles, the windows."""

_BY_TYPE_INTRO = ("## Per incident type (`by_type.csv`)", "",
                  "One row per scenario × replication × incident type, over every incident of "
                  "the type that occurred in the arrival window (all sources; "
                  "`share_exogenous` says how many of them are exogenous):", "")

_ROLE_TITLES = (("headline", "Headline"), ("secondary", "Secondary"),
                ("descriptive", "Descriptive"))


def markdown() -> str:
    """``docs/measures.md``: the measures reference, generated from this registry."""
    by_type = [f"- `{name}`: {text}" for name, text in BY_TYPE_COLUMNS]
    roles = [line for role, title in _ROLE_TITLES for line in _role_table(role, title)]
    aliases = ["Shorter names accepted in targets and `--measure`: " + ", ".join(
        f"`{short}` for `{name}`" for short, name in ALIASES.items()) + ".", ""]
    return "\n".join([*_MARKDOWN_INTRO, *_BY_TYPE_INTRO, *by_type, "", *aliases, *roles])


def _role_table(role: str, title: str) -> list[str]:
    """The section of one role: a table row per measure, in registry order."""
    return [f"## {title}", "", "| measure | unit | better | meaning |", "|---|---|---|---|",
            *(f"| `{m.name}` — {m.label} | {m.unit} | {m.better} | {m.definition} |"
              for m in MEASURES if m.role == role), ""]

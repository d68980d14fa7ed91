"""Report sections of the case workflow (workflow.csv) and the detection layers (by_channel.csv).

Both appear only when a compared scenario has a ``workflow:`` section or further detection
layers; otherwise the report is unchanged.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from sim.experiment.compare import Comparison
from sim.report.tables import table_frame

Block = tuple[str, Any]

WORKFLOW_INTRO = (
    "Per case class and step of the case workflow (found → filed → dispatched → handled → "
    "reported back → checked → closed; `case` is filed → closed), over the cases filed in "
    "the arrival window: mean duration (hours, clock time), the step's time limit and the "
    "share done within it (means over replications). A step a case skipped (no dispatch for "
    "an incident that ended first) is left out; one still running at the end of the run "
    "counts as late once its limit ran out. workflow.csv has every replication, cases.csv "
    "every case.")
CHANNEL_INTRO = (
    "Incidents of the arrival window per type, by the channel that found them first (or "
    "ended them itself: the shop, a handling layer), mean per replication: what each layer "
    "catches that the others missed. `none`: nobody found it before it ended or the run "
    "stopped. by_channel.csv has every replication.")


def workflow_blocks(comparison: Comparison) -> list[Block]:
    """The case-workflow and per-channel sections, when the frames have them."""
    return _workflow_section(comparison) + _channel_section(comparison)


def _workflow_section(comparison: Comparison) -> list[Block]:
    """Targets per scenario and the step table (workflow.csv), when there is one."""
    steps = comparison.frames.extra.get("workflow")
    if steps is None or steps.empty:
        return []
    return [("h2", "Case workflow per class and step (workflow.csv)"), ("p", WORKFLOW_INTRO),
            ("ul", target_lines(comparison)), ("table", table_frame(step_summary(steps)))]


def _channel_section(comparison: Comparison) -> list[Block]:
    """Per scenario, incidents by the channel that found them (by_channel.csv), if any."""
    channels = comparison.frames.extra.get("by_channel")
    if channels is None or channels.empty:
        return []
    out: list[Block] = [("h2", "Found by channel, per type (by_channel.csv)"),
                        ("p", CHANNEL_INTRO)]
    for scenario, table in channel_summary(channels).items():
        out += [("p", f"Scenario {scenario}:"), ("table", table_frame(table))]
    return out


def target_lines(comparison: Comparison) -> list[str]:
    """Per scenario with a workflow: closed share and mean case time against its targets."""
    summary = comparison.frames.summary
    lines = [_target_line(s, summary[summary["scenario"] == s.name])
             for s in comparison.scenarios]
    return [line for line in lines if line]


def _target_line(scenario: Any, rows: pd.DataFrame) -> str:
    """The scenario's case targets and how its replications met them ("" without workflow)."""
    spec = scenario.workflow
    if spec is None or "case_closed_share" not in rows or rows.empty:
        return ""
    closed, hours = rows["case_closed_share"].mean(), rows["case_time_mean_h"].mean()
    met = rows["case_targets_met"].mean()
    return (f"{scenario.name}: {closed:.1%} of cases closed (target ≥ "
            f"{spec.target_closed_share:.0%}), mean case time {hours:.1f} h (target ≤ "
            f"{spec.target_case_time_h:g} h), both met in {met:.0%} of replications; "
            f"{rows['case_on_time_share'].mean():.1%} closed within their class's limit, "
            f"{rows['case_reopened_share'].mean():.1%} reopened after a failed check.")


def step_summary(steps: pd.DataFrame) -> pd.DataFrame:
    """Scenario × class × step: cases, mean hours, limit and on-time share (replication means)."""
    keys = ["scenario", "class", "step"]
    means = steps.groupby(keys, sort=False)[["cases", "mean_h", "limit_h", "on_time"]].mean()
    basis = steps.groupby(keys, sort=False)["basis"].first()
    out = means.join(basis).reset_index()
    out["limit"] = [("" if pd.isna(h) else f"{h:g} h {b}") for h, b in
                    zip(out.pop("limit_h"), out.pop("basis"))]
    return out.rename(columns={"mean_h": "mean hours", "on_time": "on time"})[
        ["scenario", "class", "step", "cases", "mean hours", "limit", "on time"]]


def channel_summary(channels: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Per scenario: types × channels, mean incidents per replication."""
    return {str(scenario): _channel_table(frame)
            for scenario, frame in channels.groupby("scenario", sort=False)}


def _channel_table(frame: pd.DataFrame) -> pd.DataFrame:
    """One scenario's types × channels table of mean incidents."""
    return frame.pivot_table(index="type", columns="channel", values="incidents",
                             aggfunc="mean", sort=False).reset_index()

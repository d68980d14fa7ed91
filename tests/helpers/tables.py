"""Checks of the planner's tables that tests may reuse on any replication's frames."""

from __future__ import annotations

import pytest


def check_tables(frames) -> None:
    """The planner's tables keep the books (also run on generated scenarios, test_properties)."""
    inc, summary = frames.incidents, frames.summary.iloc[0]
    filed = inc[inc["t_queued"].notna()]
    assert (filed["t_detect"] <= filed["t_queued"] + 1e-9).all()
    sent = filed[filed["t_dispatch"].notna()]
    assert (sent["t_queued"] <= sent["t_dispatch"] + 1e-9).all()
    hour = frames.extra["by_hour"]
    assert hour["incidents"].sum() == summary["incidents"]
    assert frames.extra["by_zone"]["incidents"].sum() == summary["incidents"]
    assert hour["on_duty_min"].sum() / 60.0 == pytest.approx(summary["staff_hours"], abs=1e-6)
    assert (hour["busy_min"] <= hour["on_duty_min"] + 1e-6).all()  # nobody busy twice at once
    assert ((hour["p_wait"].isna()) | hour["p_wait"].between(0.0, 1.0)).all()
    seen = hour[hour["observed_min"] > 0]  # a short window may not reach every hour of day
    assert (seen["queue_mean"] >= 0).all() and (seen["officers_on_duty"] >= 0).all()
    assert hour.loc[hour["observed_min"] == 0, "queue_mean"].isna().all()
    group = frames.extra["by_group"]
    assert group["first_responses"].sum() == frames.extra["by_zone"]["first_responses"].sum()
    share = group["out_of_area_share"].dropna()
    assert share.between(0.0, 1.0).all()

"""The report's displacement section: the WDD table of ``sim.metrics.displacement``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sim.report.tables import table_frame

if TYPE_CHECKING:
    from sim.experiment.compare import Comparison

Block = tuple[str, Any]

COLUMNS = {"scenario": "scenario", "target_zones": "target zones",
           "neighbour_zones": "neighbours", "control_zones": "control",
           "target_before": "target, baseline", "target_after": "target, strategy",
           "local": "local", "displacement": "displacement", "wdd": "WDD",
           "ci_low": "CI low (Poisson)", "ci_high": "CI high (Poisson)",
           "ci_low_paired": "CI low (paired)", "ci_high_paired": "CI high (paired)"}

INTRO = (
    "Weighted displacement difference (Wheeler & Ratcliffe 2018; displacement.csv), incidents "
    "per run: target = zones where the strategy has at least 1.25 × the baseline's officer "
    "presence, neighbours = the zones around them, control = the rest (scaled to each group's "
    "number of zones). WDD = local change (target vs control) + displacement term (neighbours "
    "vs control); negative = fewer incidents than the control predicts, a negative "
    "displacement term = diffusion of benefits, positive = displacement. The Poisson interval "
    "is the paper's; the paired interval uses the replications (common random numbers). "
    "docs/validation.md explains the method.")


def displacement_blocks(comparison: Comparison) -> list[Block]:
    """The WDD section, or nothing when no strategy adds presence anywhere."""
    table = comparison.displacement
    if table is None or table.empty:
        return []
    shown = table[[c for c in COLUMNS if c in table.columns]].rename(columns=COLUMNS)
    return [("h2", "Displacement (weighted displacement difference)"), ("p", INTRO),
            ("table", table_frame(shown))]
